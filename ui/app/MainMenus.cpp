#include "app/MainMenus.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenuBar>
#include <QShortcut>
#include <QTabWidget>

#include "app/JobActions.h"
#include "app/WorkspaceFiles.h"

namespace nas::ui {

RecentWorkspacesMenu* buildMainMenus(QMainWindow* window, const MainMenuParts& p) {
  QMenuBar* bar = window->menuBar();
  QMenu* file = bar->addMenu(QMainWindow::tr("&File"));
  file->addAction(p.newWorkspace);
  file->addAction(p.openWorkspace);
  auto* recent = new RecentWorkspacesMenu(QMainWindow::tr("Open &Recent"), file);
  file->addMenu(recent);
  file->addSeparator();
  if (p.exportArchitectures) file->addAction(p.exportArchitectures);
  file->addSeparator();
  file->addAction(p.quit);

  QMenu* job = bar->addMenu(QMainWindow::tr("&Job"));
  job->addAction(p.jobs->newJobAction());
  job->addSeparator();
  job->addAction(p.jobs->startAction());
  job->addAction(p.jobs->cancelAction());
  job->addSeparator();
  job->addAction(p.jobs->deleteAction());
  job->addSeparator();
  job->addAction(p.jobs->workersAction());
  job->addAction(p.jobs->demoAction());

  QMenu* view = bar->addMenu(QMainWindow::tr("&View"));
  QAction* toggleJobs = p.jobsDock->toggleViewAction();
  toggleJobs->setText(QMainWindow::tr("&Jobs Panel"));
  toggleJobs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J));
  view->addAction(toggleJobs);
  view->addSeparator();
  view->addAction(p.fitCurves);
  view->addAction(p.exportCurves);
  view->addSeparator();
  view->addAction(p.refresh);
  // Ctrl+1 .. Ctrl+9 bring the central tabs forward in their current (movable) order, as in
  // browsers and IDEs.
  QTabWidget* tabs = p.tabs;
  for (int i = 0; i < 9; ++i) {
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), window);
    QObject::connect(shortcut, &QShortcut::activated, tabs, [tabs, i] {
      if (i < tabs->count()) tabs->setCurrentIndex(i);
    });
  }

  QMenu* help = bar->addMenu(QMainWindow::tr("&Help"));
  help->addAction(p.help);
  help->addSeparator();
  help->addAction(p.aboutQt);
  return recent;
}

}  // namespace nas::ui
