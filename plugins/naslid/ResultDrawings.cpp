#include "ResultDrawings.h"

#include <cstdio>

#include "engine/ChartSamples.h"
#include "search/Stats.h"
#include "searchspace/Nb201Cell.h"

namespace nas::naslid {

namespace {

std::string edgeName(int e) {
  const auto [from, to] = nb201Edges()[static_cast<size_t>(e)];
  return std::to_string(from) + "→" + std::to_string(to);
}

std::string opList(const std::vector<int>& ops) {
  std::string s;
  for (int k : ops) s += (s.empty() ? std::string() : std::string(", ")) + nb201OpName(static_cast<Nb201Op>(k));
  return s;
}

TreeChartNode node(const SplitTree& tree, int id) {
  const SplitNode& n = tree.nodes.at(static_cast<size_t>(id));
  TreeChartNode out;
  out.label = id == 0 ? "root supernet" : "sub-supernet " + std::to_string(id);
  if (n.children.empty()) {
    out.label += " (leaf)";
    std::string detail;
    for (int e = 0; e < kNb201NumEdges; ++e) {
      const std::vector<int> ops = n.mask.ops(e);
      if (static_cast<int>(ops.size()) < kNb201NumOps) detail += (detail.empty() ? "" : "\n") + edgeName(e) + ": " + opList(ops);
    }
    out.detail = detail.empty() ? "all ops on every edge" : detail;
  } else if (n.edge >= 0) {
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", n.score);
    out.detail = "splits edge " + edgeName(n.edge) + "\n{" + opList(n.partition.a) + "}\n{" + opList(n.partition.b) +
                 "}\nscore " + score;
  } else {
    out.detail = "trained, not split";
  }
  for (int c : n.children) out.children.push_back(node(tree, c));
  return out;
}

}  // namespace

Json profileCurves(const SplitTree& tree, const std::vector<std::string>& blocks, std::size_t maxNodes) {
  Json charts = Json::array();
  for (const SplitNode& n : tree.nodes) {
    if (charts.size() >= maxNodes || n.edge < 0 || n.profiles.empty()) continue;
    // Profiles are recorded edge by edge in the order the edges were compared, one per op.
    std::size_t offset = 0;
    for (const EdgeSimilarity& s : n.similarities) {
      if (s.edge == n.edge && offset + s.ops.size() <= n.profiles.size()) {
        CurveChart c;
        c.title = (n.id == 0 ? std::string("Root") : "Sub-supernet " + std::to_string(n.id)) +
                  ": LID over depth, paths differing in edge " + edgeName(n.edge) + " (split)";
        c.xLabel = "block";
        c.yLabel = "LID";
        c.xTicks = blocks;
        for (std::size_t i = 0; i < s.ops.size(); ++i) {
          CurveSeries cs;
          cs.name = edgeName(n.edge) + " = " + nb201OpName(static_cast<Nb201Op>(s.ops[i]));
          cs.y = n.profiles[offset + i].lid;
          for (std::size_t x = 0; x < cs.y.size(); ++x) cs.x.push_back(static_cast<double>(x));
          c.series.push_back(std::move(cs));
        }
        charts.push_back(curveChartToJson(c));
        break;
      }
      offset += s.ops.size();
    }
  }
  return charts;
}

Json splitTreeChart(const SplitTree& tree, const std::string& title) {
  TreeChart t;
  t.title = title;
  if (!tree.nodes.empty()) t.root = node(tree, 0);
  return treeChartToJson(t);
}

Json rankScatter(const std::string& name, const std::vector<double>& scores, const std::vector<double>& truth,
                 const std::vector<std::string>& archs) {
  auto ranks = [](const std::vector<double>& v) {  // 1 = the highest value
    std::vector<double> neg;
    for (double x : v) neg.push_back(-x);
    return averageRanks(neg);
  };
  ScatterChart s;
  char tau[64];
  std::snprintf(tau, sizeof tau, " (Kendall τ %+.3f)", kendallTau(scores, truth));
  s.title = name + tau;
  s.xLabel = "true rank";
  s.yLabel = "predicted rank";
  s.diagonal = true;
  s.series.push_back({name, ranks(truth), ranks(scores), archs});
  return scatterChartToJson(s);
}

}  // namespace nas::naslid
