#pragma once
// The main window's layout between runs (QSettings "window/..."): geometry, dock state and the
// Jobs panel's splitter and column widths. Restoring never opens a window larger than its
// screen (a layout saved on a larger screen, or grown by a page, is cut to fit).
class QMainWindow;

namespace nas::ui {

class JobsPanel;

void restoreWindowLayout(QMainWindow* window, JobsPanel* jobs);
void saveWindowLayout(const QMainWindow* window, const JobsPanel* jobs);

}  // namespace nas::ui
