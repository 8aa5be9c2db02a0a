#include "views/LayerStripView.h"

#include <QPainter>
#include <algorithm>
#include <QPainterPath>

#include "common/Error.h"
#include "views/OpPalette.h"

namespace nas::ui {

namespace {
// Kernel colours come from OpPalette (light -> dark -> warm: a bigger kernel reads heavier).
const QColor kSkip = OpPalette::color(QStringLiteral("group_skip"));
const QColor kHighlight(0xFF, 0xE0, 0x82);

constexpr int kBoxH = 20, kBoxGap = 3, kColGap = 6, kMinColW = 30, kMaxColW = 64;
constexpr int kCaptionH = 20, kLegendH = 20, kFooterH = 34, kMargin = 8;

QString kernelText(const QString& choice) {
  if (choice.size() >= 2 && choice.front() == QLatin1Char('k')) return choice.mid(1);
  return choice.left(3);
}
}  // namespace

LayerStripView::LayerStripView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

QVector<StripLayer> LayerStripView::layersFromJson(const nas::Json& layers) {
  if (!layers.is_array()) throw nas::Error(nas::ErrorCode::ParseError, "expected an array", "layers");
  QVector<StripLayer> out;
  for (size_t i = 0; i < layers.size(); ++i) {
    const nas::Json& l = layers[i];
    const std::string ctx = "layers[" + std::to_string(i) + "]";
    if (!l.is_object() || !l.contains("choices") || !l.at("choices").is_array())
      throw nas::Error(nas::ErrorCode::ParseError, "expected {\"choices\": [...]}", ctx);
    StripLayer s;
    for (const auto& c : l.at("choices")) {
      if (!c.is_string()) throw nas::Error(nas::ErrorCode::ParseError, "a choice is not a string", ctx);
      s.choices << QString::fromStdString(c.get<std::string>());
    }
    int e = 0;
    for (const QString& c : s.choices) e += !isSkip(c);
    s.expansion = l.contains("expansion") && l.at("expansion").is_number_integer() ? l.at("expansion").get<int>() : e;
    out << s;
  }
  return out;
}

QSet<int> LayerStripView::differingLayers(const QVector<StripLayer>& a, const QVector<StripLayer>& b) {
  QSet<int> out;
  const int n = static_cast<int>(std::max(a.size(), b.size()));
  for (int i = 0; i < n; ++i)
    if (i >= a.size() || i >= b.size() || a[i] != b[i]) out.insert(i);
  return out;
}

QColor LayerStripView::choiceColor(const QString& choice) {
  return isSkip(choice) ? kSkip : OpPalette::color(choice);
}

void LayerStripView::setLayers(const QVector<StripLayer>& layers) {
  const bool resized = layers.size() != layers_.size() || maxGroups() != [&] {
    int g = 0;
    for (const auto& l : layers) g = std::max(g, static_cast<int>(l.choices.size()));
    return g;
  }();
  layers_ = layers;
  placeholder_.clear();
  if (resized) updateGeometry();
  update();
}

void LayerStripView::setHighlighted(const QSet<int>& layers) {
  highlighted_ = layers;
  update();
}

void LayerStripView::setCaption(const QString& caption) {
  caption_ = caption;
  update();
}

void LayerStripView::setPlaceholder(const QString& text) {
  placeholder_ = text;
  update();
}

void LayerStripView::clear() {
  layers_.clear();
  highlighted_.clear();
  caption_.clear();
  update();
}

int LayerStripView::maxGroups() const {
  int g = 0;
  for (const auto& l : layers_) g = std::max(g, static_cast<int>(l.choices.size()));
  return g;
}

QSize LayerStripView::sizeHint() const {
  const int n = std::max(1, static_cast<int>(layers_.size()));
  const int g = std::max(3, maxGroups());
  return {2 * kMargin + n * (48 + kColGap), kMargin * 2 + kCaptionH + kLegendH + g * (kBoxH + kBoxGap) + kFooterH};
}

QSize LayerStripView::minimumSizeHint() const {
  const int n = std::max(1, static_cast<int>(layers_.size()));
  const int g = std::max(3, maxGroups());
  return {2 * kMargin + n * (kMinColW + kColGap), kMargin * 2 + kCaptionH + kLegendH + g * (kBoxH + kBoxGap) + kFooterH};
}

void LayerStripView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  p.setRenderHint(QPainter::Antialiasing, true);
  const QColor text = palette().color(QPalette::Text);
  const QColor dim = palette().color(QPalette::PlaceholderText);
  QFont small = font();
  small.setPointSizeF(font().pointSizeF() * 0.85);

