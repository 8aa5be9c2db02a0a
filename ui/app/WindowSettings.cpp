#include "app/WindowSettings.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <algorithm>

#include "jobs/JobsPanel.h"

namespace nas::ui {

namespace {
constexpr int kStateVersion = 1;  // of QMainWindow::saveState: a new dock layout bumps it
}

bool restoreWindowLayout(QMainWindow* window, JobsPanel* jobs) {
  QSettings s;
  const QByteArray geometry = s.value(QStringLiteral("window/geometry")).toByteArray();
  const QRect avail = window->screen() ? window->screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
  if (geometry.isEmpty() || !window->restoreGeometry(geometry)) {
    const QSize size(std::min(1440, avail.width() * 9 / 10), std::min(900, avail.height() * 9 / 10));
    window->resize(size);
    window->move(avail.center() - QPoint(size.width() / 2, size.height() / 2));
  } else if (!window->isMaximized() && (window->width() > avail.width() || window->height() > avail.height())) {
    window->resize(window->size().boundedTo(avail.size()));
    window->move(avail.topLeft());
  }
  const bool restored = window->restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kStateVersion);
  jobs->splitter()->restoreState(s.value(QStringLiteral("window/jobsSplitter")).toByteArray());
  jobs->table()->horizontalHeader()->restoreState(s.value(QStringLiteral("window/jobsHeader")).toByteArray());
  return restored;
}

void fitJobsDock(QMainWindow* window, QDockWidget* jobsDock) {
  window->resizeDocks({jobsDock}, {std::clamp(window->height() * 28 / 100, 150, 270)}, Qt::Vertical);
}

void saveWindowLayout(const QMainWindow* window, const JobsPanel* jobs) {
  QSettings s;
  s.setValue(QStringLiteral("window/geometry"), window->saveGeometry());
  s.setValue(QStringLiteral("window/state"), window->saveState(kStateVersion));
  s.setValue(QStringLiteral("window/jobsSplitter"), jobs->splitter()->saveState());
  s.setValue(QStringLiteral("window/jobsHeader"), jobs->table()->horizontalHeader()->saveState());
}

}  // namespace nas::ui
