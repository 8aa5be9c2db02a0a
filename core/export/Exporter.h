#pragma once
// Exporters: one per search space, each knowing how to build its space's network for an
// architecture of the workspace, with trained weights where a job produced them. Core brings
// the NAS-Bench-201 exporter; plugins add theirs with PluginHost::addExporter. The formats
// (ONNX, TorchScript, PyTorch module) are written from the graph an exporter returns
// (ExportService.h), so an exporter only spells its network once.
#include <torch/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "export/format/ExportGraph.h"
#include "store/Records.h"

namespace nas {

class Workspace;
template <class T>
class NamedRegistry;

// Where the weights came from, said in every export's output.
struct WeightsSource {
  bool trained = false;       // false: freshly initialised (seeded)
  std::optional<JobId> job;   // the job whose artifact held them
  std::string detail;         // "job 3 checkpoint 'latest' (train, fashion-mnist)", "initialised (seed 0)"
};

struct ExportableNetwork {
  ExportGraph graph;  // with its weights and metadata
  // The app's own forward pass of the same network with the same weights, eval mode:
  // input [N, C, H, W] -> logits. Every written form is compared with it.
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  WeightsSource weights;
};

class NetworkExporter {
 public:
  virtual ~NetworkExporter() = default;
  virtual std::string name() const = 0;  // "nb201", "sgnas", "repnas"
  // Whether this exporter builds networks of the workspace space `space` ("nb201",
  // "repnas:mini", ...).
  virtual bool handles(const std::string& space) const = 0;
  // The architecture in the space's own encoding, for genotype JSON (NB201: op names and
  // indices per edge; SGNAS: choices per layer and group). Parses `canonical` and so throws
  // ParseError for a string that is not of this space: imports are checked with it.
  virtual Json encoding(const std::string& space, const std::string& canonical) const = 0;
  // The network of `arch`: with the weights of the newest job that stored some for it, else
  // initialised from `seed`. Throws Error naming the architecture when it cannot be built.
  virtual ExportableNetwork build(const Workspace& ws, const ArchitectureRecord& arch, std::uint64_t seed) const = 0;
};

// The exporters of one Engine (engine/Engine.h): the built-in NAS-Bench-201 one and those
// plugins add through PluginHost::addExporter. Not synchronised: filled while plugins load,
// read after (an exporter itself must be safe to use from several threads at once).
class ExporterRegistry {
 public:
  ExporterRegistry();  // with the built-in nb201 exporter
  ~ExporterRegistry();
  ExporterRegistry(ExporterRegistry&&) noexcept;
  ExporterRegistry& operator=(ExporterRegistry&&) noexcept;
  // Throws PluginError for a null exporter or a name already registered.
  void add(std::unique_ptr<NetworkExporter> exporter);
  bool remove(const std::string& name);  // a rollback; false when not registered
  bool contains(const std::string& name) const;
  // The exporter for `space`, the first registered that handles it; NotFound naming the
  // space and listing the exporters.
  const NetworkExporter& forSpace(const std::string& space) const;
  std::vector<std::string> names() const;  // built-in first, then registration order

 private:
  std::unique_ptr<NamedRegistry<NetworkExporter>> exporters_;
};

// The jobs that evaluated `arch` (its evaluations' jobs), newest first: where exporters look
// for trained weights.
std::vector<JobRecord> jobsOfArchitecture(const Workspace& ws, ArchId arch);

}  // namespace nas