  int y = kMargin;
  // Caption (the architecture string) and the legend, one line each.
  p.setPen(text);
  if (!caption_.isEmpty())
    p.drawText(QRect(kMargin, y, width() - 2 * kMargin, kCaptionH), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(caption_, Qt::ElideMiddle, width() - 2 * kMargin));
  y += kCaptionH;
  p.setFont(small);
  int x = kMargin;
  for (const char* c : {"k3", "k5", "k7", "skip"}) {
    const QString name = QString::fromLatin1(c);
    const QRect sw(x, y + 5, 12, 10);
    if (isSkip(name)) {
      p.setPen(QPen(kSkip.darker(130), 1, Qt::DashLine));
      p.setBrush(Qt::NoBrush);
    } else {
      p.setPen(Qt::NoPen);
      p.setBrush(choiceColor(name));
    }
    p.drawRect(sw);
    p.setPen(dim);
    const QString label = isSkip(name) ? tr("skip") : tr("kernel %1").arg(kernelText(name));
    p.drawText(QRect(x + 16, y, 80, kLegendH), Qt::AlignLeft | Qt::AlignVCenter, label);
    x += 20 + p.fontMetrics().horizontalAdvance(label) + 12;
  }
  y += kLegendH;

  if (!placeholder_.isEmpty() || layers_.isEmpty()) {
    p.setFont(font());
    p.setPen(dim);
    p.drawText(rect().adjusted(kMargin, y, -kMargin, -kMargin), Qt::AlignCenter | Qt::TextWordWrap,
               placeholder_.isEmpty() ? tr("No architecture") : placeholder_);
    ++paints_;
    return;
  }

  const int n = static_cast<int>(layers_.size());
  const int g = std::max(1, maxGroups());
  const int colW = std::clamp((width() - 2 * kMargin - (n - 1) * kColGap) / n, kMinColW, kMaxColW);
  const int stripW = n * colW + (n - 1) * kColGap;
  const int x0 = std::max(kMargin, (width() - stripW) / 2);
  const int boxesH = g * (kBoxH + kBoxGap) - kBoxGap;
  QFont boxFont = font();
  boxFont.setBold(true);
  for (int l = 0; l < n; ++l) {
    const int cx = x0 + l * (colW + kColGap);
    const StripLayer& layer = layers_[l];
    if (highlighted_.contains(l)) {
      p.setPen(QPen(kHighlight.darker(150), 1.5));
      p.setBrush(kHighlight);
      p.drawRoundedRect(QRectF(cx - 3, y - 3, colW + 6, boxesH + kFooterH + 2), 4, 4);
    }
    for (int gi = 0; gi < static_cast<int>(layer.choices.size()); ++gi) {
      const QString& c = layer.choices[gi];
      const QRectF box(cx, y + gi * (kBoxH + kBoxGap), colW, kBoxH);
      if (isSkip(c)) {
        p.setPen(QPen(kSkip.darker(130), 1, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        continue;
      }
      const QColor fill = choiceColor(c);
      p.setPen(Qt::NoPen);
      p.setBrush(fill);
      p.drawRoundedRect(box, 3, 3);
      p.setFont(boxFont);
      p.setPen(fill.lightnessF() > 0.6 ? QColor(0x20, 0x20, 0x20) : Qt::white);
      p.drawText(box, Qt::AlignCenter, kernelText(c));
    }
    // Footer: expansion (the number a person compares first) and the layer index.
    p.setFont(boxFont);
    p.setPen(text);
    p.drawText(QRect(cx - 4, y + boxesH + 2, colW + 8, 16), Qt::AlignCenter, QStringLiteral("e%1").arg(layer.expansion));
    p.setFont(small);
    p.setPen(dim);
    p.drawText(QRect(cx - 4, y + boxesH + 17, colW + 8, 14), Qt::AlignCenter, tr("L%1").arg(l + 1));
  }
  ++paints_;
}

}  // namespace nas::ui
