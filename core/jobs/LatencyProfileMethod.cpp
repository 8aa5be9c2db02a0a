#include "jobs/LatencyProfileMethod.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "common/Error.h"
#include "jobs/DeviceParam.h"
#include "store/Workspace.h"

namespace nas {

std::string LatencyProfileMethod::description() const {
  return "Measures the inference latency of every lookup-table entry of a search space (NAS-Bench-201 cell ops "
         "per stage and the fixed stem/reduction/head part; SGNAS MBConv parts per layer) on this machine with "
         "LibTorch: warm-up, then repeats until a count and time budget, median and interquartile range, fixed "
         "intra-op threads and batch size. Stores them in the workspace as a named device profile; entries "
         "already measured are skipped, so a killed job resumes where it stopped.";
}

ParamSchema LatencyProfileMethod::schema() const {
  ParamSchema s;
  std::vector<std::string> names = spaces_.names();
  // The built-in NB201 space by default (what the Latency tab and the searches read), not
  // whichever plugin's space sorts first (issue 21: the form offered "dbb").
  const bool haveNb201 = std::find(names.begin(), names.end(), "nb201") != names.end();
  const Json defaultSpace = haveNb201 ? Json("nb201") : names.empty() ? Json() : Json(names.front());
  ParamSpec space = paramSpec("space", ParamType::Choice, defaultSpace, "Space",
                              "Latency space whose lookup table to measure.");
  space.choices = names;
  s.add(space);
  s.add(paramSpec("profile", ParamType::String, "", "Device profile",
                  "Name of the device profile to fill; empty = <host>-t<threads>-b<batch>."));
  s.add(withRange(paramSpec("threads", ParamType::Int, 1, "Threads", "LibTorch intra-op threads, fixed while measuring."),
                  1, 256, "threads"));
  s.add(withRange(paramSpec("batch", ParamType::Int, 1, "Batch size", "Images per forward pass."), 1, 4096, "images"));
  s.add(withRange(paramSpec("repeats", ParamType::Int, 30, "Repeats",
                            "Timed repeats per entry at least (more while the time budget lasts)."),
                  1, 100000, "repeats"));
  s.add(withRange(paramSpec("budget_ms", ParamType::Float, 300.0, "Time budget",
                            "Timed milliseconds per entry after which repeats stop (once the minimum is reached)."),
                  0.0, 600000.0, "ms"));
  s.add(withRange(paramSpec("warmup", ParamType::Int, 5, "Warm-up runs", "Untimed runs before timing each entry."), 0,
                  10000, "runs"));
  // A profile is the latency of one device, so the default is the CPU (not auto: a profile must
  // not change device with the machine it happens to run on).
  ParamSpec device = deviceParamSpec();
  device.defaultValue = "cpu";
  device.choices.erase(device.choices.begin());  // no "auto": a profile names its device
  device.help = "Where to measure: cpu. The latency spaces time on the CPU only so far: any other device is "
                "refused with an error, never measured on the CPU instead.";
  s.add(device);
  return s;
}

std::optional<WorkAmount> LatencyProfileMethod::work(const Json& p) const {
  // Each entry is timed until its repeats and budget are spent, after its warm-up runs: the
  // budget and the count of entries set the time; entries already measured are not counted.
  const LatencySpace& space = spaces_.get(p.at("space").get<std::string>());
  const double entries = static_cast<double>(space.entries().size());
  WorkAmount w;
  w.unit = "entry-ms";
  w.units = entries * std::max(1.0, p.at("budget_ms").get<double>());
  w.summary = std::to_string(static_cast<long long>(entries)) + " " + space.name() + " entries x " +
              std::to_string(static_cast<long long>(p.at("budget_ms").get<double>())) + " ms budget";
  // Measured: the demo's NB201 profile (19 entries x 20 ms) took 0.64 s; warm-up and the
  // networks' setup come on top of the budget.
  w.referenceSecondsPerUnit = 0.64 / 380;
  w.referenceMachine = "the demo's NB201 profile on 2 busy cores";
  return w;
}

std::vector<std::string> LatencyProfileMethod::resultKeys() const {
  return {"profile", "space", "entries", "measured", "skipped", "seconds", "device"};
}

LatencyOptions LatencyProfileMethod::optionsFrom(const Json& p) {
  LatencyOptions o;
  o.threads = p.at("threads").get<int>();
  o.batch = p.at("batch").get<int>();
  o.timing.minRepeats = p.at("repeats").get<int>();
  o.timing.maxRepeats = std::max(o.timing.minRepeats, 10 * o.timing.minRepeats);
  o.timing.budgetMs = p.at("budget_ms").get<double>();
  o.timing.warmupRuns = p.at("warmup").get<int>();
  o.timing.clock = profileClock(o.threads);
  o.timing.blockSize = kLatencyBlockSize;
  o.validate();
  return o;
}

std::string LatencyProfileMethod::defaultProfileName(int threads, int batch) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "local");
  return std::string(host) + "-t" + std::to_string(threads) + "-b" + std::to_string(batch);
}

