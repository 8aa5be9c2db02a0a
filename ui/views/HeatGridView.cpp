#include "views/HeatGridView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

namespace nas::ui {

namespace {

constexpr int kMinCell = 14;    // below this the grid is unreadable: scroll instead
constexpr int kMaxCell = 44;    // above this cells look like buttons
constexpr int kMargin = 6;
constexpr int kBarHeight = 10;  // colour bar under the grid
constexpr int kMaxLabel = 180;  // long labels are elided

QColor mix(const QColor& a, const QColor& b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                          float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QString number(double v) {
  if (!std::isfinite(v)) return QStringLiteral("–");
  const double a = std::abs(v);
  if (a != 0 && (a < 0.01 || a >= 1000)) return QString::number(v, 'g', 2);
  return QString::number(v, 'f', a >= 10 ? 0 : 2);
}

// A scale end with enough digits to tell it from the other end (0.9981 and 0.9997, not 1.00).
QString scaleNumber(double v, double span) {
  if (!(span > 0) || span >= 0.1 || !std::isfinite(v)) return number(v);
  const int digits = std::min(8, int(std::ceil(-std::log10(span))) + 1);
  return QString::number(v, 'f', digits);
}

}  // namespace

HeatGridView::HeatGridView(QWidget* parent) : QWidget(parent) {
  // Never squeezed below readable cells: a page of many grids scrolls instead.
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
  setMouseTracking(true);
}

void HeatGridView::setGrid(const nas::HeatGrid& grid) {
  grid_ = grid;
  updateScale();
  updateGeometry();
  update();
}

void HeatGridView::setStretched(bool on) {
  stretched_ = on;
  updateScale();
  update();
}

void HeatGridView::updateScale() {
  lo_ = grid_.min;
  hi_ = grid_.max;
  if (!stretched_) return;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& row : grid_.values)
    for (double v : row)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (std::isfinite(lo) && hi > lo) {
    lo_ = lo;
    hi_ = hi;
  }
}

void HeatGridView::clear() { setGrid(nas::HeatGrid{}); }

QColor HeatGridView::colorFor(double value) const {
  if (!std::isfinite(value)) return QColor(0xd9, 0xd9, 0xd9);
  const double span = hi_ - lo_;
  if (!(span > 0)) return QColor(0x6b, 0xae, 0xd6);
  if (diverging()) {
    // Zero is white; each side scales to its own extreme, so an asymmetric scale stays honest.
    const QColor negative(0x21, 0x66, 0xac), zero(0xf7, 0xf7, 0xf7), positive(0xb2, 0x18, 0x2b);
    return value < 0 ? mix(zero, negative, value / lo_) : mix(zero, positive, value / hi_);
  }
  // Sequential: a light to dark blue ramp (ColorBrewer "Blues" ends).
  const QColor low(0xf7, 0xfb, 0xff), mid(0x6b, 0xae, 0xd6), high(0x08, 0x30, 0x6b);
  const double t = (value - lo_) / span;
  return t < 0.5 ? mix(low, mid, t * 2) : mix(mid, high, (t - 0.5) * 2);
}

int HeatGridView::labelWidth() const {
  const QFontMetrics fm(font());
  int w = 0;
  for (const auto& r : grid_.rows) w = std::max(w, fm.horizontalAdvance(QString::fromStdString(r)));
  return std::min(w, kMaxLabel) + kMargin;
}

int HeatGridView::columnLabelHeight() const {
  // Column labels are drawn rotated by 45 degrees; their height is the longest one's diagonal.
  const QFontMetrics fm(font());
  int w = 0;
  for (const auto& c : grid_.columns) w = std::max(w, fm.horizontalAdvance(QString::fromStdString(c)));
  return int(std::min(w, kMaxLabel) * 0.71) + fm.height() + kMargin;
}

HeatGridView::Metrics HeatGridView::metricsFor(int cellSize) const {
  Metrics m;
  m.title = grid_.title.empty() ? 0 : QFontMetrics(font()).height() + kMargin;
  m.left = kMargin + labelWidth();
  m.top = kMargin + m.title + columnLabelHeight();
  m.cell = cellSize;
  return m;
}

HeatGridView::Metrics HeatGridView::metrics() const {
  const int rows = std::max<int>(1, int(grid_.rows.size())), cols = std::max<int>(1, int(grid_.columns.size()));
  const Metrics base = metricsFor(kMinCell);
  const int barSpace = kBarHeight + 2 * QFontMetrics(font()).height() + 2 * kMargin;
  const int byWidth = (width() - base.left - kMargin) / cols;
  const int byHeight = (height() - base.top - barSpace) / rows;
  return metricsFor(std::clamp(std::min(byWidth, byHeight), kMinCell, kMaxCell));
}

QRect HeatGridView::cellRect(int row, int column) const {
  const Metrics m = metrics();
  return {m.left + column * m.cell, m.top + row * m.cell, m.cell, m.cell};
}

QPoint HeatGridView::cellAt(const QPoint& pos) const {
  const Metrics m = metrics();
  if (m.cell <= 0 || pos.x() < m.left || pos.y() < m.top) return {-1, -1};
  const int c = (pos.x() - m.left) / m.cell, r = (pos.y() - m.top) / m.cell;
  if (r >= int(grid_.rows.size()) || c >= int(grid_.columns.size())) return {-1, -1};
  return {r, c};
}

QSize HeatGridView::sizeHint() const {
  const Metrics m = metricsFor(28);
  const int barSpace = kBarHeight + 2 * QFontMetrics(font()).height() + 2 * kMargin;
  return {m.left + int(grid_.columns.size()) * m.cell + kMargin, m.top + int(grid_.rows.size()) * m.cell + barSpace};
}

QSize HeatGridView::minimumSizeHint() const {
  const Metrics m = metricsFor(kMinCell);
  const int barSpace = kBarHeight + 2 * QFontMetrics(font()).height() + 2 * kMargin;
  return {m.left + int(grid_.columns.size()) * m.cell + kMargin, m.top + int(grid_.rows.size()) * m.cell + barSpace};
}

void HeatGridView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  const QFontMetrics fm(font());
  if (grid_.rows.empty() || grid_.columns.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("No grid"));
    return;
  }
  const Metrics m = metrics();
  if (m.title > 0) {
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(kMargin, kMargin, width() - 2 * kMargin, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(bold).elidedText(QString::fromStdString(grid_.title), Qt::ElideRight, width() - 2 * kMargin));
    p.setFont(font());
  }
  p.setPen(palette().color(QPalette::WindowText));
  for (int r = 0; r < int(grid_.rows.size()); ++r) {
    const QRect cell = cellRect(r, 0);
    p.drawText(QRect(kMargin, cell.top(), m.left - 2 * kMargin, cell.height()), Qt::AlignRight | Qt::AlignVCenter,
               fm.elidedText(QString::fromStdString(grid_.rows[r]), Qt::ElideMiddle, kMaxLabel));
  }
  for (int c = 0; c < int(grid_.columns.size()); ++c) {
    const QRect cell = cellRect(0, c);
    p.save();
    p.translate(cell.center().x(), m.top - kMargin / 2);
    p.rotate(-45);
    p.drawText(0, 0, fm.elidedText(QString::fromStdString(grid_.columns[c]), Qt::ElideMiddle, kMaxLabel));
    p.restore();
  }
  const bool showNumbers = m.cell >= fm.horizontalAdvance(QStringLiteral("0.00")) + 4;
  for (int r = 0; r < int(grid_.rows.size()); ++r) {
    for (int c = 0; c < int(grid_.columns.size()); ++c) {
      const double v = grid_.values[r][c];
      const QRect cell = cellRect(r, c);
      const QColor fill = colorFor(v);
      p.fillRect(cell.adjusted(0, 0, -1, -1), fill);
      if (showNumbers) {
        p.setPen(fill.lightnessF() < 0.55 ? Qt::white : Qt::black);
        p.drawText(cell, Qt::AlignCenter, number(v));
      }
    }
  }
  // Colour bar: the scale's ends and, for a diverging scale, zero.
  const int barTop = m.top + int(grid_.rows.size()) * m.cell + kMargin;
  const int barWidth = std::max(int(grid_.columns.size()) * m.cell, 120);
  for (int x = 0; x < barWidth; ++x)
    p.fillRect(m.left + x, barTop, 1, kBarHeight, colorFor(lo_ + (hi_ - lo_) * x / (barWidth - 1)));
  p.setPen(palette().color(QPalette::WindowText));
  const QRect labels(m.left, barTop + kBarHeight + 1, barWidth, fm.height());
  p.drawText(labels, Qt::AlignLeft, scaleNumber(lo_, hi_ - lo_));
  p.drawText(labels, Qt::AlignRight, scaleNumber(hi_, hi_ - lo_));
  // What the colours mean, on a line of its own: the bar is often narrower than the words.
  const QString what = QString::fromStdString(grid_.valueLabel);
  if (!what.isEmpty())
    p.drawText(QRect(m.left, labels.bottom() + 1, width() - m.left - kMargin, fm.height()), Qt::AlignLeft,
               fm.elidedText(what, Qt::ElideRight, width() - m.left - kMargin));
}

bool HeatGridView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QPoint cell = cellAt(help->pos());
    if (cell.x() < 0) {
      QToolTip::hideText();
      event->ignore();
      return true;
    }
    const QString text = QStringLiteral("%1 · %2\n%3: %4")
                             .arg(QString::fromStdString(grid_.rows[cell.x()]),
                                  QString::fromStdString(grid_.columns[cell.y()]),
                                  grid_.valueLabel.empty() ? tr("value") : QString::fromStdString(grid_.valueLabel),
                                  number(grid_.values[cell.x()][cell.y()]));
    QToolTip::showText(help->globalPos(), text, this);
    return true;
  }
  return QWidget::event(event);
}

}  // namespace nas::ui
