#pragma once
// The jobs of a workspace as a table (QgsTaskManagerModel shape): one row per job, keyed by
// job id with a row <-> id map. setJobs() takes a fresh Workspace::jobs() snapshot and updates
// rows in place (dataChanged), inserts new jobs and removes deleted ones; it never resets, so
// selection and scroll position survive the 500 ms polling. Live progress from a worker's
// progress lines is overlaid with applyProgress() so the bars move between polls.
//
// A job the store calls "running" whose worker is gone (crash, kill -9, no heartbeat) is shown as
// "interrupted", by core's one definition (nas::JobLiveness); its pid probe is replaceable for
// tests. The Worker column says which worker runs (or ran) each job.

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QVector>
#include <functional>
#include <vector>

#include "store/Records.h"

namespace nas::ui {

// What the GUI shows: the stored status, plus Interrupted for a running job without a worker.
enum class JobDisplayStatus { Queued = 1, Running, Done, Failed, Cancelled, Interrupted, Cancelling };
QString jobDisplayStatusName(JobDisplayStatus s);
QColor jobDisplayStatusColor(JobDisplayStatus s);

class JobListModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { IdColumn = 0, MethodColumn, StatusColumn, ProgressColumn, ElapsedColumn, StartedColumn,
                FinishedColumn, ErrorColumn, WorkerColumn, ColumnCount };
  enum Role {
    JobIdRole = Qt::UserRole + 1,  // qint64
    ProgressRole,                  // double 0..1
    StageRole,                     // QString
    StatusRole,                    // int (JobDisplayStatus)
    SortRole,                      // a sortable value per column
    MethodRole,                    // QString
  };

  using PidAliveFn = std::function<bool(qint64 pid)>;

  explicit JobListModel(QObject* parent = nullptr);

  // Replaces the snapshot, updating rows in place. `jobs` may be in any order; new jobs are
  // inserted at the top (they are the newest).
  void setJobs(const std::vector<nas::JobRecord>& jobs);
  void clear();
  // Progress known before the next snapshot (e.g. from a live view); ignored for unknown jobs.
  void applyProgress(qint64 id, double fraction, const QString& stage);
  // Refreshes the elapsed column of running jobs (call once a second).
  void tick();

  int rowOf(qint64 id) const;  // -1 when absent
  qint64 idAt(int row) const;  // 0 when out of range
  const nas::JobRecord* job(qint64 id) const;
  JobDisplayStatus displayStatus(qint64 id) const;
  int runningCount() const;  // running or cancelling (not interrupted)

  void setPidAliveFunction(PidAliveFn fn);
  static bool pidAlive(qint64 pid);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  // A job's shown status changed (not emitted for jobs appearing or disappearing).
  void statusChanged(qint64 id, nas::ui::JobDisplayStatus from, nas::ui::JobDisplayStatus to);

 private:
  struct Entry {
    nas::JobRecord record;
    JobDisplayStatus status = JobDisplayStatus::Queued;
    double liveProgress = -1;  // from progress lines; -1 when none
    QString liveStage;
  };
  JobDisplayStatus computeStatus(const nas::JobRecord& r) const;
  double progressOf(const Entry& e) const;
  QString stageOf(const Entry& e) const;
  QString elapsedText(const Entry& e) const;
  double elapsedSeconds(const Entry& e) const;
  void rebuildIndex();

  QVector<Entry> rows_;
  QHash<qint64, int> rowOfId_;
  PidAliveFn pidAlive_;
  QHash<int, QIcon> statusIcons_;
};

}  // namespace nas::ui
