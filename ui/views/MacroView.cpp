#include "views/MacroView.h"

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>

namespace nas::ui {

namespace {
const double kGap = 26;      // room for the arrow between blocks
const double kPadX = 10;
const double kBoxHeight = 66;
const double kStack = 4;     // offset of the stacked copies of a repeated block
const double kMargin = 10;

QColor kindColor(const QString& kind) {
  if (kind == QLatin1String("stem")) return QColor(0xE3, 0xEE, 0xF7);
  if (kind == QLatin1String("cells")) return QColor(0xD4, 0xE6, 0xF4);
  if (kind == QLatin1String("reduction")) return QColor(0xFB, 0xE5, 0xC8);
  if (kind == QLatin1String("head")) return QColor(0xE6, 0xF2, 0xEA);
  return QColor(0xEE, 0xEE, 0xEE);
}

QFont titleFont(const QFont& base) {
  QFont f = base;
  f.setBold(true);
  return f;
}
QFont smallFont(const QFont& base) {
  QFont f = base;
  f.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.9 : 8.5);
  return f;
}

QString channelText(const MacroBlock& b) {
  QString s;
  if (b.channels > 0) s = QStringLiteral("C=%1").arg(b.channels);
  if (!b.resolution.isEmpty()) s += (s.isEmpty() ? QString() : QStringLiteral(" · ")) + b.resolution;
  return s;
}
}  // namespace

MacroView::MacroView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void MacroView::setBlocks(const QVector<MacroBlock>& blocks) {
  blocks_ = blocks;
  updateGeometry();
  update();
}

void MacroView::setCaption(const QString& caption) {
  caption_ = caption;
  update();
}

void MacroView::setCost(double flops, qint64 params) { setCaption(costCaption(flops, params)); }

double MacroView::naturalWidth() const {
  const QFontMetricsF tf(titleFont(font())), sf(smallFont(font()));
  double w = 2 * kMargin;
  for (const MacroBlock& b : blocks_) {
    const double text = std::max({tf.horizontalAdvance(b.title), sf.horizontalAdvance(b.detail),
                                  sf.horizontalAdvance(channelText(b))});
    w += text + 2 * kPadX + (b.repeat > 1 ? 2 * kStack : 0) + kGap;
  }
  return w - (blocks_.isEmpty() ? 0 : kGap);
}

QSize MacroView::sizeHint() const {
  const QFontMetricsF sf(smallFont(font()));
  return QSize(static_cast<int>(naturalWidth()) + 1,
               static_cast<int>(2 * kMargin + kBoxHeight + 2 * kStack + sf.height() + 8));
}

QSize MacroView::minimumSizeHint() const { return sizeHint(); }

QVector<MacroView::Box> MacroView::layoutBoxes(double availableWidth) const {
  QVector<Box> boxes;
  const QFontMetricsF tf(titleFont(font())), sf(smallFont(font()));
  // Spread the spare width evenly over the blocks, up to a comfortable maximum.
  const double spare = std::max(0.0, availableWidth - naturalWidth());
  const double extra = blocks_.isEmpty() ? 0 : std::min(spare / blocks_.size(), 40.0);
  double x = kMargin;
  for (int i = 0; i < blocks_.size(); ++i) {
    const MacroBlock& b = blocks_[i];
    const double text = std::max({tf.horizontalAdvance(b.title), sf.horizontalAdvance(b.detail),
                                  sf.horizontalAdvance(channelText(b))});
    const double w = text + 2 * kPadX + extra;
    boxes.push_back({QRectF(x, kMargin + 2 * kStack, w, kBoxHeight), i});
    x += w + (b.repeat > 1 ? 2 * kStack : 0) + kGap;
  }
  return boxes;
}

