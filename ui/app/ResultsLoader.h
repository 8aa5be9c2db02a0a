#pragma once
// Reads what a Search Results refresh needs on a thread of its own, on a read-only connection
// of its own (as ScatterLoader and the WorkspaceWatcher's poller do): the datasets and jobs of
// the filters, the metric names, the architecture table's count and first page, and the best
// architecture by accuracy. While workers stream thousands of evaluations in, these reads took
// 60-100 ms of the GUI thread on a busy machine (bench_ui_stalls). Errors come back as text;
// only the answer to the latest request is delivered, by a queued call.

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QThread>
#include <atomic>

#include "models/ArchTableModel.h"

namespace nas::ui {

struct ResultsRequest {
  QString path;                  // the workspace file
  QString tableMetric;           // the table's metric picker now ("" = none picked)
  ArchTableModel::Query table;   // the table's query; its metric is picked by the loader
  bool wantBest = false;         // also find the best architecture by accuracy
};

struct ResultsSnapshot {
  QString path;
  QStringList datasets;                    // of the evaluations ("" left out)
  QList<QPair<qint64, QString>> jobs;      // jobs with evaluations: id, "#id title"
  QStringList metricNames;                 // of the evaluations
  QString accuracy;                        // the held-out accuracy metric, else the first "acc"
  qint64 bestArch = 0;                     // by `accuracy`, when asked for and there is one
  ArchTableModel::Query table;             // the query the page answers (metric picked)
  ArchTableModel::Page page;
  QString error;                           // non-empty: nothing else is valid
};

class ResultsLoader : public QObject {
  Q_OBJECT

 public:
  explicit ResultsLoader(QObject* parent = nullptr);
  ~ResultsLoader() override;  // stops the thread, waiting for a read in progress
  void request(const ResultsRequest& r);

  // The reads, on any connection (public for tests). Throw nas::Error.
  static ResultsSnapshot read(const nas::Workspace& ws, const ResultsRequest& r);
  // The filters' choices alone: the datasets and the jobs ("#id title") with evaluations.
  static void readFilters(const nas::Workspace& ws, QStringList& datasets, QList<QPair<qint64, QString>>& jobs);

 Q_SIGNALS:
  void loaded(const nas::ui::ResultsSnapshot& snapshot);

 private:
  QThread thread_;
  QObject* worker_ = nullptr;  // lives in thread_, holds the connection
  std::atomic<qint64> generation_{0};
};

}  // namespace nas::ui
