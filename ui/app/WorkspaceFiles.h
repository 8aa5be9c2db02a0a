#pragma once
// Choosing workspace files: the New and Open dialogs (remembering their folder) and the
// Open Recent menu (the list kept in the settings). The window opens what they return.

#include <QMenu>
#include <QString>
#include <QStringList>

class QWidget;

namespace nas::ui {

// An empty string when the user cancelled or the file cannot be replaced (then `error` says why).
QString askNewWorkspacePath(QWidget* parent, const QString& currentPath, QString* error);
QString askOpenWorkspacePath(QWidget* parent, const QString& currentPath);

class RecentWorkspacesMenu : public QMenu {
  Q_OBJECT

 public:
  explicit RecentWorkspacesMenu(const QString& title, QWidget* parent = nullptr);
  static QStringList paths();  // newest first
  void add(const QString& path);
  void rebuild();

 Q_SIGNALS:
  void openRequested(const QString& path);
};

}  // namespace nas::ui