void MacroView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFont tfont = titleFont(font()), sfont = smallFont(font());
  const QFontMetricsF tf(tfont), sf(sfont);
  const QColor text = palette().color(QPalette::Text);
  const QColor border(0x55, 0x5F, 0x6A);
  const auto boxes = layoutBoxes(width());
  for (int k = 0; k < boxes.size(); ++k) {
    const MacroBlock& b = blocks_[boxes[k].index];
    QRectF r = boxes[k].rect;
    const QColor fill = b.color.isValid() ? b.color : kindColor(b.kind);
    if (b.repeat > 1) {
      for (int s = 2; s >= 1; --s) {
        QRectF back = r.translated(s * kStack, -s * kStack);
        p.setPen(QPen(border, 1));
        p.setBrush(fill.lighter(104 + 3 * s));
        p.drawRoundedRect(back, 6, 6);
      }
    }
    p.setPen(QPen(border, 1.2));
    p.setBrush(fill);
    p.drawRoundedRect(r, 6, 6);
    const double lineH = sf.height();
    double y = r.top() + (r.height() - (tf.height() + 2 * lineH + 4)) / 2;
    p.setPen(text);
    p.setFont(tfont);
    p.drawText(QRectF(r.left(), y, r.width(), tf.height()), Qt::AlignCenter, b.title);
    y += tf.height() + 2;
    p.setFont(sfont);
    p.drawText(QRectF(r.left(), y, r.width(), lineH), Qt::AlignCenter, b.detail);
    y += lineH + 2;
    p.setPen(text.lighter(160));
    p.drawText(QRectF(r.left(), y, r.width(), lineH), Qt::AlignCenter, channelText(b));
    if (k + 1 < boxes.size()) {
      const double x0 = r.right() + (b.repeat > 1 ? 2 * kStack : 0) + 3;
      const double x1 = boxes[k + 1].rect.left() - 3;
      const double ym = r.center().y();
      p.setPen(QPen(border, 1.4));
      p.drawLine(QPointF(x0, ym), QPointF(x1 - 6, ym));
      QPainterPath head;
      head.moveTo(x1, ym);
      head.lineTo(x1 - 7, ym - 4);
      head.lineTo(x1 - 7, ym + 4);
      head.closeSubpath();
      p.fillPath(head, border);
    }
  }
  if (!caption_.isEmpty()) {
    p.setFont(sfont);
    p.setPen(text);
    const double y = kMargin + 2 * kStack + kBoxHeight + 6;
    p.drawText(QRectF(kMargin, y, width() - 2 * kMargin, sf.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               caption_);
  }
}

bool MacroView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    for (const Box& b : layoutBoxes(width())) {
      if (b.rect.contains(help->pos())) {
        const MacroBlock& m = blocks_[b.index];
        QString tip = m.toolTip.isEmpty() ? QStringLiteral("%1: %2").arg(m.title, m.detail) : m.toolTip;
        QToolTip::showText(help->globalPos(), tip, this);
        return true;
      }
    }
    QToolTip::hideText();
    event->ignore();
    return true;
  }
  return QWidget::event(event);
}

QVector<MacroBlock> nb201MacroBlocks(const nas::Nb201MacroConfig& m) {
  QVector<MacroBlock> out;
  int h = m.inputHeight, w = m.inputWidth;
  auto res = [&] { return QStringLiteral("%1\u00d7%2").arg(h).arg(w); };
  out.push_back({QStringLiteral("stem"), QObject::tr("stem"), QObject::tr("conv3x3 + BN"), m.channels, 1, res(), {},
                 QObject::tr("Stem: 3x3 convolution from %1 input channels to C=%2, then batch norm")
                     .arg(m.inputChannels)
                     .arg(m.channels)});
  int c = m.channels;
  for (int stage = 1; stage <= 3; ++stage) {
    if (stage > 1) {
      c *= 2;
      h = (h + 1) / 2;
      w = (w + 1) / 2;
      out.push_back({QStringLiteral("reduction"), QObject::tr("reduction"), QObject::tr("residual, stride 2"), c, 1,
                     res(), {}, QObject::tr("Residual reduction block: stride 2, channels doubled to %1").arg(c)});
    }
    out.push_back({QStringLiteral("cells"), QObject::tr("stage %1").arg(stage),
                   QObject::tr("%1 \u00d7 cell").arg(m.cellsPerStage), c, m.cellsPerStage, res(), {},
                   QObject::tr("Stage %1: %2 copies of the searched cell at %3 channels")
                       .arg(stage)
                       .arg(m.cellsPerStage)
                       .arg(c)});
  }
  out.push_back({QStringLiteral("head"), QObject::tr("head"), QObject::tr("BN-ReLU-GAP-FC"), 0, 1,
                 QObject::tr("%1 classes").arg(m.classes), {},
                 QObject::tr("Head: batch norm, ReLU, global average pooling, linear to %1 classes").arg(m.classes)});
  return out;
}

QString costCaption(double flops, qint64 params) {
  return QObject::tr("%1 M params \u00b7 %2 M FLOPs (multiply-accumulates)")
      .arg(params / 1e6, 0, 'f', 3)
      .arg(flops / 1e6, 0, 'f', 1);
}

}  // namespace nas::ui
