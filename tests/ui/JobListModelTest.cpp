// JobListModel: checked by QAbstractItemModelTester while snapshots update rows in place,
// insert new jobs, remove deleted ones and mark jobs whose worker is gone as interrupted.

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>

#include "models/JobListModel.h"

using nas::ui::JobDisplayStatus;
using nas::ui::JobListModel;

namespace {

nas::JobRecord job(nas::JobId id, nas::JobStatus status, double progress = 0, std::int64_t pid = 0) {
  nas::JobRecord r;
  r.id = id;
  r.method = id % 2 ? "train" : "tabular-search";
  r.specJson = R"({"method":"train","params":{"epochs":2}})";
  r.status = status;
  r.progress = progress;
  r.pid = pid;
  r.createdAt = 1700000000 + id;
  if (status != nas::JobStatus::Queued) r.startedAt = r.createdAt + 1;
  if (status == nas::JobStatus::Done || status == nas::JobStatus::Failed || status == nas::JobStatus::Cancelled)
    r.finishedAt = r.startedAt + 65;
  return r;
}

}  // namespace

TEST(JobListModel, UpdatesInPlaceWithoutReset) {
  JobListModel model;
  model.setPidAliveFunction([](qint64) { return true; });
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
  QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

  model.setJobs({job(3, nas::JobStatus::Running, 0.2, 4242), job(2, nas::JobStatus::Done, 1), job(1, nas::JobStatus::Failed)});
  ASSERT_EQ(model.rowCount(), 3);
  EXPECT_EQ(model.columnCount(), JobListModel::ColumnCount);
  EXPECT_EQ(model.idAt(0), 3);
  EXPECT_EQ(model.rowOf(1), 2);

  QPersistentModelIndex job2(model.index(model.rowOf(2), JobListModel::StatusColumn));
  const int changesBefore = changes.count();

  // Progress of job 3 moves, job 4 appears, job 1 is deleted.
  model.setJobs({job(4, nas::JobStatus::Queued), job(3, nas::JobStatus::Running, 0.6, 4242), job(2, nas::JobStatus::Done, 1)});
  ASSERT_EQ(model.rowCount(), 3);
  EXPECT_EQ(model.idAt(0), 4);
  EXPECT_EQ(model.rowOf(1), -1);
  EXPECT_EQ(model.rowOf(3), 1);
  EXPECT_EQ(model.rowOf(2), 2);
  ASSERT_TRUE(job2.isValid());
  EXPECT_EQ(job2.data(JobListModel::JobIdRole).toLongLong(), 2);  // followed its row
  EXPECT_DOUBLE_EQ(model.index(model.rowOf(3), 0).data(JobListModel::ProgressRole).toDouble(), 0.6);
  EXPECT_GT(changes.count(), changesBefore);

  // The same snapshot again changes nothing.
  const int changesAfter = changes.count();
  model.setJobs({job(4, nas::JobStatus::Queued), job(3, nas::JobStatus::Running, 0.6, 4242), job(2, nas::JobStatus::Done, 1)});
  EXPECT_EQ(changes.count(), changesAfter);
  EXPECT_EQ(resets.count(), 0);

  // Texts people read.
  const QModelIndex progress = model.index(model.rowOf(3), JobListModel::ProgressColumn);
  EXPECT_TRUE(progress.data().toString().startsWith(QStringLiteral("60 %")));
  EXPECT_EQ(model.index(model.rowOf(2), JobListModel::StatusColumn).data().toString(), QStringLiteral("done"));
  EXPECT_EQ(model.index(model.rowOf(2), JobListModel::ElapsedColumn).data().toString(), QStringLiteral("1:05"));
  EXPECT_EQ(model.headerData(JobListModel::ProgressColumn, Qt::Horizontal).toString(), QStringLiteral("Progress"));
  EXPECT_EQ(model.runningCount(), 1);
}

TEST(JobListModel, LiveProgressOverlaysThePoll) {
  JobListModel model;
  model.setPidAliveFunction([](qint64) { return true; });
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setJobs({job(7, nas::JobStatus::Running, 0.1, 99)});
  model.applyProgress(7, 0.45, QStringLiteral("epoch 1/3"));
  const QModelIndex idx = model.index(0, JobListModel::ProgressColumn);
  EXPECT_DOUBLE_EQ(idx.data(JobListModel::ProgressRole).toDouble(), 0.45);
  EXPECT_EQ(idx.data(JobListModel::StageRole).toString(), QStringLiteral("epoch 1/3"));
  // A poll that lags behind the progress lines does not move the bar backwards.
  model.setJobs({job(7, nas::JobStatus::Running, 0.3, 99)});
  EXPECT_DOUBLE_EQ(idx.data(JobListModel::ProgressRole).toDouble(), 0.45);
  // Once done, the store is authoritative.
  model.setJobs({job(7, nas::JobStatus::Done, 1.0, 99)});
  EXPECT_DOUBLE_EQ(idx.data(JobListModel::ProgressRole).toDouble(), 1.0);
  model.applyProgress(12345, 0.5, QString());  // unknown job: ignored
}

TEST(JobListModel, RunningJobWithoutWorkerIsInterrupted) {
  JobListModel model;
  bool alive = true;
  model.setPidAliveFunction([&alive](qint64) { return alive; });
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setJobs({job(5, nas::JobStatus::Running, 0.5, 31337)});
  EXPECT_EQ(model.displayStatus(5), JobDisplayStatus::Running);
  alive = false;  // the worker was killed
  model.tick();
  EXPECT_EQ(model.displayStatus(5), JobDisplayStatus::Interrupted);
  EXPECT_EQ(model.index(0, JobListModel::StatusColumn).data().toString(), QStringLiteral("interrupted"));
  EXPECT_EQ(model.runningCount(), 0);
  // A fresh snapshot agrees.
  model.setJobs({job(5, nas::JobStatus::Running, 0.5, 31337)});
  EXPECT_EQ(model.displayStatus(5), JobDisplayStatus::Interrupted);
  // The real check: our own pid is alive, a reaped child's is not.
  EXPECT_TRUE(JobListModel::pidAlive(QCoreApplication::applicationPid()));
  EXPECT_FALSE(JobListModel::pidAlive(0x7ffffff0));
}

TEST(JobListModel, CancelRequestedShowsCancelling) {
  JobListModel model;
  model.setPidAliveFunction([](qint64) { return true; });
  auto r = job(9, nas::JobStatus::Running, 0.5, 1);
  r.cancelRequested = true;
  model.setJobs({r});
  EXPECT_EQ(model.displayStatus(9), JobDisplayStatus::Cancelling);
  model.clear();
  EXPECT_EQ(model.rowCount(), 0);
}
