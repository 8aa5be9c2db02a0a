#include "widgets/ProgressBarDelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

#include "models/JobListModel.h"

namespace nas::ui {

ProgressBarDelegate::ProgressBarDelegate(int progressRole, int statusRole, QObject* parent)
    : QStyledItemDelegate(parent), progressRole_(progressRole), statusRole_(statusRole) {}

void ProgressBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QStyleOptionViewItem opt = option;
  initStyleOption(&opt, index);
  // Background (selection, alternate rows) from the style, without the text.
  opt.text.clear();
  const QWidget* widget = option.widget;
  QStyle* style = widget ? widget->style() : QApplication::style();
  style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

  const double fraction = std::clamp(index.data(progressRole_).toDouble(), 0.0, 1.0);
  const auto status = static_cast<JobDisplayStatus>(index.data(statusRole_).toInt());
  QColor fill = jobDisplayStatusColor(status);
  if (status == JobDisplayStatus::Queued) fill = QColor(0xb8, 0xc2, 0xcc);

  QRectF bar = QRectF(option.rect).adjusted(4, 4, -4, -4);
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  QPainterPath track;
  track.addRoundedRect(bar, 3, 3);
  painter->fillPath(track, QColor(0xe9, 0xed, 0xf1));
  if (fraction > 0) {
    QRectF done = bar;
    done.setWidth(bar.width() * fraction);
    painter->setClipPath(track);
    QColor c = fill;
    c.setAlpha(status == JobDisplayStatus::Running || status == JobDisplayStatus::Done ? 230 : 150);
    painter->fillRect(done, c);
    painter->setClipping(false);
  }
  painter->setPen(QColor(0xc9, 0xd1, 0xd9));
  painter->drawPath(track);

  // Text: dark on the light track, white where the bar is under it.
  const QString text = index.data(Qt::DisplayRole).toString();
  QRectF textRect = bar.adjusted(6, 0, -6, 0);
  QString elided = option.fontMetrics.elidedText(text, Qt::ElideRight, static_cast<int>(textRect.width()));
  painter->setFont(option.font);
  painter->setPen(QColor(0x23, 0x2b, 0x35));
  painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, elided);
  if (fraction > 0) {
    QRectF done = bar;
    done.setWidth(bar.width() * fraction);
    painter->setClipRect(done);
    painter->setPen(Qt::white);
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, elided);
  }
  painter->restore();
}

QSize ProgressBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize s = QStyledItemDelegate::sizeHint(option, index);
  return QSize(std::max(s.width(), 200), std::max(s.height(), option.fontMetrics.height() + 10));
}

}  // namespace nas::ui
