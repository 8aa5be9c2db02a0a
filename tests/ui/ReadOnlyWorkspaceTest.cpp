// A workspace the user may not write (issue 21): it opens for browsing, the window says it is
// read-only in plain words, and nothing that would write (New Job, Start, Delete) is offered.
// Tests run as root here, who may write anything: the file's permission bits are what marks it.

#include <gtest/gtest.h>

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QStatusBar>

#include "UiTestSupport.h"
#include "app/MainWindow.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"

using nas::ui::MainWindow;

TEST(ReadOnlyWorkspace, OpensForBrowsingWithANoticeAndNoNewJob) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("readonly"));
  nas::JobId id = 0;
  {
    auto ws = nas::Workspace::open(path.toStdString());
    id = ws->createJob("train", R"({"method":"train","params":{}})");
    ws->setJobStatus(id, nas::JobStatus::Cancelled);
  }
  ASSERT_TRUE(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));

  MainWindow window;
  window.show();
  QString error;
  ASSERT_TRUE(window.openWorkspace(path, &error, true)) << error.toStdString();
  EXPECT_GE(window.jobModel()->rowOf(id), 0);  // browsing works
  EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("read-only"))) << window.windowTitle().toStdString();
  bool notice = false;
  for (QLabel* l : window.statusBar()->findChildren<QLabel*>())
    notice = notice || (l->isVisible() && l->text().contains(QStringLiteral("Read-only"), Qt::CaseInsensitive));
  EXPECT_TRUE(notice);
  auto* start = window.findChild<QAction*>(QStringLiteral("startJobAction"));
  ASSERT_NE(start, nullptr);
  window.jobsPanel()->selectJob(id);
  EXPECT_FALSE(start->isEnabled());  // cancelled: resumable, but not here
  bool newJobEnabled = true;
  for (QAction* a : window.findChildren<QAction*>())
    if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_J)) newJobEnabled = a->isEnabled();
  EXPECT_FALSE(newJobEnabled);

  // A writable one afterwards: everything back.
  ASSERT_TRUE(window.openWorkspace(nas::ui::test::newWorkspacePath(QStringLiteral("writable")), &error, true));
  EXPECT_FALSE(window.windowTitle().contains(QStringLiteral("read-only")));
  for (QAction* a : window.findChildren<QAction*>())
    if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_J)) EXPECT_TRUE(a->isEnabled());
  window.close();
  QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
}
