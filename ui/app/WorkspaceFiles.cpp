#include "app/WorkspaceFiles.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace nas::ui {

namespace {
constexpr int kMaxRecent = 8;
const char* kWorkspaceFilter = QT_TRANSLATE_NOOP("MainWindow", "NAS Studio workspaces (*.nasdb);;All files (*)");
QString tr(const char* s) { return QCoreApplication::translate("MainWindow", s); }
}  // namespace

QString askNewWorkspacePath(QWidget* parent, const QString& currentPath, QString* error) {
  QSettings settings;
  const QString dir = settings.value(QStringLiteral("workspace/dialogDir"), QDir::homePath()).toString();
  QString path = QFileDialog::getSaveFileName(parent, tr("New Workspace"),
                                              QDir(dir).filePath(QStringLiteral("untitled.nasdb")), tr(kWorkspaceFilter));
  if (path.isEmpty()) return {};
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".nasdb");
  settings.setValue(QStringLiteral("workspace/dialogDir"), QFileInfo(path).absolutePath());
  if (QFileInfo(path).absoluteFilePath() == QFileInfo(currentPath).absoluteFilePath()) {
    if (error) *error = tr("This workspace is open. Choose another file name.");
    return {};
  }
  if (QFileInfo::exists(path)) {
    // The file dialog already asked to replace it.
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
      if (QFileInfo::exists(path + suffix) && !QFile::remove(path + suffix)) {
        if (error) *error = tr("Could not replace %1.").arg(QDir::toNativeSeparators(path));
        return {};
      }
    }
  }
  return path;
}

QString askOpenWorkspacePath(QWidget* parent, const QString& currentPath) {
  QSettings settings;
  const QString dir =
      settings
          .value(QStringLiteral("workspace/dialogDir"),
                 currentPath.isEmpty() ? QDir::homePath() : QFileInfo(currentPath).absolutePath())
          .toString();
  const QString path = QFileDialog::getOpenFileName(parent, tr("Open Workspace"), dir, tr(kWorkspaceFilter));
  if (!path.isEmpty()) settings.setValue(QStringLiteral("workspace/dialogDir"), QFileInfo(path).absolutePath());
  return path;
}

RecentWorkspacesMenu::RecentWorkspacesMenu(const QString& title, QWidget* parent) : QMenu(title, parent) { rebuild(); }

QStringList RecentWorkspacesMenu::paths() { return QSettings().value(QStringLiteral("workspace/recent")).toStringList(); }

void RecentWorkspacesMenu::add(const QString& path) {
  QStringList recent = paths();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(QStringLiteral("workspace/recent"), recent);
  rebuild();
}

void RecentWorkspacesMenu::rebuild() {
  clear();
  const QStringList recent = paths();
  int n = 0;
  for (const QString& path : recent) {
    const QString label = QStringLiteral("&%1  %2").arg(++n).arg(QFileInfo(path).fileName());
    QAction* a = addAction(label);
    a->setToolTip(QDir::toNativeSeparators(path));
    a->setStatusTip(QDir::toNativeSeparators(path));
    a->setEnabled(QFileInfo::exists(path));
    connect(a, &QAction::triggered, this, [this, path] { Q_EMIT openRequested(path); });
  }
  if (recent.isEmpty()) {
    addAction(tr("No recent workspaces"))->setEnabled(false);
  } else {
    addSeparator();
    connect(addAction(tr("Clear List")), &QAction::triggered, this, [this] {
      QSettings().remove(QStringLiteral("workspace/recent"));
      rebuild();
    });
  }
}

}  // namespace nas::ui
