#pragma once
// Named point sets with axis names (engine/ChartSamples.h ScatterChart), optionally with the
// y = x diagonal of a perfect prediction; a legend when there is more than one set; each point's
// label as its tooltip. Fed by data only (NAS-LID draws predicted against true rank with it).
#include <QWidget>

#include "engine/ChartSamples.h"
#include "grids/ChartAxes.h"

namespace nas::ui {

class ScatterChartView : public QWidget {
  Q_OBJECT

 public:
  explicit ScatterChartView(QWidget* parent = nullptr);
  void setChart(const nas::ScatterChart& chart);
  const nas::ScatterChart& chart() const { return chart_; }
  QPointF pointPosition(int series, int index) const;
  QPoint pointAt(const QPoint& pos) const;  // {series, index} or {-1, -1}
  QSize sizeHint() const override { return {340, 320}; }
  QSize minimumSizeHint() const override { return {220, 220}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  ChartAxes axes() const;
  nas::ScatterChart chart_;
};

}  // namespace nas::ui
