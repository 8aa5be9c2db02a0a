#pragma once
// Where a ScatterView's points come from when they come from a workspace: the metrics one can
// plot ("flops", "params" and every evaluation metric), the points for two (or three) of them
// in plot units (FLOPs and params in millions), and the hover text and list label of an
// architecture. Reads the GUI thread's workspace; throws nas::Error.

#include <QString>
#include <QStringList>
#include <vector>

#include "views/ScatterPoint.h"

namespace nas {
class Workspace;
}

namespace nas::ui {

class ScatterSource {
 public:
  void setWorkspace(nas::Workspace* ws) { ws_ = ws; }
  nas::Workspace* workspace() const { return ws_; }

  QStringList metricNames() const;
  std::vector<ScatterPoint> load(const QString& x, const QString& y, const QString& color, const QString& space) const;
  // HTML: the architecture, its FLOPs and params, the best value of each metric per dataset.
  QString tooltip(qint64 id) const;
  // The canonical string, for lists.
  QString label(qint64 id) const;

  static QString axisTitle(const QString& metric);
  // Hover text of a point that does not come from a workspace: its label and values.
  static QString plainTooltip(const ScatterPoint& p, const QString& label, const QString& x, const QString& y,
                              const QString& color);
  // Whether larger values are better by the metric's name (accuracy: yes; FLOPs, latency: no).
  static bool largerIsBetter(const QString& metric);
  static QString formatValue(double v);
  // Plot units of a metric: FLOPs and params of a workspace are shown in millions.
  double scaleOf(const QString& metric) const;

 private:
  nas::Workspace* ws_ = nullptr;
};

}  // namespace nas::ui
