#include "views/ScatterSource.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>
#include <map>

#include "common/Error.h"
#include "models/MetricDisplay.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("ScatterView", s); }
}  // namespace

QString ScatterSource::axisTitle(const QString& metric) {
  // The stored costs are each space's reference network (NB201: 3x32x32), not a job's input.
  if (metric == QLatin1String("flops")) return tr("FLOPs (M, reference input)");
  if (metric == QLatin1String("params")) return tr("params (M)");
  return metricTitle(metric);  // accuracy in percent, as every view shows it
}

bool ScatterSource::largerIsBetter(const QString& metric) {
  const QString m = metric.toLower();
  auto has = [&m](std::initializer_list<const char*> words) {
    for (const char* w : words)
      if (m.contains(QLatin1String(w))) return true;
    return false;
  };
  if (has({"acc", "auc", "precision", "recall", "f1", "score", "map", "iou", "tau", "rho", "reward"})) return true;
  if (has({"flop", "mac", "param", "latency", "time", "loss", "error", "err", "size", "energy", "mem", "ms", "bytes"}))
    return false;
  return true;
}

QString ScatterSource::plainTooltip(const ScatterPoint& p, const QString& label, const QString& x, const QString& y,
                                    const QString& color) {
  QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
  auto row = [&html](const QString& k, const QString& v) {
    html += QStringLiteral("<tr><td>%1</td><td align='right'>&nbsp;%2</td></tr>").arg(k.toHtmlEscaped(), v);
  };
  const QString head = label.isEmpty() ? QStringLiteral("#%1").arg(p.id)
                                       : QStringLiteral("<b>#%1</b> %2").arg(p.id).arg(label.toHtmlEscaped());
  row(axisTitle(x), formatValue(p.x));
  row(axisTitle(y), formatValue(p.y));
  if (!color.isEmpty()) row(axisTitle(color), formatValue(p.c));
  return head + html + QStringLiteral("</table>");
}

QString ScatterSource::formatValue(double v) {
  if (std::isnan(v)) return QStringLiteral("\u2013");
  return QLocale().toString(v, 'g', 6);
}

double ScatterSource::scaleOf(const QString& metric) const {
  return (ws_ && (metric == QLatin1String("flops") || metric == QLatin1String("params"))) ? 1e-6 : 1.0;
}

QStringList ScatterSource::metricNames() const {
  QStringList metrics{QStringLiteral("flops"), QStringLiteral("params")};
  if (ws_)
    for (const std::string& m : ws_->metricNames()) metrics << QString::fromStdString(m);
  return metrics;
}

std::vector<ScatterPoint> ScatterSource::load(const QString& x, const QString& y, const QString& color,
                                              const Filter& f) const {
  if (!ws_) return {};
  return loadFrom(*ws_, x, y, color, f);
}

std::vector<ScatterPoint> ScatterSource::loadFrom(nas::Workspace& ws, const QString& x, const QString& y,
                                                  const QString& color, const Filter& f) {
  std::vector<ScatterPoint> points;
  const auto raw = ws.archPoints(x.toStdString(), y.toStdString(), color.toStdString(), f.space.toStdString(),
                                 nas::EvalScope{f.dataset.toStdString(), f.job}, f.like.toStdString());
  // Costs in millions; accuracy stored as fractions in percent (MetricDisplay.h).
  auto scale = [&raw](const QString& m, double nas::Workspace::ArchPoint::*member) {
    if (m == QLatin1String("flops") || m == QLatin1String("params")) return 1e-6;
    std::vector<double> values;
    values.reserve(raw.size());
    for (const auto& p : raw) values.push_back(p.*member);
    return percentFactor(m, values);
  };
  const double sx = scale(x, &nas::Workspace::ArchPoint::x), sy = scale(y, &nas::Workspace::ArchPoint::y), sc = scale(color, &nas::Workspace::ArchPoint::c);
  points.reserve(raw.size());
  for (const auto& p : raw) points.push_back({p.id, p.x * sx, p.y * sy, color.isEmpty() ? NAN : p.c * sc});
  return points;
}

