#include "app/WorkspaceSession.h"

#include <QDir>
#include <QFileInfo>

#include "app/ResultsTab.h"
#include "charts/CurveView.h"
#include "common/Error.h"
#include "generate/GeneratePanel.h"
#include "grids/HeatMapsPanel.h"
#include "jobs/JobController.h"
#include "jobs/JobsPanel.h"
#include "jobs/WorkspaceWatcher.h"
#include "latency/LatencyView.h"
#include "models/JobListModel.h"
#include "search/SearchProgressPanel.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {
QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }
}  // namespace

WorkspaceSession::WorkspaceSession(Views views, QObject* parent) : QObject(parent), v_(std::move(views)) {}

WorkspaceSession::~WorkspaceSession() { watcher_.reset(); }

QString WorkspaceSession::path() const { return ws_ ? QString::fromStdString(ws_->path()) : QString(); }

void WorkspaceSession::setViewsWorkspace(nas::Workspace* ws) {
  v_.controller->setWorkspace(ws);
  v_.curves->setWorkspace(ws);
  v_.results->setWorkspace(ws);
  v_.generate->setWorkspace(ws);
  v_.latency->setWorkspace(ws);
  v_.search->setWorkspace(ws);
  if (v_.heatMaps) v_.heatMaps->setWorkspace(ws);
}

namespace {

// A workspace the user marked or keeps read-only: the file has no write permission bit, or its
// folder cannot be written (SQLite's journal lives beside the file). The bits are read, not
// access(): a file marked read-only stays read-only for root too.
bool markedReadOnly(const QString& path) {
  const QFileInfo file(path);
  if (!file.exists()) return false;
  const QFileInfo folder(file.absolutePath());
  const auto anyWrite = QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther;
  return !(file.permissions() & anyWrite) || !folder.isWritable() || !(folder.permissions() & anyWrite);
}

}  // namespace

bool WorkspaceSession::open(const QString& absolutePath, QString* error) {
  std::unique_ptr<nas::Workspace> ws;
  bool readOnly = markedReadOnly(absolutePath);
  try {
    if (!readOnly) {
      QDir().mkpath(QFileInfo(absolutePath).absolutePath());
      try {
        ws = nas::Workspace::open(absolutePath.toStdString());
      } catch (const nas::Error& e) {
        // Refused a write (a read-only mount, say): browse it rather than fail.
        if (!QFileInfo::exists(absolutePath) ||
            (e.code() != nas::ErrorCode::Unsupported && e.code() != nas::ErrorCode::IoError))
          throw;
        readOnly = true;
      }
    }
    if (readOnly) ws = nas::Workspace::open(absolutePath.toStdString(), nas::Workspace::Mode::ReadOnly);
  } catch (const std::exception& e) {
    if (error)
      *error = tr("Could not open %1:\n%2").arg(QDir::toNativeSeparators(absolutePath), errorText(e));
    return false;
  }
  readOnly_ = readOnly;

  // Tear down the views of the old workspace before it goes.
  watcher_.reset();
  setViewsWorkspace(nullptr);
  v_.jobs->clear();
  v_.panel->clearLogs();
  ws_ = std::move(ws);
  setViewsWorkspace(ws_.get());
  try {
    v_.jobs->setJobs(ws_->jobs());
    // Show something useful at once: the newest running job's curves, else the newest job's.
    qint64 pick = 0;
    for (int row = 0; row < v_.jobs->rowCount() && !pick; ++row) {
      const qint64 id = v_.jobs->idAt(row);
      if (v_.jobs->displayStatus(id) == JobDisplayStatus::Running) pick = id;
    }
    if (!pick && v_.jobs->rowCount() > 0) pick = v_.jobs->idAt(0);
    if (pick) v_.panel->selectJob(pick);
  } catch (const std::exception& e) {
    v_.showStatus(errorText(e), 8000);
  }
  startWatcher();
  return true;
}

// Threaded: every read of the poll runs on the watcher's thread, on a connection of its own.
void WorkspaceSession::startWatcher() {
  watcher_ = std::make_unique<WorkspaceWatcher>(path(), pollIntervalMs_);
  WorkspaceWatcher* w = watcher_.get();
  connect(w, &WorkspaceWatcher::jobsPolled, this, [this](const JobSnapshot& jobs) {
    v_.jobs->setJobs(jobs);
    v_.controller->onJobsPolled(jobs);
    if (v_.jobsChanged) v_.jobsChanged();
  });
  connect(w, &WorkspaceWatcher::logPolled, v_.panel, &JobsPanel::appendLogLines);
  connect(w, &WorkspaceWatcher::metricsPolled, v_.curves, &CurveView::appendRows);
  connect(w, &WorkspaceWatcher::jobsPolled, v_.search, &SearchProgressPanel::onJobsPolled);
  connect(w, &WorkspaceWatcher::metricsPolled, v_.search, &SearchProgressPanel::onMetricsPolled);
  // A frame is written with an epoch's metrics: each poll that brings metrics may bring one;
  // a job's last frame (RepNAS's deployed block) comes with its status change.
  if (v_.heatMaps) {
    connect(w, &WorkspaceWatcher::metricsPolled, v_.heatMaps, [h = v_.heatMaps] { h->onJobsPolled(); });
    connect(w, &WorkspaceWatcher::jobsPolled, v_.heatMaps, [h = v_.heatMaps] { h->onJobsPolled(); });
  }
  connect(w, &WorkspaceWatcher::architecturesChanged, v_.results, &ResultsTab::refresh);
  connect(w, &WorkspaceWatcher::pollFailed, this,
          [this](const QString& msg) { v_.showStatus(tr("Reading the workspace: %1").arg(msg), 6000); });
}

void WorkspaceSession::stopWatching() { watcher_.reset(); }

void WorkspaceSession::pollSoon() {
  if (watcher_) watcher_->pollSoon();
}

}  // namespace nas::ui
