// Reading heat-grid frames from sample payloads (the contract is in GridSamples.h).
#include "engine/GridSamples.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/Error.h"
#include "searchspace/GraphFormJson.h"
#include "store/Workspace.h"

namespace nas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Error gridError(const std::string& what, const std::string& name) {
  return Error(ErrorCode::ParseError, what, name.empty() ? std::string("heat grid") : "heat grid \"" + name + "\"");
}

std::vector<std::string> stringList(const Json& j, const char* key, const std::string& name) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) throw gridError(std::string("\"") + key + "\" must be an array of strings", name);
  std::vector<std::string> out;
  for (const Json& s : *it) {
    if (!s.is_string()) throw gridError(std::string("\"") + key + "\" must hold strings, got " + s.dump(), name);
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::string optionalString(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

GridTable parseTable(const Json& j) {
  if (!j.is_object()) throw Error(ErrorCode::ParseError, "\"table\" must be an object");
  GridTable t;
  t.header = stringList(j, "header", "table");
  auto rows = j.find("rows");
  if (rows == j.end() || !rows->is_array()) throw Error(ErrorCode::ParseError, "\"table.rows\" must be an array");
  for (const Json& r : *rows) {
    if (!r.is_array() || r.size() != t.header.size())
      throw Error(ErrorCode::ParseError, "every \"table.rows\" entry must be an array as long as the header");
    std::vector<std::string> row;
    for (const Json& c : r) row.push_back(c.is_string() ? c.get<std::string>() : c.dump());
    t.rows.push_back(std::move(row));
  }
  return t;
}

GridFrame parseFrame(const SampleRecord& record, const Json& p) {
  GridFrame f;
  f.sampleId = record.id;
  f.round = record.round;
  f.label = optionalString(p, "label");
  if (f.label.empty()) f.label = "round " + std::to_string(record.round);
  if (auto it = p.find("grids"); it != p.end()) {
    if (!it->is_array()) throw Error(ErrorCode::ParseError, "\"grids\" must be an array");
    for (const Json& g : *it) f.grids.push_back(parseHeatGrid(g));
  }
  if (auto it = p.find("graphs"); it != p.end()) {
    if (it->is_object()) {
      for (auto g = it->begin(); g != it->end(); ++g) f.graphs.emplace_back(g.key(), graphFormFromJson(g.value()));
    } else if (it->is_array()) {
      for (const Json& g : *it) {
        if (!g.is_object() || !g.contains("graph"))
          throw Error(ErrorCode::ParseError, "every \"graphs\" entry must be an object with a \"graph\"");
        f.graphs.emplace_back(optionalString(g, "title"), graphFormFromJson(g["graph"]));
      }
    } else {
      throw Error(ErrorCode::ParseError, "\"graphs\" must be an array or an object");
    }
  }
  if (auto it = p.find("table"); it != p.end()) f.table = parseTable(*it);
  // Each drawing kind: an array of objects, parsed by engine/ChartSamples.
  const auto each = [&p](const char* key, auto&& parse) {
    auto it = p.find(key);
    if (it == p.end()) return;
    if (!it->is_array()) throw Error(ErrorCode::ParseError, std::string("\"") + key + "\" must be an array");
    for (const Json& c : *it) parse(c);
  };
  each("curves", [&f](const Json& c) { f.curves.push_back(parseCurveChart(c)); });
  each("trees", [&f](const Json& c) { f.trees.push_back(parseTreeChart(c)); });
  each("scatters", [&f](const Json& c) { f.scatters.push_back(parseScatterChart(c)); });
  return f;
}

}  // namespace

const std::vector<std::string>& frameKeys() {
  static const std::vector<std::string> keys{"grids", "graphs", "curves", "trees", "scatters"};
  return keys;
}

Json heatGridToJson(const HeatGrid& grid) {
  Json values = Json::array();
  for (const auto& row : grid.values) {
    Json r = Json::array();
    for (double v : row) r.push_back(std::isfinite(v) ? Json(v) : Json(nullptr));
    values.push_back(std::move(r));
  }
  return Json{{"name", grid.name}, {"title", grid.title}, {"value", grid.valueLabel}, {"rows", grid.rows},
              {"columns", grid.columns}, {"values", std::move(values)}, {"min", grid.min}, {"max", grid.max}};
}

HeatGrid parseHeatGrid(const Json& j) {
  if (!j.is_object()) throw gridError("must be an object, got " + j.dump(), "");
  HeatGrid g;
  g.name = optionalString(j, "name");
  g.title = optionalString(j, "title");
  if (g.title.empty()) g.title = g.name;
  g.valueLabel = optionalString(j, "value");
  g.rows = stringList(j, "rows", g.name);
  g.columns = stringList(j, "columns", g.name);
  auto values = j.find("values");
  if (values == j.end() || !values->is_array()) throw gridError("\"values\" must be an array of rows", g.name);
  if (values->size() != g.rows.size())
    throw gridError("\"values\" has " + std::to_string(values->size()) + " rows for " +
                        std::to_string(g.rows.size()) + " row labels",
                    g.name);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t r = 0; r < values->size(); ++r) {
    const Json& row = (*values)[r];
    if (!row.is_array() || row.size() != g.columns.size())
      throw gridError("row " + std::to_string(r) + " of \"values\" must hold " + std::to_string(g.columns.size()) +
                          " numbers",
                      g.name);
    std::vector<double> out;
    for (const Json& v : row) {
      if (v.is_null()) {
        out.push_back(kNaN);
        continue;
      }
      if (!v.is_number()) throw gridError("row " + std::to_string(r) + " holds a non-number: " + v.dump(), g.name);
      const double x = v.get<double>();
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      out.push_back(x);
    }
    g.values.push_back(std::move(out));
  }
  // The scale: as written, else the values' range (a constant grid gets a unit-wide scale).
  g.min = j.contains("min") && j["min"].is_number() ? j["min"].get<double>() : (std::isfinite(lo) ? lo : 0.0);
  g.max = j.contains("max") && j["max"].is_number() ? j["max"].get<double>() : (std::isfinite(hi) ? hi : 1.0);
  if (!j.contains("max") && g.max <= g.min) g.max = g.min + 1.0;
  if (!(g.max > g.min))
    throw gridError("\"min\" (" + std::to_string(g.min) + ") must be below \"max\" (" + std::to_string(g.max) + ")",
                    g.name);
  return g;
}

