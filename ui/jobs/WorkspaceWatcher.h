#pragma once
// Polls a workspace. The workspace is the source of truth: jobs started from the CLI, by
// another window or in a previous session show up here, as do the metric points and
// evaluations their workers write. Every `intervalMs` a WorkspacePoller reads the jobs table,
// the metric rows appended since the last poll (Workspace::metricsSince) and the architecture
// count, and emits them. (Qt 6 needs no Q_DECLARE_METATYPE for the std::vector payloads.)
//
// Two modes:
//  * shared: polls the caller's Workspace on the caller's thread. The main window uses this:
//    it keeps ONE connection per workspace file in the GUI process. Each Workspace::open reads
//    the SQLite header through a separate file descriptor (store/FileCheck.cpp); closing it
//    drops every POSIX lock the process holds on the file (sqlite.org/howtocorrupt.html §2.2),
//    so a second connection lets a worker that closes its own delete the WAL under the first.
//    The reads are short and WAL readers never wait for the writer, so polling here costs the
//    GUI thread about a millisecond every 500 ms (see tests/bench/ui).
//  * threaded: opens its own read-only Workspace in a QThread and delivers queued signals.
//    Safe only when no other connection to the file is open in this process (until the header
//    check stops closing a descriptor on a file SQLite has open).

#include <QObject>
#include <QString>
#include <QThread>
#include <QVector>
#include <memory>
#include <vector>

#include "store/Records.h"
#include "store/Workspace.h"

class QTimer;

namespace nas::ui {

using JobSnapshot = std::vector<nas::JobRecord>;
using MetricRows = std::vector<nas::Workspace::MetricRow>;

// Lives in the watcher's thread. Public for tests; use WorkspaceWatcher.
class WorkspacePoller : public QObject {
  Q_OBJECT

 public:
  WorkspacePoller(QString path, int intervalMs);        // opens its own connection
  WorkspacePoller(nas::Workspace* shared, int intervalMs);  // polls the caller's connection
  ~WorkspacePoller() override;

 public Q_SLOTS:
  void start();
  void stop();
  void pollNow();

 Q_SIGNALS:
  void jobsPolled(const nas::ui::JobSnapshot& jobs);
  void metricsPolled(const nas::ui::MetricRows& rows);
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
  qint64 lastArchCount_ = -1;
  QString lastError_;
  bool stopped_ = false;
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
  // Asks for a poll as soon as possible (after submitting a job, say).
  void pollSoon();

 Q_SIGNALS:
  void jobsPolled(const nas::ui::JobSnapshot& jobs);
  void metricsPolled(const nas::ui::MetricRows& rows);
  void architecturesChanged(qint64 count);
  void pollFailed(const QString& message);

 private:
  void connectPoller();

  QString path_;
  QThread thread_;
  bool threaded_ = false;
  WorkspacePoller* poller_ = nullptr;  // threaded: deleted in its thread; shared: a child
};

}  // namespace nas::ui
