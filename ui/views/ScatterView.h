#pragma once
// Any two metrics of the workspace's architectures against each other, coloured by a third
// (viridis with a colour scale, grey where absent), with the Pareto front as a staircase. Hover
// shows the architecture and its metrics, click emits archActivated, a rubber band (Shift+drag
// or the Select tool) emits selectionChanged. Reloads only on refresh() (the user's zoom is kept).
// Also fed by plain points (setPoints) for views whose points do not come from the workspace.
//
// This class is the panel: the metric pickers, direction buttons, Pareto checkbox, selection
// list and status line. The drawing (built for 100k points) is ScatterPlot's; the mouse
// (hover, click, pan, rubber band) ScatterMouse's; the workspace's points, hover texts and
// labels are ScatterSource's (read on a thread by ScatterLoader when asked to).

#include <QList>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <vector>

#include "views/ScatterPoint.h"
#include "views/ScatterSource.h"

class QCustomPlot;
class QToolButton;

namespace nas {
class Workspace;
}

namespace nas::ui {

class ElidedLabel;
class ScatterControls;
class ScatterLoader;
class ScatterMouse;
class ScatterPlot;
class ScatterSelectionList;

class ScatterView : public QWidget {
  Q_OBJECT
 public:
  enum class Direction { Minimize, Maximize };
  static constexpr int kColorBuckets = 16;

  explicit ScatterView(QWidget* parent = nullptr);
  ~ScatterView() override;

  // Not owned; may be null. Fills the metric pickers and loads the points.
  void setWorkspace(nas::Workspace* workspace);
  void setSpace(const QString& space);  // only architectures of this space ("" = all)
  // Only architectures evaluated on `dataset` / by job `job` ("" / 0: any), whose string contains
  // `like`; their metrics from those evaluations only. Reloads when it changes.
  void setFilter(const QString& dataset, qint64 job, const QString& like);
  // Picks the metrics ("flops", "params" or an evaluation metric; color "" = none) and
  // reloads. Directions are reset to the metrics' defaults.
  void setAxes(const QString& x, const QString& y, const QString& color = {});
  QString xMetric() const { return xName_; }
  QString yMetric() const { return yName_; }
  QString colorMetric() const { return cName_; }
  void setDirections(Direction x, Direction y);
  Direction xDirection() const { return dirX_; }
  Direction yDirection() const { return dirY_; }
  static Direction defaultDirection(const QString& metric) {
    return ScatterSource::largerIsBetter(metric) ? Direction::Maximize : Direction::Minimize;
  }
  void setParetoVisible(bool on);
  // Draws the points off the Pareto front faded, so that the front stands out (off by default;
  // only while the front is shown).
  void setFadeDominated(bool on);
  bool fadeDominated() const;
  // Points drawn faded at the last rebuild (their own flag or fade-dominated).
  int fadedCount() const;
  // The range "reset zoom" shows; a null rect (the default) means the points' extent. Lets a view
  // whose points come and go (a round slider) keep its axes still.
  void setHomeRange(const QRectF& range);
  // The colour scale's range; lo > hi (the default) means the range of the points' values, so a
  // view can keep colours comparable while its points change.
  void setColorRange(double lo, double hi);
  // Hover text (HTML) of data-fed points, replacing the default rows; an empty function restores them.
  void setTooltipFunction(std::function<QString(qint64)> tooltip) { tooltip_ = std::move(tooltip); }
  // Hides the X / Y / Colour pickers: for data-fed views whose axes the caller fixes.
  void setMetricPickersVisible(bool on);
  // Hides the min/max buttons and the Pareto checkbox: for maps where no trade-off is plotted.
  void setParetoControlsVisible(bool on);
  // Diameter in pixels of the points not faded (default 5); faded ones stay small.
  void setPointSize(int px);
  // Workspace points are then read on a thread of their own (ScatterLoader) and arrive later;
  // off by default (loads are synchronous).
  void setBackgroundLoading(bool on);

  // Data-fed use, without a workspace. `label(id)` gives the hover text (may be empty).
  void setPoints(const std::vector<ScatterPoint>& points, const QString& xName, const QString& yName,
                 const QString& colorName = {}, std::function<QString(qint64)> label = {});

  const std::vector<ScatterPoint>& points() const;  // in plot units
  // Ids on the Pareto front, sorted by x ascending.
  std::vector<qint64> paretoIds() const;
  QList<qint64> selection() const { return selection_; }
  QCustomPlot* plot() const;
  int graphCount() const;  // QCPGraphs holding points (buckets), for tests and the benchmark

  // Nearest point within `radiusPx` of a widget position of the plot, or -1 (an index into points()).
  int pointAt(const QPointF& plotPos, double radiusPx = 8) const;
  // Points inside a rectangle given in plot widget pixels.
  QList<qint64> pointsIn(const QRect& plotRect) const;

 public slots:
  void refresh();  // reload from the workspace; keeps the user's zoom
  // The same with the workspace's metric names read elsewhere (ResultsLoader): with background
  // loading, nothing is read on this thread.
  void refreshWithMetrics(const QStringList& workspaceMetrics);
  void resetZoom();
  void setSelectionTool(bool on);
  void setSelection(const QList<qint64>& ids);
  void clearSelection();

 signals:
  void archActivated(qint64 id);
  void selectionChanged(const QList<qint64>& ids);
  void errorOccurred(const QString& message);
  void pointsLoaded(int count);

 private:
  void fillPickers();
  void fillPickers(QStringList metrics);
  void load();
  void rebuildPlot(bool keepRange);
  void updateStatus();
  void updateSelectionList();
  QString tooltipFor(int index) const;
  void syncDirectionButtons();
  void replotSoon();
  ScatterAxes axes() const;
  QString titleOf(const QString& name) const;  // the axis title of a metric name

  ScatterSource source_;
  ScatterLoader* loader_ = nullptr;
  ScatterSource::Filter filter_;
  QString xName_, yName_, cName_;
  Direction dirX_ = Direction::Minimize, dirY_ = Direction::Maximize;
  std::function<QString(qint64)> label_;
  std::function<QString(qint64)> tooltip_;
  QList<qint64> selection_;

  ScatterControls* controls_;
  ScatterPlot* plot_;
  ScatterMouse* mouse_;
  ElidedLabel* status_;
  ScatterSelectionList* selectionList_;
};

}  // namespace nas::ui
