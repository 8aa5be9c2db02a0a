#pragma once
// A network's macro structure as a strip of blocks (stem, stages of repeated cells, reduction
// blocks, head, or the layers of a single-path network), with channel counts, resolutions and
// the network's cost. Fed by plain block descriptors, so every search space can reuse it.

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

#include "searchspace/Nb201Cell.h"

namespace nas::ui {

struct MacroBlock {
  QString kind;        // "stem", "cells", "reduction", "head", "layer", ...: picks the default colour
  QString title;       // "stage 1"
  QString detail;      // "5 × cell", "conv3x3 + BN"
  int channels = 0;    // output channels; 0 = not shown
  int repeat = 1;      // > 1 draws a stack
  QString resolution;  // "32×32"; empty = not shown
  QColor color;        // invalid = colour of the kind
  QString toolTip;
};

class MacroView : public QWidget {
  Q_OBJECT
 public:
  explicit MacroView(QWidget* parent = nullptr);

  void setBlocks(const QVector<MacroBlock>& blocks);
  const QVector<MacroBlock>& blocks() const { return blocks_; }
  // One line under the strip, e.g. the cost: "1.53 M params · 220.1 M FLOPs".
  void setCaption(const QString& caption);
  void setCost(double flops, qint64 params);
  const QString& caption() const { return caption_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Box {
    QRectF rect;
    int index;
  };
  QVector<Box> layoutBoxes(double availableWidth) const;
  double naturalWidth() const;

  QVector<MacroBlock> blocks_;
  QString caption_;
};

// The NAS-Bench-201 macro network for a config: stem, 3 stages of N cells at C, 2C, 4C with
// residual reduction blocks between them, and the head.
QVector<MacroBlock> nb201MacroBlocks(const nas::Nb201MacroConfig& config = {});
// "1.53 M params · 220.1 M FLOPs"
QString costCaption(double flops, qint64 params);

}  // namespace nas::ui
