#include "export/format/GenotypeJson.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include "common/BuildInfo.h"
#include "common/Error.h"
#include "store/Workspace.h"

namespace nas {
namespace {

constexpr const char* kImportMethod = "import";

// The identity of one metric for matching: everything but the job.
using MetricKey = std::tuple<std::string, std::string, std::string, double>;  // metric, dataset, source, value
MetricKey keyOf(const Json& m) {
  return {m.at("metric").get<std::string>(), m.value("dataset", std::string()), m.value("source", std::string()),
          m.at("value").get<double>()};
}
MetricKey keyOf(const EvaluationRecord& e) { return {e.metric, e.dataset, e.source, e.value}; }

Json provenanceOf(const JobRecord& job, const std::string& workspaceName) {
  Json params = Json::object();
  try {
    params = parseJson(job.specJson, "job " + std::to_string(job.id)).value("params", Json::object());
  } catch (const Error&) {
  }
  return Json{{"uid", job.uid},
              {"job", job.id},
              {"method", job.method},
              {"status", jobStatusName(job.status)},
              {"dataset", params.contains("dataset") ? params["dataset"] : Json(nullptr)},
              {"seed", params.contains("seed") ? params["seed"] : Json(nullptr)},
              {"workspace", workspaceName}};
}

const Json& field(const Json& doc, const char* key, bool (Json::*is)() const, const char* what) {
  if (!doc.contains(key) || !(doc.at(key).*is)())
    throw Error(ErrorCode::ParseError, std::string("field '") + key + "' missing or not " + what, "genotype JSON");
  return doc.at(key);
}

}  // namespace

Json genotypeJson(const Workspace& ws, const ArchitectureRecord& arch, const Json& encoding) {
  const std::string here = std::filesystem::path(ws.path()).filename().string();
  std::map<std::string, Json> jobsByUid;  // uid -> provenance entry (sorted by uid)
  struct Metric {
    MetricKey key;
    std::string jobUid;  // "" = none
  };
  std::vector<Metric> metrics;
  std::map<JobId, std::optional<JobRecord>> jobCache;
  auto jobOf = [&](JobId id) -> const std::optional<JobRecord>& {
    auto it = jobCache.find(id);
    if (it != jobCache.end()) return it->second;
    std::optional<JobRecord> j;
    try {
      j = ws.job(id);
    } catch (const Error&) {  // deleted: its evaluations remain
    }
    return jobCache[id] = j;
  };
  for (const EvaluationRecord& e : ws.evaluations(arch.id)) {
    Metric m{keyOf(e), {}};
    if (e.jobId) {
      const auto& job = jobOf(*e.jobId);
      if (job && job->method == kImportMethod) {
        // An imported metric: its provenance is the original file's, kept in the import job.
        const Json spec = parseJson(job->specJson, "import job " + std::to_string(job->id));
        const Json& original = spec.at("params").at("genotype");
        for (const Json& om : original.at("metrics"))
          if (keyOf(om) == m.key) {
            if (om.contains("job") && om["job"].is_number_integer()) {
              const Json& pj = original.at("provenance").at("jobs").at(om["job"].get<size_t>());
              m.jobUid = pj.at("uid").get<std::string>();
              jobsByUid[m.jobUid] = pj;
            }
            break;
          }
      } else if (job) {
        m.jobUid = job->uid.empty() ? "job-" + std::to_string(job->id) : job->uid;
        if (!jobsByUid.count(m.jobUid)) {
          jobsByUid[m.jobUid] = provenanceOf(*job, here);
          jobsByUid[m.jobUid]["uid"] = m.jobUid;  // a job from before uids: its local name
        }
      }
    }
    metrics.push_back(std::move(m));
  }
  std::sort(metrics.begin(), metrics.end(),
            [](const Metric& a, const Metric& b) { return std::tie(a.key, a.jobUid) < std::tie(b.key, b.jobUid); });
  std::map<std::string, size_t> indexOf;
  Json jobs = Json::array();
  for (const auto& [uid, j] : jobsByUid) {
    indexOf[uid] = jobs.size();
    jobs.push_back(j);
  }
  Json ms = Json::array();
  for (const auto& m : metrics)
    ms.push_back(Json{{"metric", std::get<0>(m.key)},
                      {"dataset", std::get<1>(m.key)},
                      {"source", std::get<2>(m.key)},
                      {"value", std::get<3>(m.key)},
                      {"job", m.jobUid.empty() ? Json(nullptr) : Json(indexOf.at(m.jobUid))}});
  return Json{{"format", kGenotypeFormat},
              {"version", kGenotypeVersion},
              {"space", arch.space},
              {"string", arch.canonical},
              {"encoding", encoding},
              {"costs", {{"flops", arch.flops}, {"params", arch.params}}},
              {"metrics", ms},
              {"provenance", {{"jobs", jobs}}}};
}

GenotypeImport importGenotype(Workspace& ws, const Json& doc, const std::string& fileName,
                              const std::function<void(const std::string&, const std::string&)>& checkString) {
  const char* ctx = "genotype JSON";
  if (!doc.is_object()) throw Error(ErrorCode::ParseError, "not a JSON object", ctx);
  // Every field's type is checked here, before any is read: nlohmann's value()/get() throw
  // their own type_error on a mistyped field, which is not an Error (found by fuzzing).
  if (!doc.contains("format") || !doc["format"].is_string() || doc["format"].get<std::string>() != kGenotypeFormat)
    throw Error(ErrorCode::ParseError, std::string("field 'format' must be \"") + kGenotypeFormat + "\"", ctx);
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() > kGenotypeVersion)
    throw Error(ErrorCode::ParseError, "field 'version' missing or newer than " + std::to_string(kGenotypeVersion), ctx);
  const std::string space = field(doc, "space", &Json::is_string, "a string").get<std::string>();
  const std::string canonical = field(doc, "string", &Json::is_string, "a string").get<std::string>();
  const Json& costs = field(doc, "costs", &Json::is_object, "an object");
  for (const char* key : {"flops", "params"})
    if (costs.contains(key) && !costs[key].is_number())
      throw Error(ErrorCode::ParseError, std::string("field 'costs.") + key + "' is not a number", ctx);
  const Json& metrics = field(doc, "metrics", &Json::is_array, "an array");
  const Json& prov = field(doc, "provenance", &Json::is_object, "an object");
  const Json& jobs = field(prov, "jobs", &Json::is_array, "an array");
  for (size_t i = 0; i < metrics.size(); ++i) {
    const Json& m = metrics[i];
    const std::string where = "metrics[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("metric") || !m["metric"].is_string() || !m.contains("value") ||
        !m["value"].is_number())
      throw Error(ErrorCode::ParseError, where + " needs a string 'metric' and a number 'value'", ctx);
    for (const char* key : {"dataset", "source"})
      if (m.contains(key) && !m[key].is_string())
        throw Error(ErrorCode::ParseError, where + "." + key + " is not a string", ctx);
    if (m.contains("job") && !m["job"].is_null() &&
        (!m["job"].is_number_integer() || m["job"].get<std::int64_t>() < 0 ||
         m["job"].get<size_t>() >= jobs.size() || !jobs[m["job"].get<size_t>()].contains("uid")))
      throw Error(ErrorCode::ParseError, where + ".job is not an index into provenance.jobs", ctx);
  }
  checkString(space, canonical);

  GenotypeImport out;
  out.space = space;
  out.canonical = canonical;
  ws.transaction([&] {
    out.architectureAdded = !ws.findArchitecture(space, canonical).has_value();
    out.archId = ws.upsertArchitecture(space, canonical, costs.value("flops", 0.0), costs.value("params", std::int64_t{0}));
    std::vector<MetricKey> present;
    for (const auto& e : ws.evaluations(out.archId)) present.push_back(keyOf(e));
    std::vector<EvaluationRecord> add;
    for (const Json& m : metrics) {
      const MetricKey k = keyOf(m);
      if (std::find(present.begin(), present.end(), k) != present.end()) continue;
      present.push_back(k);
      add.push_back(EvaluationRecord::of(out.archId, std::nullopt, std::get<2>(k), std::get<1>(k), std::get<0>(k),
                                         std::get<3>(k)));
    }
    if (add.empty()) return;
    const Json spec{{"method", kImportMethod}, {"params", {{"file", fileName}, {"genotype", doc}}}};
    const JobId job = ws.createJob(kImportMethod, spec.dump());
    ws.setJobStatus(job, JobStatus::Done);
    ws.setJobProgress(job, 1.0, "imported");
    ws.setJobResult(job, Json{{"arch_id", out.archId}, {"space", space}, {"string", canonical},
                              {"evaluations_added", add.size()}}.dump());
    for (auto& e : add) e.jobId = job;
    ws.addEvaluations(add);
    out.importJob = job;
    out.evaluationsAdded = static_cast<int>(add.size());
  });
  return out;
}

}  // namespace nas
