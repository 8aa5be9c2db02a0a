#include "models/JobListModel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QSet>
#include <algorithm>
#include <cmath>

#include "jobs/JobService.h"

namespace nas::ui {

namespace {

QString timeText(double unixSeconds) {
  if (unixSeconds <= 0) return {};
  QDateTime t = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixSeconds * 1000.0));
  if (t.date() == QDate::currentDate()) return QLocale().toString(t.time(), QStringLiteral("HH:mm:ss"));
  return QLocale().toString(t, QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString durationText(double seconds) {
  if (seconds < 0) return {};
  qint64 s = static_cast<qint64>(std::llround(seconds));
  qint64 h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  if (h > 0) return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(sec, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(m).arg(sec, 2, 10, QLatin1Char('0'));
}

QIcon dotIcon(const QColor& c) {
  QPixmap pm(12, 12);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(c.darker(130));
  p.setBrush(c);
  p.drawEllipse(QRectF(1.5, 1.5, 9, 9));
  return QIcon(pm);
}

bool sameRecord(const nas::JobRecord& a, const nas::JobRecord& b) {
  return a.status == b.status && a.progress == b.progress && a.stage == b.stage && a.error == b.error &&
         a.resultJson == b.resultJson && a.cancelRequested == b.cancelRequested && a.pid == b.pid &&
         a.startedAt == b.startedAt && a.finishedAt == b.finishedAt && a.updatedAt == b.updatedAt &&
         a.method == b.method && a.specJson == b.specJson && a.worker == b.worker && a.attempts == b.attempts &&
         a.heartbeatAt == b.heartbeatAt;
}

}  // namespace

QString jobDisplayStatusName(JobDisplayStatus s) {
  switch (s) {
    case JobDisplayStatus::Queued: return QObject::tr("queued");
    case JobDisplayStatus::Running: return QObject::tr("running");
    case JobDisplayStatus::Done: return QObject::tr("done");
    case JobDisplayStatus::Failed: return QObject::tr("failed");
    case JobDisplayStatus::Cancelled: return QObject::tr("cancelled");
    case JobDisplayStatus::Interrupted: return QObject::tr("interrupted");
    case JobDisplayStatus::Cancelling: return QObject::tr("cancelling");
  }
  return QStringLiteral("?");
}

QColor jobDisplayStatusColor(JobDisplayStatus s) {
  switch (s) {
    case JobDisplayStatus::Queued: return QColor(0x9a, 0xa5, 0xb1);
    case JobDisplayStatus::Running: return QColor(0x2b, 0x7b, 0xd6);
    case JobDisplayStatus::Done: return QColor(0x2e, 0x9d, 0x5b);
    case JobDisplayStatus::Failed: return QColor(0xd0, 0x3b, 0x2e);
    case JobDisplayStatus::Cancelled: return QColor(0x8a, 0x8f, 0x98);
    case JobDisplayStatus::Interrupted: return QColor(0xe0, 0x8e, 0x1b);
    case JobDisplayStatus::Cancelling: return QColor(0xe0, 0x8e, 0x1b);
  }
  return Qt::gray;
}

JobListModel::JobListModel(QObject* parent) : QAbstractTableModel(parent), pidAlive_(&JobListModel::pidAlive) {
  for (auto s : {JobDisplayStatus::Queued, JobDisplayStatus::Running, JobDisplayStatus::Done, JobDisplayStatus::Failed,
                 JobDisplayStatus::Cancelled, JobDisplayStatus::Interrupted, JobDisplayStatus::Cancelling})
    statusIcons_.insert(static_cast<int>(s), dotIcon(jobDisplayStatusColor(s)));
}

bool JobListModel::pidAlive(qint64 pid) { return nas::processAlive(pid); }

void JobListModel::setPidAliveFunction(PidAliveFn fn) { pidAlive_ = fn ? std::move(fn) : PidAliveFn(&JobListModel::pidAlive); }

JobDisplayStatus JobListModel::computeStatus(const nas::JobRecord& r) const {
  // Core's one definition of a live worker (JobLiveness), with this model's pid probe.
  nas::JobLiveness liveness;
  liveness.probe = [this](std::int64_t pid) { return pidAlive_(pid); };
  switch (liveness.effectiveStatus(r, nas::nowUnixSeconds())) {
    case nas::JobStatus::Queued: return JobDisplayStatus::Queued;
    case nas::JobStatus::Running: return r.cancelRequested ? JobDisplayStatus::Cancelling : JobDisplayStatus::Running;
    case nas::JobStatus::Done: return JobDisplayStatus::Done;
    case nas::JobStatus::Failed: return JobDisplayStatus::Failed;
    case nas::JobStatus::Cancelled: return JobDisplayStatus::Cancelled;
    case nas::JobStatus::Interrupted: return JobDisplayStatus::Interrupted;
  }
  return JobDisplayStatus::Queued;
}

void JobListModel::rebuildIndex() {
  rowOfId_.clear();
  rowOfId_.reserve(rows_.size());
  for (int i = 0; i < rows_.size(); ++i) rowOfId_.insert(rows_[i].record.id, i);
}

void JobListModel::setJobs(const std::vector<nas::JobRecord>& jobs) {
  QSet<qint64> incoming;
  incoming.reserve(static_cast<int>(jobs.size()));
  for (const auto& j : jobs) incoming.insert(j.id);

  // 1. Remove rows of deleted jobs, from the bottom up, in contiguous runs.
  for (int row = rows_.size() - 1; row >= 0;) {
    if (incoming.contains(rows_[row].record.id)) {
      --row;
      continue;
    }
    int last = row;
    while (row >= 0 && !incoming.contains(rows_[row].record.id)) --row;
    beginRemoveRows(QModelIndex(), row + 1, last);
    rows_.erase(rows_.begin() + row + 1, rows_.begin() + last + 1);
    endRemoveRows();
  }
  rebuildIndex();

  // 2. Update known rows in place; collect new ones.
  std::vector<const nas::JobRecord*> fresh;
  for (const auto& j : jobs) {
    auto it = rowOfId_.constFind(j.id);
    if (it == rowOfId_.constEnd()) {
      fresh.push_back(&j);
      continue;
    }
    Entry& e = rows_[*it];
    JobDisplayStatus st = computeStatus(j);
    bool changed = !sameRecord(e.record, j) || st != e.status;
    if (!changed) continue;
    if (j.status != nas::JobStatus::Running || st != e.status) {
      e.liveProgress = -1;  // the store is authoritative once the job is no longer running
      e.liveStage.clear();
    }
    const JobDisplayStatus before = e.status;
    e.record = j;
    e.status = st;
    Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
    if (before != st) Q_EMIT statusChanged(j.id, before, st);
  }

  // 3. Insert new jobs at the top, newest (highest id) first.
  if (!fresh.empty()) {
    std::sort(fresh.begin(), fresh.end(), [](const nas::JobRecord* a, const nas::JobRecord* b) { return a->id > b->id; });
    beginInsertRows(QModelIndex(), 0, static_cast<int>(fresh.size()) - 1);
    QVector<Entry> head;
    head.reserve(static_cast<int>(fresh.size()));
    for (const auto* j : fresh) {
      Entry e;
      e.record = *j;
      e.status = computeStatus(*j);
      head.push_back(std::move(e));
    }
    rows_ = head + rows_;
    rebuildIndex();
    endInsertRows();
  }
}

void JobListModel::clear() {
  if (rows_.isEmpty()) return;
  beginResetModel();
  rows_.clear();
  rowOfId_.clear();
  endResetModel();
}

void JobListModel::applyProgress(qint64 id, double fraction, const QString& stage) {
  auto it = rowOfId_.constFind(id);
  if (it == rowOfId_.constEnd()) return;
  Entry& e = rows_[*it];
  e.liveProgress = std::clamp(fraction, 0.0, 1.0);
  if (!stage.isEmpty()) e.liveStage = stage;
  // The worker reported: it is running even if the store has not said so yet.
  if (e.status == JobDisplayStatus::Queued || e.status == JobDisplayStatus::Interrupted) e.status = JobDisplayStatus::Running;
  Q_EMIT dataChanged(index(*it, StatusColumn), index(*it, ElapsedColumn));
}

void JobListModel::tick() {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].status == JobDisplayStatus::Running || rows_[i].status == JobDisplayStatus::Cancelling) {
      // A worker can die between polls: re-check its pid so the row turns "interrupted".
      JobDisplayStatus st = computeStatus(rows_[i].record);
      if (rows_[i].record.status == nas::JobStatus::Running && st != rows_[i].status &&
          st == JobDisplayStatus::Interrupted) {
        const JobDisplayStatus before = rows_[i].status;
        rows_[i].status = st;
        Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        Q_EMIT statusChanged(rows_[i].record.id, before, st);
      } else {
        Q_EMIT dataChanged(index(i, ElapsedColumn), index(i, ElapsedColumn));
      }
    }
  }
}

