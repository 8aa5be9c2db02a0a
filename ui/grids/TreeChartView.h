#pragma once
// A tree of labelled nodes (engine/ChartSamples.h TreeChart) drawn top-down: each node a box
// with its label and, below it, its detail lines (a leaf's op subsets, say), lines from parent
// to children, leaves spread evenly and parents centred over their children. Fed by data only
// (NAS-LID draws its split hierarchy with it).
#include <QRect>
#include <QWidget>
#include <vector>

#include "engine/ChartSamples.h"

namespace nas::ui {

class TreeChartView : public QWidget {
  Q_OBJECT

 public:
  explicit TreeChartView(QWidget* parent = nullptr);
  void setChart(const nas::TreeChart& chart);
  const nas::TreeChart& chart() const { return chart_; }
  // Node boxes in depth-first order (root first), in widget pixels; for tests.
  std::vector<QRect> nodeRects() const;
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  struct Placed {
    const nas::TreeChartNode* node;
    int parent;  // index into the placed list, -1 for the root
    QRect box;
  };
  std::vector<Placed> place() const;
  nas::TreeChart chart_;
};

}  // namespace nas::ui
