#pragma once
// The result drawings of one frame (engine/ChartSamples.h) inside the "Heat Maps" tab: every
// curve chart, then every scatter side by side (wrapped), then every tree. Views are reused
// across frames of the same shape; only their data changes.
#include <QList>
#include <QWidget>

#include "engine/GridSamples.h"

class QGridLayout;

namespace nas::ui {

class CurveChartView;
class ScatterChartView;
class TreeChartView;

class FrameChartsArea : public QWidget {
  Q_OBJECT

 public:
  explicit FrameChartsArea(QWidget* parent = nullptr);
  void setFrame(const nas::GridFrame& frame);  // hides itself when the frame has no drawings
  void clear();

  QList<CurveChartView*> curveViews() const { return curves_; }
  QList<ScatterChartView*> scatterViews() const { return scatters_; }
  QList<TreeChartView*> treeViews() const { return trees_; }

 private:
  QGridLayout* curveLayout_ = nullptr;
  QGridLayout* scatterLayout_ = nullptr;
  QGridLayout* treeLayout_ = nullptr;
  QList<CurveChartView*> curves_;
  QList<ScatterChartView*> scatters_;
  QList<TreeChartView*> trees_;
};

}  // namespace nas::ui
