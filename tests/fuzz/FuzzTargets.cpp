#include "FuzzTargets.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "common/Error.h"
#include "common/Json.h"
#include "data/IdxFile.h"
#include "export/format/GenotypeJson.h"
#include "jobs/JobService.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "search/QueryStrategy.h"
#include "search/SearchMethods.h"
#include "search/TabularBenchmark.h"
#include "searchspace/DartsGenotype.h"
#include "searchspace/GraphFormJson.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"

namespace fs = std::filesystem;

namespace nas::fuzz {

void contractBroken(const std::string& what) {
  std::fprintf(stderr, "fuzz: parser contract broken: %s\n", what.c_str());
  std::abort();
}

namespace {

std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A folder of this process for the parsers that read files or write a workspace.
const fs::path& scratchDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("nas-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string writeScratch(const std::string& name, std::string_view bytes) {
  const fs::path p = scratchDir() / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("fuzz harness: cannot write " + p.string());
  return p.string();
}

// One workspace per process: the importers must leave it as it was whenever they throw.
Workspace& scratchWorkspace() {
  static std::unique_ptr<Workspace> ws = Workspace::open((scratchDir() / "fuzz.nasw").string());
  return *ws;
}

void nb201Arch(const std::uint8_t* data, std::size_t size) {
  try {
    const Nb201Cell cell = Nb201Cell::parse(text(data, size));
    const std::string canonical = cell.toString();
    if (!(Nb201Cell::parse(canonical) == cell)) contractBroken("nb201: parse(toString()) differs");
    const int index = cell.index();
    if (index < 0 || index >= 15625 || !(Nb201Cell::fromIndex(index) == cell)) contractBroken("nb201: index");
  } catch (const Error&) {
  }
  try {
    Nb201MacroConfig macro;
    parseInputShape(text(data, size), macro);
  } catch (const Error&) {
  }
}

void dartsGenotype(const std::uint8_t* data, std::size_t size) {
  try {
    const DartsGenotype g = DartsGenotype::parse(text(data, size));
    g.normal.validate();
    g.reduce.validate();
    if (!(DartsGenotype::parse(g.toString()) == g)) contractBroken("darts: parse(toString()) differs");
  } catch (const Error&) {
  }
}

// First byte: which options (space "nb201" or none, arch column "arch" or the second header
// field); the rest is the file.
void tabularCsv(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return;
  TabularBenchmark::Options options;
  if (data[0] & 1) options.space = "nb201";
  if (data[0] & 2) options.archColumn = "genotype";
  const std::string path = writeScratch("table.csv", text(data + 1, size - 1));
  try {
    const TabularBenchmark t = TabularBenchmark::load(path, options);
    if (t.size() == 0) contractBroken("tabular: loaded a table without rows");
    for (std::size_t row = 0; row < t.size(); ++row) {
      if (t.find(t.arch(row)) != row) contractBroken("tabular: find(arch(row)) != row");
      for (std::size_t m = 0; m < t.metricNames().size(); ++m) (void)t.value(row, m);
    }
  } catch (const Error&) {
  }
}

// First byte: the expected number of dimensions (1..4); the rest is the file (plain or gzip).
void idxFile(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return;
  const int dims = 1 + data[0] % 4;
  const std::string path = writeScratch("data.idx", text(data + 1, size - 1));
  try {
    const IdxArray a = readIdxFile(path, dims, "items");
    if (static_cast<int>(a.dims.size()) != dims) contractBroken("idx: wrong number of dimensions");
    std::size_t n = 1;
    for (const auto d : a.dims) {
      if (d < 0) contractBroken("idx: negative size");
      n *= static_cast<std::size_t>(d);
    }
    if (n != a.data.size()) contractBroken("idx: payload size differs from the header");
  } catch (const Error&) {
  }
}

// A job spec as the CLI or the GUI hands it to JobService: resolved against the built-in
// search methods' schemas.
void jobSpec(const std::uint8_t* data, std::size_t size) {
  static const QueryStrategyRegistry strategies;  // the built-in ones; outlives the methods
  static const MethodRegistry registry = [] {
    MethodRegistry r;
    registerSearchMethods(r, strategies);
    return r;
  }();
  try {
    const Json spec = parseJson(std::string(text(data, size)), "job spec");
    const Json resolved = JobService::resolveSpec(registry, spec);
    // The resolved spec must resolve to itself (what the worker reads back from the workspace).
    if (JobService::resolveSpec(registry, resolved) != resolved) contractBroken("job spec: resolve not idempotent");
  } catch (const Error&) {
  }
  // "key=value" lines as the CLI's --param gives them, against the same schemas.
  try {
    const std::string s(text(data, size));
    const auto eq = s.find('=');
    if (eq == std::string::npos) return;
    for (const std::string method : {"tabular-search"}) {
      const ParamSchema schema = registry.get(method).schema();
      if (schema.find(s.substr(0, eq))) (void)schema.parseValue(s.substr(0, eq), s.substr(eq + 1));
    }
  } catch (const Error&) {
  }
}

void deviceProfile(const std::uint8_t* data, std::size_t size) {
  Workspace& ws = scratchWorkspace();
  const std::size_t before = ws.deviceProfiles().size();
  try {
    const Json doc = parseJson(std::string(text(data, size)), "profile.json");
    static int n = 0;
    // Half the inputs under a fresh name, so that valid documents get as far as the write.
    const std::string rename = (size % 2) ? "fuzz-" + std::to_string(++n) : std::string();
    (void)importDeviceProfile(ws, doc, rename);
    if (ws.deviceProfiles().size() != before + 1) contractBroken("profile: import added no profile");
  } catch (const Error&) {
    if (ws.deviceProfiles().size() != before) contractBroken("profile: a failed import changed the workspace");
  }
}

void genotypeJson(const std::uint8_t* data, std::size_t size) {
  Workspace& ws = scratchWorkspace();
  const std::int64_t before = ws.architectureCount();
  const std::size_t jobsBefore = ws.jobs().size();
  try {
    const Json doc = parseJson(std::string(text(data, size)), "genotype.json");
    (void)importGenotype(ws, doc, "genotype.json", [](const std::string& space, const std::string& canonical) {
      std::string again;
      if (space == "nb201") again = Nb201Cell::parse(canonical).toString();
      else if (space == "darts") again = DartsGenotype::parse(canonical).toString();
      else throw Error(ErrorCode::Unsupported, "no exporter for this space", space);
      if (again != canonical) throw Error(ErrorCode::ParseError, "not the canonical form", canonical);
    });
  } catch (const Error&) {
    if (ws.architectureCount() != before || ws.jobs().size() != jobsBefore)
      contractBroken("genotype: a failed import changed the workspace");
  }
}

void graphForm(const std::uint8_t* data, std::size_t size) {
  try {
    const Json j = parseJson(std::string(text(data, size)), "graph.json");
    const GraphForm g = graphFormFromJson(j);
    if (graphFormToJson(graphFormFromJson(graphFormToJson(g))) != graphFormToJson(g))
      contractBroken("graph form: round trip differs");
  } catch (const Error&) {
  }
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"nb201_arch", nb201Arch},   {"darts_genotype", dartsGenotype}, {"tabular_csv", tabularCsv},
      {"idx_file", idxFile},       {"job_spec", jobSpec},             {"device_profile", deviceProfile},
      {"genotype_json", genotypeJson}, {"graph_form", graphForm},
  };
  return all;
}

Entry targetEntry(const std::string& name) {
  for (const auto& t : targets())
    if (name == t.name) return t.entry;
  throw std::invalid_argument("unknown fuzz target " + name);
}

}  // namespace nas::fuzz
