// The Jobs dock under a newcomer's eyes (issue 21): the Details and Log panes wrap long paths and
// architecture strings instead of clipping them sideways, the table's first columns fit beside
// them at 1024 px, and the run clock of a resumed job says that it times the current run.

#include <gtest/gtest.h>

#include <QHeaderView>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

#include "common/Json.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"
#include "UiTestSupport.h"

using nas::ui::JobListModel;
using nas::ui::JobsPanel;

namespace {

// A job with a long unbreakable parameter, run twice (started, cancelled, resumed).
std::vector<nas::JobRecord> resumedJob(const QString& path) {
  auto ws = nas::Workspace::open(path.toStdString());
  const std::string longDir = "/data/" + std::string(180, 'd') + "/end-of-the-path";
  const nas::JobId id = ws->createJob("train", nas::Json{{"method", "train"}, {"params", {{"data_dir", longDir}}}}.dump());
  const nas::Workspace::WorkerRef w{"test:1", "test", 1};
  EXPECT_TRUE(ws->takeJob(id, {nas::JobStatus::Queued}, w));
  ws->setJobStatus(id, nas::JobStatus::Cancelled);
  EXPECT_TRUE(ws->takeJob(id, {nas::JobStatus::Cancelled}, w));
  return ws->jobs();
}

}  // namespace

TEST(JobsPane, DetailsAndLogWrapInsteadOfClippingAt1024) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("jobspane"));
  JobListModel model;
  model.setJobs(resumedJob(path));
  JobsPanel panel(&model);
  panel.resize(1024, 260);
  panel.show();
  panel.selectJob(model.index(0, 0).data(JobListModel::JobIdRole).toLongLong());
  panel.appendLog(model.index(0, 0).data(JobListModel::JobIdRole).toLongLong(),
                  QStringLiteral("error: cannot read ") + QString(200, QLatin1Char('x')) + QStringLiteral("/end"));
  QTest::qWait(400);  // the details refresh is coalesced

  auto* details = panel.findChild<QTextBrowser*>(QStringLiteral("jobDetails"));
  auto* log = panel.findChild<QPlainTextEdit*>(QStringLiteral("jobLog"));
  ASSERT_NE(details, nullptr);
  ASSERT_NE(log, nullptr);
  EXPECT_TRUE(details->toPlainText().contains(QStringLiteral("end-of-the-path")));
  EXPECT_EQ(details->horizontalScrollBar()->maximum(), 0) << "the details scroll sideways";
  EXPECT_NE(log->lineWrapMode(), QPlainTextEdit::NoWrap);
  auto* tabs = panel.findChild<QTabWidget*>();
  ASSERT_NE(tabs, nullptr);
  tabs->setCurrentWidget(log);  // the Log tab, as a person opens it
  QTest::qWait(50);
  EXPECT_EQ(log->horizontalScrollBar()->maximum(), 0) << "the log scrolls sideways";

  // The details get a readable width, and ID .. Started fit in the table beside them.
  const QList<int> sizes = panel.splitter()->sizes();
  ASSERT_EQ(sizes.size(), 2);
  EXPECT_GE(sizes[1], 320);
  const QHeaderView* h = panel.table()->horizontalHeader();
  const int firstColumnsRight = h->sectionPosition(JobListModel::StartedColumn) + h->sectionSize(JobListModel::StartedColumn);
  EXPECT_LE(firstColumnsRight, panel.table()->viewport()->width());
}

// A resume starts a new run; the run time counts every run and Started stays the first
// start (schema 4's run clock; issue 21).
TEST(JobsPane, RunTimeOfAResumedJobCountsEveryRun) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("jobsrun"));
  std::vector<nas::JobRecord> jobs = resumedJob(path);
  ASSERT_EQ(jobs.size(), 1u);
  jobs[0].earlierRunsSeconds = 3600;  // an hour in the runs before this one
  JobListModel model;
  model.setJobs(jobs);
  EXPECT_EQ(model.headerData(JobListModel::StartedColumn, Qt::Horizontal).toString(), QStringLiteral("Started"));
  const double total = model.index(0, JobListModel::ElapsedColumn).data(JobListModel::SortRole).toDouble();
  EXPECT_GE(total, 3600.0);
  EXPECT_LT(total, 3700.0);
  EXPECT_EQ(model.index(0, JobListModel::StartedColumn).data(JobListModel::SortRole).toDouble(), jobs[0].firstStartedAt);
  const QString tip = model.index(0, JobListModel::StartedColumn).data(Qt::ToolTipRole).toString();
  EXPECT_TRUE(tip.contains(QStringLiteral("run 2"))) << tip.toStdString();
}