int JobListModel::rowOf(qint64 id) const { return rowOfId_.value(id, -1); }

qint64 JobListModel::idAt(int row) const { return row >= 0 && row < rows_.size() ? rows_[row].record.id : 0; }

const nas::JobRecord* JobListModel::job(qint64 id) const {
  int row = rowOf(id);
  return row < 0 ? nullptr : &rows_[row].record;
}

JobDisplayStatus JobListModel::displayStatus(qint64 id) const {
  int row = rowOf(id);
  return row < 0 ? JobDisplayStatus::Queued : rows_[row].status;
}

int JobListModel::runningCount() const {
  return static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [](const Entry& e) {
    return e.status == JobDisplayStatus::Running || e.status == JobDisplayStatus::Cancelling;
  }));
}

double JobListModel::progressOf(const Entry& e) const {
  double p = e.record.progress;
  if (e.liveProgress >= 0) p = std::max(p, e.liveProgress);
  if (e.record.status == nas::JobStatus::Done) p = 1.0;
  return std::clamp(p, 0.0, 1.0);
}

QString JobListModel::stageOf(const Entry& e) const {
  if (!e.liveStage.isEmpty()) return e.liveStage;
  return QString::fromStdString(e.record.stage);
}

// The whole run time: the runs before the current or last one (the workspace adds each run's
// time when it ends), and this one up to now while it runs.
double JobListModel::elapsedSeconds(const Entry& e) const {
  const auto& r = e.record;
  if (r.startedAt <= 0) return -1;
  double end = r.finishedAt > 0 ? r.finishedAt : 0;
  if (end <= 0) {
    if (e.status == JobDisplayStatus::Running || e.status == JobDisplayStatus::Cancelling)
      end = QDateTime::currentMSecsSinceEpoch() / 1000.0;
    else
      end = r.updatedAt > 0 ? r.updatedAt : r.startedAt;
  }
  return r.earlierRunsSeconds + std::max(0.0, end - r.startedAt);
}

