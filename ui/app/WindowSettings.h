#pragma once
// The main window's layout between runs (QSettings "window/..."): geometry, dock state and the
// Jobs panel's splitter and column widths. Restoring never opens a window larger than its
// screen (a layout saved on a larger screen, or grown by a page, is cut to fit).
class QDockWidget;
class QMainWindow;

namespace nas::ui {

class JobsPanel;

// True when a saved dock layout was restored (else the caller lays the docks out itself).
bool restoreWindowLayout(QMainWindow* window, JobsPanel* jobs);
// The Jobs dock's height without a saved layout: 28 % of the window, 150..270 px, so that a
// 700-px window keeps room for the pages above it (the Search Results table most of all).
void fitJobsDock(QMainWindow* window, QDockWidget* jobsDock);
void saveWindowLayout(const QMainWindow* window, const JobsPanel* jobs);

}  // namespace nas::ui