GridRun readGridRun(const std::vector<SampleRecord>& records) {
  GridRun run;
  for (const SampleRecord& r : records) {
    const std::string context = "sample #" + std::to_string(r.id) + " (round " + std::to_string(r.round) + ")";
    try {
      const Json p = parseJson(r.payloadJson, context);
      if (!p.is_object() ||
          std::none_of(frameKeys().begin(), frameKeys().end(), [&p](const std::string& k) { return p.contains(k); }))
        continue;
      if (run.job == 0) run.job = r.jobId;
      run.frames.push_back(parseFrame(r, p));
    } catch (const Error& e) {
      run.problems.push_back(context + ": " + e.what());
    }
  }
  std::stable_sort(run.frames.begin(), run.frames.end(), [](const GridFrame& a, const GridFrame& b) {
    return a.round != b.round ? a.round < b.round : a.sampleId < b.sampleId;
  });
  return run;
}

GridRun loadGridRun(const Workspace& ws, JobId job) {
  const JobRecord rec = ws.job(job);
  GridRun run = readGridRun(ws.samples(job));
  run.job = job;
  run.method = rec.method;
  return run;
}

std::vector<JobRecord> gridJobs(const Workspace& ws) {
  std::vector<JobId> ids;
  for (const std::string& key : frameKeys())
    for (JobId id : ws.jobsWithSampleKey(key))
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  std::sort(ids.rbegin(), ids.rend());
  std::vector<JobRecord> jobs;
  for (JobId id : ids) jobs.push_back(ws.job(id));
  return jobs;
}

}  // namespace nas
