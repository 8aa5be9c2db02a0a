#pragma once
// Named series over an x axis (engine/ChartSamples.h CurveChart): lines with point markers, x
// tick names when given (block names along a network's depth), a legend, tooltips on points.
// Fed by data only; it knows no method (NAS-LID draws LID profiles over depth with it).
#include <QWidget>

#include "engine/ChartSamples.h"
#include "grids/ChartAxes.h"

namespace nas::ui {

class CurveChartView : public QWidget {
  Q_OBJECT

 public:
  explicit CurveChartView(QWidget* parent = nullptr);
  void setChart(const nas::CurveChart& chart);
  const nas::CurveChart& chart() const { return chart_; }
  // Where point i of series s is drawn (widget pixels); for tests and tooltips.
  QPointF pointPosition(int series, int index) const;
  // The point nearest `pos` within a few pixels: {series, index}, or {-1, -1}.
  QPoint pointAt(const QPoint& pos) const;
  QSize sizeHint() const override { return {520, 320}; }
  QSize minimumSizeHint() const override { return {260, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  ChartAxes axes() const;
  int legendHeight() const;
  nas::CurveChart chart_;
};

}  // namespace nas::ui
