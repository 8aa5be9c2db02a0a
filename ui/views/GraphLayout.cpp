#include "views/GraphLayout.h"

#include <QByteArray>
#include <QCache>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QCoreApplication>
#include <QProcess>
#include <QPromise>
#include <QStandardPaths>
#include <QStringList>
#include <QThreadPool>
#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "common/Error.h"
#include "views/OpPalette.h"

// Graphviz runs as its own program (`dot -Tjson`), not as a linked library: Graphviz is
// EPL-1.0, which the FSF lists as GPL-incompatible, and NAS Studio is GPL-3.0-or-later (as
// QCustomPlot requires). Talking to `dot` over a pipe keeps the two separate programs. The cost
// is one process per layout (~10-25 ms); layouts are cached by their DOT text, so redrawing the
// same cell (selection changes, heat-map frames that repeat a graph) never starts `dot` again.

namespace nas::ui {

namespace {

constexpr int kDotTimeoutMs = 15000;
constexpr int kCacheEntries = 256;

// A DOT double-quoted string: backslashes and quotes escaped, line breaks as Graphviz's \n.
// Labels come from workspaces and plugins, so nothing in them may end the string early.
QByteArray quoted(const std::string& text) {
  QByteArray out;
  out.reserve(static_cast<int>(text.size()) + 2);
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r' || c == '\0') {
      // dropped: no meaning in a label
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

QByteArray number(double v) { return QByteArray::number(v, 'g', 6); }

std::string nodeLabel(const nas::GraphNode& n) { return n.label.empty() ? std::to_string(n.id) : n.label; }

// The DOT text of the graph. Edges carry their index in GraphForm::edges as `id`, which `dot`
// copies into its output, so laid-out edges map back without relying on output order.
QByteArray dotText(const nas::GraphForm& graph, const GraphLayoutOptions& options) {
  QHash<int, bool> known;
  for (const auto& n : graph.nodes) known.insert(n.id, true);
  QByteArray dot = "digraph cell {\n";
  dot += "rankdir=" + quoted(options.rankdir.toStdString()) + "; nodesep=0.35; ranksep=0.55; splines=spline;\n";
  const QByteArray nodeFont = number(options.fontSize + 2);
  for (const auto& n : graph.nodes) {
    dot += "n" + QByteArray::number(n.id) + " [shape=box, style=rounded, fontname=Helvetica, fontsize=" + nodeFont +
           ", width=0.55, height=0.4, label=" + quoted(nodeLabel(n)) + "];\n";
  }
  for (int i = 0; i < static_cast<int>(graph.edges.size()); ++i) {
    const auto& e = graph.edges[i];
    if (!e.active && !options.includeInactive) continue;
    // Edges whose end is not a node are an error of the producer: report it, do not draw it.
    if (!known.contains(e.from) || !known.contains(e.to))
      throw nas::Error(nas::ErrorCode::InvalidArgument,
                       "edge " + std::to_string(e.from) + "->" + std::to_string(e.to) + " names a missing node",
                       graph.space);
    dot += "n" + QByteArray::number(e.from) + " -> n" + QByteArray::number(e.to) + " [id=e" + QByteArray::number(i);
    if (options.edgeLabels) {
      const QString label = OpPalette::style(QString::fromStdString(e.op), QString::fromStdString(e.label)).label;
      dot += ", fontname=Helvetica, fontsize=" + number(options.fontSize) + ", label=" + quoted(label.toStdString());
    }
    dot += "];\n";
  }
  dot += "}\n";
  return dot;
}

QString dotProgram() {
  const QString fromEnv = qEnvironmentVariable("NAS_DOT");
  if (!fromEnv.isEmpty()) return fromEnv;
  return QStandardPaths::findExecutable(QStringLiteral("dot"));
}

QByteArray runDot(const QByteArray& dot, const std::string& space) {
  const QString program = dotProgram();
  if (program.isEmpty())
    throw nas::Error(nas::ErrorCode::NotFound,
                     "Graphviz's `dot` program is not on the PATH: install the graphviz package to draw cells",
                     space);
  QProcess proc;
  proc.start(program, {QStringLiteral("-Tjson")});
  if (!proc.waitForStarted(kDotTimeoutMs))
    throw nas::Error(nas::ErrorCode::IoError, "cannot start " + program.toStdString() + ": " +
                                                  proc.errorString().toStdString(), space);
  proc.write(dot);
  proc.closeWriteChannel();
  if (!proc.waitForFinished(kDotTimeoutMs)) {
    proc.kill();
    proc.waitForFinished(1000);
    throw nas::Error(nas::ErrorCode::Internal, "Graphviz dot did not finish its layout within 15 s", space);
  }
  if (proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0)
    throw nas::Error(nas::ErrorCode::Internal,
                     "Graphviz dot layout failed: " + proc.readAllStandardError().trimmed().toStdString(), space);
  return proc.readAllStandardOutput();
}

// "x,y" in Graphviz points, y upwards.
QPointF point(const QString& text) {
  const QStringList xy = text.split(QLatin1Char(','));
  if (xy.size() != 2) return {};
  return QPointF(xy[0].toDouble(), xy[1].toDouble());
}

double attr(const QJsonObject& o, const char* name) { return o.value(QLatin1String(name)).toString().toDouble(); }

// Graphviz: points, y upwards. Scene: points, y downwards.
QPointF toScene(QPointF p, double top) { return QPointF(p.x(), top - p.y()); }

GraphGeometry parseJson(const QByteArray& json, const nas::GraphForm& graph, const GraphLayoutOptions& options) {
  QJsonParseError err{};
  const QJsonObject root = QJsonDocument::fromJson(json, &err).object();
  if (err.error != QJsonParseError::NoError)
    throw nas::Error(nas::ErrorCode::Internal,
                     "Graphviz dot wrote unreadable JSON: " + err.errorString().toStdString(), graph.space);
  GraphGeometry out;
  const QStringList bb = root.value(QLatin1String("bb")).toString().split(QLatin1Char(','));
  if (bb.size() != 4) throw nas::Error(nas::ErrorCode::Internal, "Graphviz dot wrote no bounding box", graph.space);
  const double top = bb[3].toDouble();
  out.bounds = QRectF(QPointF(bb[0].toDouble(), 0.0), QPointF(bb[2].toDouble(), top - bb[1].toDouble()));

  QHash<QString, QJsonObject> nodesByName;
  const QJsonArray objects = root.value(QLatin1String("objects")).toArray();
  for (const auto& v : objects) {
    const QJsonObject o = v.toObject();
    nodesByName.insert(o.value(QLatin1String("name")).toString(), o);
  }
  for (const auto& n : graph.nodes) {
    const QJsonObject o = nodesByName.value(QStringLiteral("n%1").arg(n.id));
    LayoutNode ln;
    ln.id = n.id;
    ln.label = QString::fromStdString(nodeLabel(n));
    ln.role = QString::fromStdString(n.role);
    ln.center = toScene(point(o.value(QLatin1String("pos")).toString()), top);
    ln.size = QSizeF(attr(o, "width") * 72.0, attr(o, "height") * 72.0);
    out.nodes.push_back(ln);
  }

  const QJsonArray edges = root.value(QLatin1String("edges")).toArray();
  for (const auto& v : edges) {
    const QJsonObject o = v.toObject();
    const QString id = o.value(QLatin1String("id")).toString();
    bool ok = false;
    const int i = id.mid(1).toInt(&ok);
    if (!ok || i < 0 || i >= static_cast<int>(graph.edges.size())) continue;
    LayoutEdge le;
    le.edgeIndex = i;
    le.from = graph.edges[i].from;
    le.to = graph.edges[i].to;
    // "e,x,y p0 p1 ...": an optional arrow end, then the Bezier points (p0, then triples).
    const QStringList parts = o.value(QLatin1String("pos")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
      if (part.startsWith(QLatin1String("e,"))) {
        le.hasArrow = true;
        le.arrowTip = toScene(point(part.mid(2)), top);
      } else if (!part.startsWith(QLatin1String("s,"))) {
        le.path.push_back(toScene(point(part), top));
      }
    }
    if (o.contains(QLatin1String("lp"))) {
      le.hasLabel = true;
      le.labelCenter = toScene(point(o.value(QLatin1String("lp")).toString()), top);
      // The label's width is the one Graphviz laid out with: its text drawing operation.
      double width = 0.0;
      for (const auto& op : o.value(QLatin1String("_ldraw_")).toArray())
        width = std::max(width, op.toObject().value(QLatin1String("width")).toDouble());
      le.labelSize = QSizeF(width, options.fontSize + 1.0);
    }
    out.edges.push_back(le);
  }
  std::sort(out.edges.begin(), out.edges.end(),
            [](const LayoutEdge& a, const LayoutEdge& b) { return a.edgeIndex < b.edgeIndex; });
  return out;
}

// Never destroyed: a background layout may still be storing its result while the process
// exits; the pool is waited for when the application object goes (see pool()).
std::mutex& cacheMutex() {
  static auto* m = new std::mutex;
  return *m;
}

QCache<QByteArray, GraphGeometry>& cache() {
  static auto* c = new QCache<QByteArray, GraphGeometry>(kCacheEntries);
  return *c;
}

// Two threads: layouts are short and a view only waits for its latest one; more would only
// compete with the workers for the cores.
QThreadPool* pool() {
  static QThreadPool* p = [] {
    auto* created = new QThreadPool;
    created->setMaxThreadCount(2);
    created->setObjectName(QStringLiteral("GraphLayout"));
    // Finish running layouts before Qt tears itself down under them.
    qAddPostRoutine([] { pool()->waitForDone(); });
    return created;
  }();
  return p;
}

GraphGeometry layoutRequest(const nas::GraphForm& graph, const GraphLayoutOptions& options,
                            const GraphLayoutRequest& request) {
  if (auto hit = GraphLayout::cached(request.key)) return *hit;
  GraphGeometry geometry = parseJson(runDot(request.dot, graph.space), graph, options);
  std::lock_guard<std::mutex> lock(cacheMutex());
  cache().insert(request.key, new GraphGeometry(geometry));
  return geometry;
}

}  // namespace

GraphLayoutRequest GraphLayout::request(const nas::GraphForm& graph, const GraphLayoutOptions& options) {
  GraphLayoutRequest r;
  r.dot = dotText(graph, options);
  // Node roles are not part of the DOT text but of the result: they join the key.
  r.key = r.dot;
  for (const auto& n : graph.nodes) r.key += QByteArray::fromStdString(n.role) + ';';
  return r;
}

std::optional<GraphGeometry> GraphLayout::cached(const QByteArray& key) {
  std::lock_guard<std::mutex> lock(cacheMutex());
  if (const GraphGeometry* hit = cache().object(key)) return *hit;
  return std::nullopt;
}

GraphGeometry GraphLayout::layout(const nas::GraphForm& graph, const GraphLayoutOptions& options) {
  return layoutRequest(graph, options, request(graph, options));
}

QFuture<GraphLayoutResult> GraphLayout::layoutInBackground(const nas::GraphForm& graph,
                                                           const GraphLayoutOptions& options,
                                                           GraphLayoutRequest request) {
  auto promise = std::make_shared<QPromise<GraphLayoutResult>>();
  QFuture<GraphLayoutResult> future = promise->future();
  promise->start();
  pool()->start([promise, graph, options, request = std::move(request)] {
    GraphLayoutResult result;
    try {
      result.geometry = layoutRequest(graph, options, request);
    } catch (const std::exception& e) {
      result.error = QString::fromUtf8(e.what());
    } catch (...) {
      result.error = QStringLiteral("the layout failed for an unknown reason");
    }
    promise->addResult(std::move(result));
    promise->finish();
  });
  return future;
}

}  // namespace nas::ui
