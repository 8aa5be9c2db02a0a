#pragma once
// A method is something a job runs: training from scratch, a tabular search, SGNAS, ...
// Built-in methods and plugins register instances with a MethodRegistry. A method runs in
// the worker process, reads its resolved parameters from the JobContext, reports through
// it, saves checkpoints through it, and returns its result object.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "common/ProgressSink.h"
#include "jobs/ParamSchema.h"
#include "plugin/NamedRegistry.h"
#include "store/Records.h"

namespace nas {

class Workspace;

// ---- Live generation: a trained generative model answering "constraints in, architecture
// out" in one forward pass (SGNAS sliders). Generic so that the CLI and the GUI's control
// panel drive any method's generator without knowing the method; no torch types here.

// One control (slider) of a live generator. min/max are the reachable range measured from
// the search space (not typed in), in `unit`s.
struct ControlSpec {
  std::string name;   // key in generate()'s targets: "flops", "params"
  std::string label;  // "FLOPs"
  std::string unit;   // "MFLOPs", "params"
  double min = 0, max = 0, defaultValue = 0;
};

class LiveGenerator {
 public:
  virtual ~LiveGenerator() = default;
  virtual std::vector<ControlSpec> controls() const = 0;
  // targets: {"flops": N, "params": N}, any subset of controls() (a missing one means
  // "don't care"; unknown keys and non-numbers throw Error(InvalidArgument)). Returns at
  // least {"arch": canonical string, "flops", "params", "graph": GraphForm as JSON}, plus
  // method-specific keys (e.g. "estimated_accuracy" when it is known without computing).
  // Not thread-safe: one caller at a time. Optional keys a GUI understands: "layers" (a
  // single-path chain: [{"choices": ["k3","k5","k7","skip",...], "expansion": e}]) for a
  // strip of layers, "space" (the workspace's space name for the architecture).
  virtual Json generate(const Json& targets) = 0;

  // `points` requests spread evenly over control `control`'s reachable range (bin
  // midpoints), the other controls as in `fixed` (targets like generate()'s, `control`'s own
  // entry ignored), answered in one batched forward pass where the method can. Returns an
  // array of generate()-like objects ("graph" may be left out) with "target" added. The
  // default calls generate() per point. Same thread rules as generate().
  virtual Json sweep(const std::string& control, int points, const Json& fixed);

  // The slow companion of generate(): an estimate of how good `arch` (a string generate()
  // returned) is, e.g. {"accuracy": 0..1, "images": N, "dataset": "...", "source":
  // "supernet"}; std::nullopt when the method has none. Milliseconds to seconds, so it is
  // meant for ONE worker thread, which may call it while another thread calls generate()
  // and sweep() (implementations keep the two paths' state apart). Throws Error.
  virtual std::optional<Json> estimate(const std::string& arch) { return std::nullopt; }
};

class JobContext {
 public:
  JobContext(Workspace& ws, JobId id, Json params, ProgressSink& sink, CancelToken cancel);

  Workspace& workspace() { return ws_; }
  JobId jobId() const { return id_; }
  const Json& params() const { return params_; }
  ProgressSink& sink() { return sink_; }
  const CancelToken& cancel() const { return cancel_; }
  bool cancelled() const { return cancel_.cancelled(); }

  // The job's single resumable checkpoint (kind "checkpoint", name "latest").
  void saveCheckpoint(const std::string& bytes);
  std::optional<std::string> loadCheckpoint() const;

 private:
  Workspace& ws_;
  JobId id_;
  Json params_;
  ProgressSink& sink_;
  CancelToken cancel_;
};

// How much work a job is, for run-time estimates (jobs/RunTimeEstimate.h): a count
// proportional to its run time on one machine at fixed threads, e.g. image passes times the
// network's MFLOPs, or table queries. Estimates scale a finished job's measured seconds per
// unit; without one, a reference speed the method measured on a known machine, said as such.
struct WorkAmount {
  double units = 0;                     // > 0
  std::string unit;                     // "image-MFLOPs", "queries"
  std::string summary;                  // "43,200 images x 2 epochs x 1.9 MFLOPs"
  double referenceSecondsPerUnit = 0;   // 0: none
  std::string referenceMachine;         // where that speed was measured: "2 busy cores, 2 threads"
};

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string name() const = 0;         // "train"
  virtual std::string title() const = 0;        // "Train from scratch"
  virtual std::string description() const = 0;  // one paragraph
  virtual ParamSchema schema() const = 0;
  // Keys the result object will have, for documentation and the GUI.
  virtual std::vector<std::string> resultKeys() const { return {}; }
  // Runs the job; throws Error on failure (Cancelled when ctx.cancelled()).
  virtual Json run(JobContext& ctx) const = 0;
  // A live generator backed by what job `job` of this method wrote into `ws` (read once,
  // here; the generator keeps no reference to ws). nullptr when the method has none;
  // throws Error(NotFound) when the job lacks the trained model.
  virtual std::unique_ptr<LiveGenerator> openGenerator(Workspace& ws, JobId job) const { return nullptr; }
  // What the job leaves in the workspace beyond its result, as kinds the views know, so that
  // core and the GUI find a job's views without naming its method: kSearchSamplesKind (samples
  // following engine/SearchSamples.h), kHeatGridsKind (engine/GridSamples.h). Copied into the
  // stored job spec ("result_kinds") when the job is submitted.
  virtual std::vector<std::string> resultKinds() const { return {}; }
  // Parameters whose values tell a job's variant in titles and legends ("tabular-search
  // (evolution)"); stored in the job spec as "title_params".
  virtual std::vector<std::string> titleParams() const { return {}; }
  // The work of a job with these resolved parameters (schema().resolve(...)); nullopt when the
  // method has no work model. Must be quick (no data loading): the New Job dialog calls it on
  // every edit. Throws Error for parameters it cannot read.
  virtual std::optional<WorkAmount> work(const Json& resolvedParams) const { return std::nullopt; }
  // How to draw an architecture of workspace space `space` that this method's jobs store, for
  // the views of stored architectures (Search Results): {"graph": GraphForm as JSON} and, for a
  // single-path chain, "layers" as LiveGenerator::generate() gives them. nullopt for a space the
  // method does not know; throws Error for a string of its own space it cannot read.
  virtual std::optional<Json> describeArchitecture(const std::string& space, const std::string& canonical) const {
    return std::nullopt;
  }
  // The part of a data-parallel job (train/DistributedJob.h) that a rank > 0 runs: one phase
  // rank 0 announced, `message` being what rank 0 passed to announce() plus "method" and
  // "last". Enters the same collectives, in the same order, as rank 0 does for that phase, on
  // the process's group (train/DistGroup.h, processDistGroup()). Returns false for a method
  // without data-parallel phases (the default); throws Error when a collective fails.
  virtual bool followDataParallelPhase(const Json& message) const { return false; }
};

inline constexpr const char* kSearchSamplesKind = "search-samples";
inline constexpr const char* kHeatGridsKind = "heat-grids";

// Methods by name (plugin/NamedRegistry.h: duplicates refused, NotFound lists the names).
class MethodRegistry : public NamedRegistry<Method> {
 public:
  MethodRegistry() : NamedRegistry<Method>("method") {}
  using NamedRegistry<Method>::add;
  // Under the method's own name; throws PluginError when a method of the same name exists.
  void add(std::unique_ptr<Method> method);
};

}  // namespace nas
