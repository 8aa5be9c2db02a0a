#pragma once
// The main window's central tab area. Each page sits in a scroll area: a page taller or wider
// than a small screen leaves (issue 21) scrolls inside the window instead of setting the
// window's minimum size, and showing it never resizes the window.
#include <QTabWidget>

namespace nas::ui {

class CentralTabs : public QTabWidget {
  Q_OBJECT
 public:
  explicit CentralTabs(QWidget* parent = nullptr);
  // Adds `page` (wrapped in a scroll area named "<page's objectName>Page"); returns its index.
  int addPage(QWidget* page, const QIcon& icon, const QString& title);
  // Brings the tab that holds `page` to the front.
  void showPage(QWidget* page);
};

}  // namespace nas::ui
