#include "views/ScatterSelectionList.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace nas::ui {

ScatterSelectionList::ScatterSelectionList(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  heading_ = new QLabel(tr("Selection"), this);
  heading_->setWordWrap(true);  // "Selection: Shift+drag in the plot" must not widen the view
  heading_->setMinimumWidth(60);
  auto* clear = new QToolButton(this);
  clear->setText(tr("Clear"));
  clear->setAutoRaise(true);
  bar->addWidget(heading_, 1);
  bar->addWidget(clear);
  list_ = new QListWidget(this);
  list_->setToolTip(tr("Double-click to open an architecture"));
  list_->setMinimumWidth(80);
  layout->addLayout(bar);
  layout->addWidget(list_);
  connect(clear, &QToolButton::clicked, this, &ScatterSelectionList::clearClicked);
  connect(list_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    if (id > 0) Q_EMIT activated(id);
  });
}

void ScatterSelectionList::show(const QList<qint64>& ids, const std::function<QString(qint64)>& label) {
  list_->clear();
  heading_->setText(ids.isEmpty() ? tr("Selection: Shift+drag in the plot") : tr("Selected: %1").arg(ids.size()));
  const int shown = std::min<int>(ids.size(), 500);
  // Labels only for the listed ones, one query each: the list stays short.
  for (int k = 0; k < shown; ++k) {
    const qint64 id = ids[k];
    QString text = QStringLiteral("#%1").arg(id);
    const QString extra = label ? label(id) : QString();
    if (!extra.isEmpty()) text += QStringLiteral("  ") + extra;
    auto* item = new QListWidgetItem(text, list_);
    item->setData(Qt::UserRole, id);
    item->setToolTip(text);
  }
  if (ids.size() > shown) list_->addItem(tr("\u2026 and %1 more").arg(ids.size() - shown));
}

}  // namespace nas::ui