QString JobListModel::elapsedText(const Entry& e) const { return durationText(elapsedSeconds(e)); }

// When the job first started: a resume does not move it (workspaces older than schema 4 know
// only the latest run's start).
static double firstStart(const JobRecord& r) { return r.firstStartedAt > 0 ? r.firstStartedAt : r.startedAt; }

int JobListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : rows_.size(); }

int JobListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant JobListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size() || index.column() >= ColumnCount) return {};
  const Entry& e = rows_[index.row()];
  const auto& r = e.record;
  switch (role) {
    case JobIdRole: return QVariant::fromValue<qint64>(r.id);
    case ProgressRole: return progressOf(e);
    case StageRole: return stageOf(e);
    case StatusRole: return static_cast<int>(e.status);
    case MethodRole: return QString::fromStdString(r.method);
    default: break;
  }
  const int col = index.column();
  if (role == Qt::DisplayRole) {
    switch (col) {
      case IdColumn: return QVariant::fromValue<qint64>(r.id);
      case MethodColumn: return QString::fromStdString(r.method);
      case StatusColumn: return jobDisplayStatusName(e.status);
      case ProgressColumn: {
        QString pct = QStringLiteral("%1 %").arg(static_cast<int>(std::floor(progressOf(e) * 100.0)));
        QString stage = stageOf(e);
        return stage.isEmpty() ? pct : pct + QStringLiteral(" · ") + stage;
      }
      case ElapsedColumn: return elapsedText(e);
      case StartedColumn: return timeText(firstStart(r));
      case FinishedColumn: return timeText(r.finishedAt);
      case ErrorColumn: return QString::fromStdString(r.error).section(QLatin1Char('\n'), 0, 0);
      case WorkerColumn: return QString::fromStdString(r.worker);
      default: return {};
    }
  }
  if (role == SortRole) {
    switch (col) {
      case IdColumn: return QVariant::fromValue<qint64>(r.id);
      case MethodColumn: return QString::fromStdString(r.method);
      case StatusColumn: return static_cast<int>(e.status);
      case ProgressColumn: return progressOf(e);
      case ElapsedColumn: return elapsedSeconds(e);
      case StartedColumn: return firstStart(r);
      case FinishedColumn: return r.finishedAt;
      case ErrorColumn: return QString::fromStdString(r.error);
      case WorkerColumn: return QString::fromStdString(r.worker);
      default: return {};
    }
  }
  if (role == Qt::DecorationRole && col == StatusColumn) return statusIcons_.value(static_cast<int>(e.status));
  if (role == Qt::ForegroundRole) {
    if (col == ErrorColumn) return QColor(0xb0, 0x30, 0x25);
    if (col == StatusColumn && (e.status == JobDisplayStatus::Failed || e.status == JobDisplayStatus::Interrupted))
      return jobDisplayStatusColor(e.status).darker(115);
  }
  if (role == Qt::TextAlignmentRole) {
    if (col == IdColumn || col == ElapsedColumn) return int(Qt::AlignRight | Qt::AlignVCenter);
    return int(Qt::AlignLeft | Qt::AlignVCenter);
  }
  if (role == Qt::ToolTipRole) {
    switch (col) {
      case StatusColumn:
        if (e.status == JobDisplayStatus::Interrupted)
          return tr("The worker of this job (%1) is gone: it crashed, was killed or stopped heartbeating. Resume "
                    "continues from the last checkpoint.")
              .arg(r.worker.empty() ? QStringLiteral("pid %1").arg(r.pid) : QString::fromStdString(r.worker));
        return jobDisplayStatusName(e.status);
      case ErrorColumn: return QString::fromStdString(r.error);
      case WorkerColumn:
        return r.worker.empty() ? QString()
                                : tr("Run by worker %1 (attempt %2)").arg(QString::fromStdString(r.worker)).arg(r.attempts);
      case ProgressColumn: return stageOf(e);
      case StartedColumn:
      case ElapsedColumn: {
        if (r.startedAt <= 0) return QString();
        auto when = [](double t) { return QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(t))); };
        if (r.attempts < 2) return tr("Started %1").arg(when(firstStart(r)));
        return tr("Started %1; run %2 of this job started %3 (the run time counts every run: %4 before this one)")
            .arg(when(firstStart(r)))
            .arg(r.attempts)
            .arg(when(r.startedAt))
            .arg(durationText(r.earlierRunsSeconds));
      }
      case FinishedColumn:
        return r.finishedAt > 0 ? QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(r.finishedAt)))
                                : QString();
      default: return {};
    }
  }
  return {};
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case IdColumn: return tr("ID");
      case MethodColumn: return tr("Method");
      case StatusColumn: return tr("Status");
      case ProgressColumn: return tr("Progress");
      case ElapsedColumn: return tr("Run time");
      case StartedColumn: return tr("Started");
      case FinishedColumn: return tr("Finished");
      case ErrorColumn: return tr("Error");
      case WorkerColumn: return tr("Worker");
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole) {
    if (section == IdColumn || section == ElapsedColumn) return int(Qt::AlignRight | Qt::AlignVCenter);
    return int(Qt::AlignLeft | Qt::AlignVCenter);
  }
  if (role == Qt::ToolTipRole && (section == ElapsedColumn || section == StartedColumn))
    return tr("Of the current or last run: a resumed job starts a new run (\"run 2\"), and its clock starts again");
  return {};
}

}  // namespace nas::ui
