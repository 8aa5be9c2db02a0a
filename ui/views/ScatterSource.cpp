#include "views/ScatterSource.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>
#include <map>

#include "store/Workspace.h"

namespace nas::ui {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("ScatterView", s); }
}  // namespace

QString ScatterSource::axisTitle(const QString& metric) {
  if (metric == QLatin1String("flops")) return tr("FLOPs (M)");
  if (metric == QLatin1String("params")) return tr("params (M)");
  return metric;
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
                                              const QString& space) const {
  std::vector<ScatterPoint> points;
  if (!ws_) return points;
  const auto raw = ws_->archPoints(x.toStdString(), y.toStdString(), color.toStdString(), space.toStdString());
  const double sx = scaleOf(x), sy = scaleOf(y), sc = scaleOf(color);
  points.reserve(raw.size());
  for (const auto& p : raw) points.push_back({p.id, p.x * sx, p.y * sy, color.isEmpty() ? NAN : p.c * sc});
  return points;
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
    row(tr("FLOPs (M)"), formatValue(a.flops / 1e6));
    row(tr("params (M)"), formatValue(a.params / 1e6));
    // The best value per metric and dataset, as the views plot them.
    std::map<std::pair<std::string, std::string>, double> best;
    for (const auto& e : ws_->evaluations(id)) {
      auto key = std::make_pair(e.metric, e.dataset);
      auto it = best.find(key);
      if (it == best.end() || e.value > it->second) best[key] = e.value;
    }
    for (const auto& [key, v] : best)
      row(QString::fromStdString(key.first) +
              (key.second.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(key.second))),
          formatValue(v));
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
