#include "grids/FrameChartsArea.h"

#include <QGridLayout>
#include <QVBoxLayout>

#include "grids/CurveChartView.h"
#include "grids/ScatterChartView.h"
#include "grids/TreeChartView.h"

namespace nas::ui {

namespace {

constexpr int kCurveColumns = 2;
constexpr int kScatterColumns = 4;  // one per criterion fits a row

// Keeps `views` as long as `charts`, creating views in `layout` (wrapped at `columns`), and
// hands each its chart.
template <typename View, typename Chart>
void sync(QList<View*>& views, const std::vector<Chart>& charts, QGridLayout* layout, int columns, QWidget* parent,
          const QString& name) {
  while (views.size() > int(charts.size())) delete views.takeLast();
  for (std::size_t i = 0; i < charts.size(); ++i) {
    if (int(i) >= views.size()) {
      auto* v = new View(parent);
      v->setObjectName(name + QString::number(i));
      layout->addWidget(v, int(i) / columns, int(i) % columns);
      views.append(v);
    }
    views[int(i)]->setChart(charts[i]);
  }
}

}  // namespace

FrameChartsArea::FrameChartsArea(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("frameCharts"));
  curveLayout_ = new QGridLayout;
  scatterLayout_ = new QGridLayout;
  treeLayout_ = new QGridLayout;
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(curveLayout_);
  layout->addLayout(scatterLayout_);
  layout->addLayout(treeLayout_);
  hide();
}

void FrameChartsArea::setFrame(const nas::GridFrame& f) {
  sync(curves_, f.curves, curveLayout_, kCurveColumns, this, QStringLiteral("curveChart"));
  sync(scatters_, f.scatters, scatterLayout_, kScatterColumns, this, QStringLiteral("scatterChart"));
  sync(trees_, f.trees, treeLayout_, 1, this, QStringLiteral("treeChart"));
  setVisible(!f.curves.empty() || !f.scatters.empty() || !f.trees.empty());
}

void FrameChartsArea::clear() { setFrame(nas::GridFrame{}); }

}  // namespace nas::ui