QString ScatterSource::statusText(std::size_t points, bool front, std::size_t onFront, bool maxX, bool maxY,
                                  const QString& x, const QString& y, int selected) {
  QString s = tr("%1 architectures").arg(QLocale().toString(static_cast<qlonglong>(points)));
  if (front && points > 0)
    s += tr(" \u00b7 %1 on the Pareto front (%2 %3, %4 %5)")
             .arg(onFront)
             .arg(maxX ? tr("max") : tr("min"), axisTitle(x), maxY ? tr("max") : tr("min"), axisTitle(y));
  if (selected > 0) s += tr(" \u00b7 %1 selected").arg(selected);
  s += tr(" \u00b7 hover for details, click to open, Shift+drag to select");
  return s;
}

namespace {
// Lives in the loader's thread; keeps its connection open between requests.
class ScatterLoadWorker : public QObject {
 public:
  std::unique_ptr<nas::Workspace> ws;
  QString path;
};
}  // namespace

ScatterLoader::ScatterLoader(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::vector<nas::ui::ScatterPoint>>("std::vector<nas::ui::ScatterPoint>");
  thread_.setObjectName(QStringLiteral("ScatterLoader"));
  auto* worker = new ScatterLoadWorker;
  worker->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker, &QObject::deleteLater);
  connect(this, &ScatterLoader::requested, worker,
          [this, worker](qint64 gen, const QString& path, const QString& x, const QString& y, const QString& c,
                         const QString& space, const QString& dataset, qint64 job, const QString& like) {
            std::vector<ScatterPoint> points;
            QString error;
            try {
              if (!worker->ws || worker->path != path) {
                worker->ws.reset();
                worker->ws = nas::Workspace::open(path.toStdString(), nas::Workspace::Mode::ReadOnly);
                worker->path = path;
              }
              points = ScatterSource::loadFrom(*worker->ws, x, y, c, {space, dataset, like, job});
            } catch (const std::exception& e) {
              worker->ws.reset();
              error = QString::fromUtf8(nas::toError(e).what());
            }
            // Back on the loader's own thread; only the latest request's answer counts.
            QMetaObject::invokeMethod(
                this,
                [this, gen, path, points = std::move(points), error] {
                  if (gen == generation_) Q_EMIT loaded(path, points, error);
                },
                Qt::QueuedConnection);
          });
  thread_.start(QThread::LowPriority);
}

ScatterLoader::~ScatterLoader() {
  thread_.quit();
  thread_.wait();
}

void ScatterLoader::request(const QString& path, const QString& x, const QString& y, const QString& color,
                            const ScatterSource::Filter& f) {
  Q_EMIT requested(++generation_, path, x, y, color, f.space, f.dataset, f.job, f.like);
}

QString ScatterSource::tooltip(qint64 id) const {
  QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
  auto row = [&html](const QString& k, const QString& v) {
    html += QStringLiteral("<tr><td>%1</td><td align='right'>&nbsp;%2</td></tr>").arg(k.toHtmlEscaped(), v);
  };
  QString head = QStringLiteral("#%1").arg(id);
  try {
    const nas::ArchitectureRecord a = ws_->architecture(id);
    head = QStringLiteral("<b>#%1</b> %2<br><span style='font-family:monospace'>%3</span>")
               .arg(id)
               .arg(QString::fromStdString(a.space).toHtmlEscaped(), QString::fromStdString(a.canonical).toHtmlEscaped());
    const QString reference = referenceCostNote(QString::fromStdString(a.space));
    row(tr("FLOPs (M, %1)").arg(reference), formatValue(a.flops / 1e6));
    row(tr("params (M)"), formatValue(a.params / 1e6));
    // The best value per metric and dataset, as the views plot them.
    std::map<std::pair<std::string, std::string>, double> best;
    for (const auto& e : ws_->evaluations(id)) {
      auto key = std::make_pair(e.metric, e.dataset);
      auto it = best.find(key);
      if (it == best.end() || e.value > it->second) best[key] = e.value;
    }
    for (const auto& [key, v] : best) {
      const QString metric = QString::fromStdString(key.first);
      const double factor = percentFactor(metric, std::initializer_list<double>{v});
      row(metric + (key.second.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(key.second))),
          factor == 100.0 ? formatValue(v * 100.0) + QStringLiteral(" %") : formatValue(v));
    }
  } catch (const std::exception& e) {
    row(tr("error"), QString::fromUtf8(e.what()).toHtmlEscaped());
  }
  return head + html + QStringLiteral("</table>");
}

QString ScatterSource::label(qint64 id) const {
  try {
    return QString::fromStdString(ws_->architecture(id).canonical);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace nas::ui
