#include "app/CentralTabs.h"

#include <QScrollArea>

namespace nas::ui {

CentralTabs::CentralTabs(QWidget* parent) : QTabWidget(parent) {
  setObjectName(QStringLiteral("centralTabs"));
  setDocumentMode(true);
  setMovable(true);
}

int CentralTabs::addPage(QWidget* page, const QIcon& icon, const QString& title) {
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(page->objectName() + QStringLiteral("Page"));
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setWidget(page);
  return addTab(scroll, icon, title);
}

void CentralTabs::showPage(QWidget* page) {
  for (int i = 0; i < count(); ++i)
    if (widget(i) == page || widget(i)->isAncestorOf(page)) {
      setCurrentIndex(i);
      return;
    }
}

}  // namespace nas::ui
