#include "jobs/WorkspaceWatcher.h"

#include <QTimer>

#include "common/Error.h"

namespace nas::ui {

WorkspacePoller::WorkspacePoller(QString path, int intervalMs) : path_(std::move(path)), intervalMs_(intervalMs) {}

WorkspacePoller::WorkspacePoller(nas::Workspace* shared, int intervalMs)
    : path_(shared ? QString::fromStdString(shared->path()) : QString()),
      intervalMs_(intervalMs),
      ws_(shared),
      shared_(true) {}

WorkspacePoller::~WorkspacePoller() = default;

void WorkspacePoller::start() {
  if (!timer_) {
    timer_ = new QTimer(this);
    timer_->setInterval(intervalMs_);
    connect(timer_, &QTimer::timeout, this, &WorkspacePoller::pollNow);
  }
  timer_->start();
  pollNow();
}

void WorkspacePoller::stop() {
  stopped_ = true;
  if (timer_) timer_->stop();
  own_.reset();
  if (!shared_) ws_ = nullptr;
}

bool WorkspacePoller::ensureOpen() {
  if (ws_) return true;
  if (shared_) return false;
  own_ = nas::Workspace::open(path_.toStdString(), nas::Workspace::Mode::ReadOnly);
  ws_ = own_.get();
  return ws_ != nullptr;
}

void WorkspacePoller::pollNow() {
  if (stopped_) return;
  const qint64 epoch = epoch_ ? epoch_->load() : 0;
  try {
    if (!ensureOpen()) return;
    // Metrics first: the history boundary is fixed before anyone learns of the jobs.
    MetricRows rows;
    if (lastMetricRow_ < 0) {
      // Prime: remember where the table ends; views load the history they need themselves.
      lastMetricRow_ = ws_->lastMetricRowId();
    } else {
      rows = ws_->metricsSince(lastMetricRow_);
      if (!rows.empty()) lastMetricRow_ = rows.back().rowId;
    }
    LogLines lines = ws_->jobLogSince(lastLogLine_);
    if (!lines.empty()) lastLogLine_ = lines.back().id;
    Q_EMIT jobsPolled(ws_->jobs(), epoch);
    if (!rows.empty()) Q_EMIT metricsPolled(rows);
    if (!lines.empty()) Q_EMIT logPolled(lines);
    const qint64 archCount = ws_->architectureCount();
    if (archCount != lastArchCount_) {
      lastArchCount_ = archCount;
      Q_EMIT architecturesChanged(archCount);
    }
    lastError_.clear();
  } catch (const std::exception& e) {
    // A locked or half-written file is a transient state: report once, retry next tick.
    QString msg = QString::fromUtf8(nas::toError(e).what());
    if (msg != lastError_) Q_EMIT pollFailed(msg);
    lastError_ = msg;
    if (!shared_) {
      own_.reset();
      ws_ = nullptr;
    }
  }
}

WorkspaceWatcher::WorkspaceWatcher(const QString& path, int intervalMs, QObject* parent)
    : QObject(parent), path_(path), threaded_(true) {
  qRegisterMetaType<nas::ui::JobSnapshot>("nas::ui::JobSnapshot");
  qRegisterMetaType<nas::ui::MetricRows>("nas::ui::MetricRows");
  qRegisterMetaType<nas::ui::LogLines>("nas::ui::LogLines");
  thread_.setObjectName(QStringLiteral("WorkspaceWatcher"));
  poller_ = new WorkspacePoller(path, intervalMs);
  poller_->moveToThread(&thread_);
  connect(&thread_, &QThread::started, poller_, &WorkspacePoller::start);
  connect(&thread_, &QThread::finished, poller_, &QObject::deleteLater);
  connectPoller();
  thread_.start(QThread::LowPriority);
}

WorkspaceWatcher::WorkspaceWatcher(nas::Workspace* ws, int intervalMs, QObject* parent)
    : QObject(parent), path_(ws ? QString::fromStdString(ws->path()) : QString()) {
  poller_ = new WorkspacePoller(ws, intervalMs);
  poller_->setParent(this);
  connectPoller();
  // Start from the event loop, so the caller can connect to the signals first.
  QMetaObject::invokeMethod(poller_, &WorkspacePoller::start, Qt::QueuedConnection);
}

void WorkspaceWatcher::connectPoller() {
  poller_->setEpoch(epoch_);
  connect(poller_, &WorkspacePoller::jobsPolled, this, [this](const JobSnapshot& jobs, qint64 epoch) {
    if (epoch == epoch_->load()) Q_EMIT jobsPolled(jobs);  // else taken before a pollSoon()
  });
  connect(poller_, &WorkspacePoller::metricsPolled, this, &WorkspaceWatcher::metricsPolled);
  connect(poller_, &WorkspacePoller::logPolled, this, &WorkspaceWatcher::logPolled);
  connect(poller_, &WorkspacePoller::architecturesChanged, this, &WorkspaceWatcher::architecturesChanged);
  connect(poller_, &WorkspacePoller::pollFailed, this, &WorkspaceWatcher::pollFailed);
}

WorkspaceWatcher::~WorkspaceWatcher() {
  if (threaded_) {
    QMetaObject::invokeMethod(poller_, &WorkspacePoller::stop, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
  } else {
    poller_->stop();
  }
}

void WorkspaceWatcher::pollSoon() {
  epoch_->fetch_add(1);
  QMetaObject::invokeMethod(poller_, &WorkspacePoller::pollNow, Qt::QueuedConnection);
}

}  // namespace nas::ui
