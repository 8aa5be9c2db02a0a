#pragma once
// Watches a workspace: the only channel from the workers back to the window. Jobs started from
// the CLI, by another window or in a previous session show up here, as do the metric points,
// log lines and evaluations their workers write. Every `intervalMs` a WorkspacePoller reads the
// jobs table, the metric rows and job-log lines appended since the last poll
// (Workspace::metricsSince, jobLogSince) and the architecture count, and emits them. (Qt 6
// needs no Q_DECLARE_METATYPE for the std::vector payloads.)
//
// Two modes:
//  * threaded (the window's): the poller opens its own read-only Workspace in a QThread and
//    delivers queued signals, so no read ever runs on the GUI thread. Several connections to
//    one file in this process are safe (core/store/OpenFiles).
//  * shared: polls the caller's Workspace on the caller's thread, for tests and tools that
//    have no event loop to spare a thread for.
// The first poll reports every stored log line (the log of any job, also an earlier one) but
// no old metric rows (views load the history they need themselves).

#include <QObject>
#include <QString>
#include <QThread>
#include <QVector>
#include <atomic>
#include <memory>
#include <vector>

#include "store/Records.h"
#include "store/Workspace.h"

class QTimer;

namespace nas::ui {

using JobSnapshot = std::vector<nas::JobRecord>;
using MetricRows = std::vector<nas::Workspace::MetricRow>;
using LogLines = std::vector<nas::JobLogLine>;

// Lives in the watcher's thread. Public for tests; use WorkspaceWatcher.
class WorkspacePoller : public QObject {
  Q_OBJECT

 public:
  WorkspacePoller(QString path, int intervalMs);        // opens its own connection
  WorkspacePoller(nas::Workspace* shared, int intervalMs);  // polls the caller's connection
  // The watcher's epoch, read when a poll starts and sent with its job snapshot.
  void setEpoch(std::shared_ptr<std::atomic<qint64>> epoch) { epoch_ = std::move(epoch); }
  ~WorkspacePoller() override;

 public Q_SLOTS:
  void start();
  void stop();
  void pollNow();

 Q_SIGNALS:
  void jobsPolled(const nas::ui::JobSnapshot& jobs, qint64 epoch);
  void metricsPolled(const nas::ui::MetricRows& rows);
  void logPolled(const nas::ui::LogLines& lines);
  void architecturesChanged(qint64 count);
  void pollFailed(const QString& message);

 private:
  bool ensureOpen();

  QString path_;
  int intervalMs_;
  std::unique_ptr<nas::Workspace> own_;
  nas::Workspace* ws_ = nullptr;  // own_.get() or the shared one
  bool shared_ = false;
  QTimer* timer_ = nullptr;
  std::int64_t lastMetricRow_ = -1;  // -1: not primed yet (history is loaded by the views)
  std::int64_t lastLogLine_ = 0;     // every line is reported once, the old ones on the first poll
  qint64 lastArchCount_ = -1;
  QString lastError_;
  bool stopped_ = false;
  std::shared_ptr<std::atomic<qint64>> epoch_;
};

class WorkspaceWatcher : public QObject {
  Q_OBJECT

 public:
  // Threaded mode: its own read-only connection in a poll thread.
  explicit WorkspaceWatcher(const QString& path, int intervalMs = 500, QObject* parent = nullptr);
  // Shared mode: polls `ws` (not owned; must outlive the watcher) on this thread.
  explicit WorkspaceWatcher(nas::Workspace* ws, int intervalMs = 500, QObject* parent = nullptr);
  ~WorkspaceWatcher() override;  // stops polling (and the thread, waiting for it)

  QString path() const { return path_; }
  // Asks for a poll as soon as possible (after submitting a job, say). Job snapshots of polls
  // that started before this call are dropped: the caller may have shown newer jobs already
  // (a snapshot read just before a job was created must not take its row away again).
  void pollSoon();

 Q_SIGNALS:
  void jobsPolled(const nas::ui::JobSnapshot& jobs);
  void metricsPolled(const nas::ui::MetricRows& rows);
  void logPolled(const nas::ui::LogLines& lines);
  void architecturesChanged(qint64 count);
  void pollFailed(const QString& message);

 private:
  void connectPoller();

  QString path_;
  QThread thread_;
  bool threaded_ = false;
  std::shared_ptr<std::atomic<qint64>> epoch_ = std::make_shared<std::atomic<qint64>>(0);
  WorkspacePoller* poller_ = nullptr;  // threaded: deleted in its thread; shared: a child
};

}  // namespace nas::ui