Json LatencyProfileMethod::run(JobContext& ctx) const {
  const auto started = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  const LatencySpace& space = spaces_.get(p.at("space").get<std::string>());
  const LatencyOptions options = optionsFrom(p);
  // The latency spaces time their networks on the CPU (TorchTiming has no device clock yet): a
  // GPU profile cannot be measured, and a CPU one under a GPU's name would be wrong.
  const std::string device = p.at("device").get<std::string>();
  if (device != "cpu")
    throw Error(ErrorCode::Unsupported,
                device + " requested, but latency profiles are measured on the CPU only in this version "
                         "(use device=cpu)",
                "device");
  std::string profileName = p.at("profile").get<std::string>();
  if (profileName.empty()) profileName = defaultProfileName(options.threads, options.batch);

  Workspace& ws = ctx.workspace();
  DeviceProfileRecord rec;
  rec.name = profileName;
  rec.cpu = cpuModelName();
  rec.threads = options.threads;
  rec.batch = options.batch;
  rec.torchVersion = space.runtimeVersion();
  const std::int64_t profileId = ws.ensureDeviceProfile(rec);

  std::set<std::string> have;
  for (const auto& e : ws.latencyEntries(profileId, space.name())) have.insert(e.key);
  const auto specs = space.entries();
  std::size_t measured = 0, skipped = 0, done = 0;
  for (const auto& spec : specs) {
    ++done;
    if (have.count(spec.key)) {
      ++skipped;
      continue;
    }
    if (ctx.cancelled()) throw Error(ErrorCode::Cancelled, "latency profiling cancelled", "profile '" + profileName + "'");
    ctx.sink().progress(static_cast<double>(done - 1) / static_cast<double>(specs.size()),
                        "entry " + std::to_string(done) + "/" + std::to_string(specs.size()) + " " + spec.key);
    const TimingStats t = space.measure(spec.key, options);
    LatencyEntryRecord e;
    e.space = space.name();
    e.key = spec.key;
    e.medianMs = t.medianMs;
    e.iqrMs = t.iqrMs;
    e.repeats = t.repeats;
    ws.putLatencyEntry(profileId, e);  // its own transaction: survives a kill
    ++measured;
  }
  if (skipped > 0)
    ctx.sink().log("resumed: " + std::to_string(skipped) + " entries were already measured and were skipped");
  ctx.sink().progress(1.0, "done");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return Json{{"profile", profileName},        {"space", space.name()},     {"entries", specs.size()},
              {"measured", measured},          {"skipped", skipped},        {"seconds", seconds},
              {"threads", options.threads},    {"batch", options.batch},    {"cpu", rec.cpu},
              {"clock", timingClockName(options.timing.clock)}, {"device", device}};
}

}  // namespace nas
