// The threaded WorkspaceWatcher (the window's) against writers on other threads, each with its
// own connection, as workers and the CLI write: every metric row arrives once and in order,
// a pollSoon() never lets an older job snapshot through, and destroying a watcher while it
// polls joins cleanly. Written for ThreadSanitizer (packaging/tsan.sh) as much as for the
// behaviour: the waits are event-driven with generous limits, never timing thresholds.
#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <string>
#include <thread>

#include "common/Error.h"
#include "jobs/WorkspaceWatcher.h"
#include "store/Workspace.h"

namespace {

using nas::ui::WorkspaceWatcher;

constexpr int kWaitMs = 120000;  // a loaded 2-core machine under TSan, not an expectation

// Runs fn on a thread of its own; what it throws is kept as text (nothing crosses a thread).
class Writer {
 public:
  template <class Fn>
  explicit Writer(Fn fn)
      : thread_([this, fn] {
          try {
            fn();
          } catch (const std::exception& e) {
            error_ = e.what();
          }
        }) {}
  ~Writer() { join(); }
  std::string join() {
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  std::string error_;
  std::thread thread_;
};

TEST(WorkspaceWatcherThreads, RowsWrittenOnAnotherThreadArriveOnceAndInOrder) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("watched.nasdb"));
  auto ws = nas::Workspace::open(path.toStdString());
  const nas::JobId job = ws->createJob("train", "{}");

  WorkspaceWatcher watcher(path, 5);
  int polls = 0;
  std::vector<nas::Workspace::MetricRow> rows;
  QObject::connect(&watcher, &WorkspaceWatcher::jobsPolled, [&](const nas::ui::JobSnapshot&) { ++polls; });
  QObject::connect(&watcher, &WorkspaceWatcher::metricsPolled,
                   [&](const nas::ui::MetricRows& r) { rows.insert(rows.end(), r.begin(), r.end()); });
  // Rows stored before the first poll are history, which the watcher does not send.
  ASSERT_TRUE(QTest::qWaitFor([&] { return polls > 0; }, kWaitMs));

  constexpr int kBatches = 40, kPerBatch = 25, kRows = kBatches * kPerBatch;
  Writer writer([&] {
    auto own = nas::Workspace::open(path.toStdString());
    for (int b = 0; b < kBatches; ++b) {
      std::vector<nas::MetricPoint> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const int step = b * kPerBatch + i;
        batch.push_back({"train_loss", step, 0.5 * step});
      }
      own->appendMetrics(job, batch);
    }
  });
  const bool all = QTest::qWaitFor([&] { return rows.size() >= static_cast<std::size_t>(kRows); }, kWaitMs);
  EXPECT_EQ(writer.join(), "");
  ASSERT_TRUE(all) << rows.size() << " of " << kRows << " rows arrived";
  // Two more complete polls: a row sent twice would show up here.
  const int after = polls;
  watcher.pollSoon();
  ASSERT_TRUE(QTest::qWaitFor([&] { return polls >= after + 2; }, kWaitMs));

  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(rows[i].job, job);
    EXPECT_EQ(rows[i].point.step, i);
    EXPECT_EQ(rows[i].point.value, 0.5 * i);
    if (i > 0) {
      EXPECT_GT(rows[i].rowId, rows[i - 1].rowId);
    }
  }
}

// pollSoon() after creating a job: the first snapshot delivered after it has the job, even
// while the poll thread is busy (a snapshot taken before the job existed must not take its
// row away again in the window).
TEST(WorkspaceWatcherThreads, NoSnapshotOlderThanPollSoonIsDelivered) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("soon.nasdb"));
  auto ws = nas::Workspace::open(path.toStdString());
  WorkspaceWatcher watcher(path, 1);
  nas::ui::JobSnapshot last;
  int snapshots = 0;
  QObject::connect(&watcher, &WorkspaceWatcher::jobsPolled, [&](const nas::ui::JobSnapshot& j) {
    last = j;
    ++snapshots;
  });
  ASSERT_TRUE(QTest::qWaitFor([&] { return snapshots > 0; }, kWaitMs));
  for (int k = 1; k <= 20; ++k) {
    SCOPED_TRACE(k);
    ws->createJob("train", "{}");
    watcher.pollSoon();
    const int before = snapshots;
    ASSERT_TRUE(QTest::qWaitFor([&] { return snapshots > before; }, kWaitMs));
    EXPECT_EQ(last.size(), static_cast<std::size_t>(k));
  }
}

// Watchers come and go (a workspace switch) while another thread writes: each stops its poll
// thread and closes its connection; the writer never sees an error.
TEST(WorkspaceWatcherThreads, DestroyedWhilePollingWhileAnotherThreadWrites) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("churn.nasdb"));
  const nas::JobId job = nas::Workspace::open(path.toStdString())->createJob("train", "{}");
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  Writer writer([&] {
    auto own = nas::Workspace::open(path.toStdString());
    for (int step = 0; !stop.load(); ++step) {
      own->appendMetrics(job, {{"train_loss", step, 1.0}});
      written.fetch_add(1);
    }
  });
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE(round);
    WorkspaceWatcher watcher(path, 1);
    int polls = 0;
    std::size_t rows = 0;
    QObject::connect(&watcher, &WorkspaceWatcher::jobsPolled, [&](const nas::ui::JobSnapshot&) { ++polls; });
    QObject::connect(&watcher, &WorkspaceWatcher::metricsPolled,
                     [&](const nas::ui::MetricRows& r) { rows += r.size(); });
    const int target = written.load() + 5;
    // Polling while rows arrive, then destroyed with its timer running.
    ASSERT_TRUE(QTest::qWaitFor([&] { return polls >= 2 && written.load() >= target; }, kWaitMs));
  }
  stop = true;
  EXPECT_EQ(writer.join(), "");
  EXPECT_GT(written.load(), 0);
}

}  // namespace
