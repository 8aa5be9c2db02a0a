// Errors in full and failed jobs that look failed (issue 21): a failed job is not offered
// Resume, its full error is in the Details pane, Curves says it failed; the New Job form refuses
// a bad architecture string or a missing file before any job is created.

#include <gtest/gtest.h>

#include <QAction>
#include <QLabel>
#include <QTextBrowser>

#include "UiTestSupport.h"
#include "app/MainWindow.h"
#include "charts/CurveView.h"
#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "forms/ParamForm.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"

using nas::ui::MainWindow;
using nas::ui::test::waitFor;

TEST(FailedJob, IsNotOfferedResumeAndShowsItsWholeError) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("failed"));
  MainWindow window;
  window.setPollInterval(50);
  window.show();
  ASSERT_TRUE(window.openWorkspace(path, nullptr, true));
  auto other = nas::Workspace::open(path.toStdString());
  const nas::JobId id = other->createJob("train", R"({"method":"train","params":{}})");
  const std::string error = "data_dir: no such folder: /no/such/place/with/a/long/name/" + std::string(200, 'x') +
                            "/end-of-the-error-text";
  other->setJobStatus(id, nas::JobStatus::Running);
  other->setJobStatus(id, nas::JobStatus::Failed, error);
  const nas::JobId cancelled = other->createJob("train", R"({"method":"train","params":{}})");
  other->setJobStatus(cancelled, nas::JobStatus::Cancelled);
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->displayStatus(id) == nas::ui::JobDisplayStatus::Failed; }, 5000));
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->rowOf(cancelled) >= 0; }, 5000));

  auto* start = window.findChild<QAction*>(QStringLiteral("startJobAction"));
  ASSERT_NE(start, nullptr);
  window.jobsPanel()->selectJob(cancelled);
  EXPECT_TRUE(start->isEnabled());  // a cancelled job resumes from its checkpoint
  window.jobsPanel()->selectJob(id);
  EXPECT_FALSE(start->isEnabled());  // a failed one would fail again

  auto* details = window.jobsPanel()->findChild<QTextBrowser*>(QStringLiteral("jobDetails"));
  ASSERT_NE(details, nullptr);
  EXPECT_TRUE(details->toPlainText().contains(QStringLiteral("end-of-the-error-text")));

  auto* placeholder = window.curveView()->findChild<QLabel*>(QStringLiteral("curvePlaceholder"));
  ASSERT_NE(placeholder, nullptr);
  EXPECT_FALSE(placeholder->text().contains(QStringLiteral("Waiting"))) << placeholder->text().toStdString();
  EXPECT_TRUE(placeholder->text().contains(QStringLiteral("failed")));
  EXPECT_TRUE(placeholder->text().contains(QStringLiteral("end-of-the-error-text")));
  window.close();
}

TEST(NewJobDialog, RefusesABadArchitectureOrAMissingFolderBeforeTheJobExists) {
  nas::Engine engine(false);
  nas::ui::NewJobDialog dialog(engine.methods());
  ASSERT_TRUE(dialog.selectMethod(QStringLiteral("train")));
  ASSERT_FALSE(dialog.spec().is_null()) << dialog.form()->errorText().toStdString();

  QString error;
  ASSERT_TRUE(dialog.form()->setValues(nas::Json{{"arch", "|nor_conv_3x3~0|+|bogus_op~0|"}}, &error))
      << error.toStdString();
  EXPECT_TRUE(dialog.spec().is_null());
  EXPECT_TRUE(dialog.form()->errorText().contains(QStringLiteral("Architecture")))
      << dialog.form()->errorText().toStdString();

  ASSERT_TRUE(dialog.form()->setValues(
      nas::Json{{"arch", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"},
                {"data_dir", "/no/such/folder/for/nasstudio"}},
      &error))
      << error.toStdString();
  EXPECT_TRUE(dialog.spec().is_null());
  EXPECT_TRUE(dialog.form()->errorText().contains(QStringLiteral("/no/such/folder/for/nasstudio")))
      << dialog.form()->errorText().toStdString();

  ASSERT_TRUE(dialog.form()->setValues(nas::Json{{"data_dir", ""}}, &error));
  EXPECT_FALSE(dialog.spec().is_null()) << dialog.form()->errorText().toStdString();
}
