#pragma once
// One heat grid (engine/GridSamples.h): a matrix of coloured cells with row labels on the
// left and column labels on top, the title above and a colour bar below. A scale that spans
// zero is drawn diverging (blue - white - red), any other sequentially (light to dark), so a
// similarity matrix and a softmax weight both read at a glance. Cells show their number when
// there is room; every cell has a tooltip. Fed by data only: it knows no method.
#include <QWidget>

#include "engine/GridSamples.h"

namespace nas::ui {

class HeatGridView : public QWidget {
  Q_OBJECT

 public:
  explicit HeatGridView(QWidget* parent = nullptr);

  void setGrid(const nas::HeatGrid& grid);
  const nas::HeatGrid& grid() const { return grid_; }  // as written (its scale unstretched)
  void clear();
  // Colours over the values' own range instead of the grid's scale: similarities that all lie
  // in 0.97..1.00 on a -1..1 scale read as one colour otherwise. The bar shows the range used.
  void setStretched(bool on);
  bool stretched() const { return stretched_; }

  // The colour of `value` on the grid's scale (NaN: the "no value" grey). Public for tests.
  QColor colorFor(double value) const;
  // The cell under a point in widget coordinates: {row, column}, or {-1, -1}.
  QPoint cellAt(const QPoint& pos) const;
  QRect cellRect(int row, int column) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;  // tooltips

 private:
  struct Metrics {
    int left = 0, top = 0, cell = 0, title = 0;
  };
  Metrics metrics() const;
  Metrics metricsFor(int cellSize) const;
  int labelWidth() const;
  int columnLabelHeight() const;
  bool diverging() const { return lo_ < 0 && hi_ > 0; }
  void updateScale();

  nas::HeatGrid grid_;
  bool stretched_ = false;
  double lo_ = 0, hi_ = 1;  // the colour scale in use
};

}  // namespace nas::ui
