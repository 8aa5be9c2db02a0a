#pragma once
// Heat grids and drawings that a search writes epoch by epoch, as plain data for the "Heat
// Maps" tab: DARTS/EnTranNAS edge weights (edges x ops), RepNAS branch choices (layers x
// branches), NAS-LID similarity matrices (ops x ops). Methods write them into their samples;
// this reader knows no method, so any plugin's grids are drawn without GUI changes.
//
// Payload contract (SampleRecord::payloadJson, an object), every key optional, but a sample
// with none of "grids", "graphs", "curves", "trees", "scatters" is not a frame:
//   "grids":  [{"name": "normal", "title": "Normal cell: edge weights",
//               "rows": ["0→2", ...], "columns": ["none", ...],
//               "values": [[row 0 ...], ...],           rows x columns numbers (null = no value)
//               "min": 0, "max": 1,                     colour scale; default: the values' range
//               "value": "softmax weight"}]             what a cell's number means
//   "graphs": [{"title": "before merging", "graph": GraphForm JSON}, ...]   drawings shown
//             next to the grids, in this order; an object {"title": GraphForm, ...} is read
//             too (its keys come sorted: JSON objects keep no order)
//   "table":  {"header": ["", "multi-branch", ...], "rows": [["accuracy", "0.87", ...], ...]}
//   "label":  "epoch 3 (search)"                        the frame's caption; else "round N"
//   "curves", "trees", "scatters": result drawings (named series over an x axis, trees of
//             labelled nodes, point sets), contract in engine/ChartSamples.h
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/Json.h"
#include "engine/ChartSamples.h"
#include "searchspace/GraphForm.h"
#include "store/Records.h"

namespace nas {

class Workspace;

struct HeatGrid {
  std::string name;
  std::string title;
  std::string valueLabel;  // "softmax weight"
  std::vector<std::string> rows, columns;
  std::vector<std::vector<double>> values;  // rows x columns; NaN where no value
  double min = 0, max = 1;
};

struct GridTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct GridFrame {
  std::int64_t sampleId = 0;
  int round = 0;
  std::string label;
  std::vector<HeatGrid> grids;
  std::vector<std::pair<std::string, GraphForm>> graphs;  // title, drawing
  std::optional<GridTable> table;
  std::vector<CurveChart> curves;
  std::vector<TreeChart> trees;
  std::vector<ScatterChart> scatters;
};

// The payload keys that make a sample a frame.
const std::vector<std::string>& frameKeys();

struct GridRun {
  JobId job = 0;
  std::string method;
  std::vector<GridFrame> frames;  // ordered by round, then sample id
  // Frames that could not be read were skipped; one line each ("sample #12 (round 3): ...").
  std::vector<std::string> problems;
};

// The JSON of one grid, for methods that write them (the inverse of parseHeatGrid).
Json heatGridToJson(const HeatGrid& grid);
// Throws Error(ParseError) naming the field and the problem (ragged rows, a label count that
// does not match, a non-number value, min >= max).
HeatGrid parseHeatGrid(const Json& j);

// The frames among `records`; samples without any frame key are not frames and are left out
// silently, malformed frames are listed in `problems` (never thrown).
GridRun readGridRun(const std::vector<SampleRecord>& records);
// Throws Error (NotFound for a missing job, store errors).
GridRun loadGridRun(const Workspace& ws, JobId job);
// Jobs with at least one frame, newest first.
std::vector<JobRecord> gridJobs(const Workspace& ws);

}  // namespace nas
