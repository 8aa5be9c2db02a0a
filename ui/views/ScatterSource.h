#pragma once
// Where a ScatterView's points come from when they come from a workspace: the metrics one can
// plot ("flops", "params" and every evaluation metric), the points for two (or three) of them
// in plot units (FLOPs and params in millions), and the hover text and list label of an
// architecture. Reads the GUI thread's workspace; throws nas::Error.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <memory>
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
  // Only architectures with an evaluation of `dataset` / job `job` ("" / 0: any) whose string
  // contains `like` ("" = any); the metrics are taken from those evaluations only.
  struct Filter {
    QString space, dataset, like;
    qint64 job = 0;
  };
  std::vector<ScatterPoint> load(const QString& x, const QString& y, const QString& color, const Filter& f) const;
  // The same from any workspace connection (the background loader's).
  static std::vector<ScatterPoint> loadFrom(nas::Workspace& ws, const QString& x, const QString& y,
                                            const QString& color, const Filter& f);
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
  // The status line under the plot.
  static QString statusText(std::size_t points, bool front, std::size_t onFront, bool maxX, bool maxY,
                            const QString& x, const QString& y, int selected);

 private:
  nas::Workspace* ws_ = nullptr;
};

// Loads scatter points on a thread of its own, on a read-only connection of its own, so that
// reloading while a search streams thousands of evaluations in does not stall the window. Only
// the answer to the latest request is delivered.
class ScatterLoader : public QObject {
  Q_OBJECT

 public:
  explicit ScatterLoader(QObject* parent = nullptr);
  ~ScatterLoader() override;  // stops the thread, waiting for a load in progress
  void request(const QString& path, const QString& x, const QString& y, const QString& color,
               const ScatterSource::Filter& f);

 Q_SIGNALS:
  void loaded(const QString& path, const std::vector<nas::ui::ScatterPoint>& points, const QString& error);
  void requested(qint64 generation, const QString& path, const QString& x, const QString& y, const QString& color,
                 const QString& space, const QString& dataset, qint64 job,
                 const QString& like);  // internal: to the thread

 private:
  QThread thread_;
  qint64 generation_ = 0;
};

}  // namespace nas::ui
