#pragma once
// Data-parallel training over PyTorch's own c10d: a Gloo process group (CPU tensors) set up
// from torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or the
// same values given explicitly. The c10d and Gloo headers stay inside DistGroup.cpp, so the
// rest of core compiles without them; a build without Gloo's headers (CMake option
// NAS_WITH_DISTRIBUTED off or libgloo-dev missing) throws Error(Unsupported) from create().
#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace nas {

struct DistConfig {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  // Every collective (and the rendezvous) fails with an error after this long instead of
  // hanging on a rank that died without closing its connection.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // torchrun's agent may already serve the store at MASTER_PORT and say so with
  // TORCHELASTIC_USE_AGENT_STORE=True; then rank 0 connects to it instead of serving one.
  bool storeServedByLauncher = false;
};

// torchrun's variables (and NAS_DIST_TIMEOUT_S, seconds); std::nullopt when WORLD_SIZE is unset or 1 (one process). Throws
// Error(InvalidArgument) naming the variable when one is malformed or out of range.
std::optional<DistConfig> distConfigFromEnv();

// True when this build has the Gloo backend.
bool distributedBuild();

class DistGroup {
 public:
  // Joins the group: rank 0 serves the TCP store at masterAddr:masterPort, every rank
  // connects to it. Blocks until all ranks are there (or config.timeout passes).
  static std::shared_ptr<DistGroup> create(const DistConfig& config);
  virtual ~DistGroup() = default;

  int rank() const { return config_.rank; }
  int worldSize() const { return config_.worldSize; }
  const DistConfig& config() const { return config_; }

  // Sums every parameter's gradient over the ranks, in place, in buckets: gradients are
  // concatenated into flat buffers of at most bucketBytes (one all-reduce each, issued
  // together and then awaited) and copied back. Parameters without a gradient get a zero
  // one first, so every rank sends the same layout; one that had none on every rank (a
  // supernet's ops off the sampled path) has none again afterwards, as in one process.
  // The same all-reduce also carries rank 0's stop flag (requestStop) to every rank.
  virtual void allReduceGradients(const std::vector<torch::Tensor>& params, std::size_t bucketBytes = 25u << 20) = 0;
  // Sums `t` (a CPU tensor) over the ranks, in place.
  virtual void allReduceSum(torch::Tensor& t) = 0;
  // Overwrites every tensor with rank 0's values (flattened per dtype into one broadcast).
  virtual void broadcastFromRank0(const std::vector<torch::Tensor>& tensors) = 0;
  // Rank 0's `bytes` on every rank (the others' argument is ignored).
  virtual std::string broadcastBytes(const std::string& bytes) = 0;
  virtual void barrier() = 0;

  // Rank 0 stopping a data-parallel step loop (its job was cancelled): the flag rides the next
  // gradient all-reduce, so the other ranks, which wait in that very all-reduce, learn it without
  // a collective of its own; after that step stopRequested() is true on every rank.
  void requestStop() { stopSent_ = true; }
  bool stopRequested() const { return stopped_; }

 protected:
  explicit DistGroup(DistConfig config) : config_(std::move(config)) {}
  DistConfig config_;
  bool stopSent_ = false;  // rank 0 asked (sent with the next gradient all-reduce)
  bool stopped_ = false;   // a gradient all-reduce carried rank 0's stop
};

// The cancel check at the top of a data-parallel step loop, on every rank with rank 0's cancel
// state as `cancelled` (false on the other ranks). One process: `cancelled`. In a group, a
// cancelled rank 0 does not stop at once (the others would fail on its closed connections when
// its process ends, and wait in a collective until the timeout while it lives on, as a worker
// does): it asks for the stop with the next step, and every rank returns true before the step
// after, all at the same step, where rank 0 saves its checkpoint. A rank > 0 then throws
// Error(Cancelled), which followDistributedJob turns into a quiet exit (TrainMethod.cpp).
bool stopBeforeStep(DistGroup* group, bool cancelled);

// The largest difference of any rank's `params` from rank 0's, the same value on every rank (a
// collective: every rank calls it with the same layout). A data-parallel run that drifted apart
// would be a bug, so results report it (0 when the ranks agree).
double parameterSpread(DistGroup& group, const std::vector<torch::Tensor>& params);

// Starts a data-parallel trainer of `model` on `device` with global batches of `batchSize`:
// refuses what the group cannot do (a GPU device with Gloo, fewer images than ranks) with an
// Error naming the parameter, then gives every rank rank 0's parameters and buffers.
void joinDataParallel(DistGroup& group, torch::nn::Module& model, const torch::Device& device, int batchSize);

// The process's group, created from the environment on first use; nullptr in a
// one-process run. Throws what distConfigFromEnv() and DistGroup::create() throw.
// Inside a ProcessDistGroupScope: the scope's group instead.
std::shared_ptr<DistGroup> processDistGroup();

// NAS_DIST_TIMEOUT_S (seconds), else DistConfig's default.
std::chrono::milliseconds distTimeoutFromEnv();

// A process that runs several jobs one after another (`worker --nproc`) gives each its own
// group: while a scope lives, processDistGroup() returns what `make` returns on its first call.
// It is made only when the job asks for it, so a method without data-parallel training never
// starts the other ranks. One scope at a time.
class ProcessDistGroupScope {
 public:
  explicit ProcessDistGroupScope(std::function<std::shared_ptr<DistGroup>()> make);
  ~ProcessDistGroupScope();
  ProcessDistGroupScope(const ProcessDistGroupScope&) = delete;
  ProcessDistGroupScope& operator=(const ProcessDistGroupScope&) = delete;
  // The group, once the job asked for it; nullptr before (or when making it failed).
  std::shared_ptr<DistGroup> group() const;

 private:
  friend std::shared_ptr<DistGroup> processDistGroup();
  std::function<std::shared_ptr<DistGroup>()> make_;
  std::shared_ptr<DistGroup> group_;
  bool asked_ = false;
};

}  // namespace nas
