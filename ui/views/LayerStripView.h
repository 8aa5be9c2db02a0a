#pragma once
// A single-path network as a strip of layers: one column per layer, one box per group of
// the layer's expanded channels, coloured by the group's depthwise kernel (3, 5, 7) or
// drawn hollow when the group is skipped, with the layer's expansion ("e4") under the
// column. Columns can be highlighted (compare: the layers where two networks differ).
// Fed with the "layers" array a live generator returns:
//   [{"choices": ["k3", "k5", "k7", "skip", ...], "expansion": e}, ...]
// so it draws any method's single-path chain that uses these choice names; an unknown
// choice name gets OpPalette's stable fallback colour.
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "common/Json.h"

namespace nas::ui {

struct StripLayer {
  QStringList choices;  // per group: "k3", "k5", "k7", "skip", ...
  int expansion = 0;    // non-skipped groups
  bool operator==(const StripLayer& o) const { return choices == o.choices; }
  bool operator!=(const StripLayer& o) const { return !(*this == o); }
};

class LayerStripView : public QWidget {
  Q_OBJECT

 public:
  explicit LayerStripView(QWidget* parent = nullptr);

  // Parses a "layers" array; malformed entries throw nas::Error(ParseError).
  static QVector<StripLayer> layersFromJson(const nas::Json& layers);
  // Indices of the layers where a and b differ (a layer present in one only differs).
  static QSet<int> differingLayers(const QVector<StripLayer>& a, const QVector<StripLayer>& b);
  static QColor choiceColor(const QString& choice);
  static bool isSkip(const QString& choice) { return choice == QLatin1String("skip"); }

  void setLayers(const QVector<StripLayer>& layers);
  const QVector<StripLayer>& layers() const { return layers_; }
  void setHighlighted(const QSet<int>& layers);
  const QSet<int>& highlighted() const { return highlighted_; }
  // A line drawn above the strip ("tiny:37x|5xx|777"); empty: none.
  void setCaption(const QString& caption);
  // A message instead of the strip (no architecture yet, an error).
  void setPlaceholder(const QString& text);
  void clear();

  // Finished paint events (benchmark: a slider move counts as shown once this increments).
  long paintCount() const { return paints_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  int maxGroups() const;

  QVector<StripLayer> layers_;
  QSet<int> highlighted_;
  QString caption_, placeholder_;
  long paints_ = 0;
};

}  // namespace nas::ui
