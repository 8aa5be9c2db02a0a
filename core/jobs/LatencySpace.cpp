#include "jobs/LatencySpace.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "common/Error.h"
#include "store/Workspace.h"

namespace nas {

TimingClock profileClock(int threads) {
  // NASSTUDIO_LATENCY_CLOCK=wall|thread-cpu overrides the choice (for comparing the two).
  if (const char* env = std::getenv("NASSTUDIO_LATENCY_CLOCK")) {
    if (std::string(env) == "wall") return TimingClock::Wall;
    if (std::string(env) == "thread-cpu") return TimingClock::ThreadCpu;
  }
  return threads == 1 ? TimingClock::ThreadCpu : TimingClock::Wall;
}

void LatencyOptions::validate() const {
  if (threads < 1 || threads > 1024)
    throw Error(ErrorCode::InvalidArgument, "must be between 1 and 1024, got " + std::to_string(threads), "threads");
  if (batch < 1 || batch > 65536)
    throw Error(ErrorCode::InvalidArgument, "must be between 1 and 65536, got " + std::to_string(batch), "batch");
  timing.validate();
}

void LatencySpaceRegistry::add(std::unique_ptr<LatencySpace> space) {
  if (!space) throw Error(ErrorCode::PluginError, "null latency space registered");
  const std::string name = space->name();
  NamedRegistry<LatencySpace>::add(name, std::move(space));
}

LatencyTable::LatencyTable(std::string space, std::map<std::string, double> medians,
                           std::optional<LatencyCorrectionRecord> correction)
    : space_(std::move(space)), medians_(std::move(medians)), correction_(std::move(correction)) {}

LatencyTable LatencyTable::load(const Workspace& ws, const DeviceProfileRecord& profile, const LatencySpace& space) {
  std::map<std::string, double> medians;
  for (const auto& e : ws.latencyEntries(profile.id, space.name())) medians[e.key] = e.medianMs;
  std::size_t missing = 0;
  std::string firstMissing;
  const auto specs = space.entries();
  for (const auto& spec : specs)
    if (!medians.count(spec.key)) {
      if (missing++ == 0) firstMissing = spec.key;
    }
  if (missing > 0)
    throw Error(ErrorCode::NotFound,
                "lacks " + std::to_string(missing) + " of " + std::to_string(specs.size()) + " entries of space '" +
                    space.name() + "' (first: " + firstMissing + "); run `nasstudio-cli latency profile --space " +
                    space.name() + " --profile " + profile.name + "` to measure them",
                "device profile '" + profile.name + "'");
  return LatencyTable(space.name(), std::move(medians), ws.latencyCorrection(profile.id, space.name()));
}

double LatencyTable::entry(const std::string& key) const {
  auto it = medians_.find(key);
  if (it == medians_.end())
    throw Error(ErrorCode::NotFound, "no lookup-table entry of this key", "space '" + space_ + "', key '" + key + "'");
  return it->second;
}

double LatencyTable::lutSum(const std::vector<LatencyTerm>& terms) const {
  double sum = 0;
  for (const auto& t : terms) sum += t.count * entry(t.key);
  return sum;
}

double LatencyTable::correct(double s) const {
  if (!correction_ || correction_->samples <= 0) return s;
  return correction_->scale * s + correction_->offsetMs;
}

double LatencyTable::predict(const std::vector<LatencyTerm>& terms) const { return correct(lutSum(terms)); }

std::optional<DeviceProfileRecord> resolveDeviceProfile(const Workspace& ws, const std::string& name,
                                                        const std::string& space) {
  if (!name.empty()) return ws.deviceProfile(name);
  return ws.latestDeviceProfile(space);
}

std::string cpuModelName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
      }
    }
  }
  return "unknown CPU";
}

namespace {
constexpr const char* kFormat = "nasstudio-device-profile";

[[noreturn]] void badDoc(const std::string& field, const std::string& why) {
  throw Error(ErrorCode::ParseError, why, "device profile JSON, field '" + field + "'");
}

const Json& need(const Json& obj, const std::string& key, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key)) badDoc(where + key, "missing");
  return obj.at(key);
}

double needNumber(const Json& obj, const std::string& key, const std::string& where) {
  const Json& v = need(obj, key, where);
  if (!v.is_number()) badDoc(where + key, "not a number");
  const double d = v.get<double>();
  if (!std::isfinite(d)) badDoc(where + key, "not finite");
  return d;
}

// A whole number in [lo, hi]: casting a double past the int range is undefined behaviour
// ("threads": 1e30 reached it, found by fuzzing), so the range is checked on the double.
std::int64_t needCount(const Json& obj, const std::string& key, const std::string& where, double lo, double hi) {
  const double d = needNumber(obj, key, where);
  if (d < lo || d > hi)
    badDoc(where + key, "must be between " + std::to_string(static_cast<std::int64_t>(lo)) + " and " +
                            std::to_string(static_cast<std::int64_t>(hi)));
  return static_cast<std::int64_t>(d);
}
constexpr double kMaxCount = 2147483647.0;

