// Concurrency (issue 19): two worker processes run queued jobs of one workspace while this
// process keeps queueing more and a reader thread polls the file exactly as the window's
// WorkspacePoller does (its own read-only Workspace: jobs, metric rows since the last poll,
// log lines since the last poll, the architecture count). Checks: no read or write ever fails
// ("database is locked" or anything else), every job ends done, and no write is lost: the
// reader saw every metric row the table holds, once and in order, and each job holds the
// rows its spec implies. The suite runs it for a few seconds; tests/soak/concurrency_soak.sh
// sets NAS_CONCURRENCY_SECONDS=600.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "SoakSupport.h"
#include "store/Workspace.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TEST(CliConcurrency, TwoWorkersWriteWhileTheWindowReads) {
  const char* env = std::getenv("NAS_CONCURRENCY_SECONDS");
  const int seconds = env && *env ? std::atoi(env) : 6;
  const fs::path dir = fs::temp_directory_path() / ("nas-concurrency-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasdb").string();

  // Two kinds of job: a tabular search (samples, evaluations, architectures, a checkpoint per
  // query batch) and a small training (metric points, checkpoint BLOBs). This process queues
  // them itself, as the window does (a third writer, and quicker than starting the CLI).
  const int queries = 60;
  auto ownWs = Workspace::open(ws);
  std::vector<std::pair<std::int64_t, bool>> jobs;  // id, is tabular
  auto submit = [&](int n) {
    const bool isTabular = n % 2 == 0;
    const Json params = isTabular ? Json{{"queries", queries}, {"seeds", 1}, {"seed", n}}
                                  : Json{{"dataset", "synthetic"}, {"epochs", 1}, {"train_limit", 256}, {"channels", 4},
                                         {"cells", 1}, {"batch_size", 16}, {"threads", 1}, {"checkpoint_every", 2},
                                         {"seed", n}};
    const std::string method = isTabular ? "tabular-search" : "train";
    try {
      jobs.emplace_back(ownWs->createJob(method, Json{{"method", method}, {"params", params}}.dump()), isTabular);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "queueing a job failed: " << e.what();
    }
  };
  for (int n = 0; n < 4; ++n) submit(n);

  // The window's read path, on its own thread and connection.
  std::atomic<bool> stop{false};
  std::mutex m;
  std::vector<std::string> readErrors;
  std::vector<std::int64_t> seenRows;
  std::int64_t polls = 0;
  std::thread reader([&] {
    std::unique_ptr<Workspace> rw;
    std::int64_t lastRow = -1, lastLog = 0;
    while (!stop.load()) {
      try {
        if (!rw) rw = Workspace::open(ws, Workspace::Mode::ReadOnly);
        if (lastRow < 0) {
          lastRow = 0;  // unlike the window, read the history too: every row must be seen
        }
        const auto rows = rw->metricsSince(lastRow);
        for (const auto& r : rows) seenRows.push_back(r.rowId);
        if (!rows.empty()) lastRow = rows.back().rowId;
        const auto lines = rw->jobLogSince(lastLog);
        if (!lines.empty()) lastLog = lines.back().id;
        (void)rw->jobs();
        (void)rw->architectureCount();
        ++polls;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(m);
        readErrors.push_back(e.what());
        rw.reset();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  const std::string log1 = (dir / "worker1.log").string(), log2 = (dir / "worker2.log").string();
  const std::vector<std::string> common = {"worker", "--workspace", ws, "--exit-when-idle", "--poll-ms", "50"};
  auto args = [&](const char* name) {
    auto a = common;
    a.insert(a.end(), {"--name", name});
    return a;
  };
  const pid_t w1 = spawnCli(args("w1"), log1), w2 = spawnCli(args("w2"), log2);
  ASSERT_GT(w1, 0);
  ASSERT_GT(w2, 0);
  // Keep both workers busy: a new job whenever fewer than four wait.
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  int n = 4;
  while (Clock::now() < end) {
    std::int64_t queued = 0;
    try {
      for (const auto& j : ownWs->jobs()) queued += j.status == JobStatus::Queued;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "reading the queue failed: " << e.what();
    }
    for (; queued < 4; ++queued) submit(n++);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int code1 = -1, code2 = -1;
  EXPECT_TRUE(waitOrKill(w1, std::chrono::minutes(5), &code1)) << "worker 1 did not finish";
  EXPECT_TRUE(waitOrKill(w2, std::chrono::minutes(5), &code2)) << "worker 2 did not finish";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // one more poll after the last write
  stop = true;
  reader.join();
  EXPECT_EQ(code1, 0) << fileText(log1);
  EXPECT_EQ(code2, 0) << fileText(log2);

  for (const auto& e : readErrors) ADD_FAILURE() << "the reader failed: " << e;
  for (const auto& log : {log1, log2}) {
    const std::string text = fileText(log);
    EXPECT_EQ(text.find("locked"), std::string::npos) << text;
    EXPECT_EQ(text.find("database"), std::string::npos) << text;
  }

  SoakDb db(ws);
  EXPECT_EQ(db.scalar("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM job_log WHERE line LIKE '%locked%'"), "0");
  std::int64_t tabularJobs = 0, trainJobs = 0;
  for (const auto& [id, isTabular] : jobs) {
    EXPECT_EQ(db.scalar("SELECT status FROM jobs WHERE id = ?1", id), "done")
        << "job " << id << ": " << db.scalar("SELECT error FROM jobs WHERE id = ?1", id);
    if (isTabular) {
      ++tabularJobs;
      EXPECT_EQ(db.scalar("SELECT count(*) FROM samples WHERE job_id = ?1", id), std::to_string(queries))
          << "job " << id;
    } else {
      ++trainJobs;
      EXPECT_EQ(db.scalar("SELECT count(*) FROM metrics WHERE job_id = ?1 AND series = 'test_accuracy'", id), "1")
          << "job " << id;
      EXPECT_EQ(db.scalar("SELECT count(*) FROM evaluations WHERE job_id = ?1", id), "2") << "job " << id;
    }
  }
  // Every metric row reached the reader once, in order.
  std::vector<std::int64_t> stored;
  for (const auto& r : db.rows("SELECT id FROM metrics ORDER BY id")) stored.push_back(std::stoll(r[0]));
  EXPECT_EQ(seenRows, stored) << "the reader missed or repeated metric rows";
  std::cout << "[ concurrency ] " << seconds << " s: " << jobs.size() << " jobs (" << tabularJobs << " tabular, "
            << trainJobs << " train), " << stored.size() << " metric rows, " << polls << " reader polls, "
            << readErrors.size() << " read errors\n";
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::test
