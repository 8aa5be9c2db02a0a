#pragma once
// Live metric curves of one or more jobs (QCustomPlot). One graph per (job, series); the
// jobs shown are set with setJobs() (the main window passes the jobs selected in the jobs
// panel), the series with the picker (loss, accuracy, lr, best_so_far, whatever is present).
//
// Points arrive from the workspace poller (appendRows, fed by Workspace::metricsSince); a
// job's history is read from the workspace when it is added. Appends mark the plot dirty and
// a 100 ms timer replots (rpQueuedReplot), never once per point. The axes follow the data only
// until the user drags or zooms; "Fit" rescales and makes them follow again (peers.md §3.9:
// live updates that keep the user's zoom).
//
// Accuracy-like series (names containing "acc" or "best") go to the right axis when other
// series are shown too, so a loss in [0, 3] and an accuracy in [0, 100] both stay readable;
// series counted in epochs rather than optimizer steps go to the top axis (assignKeyAxes).

#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
#include <QStringList>
#include <QWidget>

#include "store/Workspace.h"

class QCustomPlot;
class QCPGraph;
class QLabel;
class QMenu;
class QTimer;
class QToolButton;

namespace nas::ui {

class CurveView : public QWidget {
  Q_OBJECT

 public:
  explicit CurveView(QWidget* parent = nullptr);
  ~CurveView() override;

  // The GUI thread's workspace (not owned), used to load a job's history; nullptr clears.
  void setWorkspace(nas::Workspace* ws);
  // The jobs whose curves are shown; histories of new ones are loaded now.
  void setJobs(const QList<qint64>& jobIds);
  QList<qint64> jobs() const { return jobs_; }
  // Labels for the legend ("#12 train"); optional.
  void setJobLabel(qint64 jobId, const QString& label);
  // How a shown job ended: a job that stopped without metric points is reported as such
  // (with its error) instead of "waiting for the first points" forever.
  enum class Outcome { Running, Done, Failed, Cancelled };
  void setJobOutcome(qint64 jobId, Outcome outcome, const QString& error = QString());

  QStringList seriesNames() const;    // all series present in the shown jobs, sorted
  QStringList visibleSeries() const;  // those checked in the picker
  void setSeriesVisible(const QString& series, bool visible);

  // Number of points held for (job, series): for tests and the status line.
  int pointCount(qint64 jobId, const QString& series) const;
  bool followsData() const { return autoFit_; }
  QCustomPlot* plot() const { return plot_; }

  // Writes the plot by the file's suffix: .png, .svg or .pdf. Returns false with a message.
  bool exportTo(const QString& fileName, QString* error = nullptr, int width = 0, int height = 0);

 public Q_SLOTS:
  // New metric rows from the workspace poller (any job; rows of other jobs are ignored).
  void appendRows(const std::vector<nas::Workspace::MetricRow>& rows);
  // One point, e.g. from a progress line.
  void appendPoint(qint64 jobId, const QString& series, qint64 step, double value);
  void fit();
  void exportDialog();
  void setLogScale(bool on);
  void replotNow();

 Q_SIGNALS:
  void seriesListChanged();

 private:
  struct Curve {
    qint64 job = 0;
    QString series;
    QCPGraph* graph = nullptr;
    double scale = 0;  // 100: an accuracy stored as a fraction, shown in percent; 0: no point yet
  };
  using Key = QPair<qint64, QString>;

  Curve& curveFor(qint64 job, const QString& series);
  void addPoint(Curve& c, double key, double value);
  void loadHistory(qint64 job);
  void removeJob(qint64 job);
  void restyle();
  void assignKeyAxes();
  void fitAxes();
  double epochScale();
  void rebuildSeriesMenu();
  void markDirty();
  void updatePlaceholder();
  QString noPointsText() const;
  static bool isAccuracyLike(const QString& series);
  bool defaultVisible(const QString& series) const;

  nas::Workspace* ws_ = nullptr;
  QList<qint64> jobs_;
  QHash<qint64, QString> jobLabels_;
  QHash<qint64, QPair<Outcome, QString>> outcomes_;
  // Per job: the last epoch seen on the epoch axis and the steps per epoch measured when it came.
  QHash<qint64, QPair<double, double>> stepsPerEpoch_;
  QHash<Key, Curve> curves_;
  QSet<QString> knownSeries_;
  QHash<QString, bool> userChoice_;  // series the user checked or unchecked explicitly

  QCustomPlot* plot_ = nullptr;
  QToolButton* seriesButton_ = nullptr;
  QMenu* seriesMenu_ = nullptr;
  QToolButton* logButton_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QTimer* replotTimer_ = nullptr;
  bool dirty_ = false;
  bool autoFit_ = true;
  bool logScale_ = false;
};

}  // namespace nas::ui
