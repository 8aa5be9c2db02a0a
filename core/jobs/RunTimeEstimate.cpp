#include "jobs/RunTimeEstimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

namespace nas {

namespace {

// A finished job's wall time, when its clock covers its whole run: the workspace stamps the
// start of the last run only, so a resumed job (attempts > 1) is no measure of speed.
std::optional<double> wholeRunSeconds(const JobRecord& r) {
  if (r.status != JobStatus::Done || r.attempts > 1 || r.startedAt <= 0 || r.finishedAt <= r.startedAt)
    return std::nullopt;
  return r.finishedAt - r.startedAt;
}

std::optional<WorkAmount> workOf(const Method& m, const Json& resolved) {
  try {
    auto w = m.work(resolved);
    if (w && std::isfinite(w->units) && w->units > 0) return w;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<Json> resolvedParamsOf(const Method& m, const JobRecord& r) {
  try {
    const Json spec = Json::parse(r.specJson);
    return m.schema().resolve(spec.value("params", Json::object()));
  } catch (const std::exception&) {
    return std::nullopt;  // a job of an older schema: not comparable
  }
}

std::string seconds1(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.1f s" : "%.0f s", s);
  return buf;
}

}  // namespace

std::string roughDuration(double s) {
  char buf[48];
  if (!std::isfinite(s) || s < 0) return "unknown";
  if (s < 60) std::snprintf(buf, sizeof buf, "about %.0f s", std::max(1.0, std::round(s / 5) * 5));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "about %.0f min", std::max(1.0, std::round(s / 60)));
  else std::snprintf(buf, sizeof buf, "about %.1f h", s / 3600);
  return buf;
}

RunTimeEstimate estimateRunTime(const Method& method, const Json& params, const std::vector<JobRecord>& jobs) {
  RunTimeEstimate out;
  out.work = workOf(method, params);

  std::vector<const JobRecord*> finished;
  for (const JobRecord& r : jobs)
    if (r.method == method.name() && wholeRunSeconds(r)) finished.push_back(&r);
  std::sort(finished.begin(), finished.end(),
            [](const JobRecord* a, const JobRecord* b) { return a->finishedAt > b->finishedAt; });

  if (out.work) {
    for (const JobRecord* r : finished) {
      const auto p = resolvedParamsOf(method, *r);
      const auto w = p ? workOf(method, *p) : std::nullopt;
      if (!w || w->unit != out.work->unit) continue;
      const double took = *wholeRunSeconds(*r);
      out.seconds = out.work->units * took / w->units;
      out.fromJob = r->id;
      out.basis = "from job " + std::to_string(r->id) + "'s speed: it took " + seconds1(took) + " for " + w->summary +
                  "; this one is " + out.work->summary;
      return out;
    }
    if (out.work->referenceSecondsPerUnit > 0) {
      out.seconds = out.work->units * out.work->referenceSecondsPerUnit;
      out.basis = "at a reference speed (" + out.work->referenceMachine + ") for " + out.work->summary + "; no " +
                  method.name() + " job has finished here in one run yet to measure this machine";
      return out;
    }
  }
  if (!finished.empty()) {
    const JobRecord& r = *finished.front();
    out.seconds = *wholeRunSeconds(r);
    out.fromJob = r.id;
    out.basis = "job " + std::to_string(r.id) + " of this method took that long; " +
                (out.work ? "its parameters could not be compared with these" : "the method has no work model, so these parameters are not taken into account");
    return out;
  }
  out.basis = "no " + method.name() + " job has finished in this workspace to measure the speed from" +
              (out.work ? " (" + out.work->summary + ")" : std::string());
  return out;
}

}  // namespace nas
