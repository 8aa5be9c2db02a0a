// Screenshots of every tab after `nasstudio-cli demo`, at 1024x700 and 1600x1000 (issue 21).
// Runs only when NAS_SCREENSHOT_DIR and NAS_DEMO_WORKSPACE (a workspace the demo filled) are set:
//
//   nasstudio-cli demo --workspace /tmp/demo.nasdb
//   NAS_DEMO_WORKSPACE=/tmp/demo.nasdb NAS_SCREENSHOT_DIR=docs/screenshots QT_QPA_PLATFORM=xcb
//     xvfb-run -a -s "-screen 0 1600x1000x24" build/bin/test_ui --gtest_filter='Screenshots.DemoEveryTab'

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QTabWidget>

#include "UiTestSupport.h"
#include "app/Appearance.h"
#include "app/MainWindow.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"
#include "views/CellGraphView.h"

TEST(Screenshots, DemoEveryTab) {
  const QString dir = qEnvironmentVariable("NAS_SCREENSHOT_DIR");
  const QString demo = qEnvironmentVariable("NAS_DEMO_WORKSPACE");
  if (dir.isEmpty() || demo.isEmpty()) GTEST_SKIP() << "set NAS_SCREENSHOT_DIR and NAS_DEMO_WORKSPACE";
  QDir().mkpath(dir);
  nas::ui::applyAppearance(*qApp);
  // The job each tab is shown with: the training run for Curves (its loss and accuracy).
  qint64 trainJob = 0;
  for (const auto& j : nas::Workspace::open(demo.toStdString(), nas::Workspace::Mode::ReadOnly)->jobs())
    if (j.method == "train") trainJob = j.id;

  for (const QSize size : {QSize(1024, 700), QSize(1600, 1000)}) {
    nas::ui::MainWindow window;
    window.setPollInterval(250);
    window.resize(size);
    window.move(0, 0);
    window.show();
    ASSERT_TRUE(window.openWorkspace(demo, nullptr, true));
    if (trainJob) window.jobsPanel()->selectJob(trainJob);
    QTabWidget* tabs = window.centralTabs();
    for (int i = 0; i < tabs->count(); ++i) {
      tabs->setCurrentIndex(i);
      QTest::qWait(1500);  // background loads, the generator's first architecture
      nas::ui::CellGraphView::waitForLayouts(&window);  // cells laid out in the background
      const QString tab = tabs->tabText(i).toLower().replace(QLatin1Char(' '), QLatin1Char('-'));
      const QString name = QStringLiteral("demo-%1x%2-%3.png").arg(size.width()).arg(size.height()).arg(tab);
      const QPixmap pm = window.grab();
      EXPECT_TRUE(pm.save(QDir(dir).filePath(name))) << name.toStdString();
      EXPECT_EQ(window.size(), size) << name.toStdString();
      std::printf("screenshot %s: %dx%d\n", qPrintable(name), pm.width(), pm.height());
    }
    window.close();
  }
}
