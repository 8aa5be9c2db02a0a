#include "views/GraphLayout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <QHash>
#include <algorithm>
#include <mutex>
#include <string>

#include "common/Error.h"
#include "views/OpPalette.h"

namespace nas::ui {

namespace {

std::mutex& gvMutex() {
  static std::mutex m;
  return m;
}

// One context for the process: creating one loads Graphviz's plugin configuration.
GVC_t* context() {
  static GVC_t* gvc = gvContext();
  return gvc;
}

void set(void* obj, const char* name, const std::string& value) {
  agsafeset(obj, const_cast<char*>(name), const_cast<char*>(value.c_str()), const_cast<char*>(""));
}

// Graphviz: points, y upwards. Scene: points, y downwards.
QPointF toScene(pointf p, double top) { return QPointF(p.x, top - p.y); }

}  // namespace

GraphGeometry GraphLayout::layout(const nas::GraphForm& graph, const GraphLayoutOptions& options) {
  std::lock_guard<std::mutex> lock(gvMutex());
  GVC_t* gvc = context();
  if (!gvc) throw nas::Error(nas::ErrorCode::Internal, "Graphviz context could not be created");

  Agraph_t* g = agopen(const_cast<char*>("cell"), Agdirected, nullptr);
  if (!g) throw nas::Error(nas::ErrorCode::Internal, "Graphviz could not create a graph");
  const std::string fs = std::to_string(options.fontSize);
  set(g, "rankdir", options.rankdir.toStdString());
  set(g, "nodesep", "0.35");
  set(g, "ranksep", "0.55");
  set(g, "splines", "spline");

  QHash<int, Agnode_t*> nodes;
  for (const auto& n : graph.nodes) {
    Agnode_t* an = agnode(g, const_cast<char*>(("n" + std::to_string(n.id)).c_str()), 1);
    set(an, "shape", "box");
    set(an, "style", "rounded");
    set(an, "label", n.label.empty() ? std::to_string(n.id) : n.label);
    set(an, "fontname", "Helvetica");
    set(an, "fontsize", std::to_string(options.fontSize + 2));
    set(an, "width", "0.55");
    set(an, "height", "0.4");
    nodes.insert(n.id, an);
  }
  // Edges whose end is not a node are an error of the producer: report it, do not crash.
  QHash<Agedge_t*, int> edgeIndex;
  for (int i = 0; i < static_cast<int>(graph.edges.size()); ++i) {
    const auto& e = graph.edges[i];
    if (!e.active && !options.includeInactive) continue;
    Agnode_t* t = nodes.value(e.from, nullptr);
    Agnode_t* h = nodes.value(e.to, nullptr);
    if (!t || !h) {
      agclose(g);
      throw nas::Error(nas::ErrorCode::InvalidArgument,
                       "edge " + std::to_string(e.from) + "->" + std::to_string(e.to) + " names a missing node",
                       graph.space);
    }
    Agedge_t* ae = agedge(g, t, h, const_cast<char*>(("e" + std::to_string(i)).c_str()), 1);
    if (options.edgeLabels) {
      const QString label = OpPalette::style(QString::fromStdString(e.op), QString::fromStdString(e.label)).label;
      set(ae, "label", label.toStdString());
      set(ae, "fontname", "Helvetica");
      set(ae, "fontsize", fs);
    }
    edgeIndex.insert(ae, i);
  }

  if (gvLayout(gvc, g, "dot") != 0) {
    agclose(g);
    throw nas::Error(nas::ErrorCode::Internal, "Graphviz dot layout failed", graph.space);
  }

  GraphGeometry out;
  const boxf bb = GD_bb(g);
  const double top = bb.UR.y;
  out.bounds = QRectF(QPointF(bb.LL.x, top - bb.UR.y), QPointF(bb.UR.x, top - bb.LL.y));
  for (const auto& n : graph.nodes) {
    Agnode_t* an = nodes.value(n.id);
    LayoutNode ln;
    ln.id = n.id;
    ln.label = QString::fromStdString(n.label.empty() ? std::to_string(n.id) : n.label);
    ln.role = QString::fromStdString(n.role);
    ln.center = toScene(ND_coord(an), top);
    ln.size = QSizeF(ND_width(an) * 72.0, ND_height(an) * 72.0);
    out.nodes.push_back(ln);
  }
  for (Agnode_t* an = agfstnode(g); an; an = agnxtnode(g, an)) {
    for (Agedge_t* ae = agfstout(g, an); ae; ae = agnxtout(g, ae)) {
      const int i = edgeIndex.value(ae, -1);
      if (i < 0) continue;
      LayoutEdge le;
      le.edgeIndex = i;
      le.from = graph.edges[i].from;
      le.to = graph.edges[i].to;
      const splines* spl = ED_spl(ae);
      if (spl && spl->size > 0) {
        const bezier& bz = spl->list[0];
        for (int k = 0; k < bz.size; ++k) le.path.push_back(toScene(bz.list[k], top));
        if (bz.eflag) {
          le.hasArrow = true;
          le.arrowTip = toScene(bz.ep, top);
        }
      }
      if (const textlabel_t* tl = ED_label(ae); tl && tl->set) {
        le.hasLabel = true;
        le.labelCenter = toScene(tl->pos, top);
        le.labelSize = QSizeF(tl->dimen.x, tl->dimen.y);
      }
      out.edges.push_back(le);
    }
  }
  std::sort(out.edges.begin(), out.edges.end(),
            [](const LayoutEdge& a, const LayoutEdge& b) { return a.edgeIndex < b.edgeIndex; });
  gvFreeLayout(gvc, g);
  agclose(g);
  return out;
}

}  // namespace nas::ui
