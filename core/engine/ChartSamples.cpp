// Curves, trees and scatters as sample payload (the contract is in ChartSamples.h).
#include "engine/ChartSamples.h"

#include <cmath>
#include <limits>

#include "common/Error.h"

namespace nas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Error chartError(const char* kind, const std::string& title, const std::string& what) {
  return Error(ErrorCode::ParseError, what, std::string(kind) + (title.empty() ? "" : " \"" + title + "\""));
}

std::string text(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Numbers of j[key]; null becomes NaN where `nulls` allows it.
std::vector<double> numbers(const Json& j, const char* key, bool nulls, const char* kind, const std::string& title) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) throw chartError(kind, title, std::string("\"") + key + "\" must be an array of numbers");
  std::vector<double> out;
  for (const Json& v : *it) {
    if (v.is_null() && nulls) {
      out.push_back(kNaN);
      continue;
    }
    if (!v.is_number()) throw chartError(kind, title, std::string("\"") + key + "\" holds a non-number: " + v.dump());
    const double x = v.get<double>();
    if (!std::isfinite(x)) throw chartError(kind, title, std::string("\"") + key + "\" holds a non-finite number");
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> strings(const Json& j, const char* key, const char* kind, const std::string& title) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) throw chartError(kind, title, std::string("\"") + key + "\" must be an array of strings");
  for (const Json& s : *it) {
    if (!s.is_string()) throw chartError(kind, title, std::string("\"") + key + "\" must hold strings, got " + s.dump());
    out.push_back(s.get<std::string>());
  }
  return out;
}

const Json& seriesArray(const Json& j, const char* kind, const std::string& title) {
  auto it = j.find("series");
  if (it == j.end() || !it->is_array()) throw chartError(kind, title, "\"series\" must be an array");
  return *it;
}

Json numbersJson(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? Json(x) : Json(nullptr));
  return a;
}

Json nodeToJson(const TreeChartNode& n) {
  Json children = Json::array();
  for (const auto& c : n.children) children.push_back(nodeToJson(c));
  return Json{{"label", n.label}, {"detail", n.detail}, {"children", std::move(children)}};
}

TreeChartNode parseNode(const Json& j, int depth, const std::string& title) {
  if (depth > kMaxTreeDepth)
    throw chartError("tree", title, "is deeper than " + std::to_string(kMaxTreeDepth) + " levels");
  if (!j.is_object()) throw chartError("tree", title, "a node must be an object, got " + j.dump());
  TreeChartNode n;
  n.label = text(j, "label");
  n.detail = text(j, "detail");
  if (auto it = j.find("children"); it != j.end()) {
    if (!it->is_array()) throw chartError("tree", title, "\"children\" of node \"" + n.label + "\" must be an array");
    for (const Json& c : *it) n.children.push_back(parseNode(c, depth + 1, title));
  }
  return n;
}

}  // namespace

Json curveChartToJson(const CurveChart& chart) {
  Json series = Json::array();
  for (const auto& s : chart.series) series.push_back({{"name", s.name}, {"x", numbersJson(s.x)}, {"y", numbersJson(s.y)}});
  return Json{{"title", chart.title}, {"x_label", chart.xLabel}, {"y_label", chart.yLabel},
              {"x_ticks", chart.xTicks}, {"series", std::move(series)}};
}

CurveChart parseCurveChart(const Json& j) {
  if (!j.is_object()) throw chartError("curves", "", "must be an object, got " + j.dump());
  CurveChart c;
  c.title = text(j, "title");
  c.xLabel = text(j, "x_label");
  c.yLabel = text(j, "y_label");
  c.xTicks = strings(j, "x_ticks", "curves", c.title);
  for (const Json& s : seriesArray(j, "curves", c.title)) {
    if (!s.is_object()) throw chartError("curves", c.title, "every series must be an object");
    CurveSeries out;
    out.name = text(s, "name");
    out.y = numbers(s, "y", true, "curves", c.title);
    if (s.contains("x")) {
      out.x = numbers(s, "x", false, "curves", c.title);
      if (out.x.size() != out.y.size())
        throw chartError("curves", c.title, "series \"" + out.name + "\" has " + std::to_string(out.x.size()) +
                                                " x for " + std::to_string(out.y.size()) + " y");
    } else {
      for (size_t i = 0; i < out.y.size(); ++i) out.x.push_back(static_cast<double>(i));
    }
    c.series.push_back(std::move(out));
  }
  return c;
}

Json treeChartToJson(const TreeChart& chart) { return Json{{"title", chart.title}, {"root", nodeToJson(chart.root)}}; }

TreeChart parseTreeChart(const Json& j) {
  if (!j.is_object()) throw chartError("tree", "", "must be an object, got " + j.dump());
  TreeChart t;
  t.title = text(j, "title");
  auto it = j.find("root");
  if (it == j.end()) throw chartError("tree", t.title, "has no \"root\"");
  t.root = parseNode(*it, 1, t.title);
  return t;
}

Json scatterChartToJson(const ScatterChart& chart) {
  Json series = Json::array();
  for (const auto& s : chart.series)
    series.push_back({{"name", s.name}, {"x", numbersJson(s.x)}, {"y", numbersJson(s.y)}, {"labels", s.labels}});
  return Json{{"title", chart.title}, {"x_label", chart.xLabel}, {"y_label", chart.yLabel},
              {"diagonal", chart.diagonal}, {"series", std::move(series)}};
}

ScatterChart parseScatterChart(const Json& j) {
  if (!j.is_object()) throw chartError("scatter", "", "must be an object, got " + j.dump());
  ScatterChart c;
  c.title = text(j, "title");
  c.xLabel = text(j, "x_label");
  c.yLabel = text(j, "y_label");
  if (auto it = j.find("diagonal"); it != j.end()) {
    if (!it->is_boolean()) throw chartError("scatter", c.title, "\"diagonal\" must be true or false");
    c.diagonal = it->get<bool>();
  }
  for (const Json& s : seriesArray(j, "scatter", c.title)) {
    if (!s.is_object()) throw chartError("scatter", c.title, "every series must be an object");
    ScatterSeries out;
    out.name = text(s, "name");
    out.x = numbers(s, "x", false, "scatter", c.title);
    out.y = numbers(s, "y", false, "scatter", c.title);
    out.labels = strings(s, "labels", "scatter", c.title);
    if (out.x.size() != out.y.size())
      throw chartError("scatter", c.title, "series \"" + out.name + "\" has " + std::to_string(out.x.size()) +
                                               " x for " + std::to_string(out.y.size()) + " y");
    if (!out.labels.empty() && out.labels.size() != out.x.size())
      throw chartError("scatter", c.title, "series \"" + out.name + "\" has " + std::to_string(out.labels.size()) +
                                               " labels for " + std::to_string(out.x.size()) + " points");
    c.series.push_back(std::move(out));
  }
  return c;
}

}  // namespace nas
