// Reading search samples: payload JSON -> SearchSample, and the job's objective names.
#include "engine/SearchSamples.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common/Error.h"
#include "common/Json.h"
#include "jobs/Method.h"
#include "store/Workspace.h"

namespace nas {

namespace {

std::string sampleContext(const SampleRecord& r) {
  return "sample #" + std::to_string(r.id) + " (round " + std::to_string(r.round) + ")";
}

// A number, or NaN when the key is absent or null; anything else is a wrong type.
double optionalNumber(const Json& obj, const char* key, const std::string& context) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return SearchSample::kNone;
  if (!it->is_number())
    throw Error(ErrorCode::ParseError, std::string("\"") + key + "\" must be a number, got " + it->dump(), context);
  return it->get<double>();
}

// An object parsed from text that may be empty or not JSON (a running job's result is "{}").
Json objectOrEmpty(const std::string& text) {
  if (text.empty()) return Json::object();
  try {
    Json j = Json::parse(text);
    return j.is_object() ? j : Json::object();
  } catch (const Json::exception&) {
    return Json::object();
  }
}

std::string stringAt(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<bool> isSearchJob(const JobRecord& job) {
  const Json spec = objectOrEmpty(job.specJson);
  auto it = spec.find("result_kinds");
  if (it == spec.end() || !it->is_array()) return std::nullopt;
  return std::find(it->begin(), it->end(), Json(kSearchSamplesKind)) != it->end();
}

SearchSample parseSearchSample(const SampleRecord& record) {
  const std::string context = sampleContext(record);
  const Json p = parseJson(record.payloadJson, context);
  if (!p.is_object()) throw Error(ErrorCode::ParseError, "payload must be a JSON object, got " + p.dump(), context);
  SearchSample s;
  s.sampleId = record.id;
  s.archId = record.archId.value_or(0);
  s.round = record.round;
  if (auto it = p.find("seed"); it != p.end() && !it->is_null()) {
    if (!it->is_number_integer() && !it->is_number_unsigned())
      throw Error(ErrorCode::ParseError, "\"seed\" must be an integer, got " + it->dump(), context);
    s.seed = it->get<std::int64_t>();
  }
  s.x = optionalNumber(p, "x", context);
  s.y = optionalNumber(p, "y", context);
  // Half a coordinate is a producer bug: say so rather than draw the point on an axis.
  if (std::isnan(s.x) != std::isnan(s.y))
    throw Error(ErrorCode::ParseError, "latent coordinates need both \"x\" and \"y\"", context);
  s.hasLatent = std::isfinite(s.x) && std::isfinite(s.y);
  s.predicted = optionalNumber(p, "predicted", context);
  if (auto it = p.find("queried"); it != p.end() && !it->is_null()) {
    if (!it->is_boolean()) throw Error(ErrorCode::ParseError, "\"queried\" must be true or false, got " + it->dump(), context);
    s.queried = it->get<bool>();
  }
  const double query = optionalNumber(p, "query", context);
  s.query = std::isfinite(query) ? static_cast<int>(query) : 0;
  s.value = optionalNumber(p, "value", context);
  s.cost = optionalNumber(p, "cost", context);
  if (!s.queried) s.value = SearchSample::kNone;  // a value on an unqueried sample is not a truth
  return s;
}

SearchRun readSearchRun(const std::vector<SampleRecord>& records, const std::string& resultJson,
                        const std::string& specJson) {
  constexpr std::size_t kMaxProblemLines = 20;
  SearchRun run;
  std::size_t skipped = 0;
  for (const SampleRecord& r : records) {
    run.job = r.jobId;
    // Other writers share the samples table (a user's pins carry "kind"): not ours, not errors.
    try {
      const Json p = Json::parse(r.payloadJson);
      if (p.is_object() && p.contains("kind")) continue;
    } catch (const Json::exception&) {
      // parseSearchSample reports it with the parser's position.
    }
    try {
      run.samples.push_back(parseSearchSample(r));
    } catch (const Error& e) {
      if (++skipped <= kMaxProblemLines) run.problems.push_back(e.what());
    }
  }
  if (skipped > kMaxProblemLines)
    run.problems.push_back("... and " + std::to_string(skipped - kMaxProblemLines) + " more malformed samples");
  std::stable_sort(run.samples.begin(), run.samples.end(), [](const SearchSample& a, const SearchSample& b) {
    return a.round != b.round ? a.round < b.round : a.sampleId < b.sampleId;
  });
  run.payloadCosts = std::any_of(run.samples.begin(), run.samples.end(),
                                 [](const SearchSample& s) { return std::isfinite(s.cost); });

  // A running job's result is "{}": fall back to what the spec asked for.
  const Json result = objectOrEmpty(resultJson);
  const Json spec = objectOrEmpty(specJson);
  const Json params = spec.contains("params") && spec.at("params").is_object() ? spec.at("params") : spec;
  run.costName = stringAt(result, "objective2");
  if (run.costName.empty()) run.costName = stringAt(params, "objective2");
  if (run.costName.empty() && run.payloadCosts) run.costName = "cost";
  run.metric = stringAt(result, "metric");
  if (run.metric.empty()) run.metric = stringAt(params, "metric");
  return run;
}

bool SearchRun::hasLatent() const {
  return std::any_of(samples.begin(), samples.end(), [](const SearchSample& s) { return s.hasLatent; });
}

std::vector<std::int64_t> SearchRun::seeds() const {
  std::set<std::int64_t> set;
  for (const auto& s : samples) set.insert(s.seed);
  return {set.begin(), set.end()};
}

std::vector<int> SearchRun::latentRounds(std::int64_t seed) const {
  std::vector<int> rounds;
  for (const auto& [round, count] : latentCountPerRound(seed)) rounds.push_back(round);
  return rounds;
}

std::map<int, int> SearchRun::latentCountPerRound(std::int64_t seed) const {
  std::map<int, int> counts;
  for (const auto& s : samples)
    if (s.hasLatent && (seed < 0 || s.seed == seed)) ++counts[s.round];
  return counts;
}

SearchRun loadSearchRun(const Workspace& ws, JobId job) {
  const JobRecord record = ws.job(job);
  SearchRun run = readSearchRun(ws.samples(job), record.resultJson, record.specJson);
  run.job = job;
  run.method = record.method;
  // Seeds revisit cells: one architecture lookup per distinct id.
  std::unordered_map<ArchId, std::pair<std::string, double>> archs;
  for (SearchSample& s : run.samples) {
    if (s.archId <= 0) continue;
    auto it = archs.find(s.archId);
    if (it == archs.end()) {
      std::pair<std::string, double> a{std::string(), SearchSample::kNone};
      try {
        const ArchitectureRecord r = ws.architecture(s.archId);
        a = {r.canonical, r.flops};
      } catch (const Error& e) {
        if (e.code() != ErrorCode::NotFound) throw;
        run.problems.push_back("sample #" + std::to_string(s.sampleId) + ": architecture #" +
                               std::to_string(s.archId) + " is not in the workspace");
      }
      it = archs.emplace(s.archId, std::move(a)).first;
    }
    s.canonical = it->second.first;
    s.flops = it->second.second;
  }
  return run;
}

std::vector<JobRecord> searchJobs(const Workspace& ws) {
  std::vector<JobRecord> jobs = ws.jobs();
  std::optional<std::vector<JobId>> seeded;  // read only when a job's spec predates result kinds
  jobs.erase(std::remove_if(jobs.begin(), jobs.end(),
                            [&](const JobRecord& j) {
                              if (auto declared = isSearchJob(j)) return !*declared;
                              if (!seeded) seeded = ws.jobsWithSampleKey("seed");
                              return std::find(seeded->begin(), seeded->end(), j.id) == seeded->end();
                            }),
             jobs.end());
  return jobs;
}

}  // namespace nas
