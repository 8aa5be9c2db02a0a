#pragma once
// The main window's menu bar (File, Job, View, Help) and the Ctrl+1..9 tab shortcuts, built
// from actions the window and its parts own.

class QAction;
class QDockWidget;
class QMainWindow;
class QTabWidget;

namespace nas::ui {

class JobActions;
class RecentWorkspacesMenu;

struct MainMenuParts {
  QAction* newWorkspace = nullptr;
  QAction* openWorkspace = nullptr;
  QAction* exportArchitectures = nullptr;
  QAction* quit = nullptr;
  QAction* refresh = nullptr;
  QAction* fitCurves = nullptr;
  QAction* exportCurves = nullptr;
  QAction* help = nullptr;
  QAction* aboutQt = nullptr;
  JobActions* jobs = nullptr;
  QDockWidget* jobsDock = nullptr;
  QTabWidget* tabs = nullptr;
};

// Returns the File > Open Recent menu (owned by the menu bar).
RecentWorkspacesMenu* buildMainMenus(QMainWindow* window, const MainMenuParts& parts);

}  // namespace nas::ui
