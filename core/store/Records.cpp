#include "store/Records.h"

#include "common/Error.h"
#include "common/Json.h"

namespace nas {

const char* jobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::Queued: return "queued";
    case JobStatus::Running: return "running";
    case JobStatus::Done: return "done";
    case JobStatus::Failed: return "failed";
    case JobStatus::Cancelled: return "cancelled";
    case JobStatus::Interrupted: return "interrupted";
  }
  return "?";
}

JobStatus jobStatusFromName(const std::string& s) {
  for (JobStatus st : {JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed, JobStatus::Cancelled,
                       JobStatus::Interrupted})
    if (s == jobStatusName(st)) return st;
  throw Error(ErrorCode::ParseError, "unknown job status '" + s + "'");
}

std::string jobTitle(const JobRecord& r) {
  const Json spec = Json::parse(r.specJson, nullptr, false);
  std::string variant;
  if (!spec.is_discarded() && spec.is_object() && spec.contains("params") && spec["params"].is_object()) {
    const Json& params = spec["params"];
    // The method's title parameters as its spec stored them; specs written before methods
    // declared them (plugin API < 4) name their variant by "strategy" and "source".
    std::vector<std::string> keys{"strategy", "source"};
    if (auto it = spec.find("title_params"); it != spec.end() && it->is_array()) {
      keys.clear();
      for (const Json& k : *it)
        if (k.is_string()) keys.push_back(k.get<std::string>());
    }
    for (const std::string& key : keys) {
      if (!params.contains(key) || !params[key].is_string()) continue;
      const std::string v = params[key].get<std::string>();
      if (!v.empty() && v != r.method) variant += (variant.empty() ? "" : ", ") + v;
    }
  }
  return variant.empty() ? r.method : r.method + " (" + variant + ")";
}

}  // namespace nas
