#include "widgets/ProgressBarDelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

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
    painter->fillRect(done, barColor(status));
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
    painter->setPen(textOn(barColor(status)));
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, elided);
  }
  painter->restore();
}

namespace {
const QColor kTrack(0xe9, 0xed, 0xf1);
const QColor kDarkText(0x23, 0x2b, 0x35);

double luminance(const QColor& c) {
  auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}
}  // namespace

QColor ProgressBarDelegate::barColor(JobDisplayStatus status) {
  QColor fill = status == JobDisplayStatus::Queued ? QColor(0xb8, 0xc2, 0xcc) : jobDisplayStatusColor(status);
  const double a = (status == JobDisplayStatus::Running || status == JobDisplayStatus::Done ? 230 : 150) / 255.0;
  auto mix = [a](int f, int t) { return static_cast<int>(std::lround(a * f + (1 - a) * t)); };
  return QColor(mix(fill.red(), kTrack.red()), mix(fill.green(), kTrack.green()), mix(fill.blue(), kTrack.blue()));
}

double ProgressBarDelegate::contrastRatio(const QColor& a, const QColor& b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor ProgressBarDelegate::textOn(const QColor& background) {
  return contrastRatio(Qt::white, background) >= contrastRatio(kDarkText, background) ? QColor(Qt::white) : kDarkText;
}

QSize ProgressBarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize s = QStyledItemDelegate::sizeHint(option, index);
  return QSize(std::max(s.width(), 200), std::max(s.height(), option.fontMetrics.height() + 10));
}

}  // namespace nas::ui