std::string needString(const Json& obj, const std::string& key, const std::string& where) {
  const Json& v = need(obj, key, where);
  if (!v.is_string()) badDoc(where + key, "not a string");
  return v.get<std::string>();
}
}  // namespace

Json exportDeviceProfile(const Workspace& ws, const std::string& name) {
  const DeviceProfileRecord p = ws.deviceProfile(name);
  Json spaces = Json::object();
  for (const auto& space : ws.latencySpaces(p.id)) {
    Json entries = Json::array();
    for (const auto& e : ws.latencyEntries(p.id, space))
      entries.push_back({{"key", e.key}, {"median_ms", e.medianMs}, {"iqr_ms", e.iqrMs}, {"repeats", e.repeats}});
    Json s{{"entries", entries}};
    if (auto c = ws.latencyCorrection(p.id, space); c && c->samples > 0)
      s["correction"] = {{"scale", c->scale}, {"offset_ms", c->offsetMs}, {"samples", c->samples}};
    spaces[space] = s;
  }
  return Json{{"format", kFormat},          {"version", 1},      {"name", p.name},
              {"cpu", p.cpu},               {"threads", p.threads}, {"batch", p.batch},
              {"torch_version", p.torchVersion}, {"created", p.createdAt}, {"spaces", spaces}};
}

DeviceProfileRecord importDeviceProfile(Workspace& ws, const Json& doc, const std::string& rename) {
  if (!doc.is_object()) badDoc("(document)", "not a JSON object");
  if (needString(doc, "format", "") != kFormat) badDoc("format", std::string("expected \"") + kFormat + "\"");
  if (needNumber(doc, "version", "") != 1) badDoc("version", "this build reads version 1");
  DeviceProfileRecord p;
  p.name = rename.empty() ? needString(doc, "name", "") : rename;
  if (p.name.empty()) badDoc("name", "empty");
  p.cpu = doc.contains("cpu") && doc["cpu"].is_string() ? doc["cpu"].get<std::string>() : "";
  p.threads = static_cast<int>(needCount(doc, "threads", "", 1, kMaxCount));
  p.batch = static_cast<int>(needCount(doc, "batch", "", 1, kMaxCount));
  p.torchVersion = doc.contains("torch_version") && doc["torch_version"].is_string()
                       ? doc["torch_version"].get<std::string>()
                       : "";
  p.createdAt = doc.contains("created") && doc["created"].is_number() ? doc["created"].get<double>() : 0;
  const Json& spaces = need(doc, "spaces", "");
  if (!spaces.is_object()) badDoc("spaces", "not an object");
  // Parse everything before writing anything.
  std::vector<LatencyEntryRecord> entries;
  std::vector<LatencyCorrectionRecord> corrections;
  for (const auto& [space, s] : spaces.items()) {
    const std::string where = "spaces." + space + ".";
    const Json& list = need(s, "entries", where);
    if (!list.is_array()) badDoc(where + "entries", "not an array");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = where + "entries[" + std::to_string(i) + "].";
      LatencyEntryRecord e;
      e.space = space;
      e.key = needString(list[i], "key", at);
      if (e.key.empty()) badDoc(at + "key", "empty");
      if (!seen.insert(e.key).second) badDoc(at + "key", "duplicate key '" + e.key + "'");
      e.medianMs = needNumber(list[i], "median_ms", at);
      if (e.medianMs < 0) badDoc(at + "median_ms", "negative");
      e.iqrMs = list[i].contains("iqr_ms") ? needNumber(list[i], "iqr_ms", at) : 0.0;
      e.repeats = list[i].contains("repeats") ? needCount(list[i], "repeats", at, 0, kMaxCount) : 0;
      entries.push_back(std::move(e));
    }
    if (s.contains("correction")) {
      const Json& c = s["correction"];
      LatencyCorrectionRecord r;
      r.space = space;
      r.scale = needNumber(c, "scale", where + "correction.");
      r.offsetMs = needNumber(c, "offset_ms", where + "correction.");
      r.samples = c.contains("samples") ? needCount(c, "samples", where + "correction.", 0, kMaxCount) : 1;
      corrections.push_back(r);
    }
  }
  if (ws.findDeviceProfile(p.name))
    throw Error(ErrorCode::InvalidArgument, "already exists in this workspace; import it under another name",
                "device profile '" + p.name + "'");
  ws.transaction([&] {
    const std::int64_t id = ws.ensureDeviceProfile(p);
    ws.putLatencyEntries(id, entries);
    for (const auto& c : corrections) ws.putLatencyCorrection(id, c);
  });
  return ws.deviceProfile(p.name);
}

}  // namespace nas
