#include "app/ResultsLoader.h"

#include <memory>

#include "common/Error.h"
#include "models/MetricDisplay.h"
#include "store/Records.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"

namespace nas::ui {

namespace {
// Lives in the loader's thread; keeps its connection open between reads.
struct ResultsReadWorker : QObject {
  std::unique_ptr<nas::Workspace> ws;
  QString path;
};
}  // namespace

ResultsLoader::ResultsLoader(QObject* parent) : QObject(parent) {
  thread_.setObjectName(QStringLiteral("ResultsLoader"));
  auto* worker = new ResultsReadWorker;
  worker->moveToThread(&thread_);
  worker_ = worker;
  connect(&thread_, &QThread::finished, worker, &QObject::deleteLater);
  thread_.start(QThread::LowPriority);
}

ResultsLoader::~ResultsLoader() {
  thread_.quit();
  thread_.wait();
}

void ResultsLoader::request(const ResultsRequest& r) {
  const qint64 gen = ++generation_;
  auto* worker = static_cast<ResultsReadWorker*>(worker_);
  QMetaObject::invokeMethod(
      worker,
      [this, worker, gen, r] {
        if (gen != generation_.load()) return;  // a newer request is queued behind this one
        ResultsSnapshot s;
        try {
          if (!worker->ws || worker->path != r.path) {
            worker->ws.reset();
            worker->ws = nas::Workspace::open(r.path.toStdString(), nas::Workspace::Mode::ReadOnly);
            worker->path = r.path;
          }
          s = read(*worker->ws, r);
        } catch (const std::exception& e) {
          worker->ws.reset();  // a half-written or vanished file: reopen next time
          s = ResultsSnapshot{};
          s.error = QString::fromUtf8(nas::toError(e).what());
        }
        s.path = r.path;
        // No exception leaves this lambda; the answer goes back by a queued call, and only the
        // latest request's counts.
        QMetaObject::invokeMethod(
            this,
            [this, gen, s = std::move(s)] {
              if (gen == generation_.load()) Q_EMIT loaded(s);
            },
            Qt::QueuedConnection);
      },
      Qt::QueuedConnection);
}

void ResultsLoader::readFilters(const nas::Workspace& ws, QStringList& datasets,
                                QList<QPair<qint64, QString>>& jobs) {
  for (const std::string& d : ws.evaluationDatasets())
    if (!d.empty()) datasets << QString::fromStdString(d);
  // One query for the jobs and their titles (not one per job).
  for (const nas::JobRecord& job : ws.jobsWithEvaluations())
    jobs.append({qint64(job.id), QStringLiteral("#%1 ").arg(job.id) + QString::fromStdString(nas::jobTitle(job))});
}

ResultsSnapshot ResultsLoader::read(const nas::Workspace& ws, const ResultsRequest& r) {
  ResultsSnapshot s;
  readFilters(ws, s.datasets, s.jobs);
  for (const std::string& m : ws.metricNames()) s.metricNames << QString::fromStdString(m);
  s.accuracy = accuracyMetric(s.metricNames);  // the rule the scatter's default y axis follows
  const std::string accuracy = s.accuracy.toStdString();
  s.table = r.table;
  s.table.metric = ArchTableView::pickMetric(s.metricNames, r.tableMetric).toStdString();
  s.page = ArchTableModel::readFirstPage(ws, s.table);
  if (r.wantBest && !accuracy.empty()) {
    const auto best = ws.archMetricRows(accuracy, {}, "value", true, 1);
    if (!best.empty()) s.bestArch = best.front().archId;
  }
  return s;
}

}  // namespace nas::ui
