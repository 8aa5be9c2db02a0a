// DistGroup over c10d's TCPStore and ProcessGroupGloo (LibTorch's own distributed engine).
// Compiled with NAS_HAVE_GLOO when CMake found Gloo's headers (core/CMakeLists.txt); without
// them only the environment parsing remains and create() says what is missing.
#include "train/DistGroup.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "common/Error.h"

#ifdef NAS_HAVE_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1  // ProcessGroupGloo.hpp is empty without it
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace nas {
namespace {

int envInt(const char* name, int fallback, int min, int max) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < min || n > max)
    throw Error(ErrorCode::InvalidArgument,
                std::string("'") + v + "' is not an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
                name);
  return static_cast<int>(n);
}

}  // namespace

std::optional<DistConfig> distConfigFromEnv() {
  const int world = envInt("WORLD_SIZE", 1, 1, 65536);
  if (world == 1) return std::nullopt;
  DistConfig c;
  c.worldSize = world;
  if (!std::getenv("RANK")) throw Error(ErrorCode::InvalidArgument, "WORLD_SIZE is set but RANK is not", "RANK");
  c.rank = envInt("RANK", 0, 0, world - 1);
  c.localRank = envInt("LOCAL_RANK", c.rank, 0, 65535);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) c.masterAddr = a;
  c.masterPort = envInt("MASTER_PORT", 29500, 1, 65535);
  if (const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE"))
    c.storeServedByLauncher = std::string(agent) == "True" || std::string(agent) == "true" || std::string(agent) == "1";
  c.timeout = distTimeoutFromEnv();
  return c;
}

namespace {
std::mutex g_scopeMutex;
ProcessDistGroupScope* g_scope = nullptr;
}  // namespace

std::chrono::milliseconds distTimeoutFromEnv() {
  if (!std::getenv("NAS_DIST_TIMEOUT_S")) return DistConfig{}.timeout;
  return std::chrono::seconds(envInt("NAS_DIST_TIMEOUT_S", 300, 1, 86400));
}

ProcessDistGroupScope::ProcessDistGroupScope(std::function<std::shared_ptr<DistGroup>()> make) : make_(std::move(make)) {
  std::lock_guard<std::mutex> lock(g_scopeMutex);
  if (g_scope) throw Error(ErrorCode::InvalidArgument, "a process group scope is already open", "--nproc");
  g_scope = this;
}

ProcessDistGroupScope::~ProcessDistGroupScope() {
  std::lock_guard<std::mutex> lock(g_scopeMutex);
  g_scope = nullptr;
}

std::shared_ptr<DistGroup> ProcessDistGroupScope::group() const {
  std::lock_guard<std::mutex> lock(g_scopeMutex);
  return group_;
}

std::shared_ptr<DistGroup> processDistGroup() {
  {
    std::lock_guard<std::mutex> lock(g_scopeMutex);
    if (g_scope) {
      if (!g_scope->asked_) {
        g_scope->asked_ = true;  // made once: a failure is not retried by the next call
        g_scope->group_ = g_scope->make_();
      }
      return g_scope->group_;
    }
  }
  static std::mutex mutex;
  // Never destroyed: tearing the Gloo group down among the other libraries' static
  // destructors at exit crashed a finished rank (SIGSEGV after its result was written); the
  // process's exit closes the connections anyway.
  static auto* group = new std::shared_ptr<DistGroup>();
  static bool made = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (!made) {
    if (auto config = distConfigFromEnv()) *group = DistGroup::create(*config);
    made = true;
  }
  return *group;
}

void joinDataParallel(DistGroup& group, torch::nn::Module& model, const torch::Device& device, int batchSize) {
  if (!device.is_cpu())
    throw Error(ErrorCode::Unsupported, "data-parallel training runs on the CPU (Gloo) in this build", "device");
  if (batchSize < group.worldSize())
    throw Error(ErrorCode::InvalidArgument,
                "batch size " + std::to_string(batchSize) + " is smaller than the " +
                    std::to_string(group.worldSize()) + " ranks",
                "batch_size");
  std::vector<at::Tensor> state = model.parameters();
  for (const auto& b : model.buffers()) state.push_back(b);
  group.broadcastFromRank0(state);
}

bool stopBeforeStep(DistGroup* group, bool cancelled) {
  if (!group) return cancelled;
  if (group->stopRequested()) return true;
  if (cancelled && group->rank() == 0) group->requestStop();
  return false;
}

double parameterSpread(DistGroup& group, const std::vector<torch::Tensor>& params) {
  std::vector<at::Tensor> mine, theirs;
  for (const auto& p : params) {
    mine.push_back(p.detach().cpu());
    theirs.push_back(p.detach().cpu().clone());
  }
  group.broadcastFromRank0(theirs);
  double spread = 0;
  for (std::size_t i = 0; i < mine.size(); ++i)
    spread = std::max(spread, (mine[i] - theirs[i]).abs().max().item<double>());
  at::Tensor all = at::zeros({group.worldSize()}, at::kDouble);
  all[group.rank()] = spread;
  group.allReduceSum(all);
  return all.max().item<double>();
}

#ifndef NAS_HAVE_GLOO

bool distributedBuild() { return false; }

std::shared_ptr<DistGroup> DistGroup::create(const DistConfig&) {
  throw Error(ErrorCode::Unsupported,
              "this build has no distributed training (Gloo's headers, Debian's libgloo-dev, were missing when it "
              "was configured)",
              "WORLD_SIZE");
}

#else

bool distributedBuild() { return true; }

namespace {

// Collective failures (a rank died, a timeout) come as c10::Error or std::runtime_error from
// Gloo; they leave as the project's one error type, naming the rank and what it was doing.
template <typename F>
auto guarded(const DistConfig& c, const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::IoError, what + " failed: " + e.what_without_backtrace(),
                "rank " + std::to_string(c.rank) + " of " + std::to_string(c.worldSize));
  } catch (const std::exception& e) {
    throw Error(ErrorCode::IoError, what + " failed: " + e.what(),
                "rank " + std::to_string(c.rank) + " of " + std::to_string(c.worldSize));
  }
}

class GlooGroup final : public DistGroup {
 public:
  explicit GlooGroup(const DistConfig& config) : DistGroup(config) {
    const std::string what = "joining the process group at " + config_.masterAddr + ":" + std::to_string(config_.masterPort);
    guarded(config_, what, [&] {
              c10d::TCPStoreOptions so;
              so.port = static_cast<std::uint16_t>(config_.masterPort);
              so.isServer = config_.rank == 0 && !config_.storeServedByLauncher;
              so.numWorkers = static_cast<std::size_t>(config_.worldSize);
              so.waitWorkers = true;
              so.timeout = config_.timeout;
              store_ = c10::make_intrusive<c10d::TCPStore>(config_.masterAddr, so);
              auto options = c10d::ProcessGroupGloo::Options::create(config_.timeout);
              // The address other ranks reach this one at: loopback for a local job, else the
              // host's own name (what torchrun's Gloo default does too).
              const bool local = config_.masterAddr == "127.0.0.1" || config_.masterAddr == "localhost";
              options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                               : c10d::ProcessGroupGloo::createDefaultDevice());
              options->threads = 2;
              pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, config_.rank, config_.worldSize, options);
              return 0;
            });
  }

  void allReduceGradients(const std::vector<torch::Tensor>& params, std::size_t bucketBytes) override {
    guarded(config_, "gradient all-reduce", [&] {
      // Buckets of same-dtype gradients in parameter order, flattened: few large messages
      // instead of one per parameter.
      std::vector<std::vector<at::Tensor>> buckets;
      std::size_t bytes = bucketBytes;
      // Which parameters have a gradient on this rank; summed with the buckets, so a parameter
      // that no rank used (a supernet's ops off the sampled path) keeps none afterwards and SGD
      // leaves it alone, as in one process.
      std::vector<torch::Tensor> trained;
      for (const torch::Tensor& p : params)
        if (p.requires_grad()) trained.push_back(p);
      // One more element, last: rank 0's stop flag (requestStop), summed like the rest.
      const std::size_t stopAt = trained.size();
      at::Tensor used = at::zeros({static_cast<std::int64_t>(stopAt + 1)}, at::kFloat);
      float* usedHere = used.data_ptr<float>();
      usedHere[stopAt] = config_.rank == 0 && stopSent_ ? 1.0f : 0.0f;
      for (std::size_t i = 0; i < trained.size(); ++i) {
        const torch::Tensor& p = trained[i];
        if (p.grad().defined()) usedHere[i] = 1.0f;
        else p.mutable_grad() = at::zeros_like(p);
        const at::Tensor& g = p.grad();
        const std::size_t b = static_cast<std::size_t>(g.numel()) * g.element_size();
        if (buckets.empty() || bytes + b > bucketBytes || buckets.back().front().scalar_type() != g.scalar_type()) {
          buckets.emplace_back();
          bytes = 0;
        }
        buckets.back().push_back(g);
        bytes += b;
      }
      std::vector<at::Tensor> flats;
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      std::vector<at::Tensor> usedOne{used};
      auto usedWork = pg_->allreduce(usedOne);
      for (auto& bucket : buckets) {
        std::vector<at::Tensor> one{flatten(bucket)};
        works.push_back(pg_->allreduce(one));
        flats.push_back(one.front());
      }
      for (std::size_t i = 0; i < buckets.size(); ++i) {
        works[i]->wait(config_.timeout);
        unflattenInto(flats[i], buckets[i]);
      }
      usedWork->wait(config_.timeout);
      const at::Tensor usedSum = usedOne.front();
      const float* usedBy = usedSum.data_ptr<float>();
      for (std::size_t i = 0; i < trained.size(); ++i)
        if (usedBy[i] == 0.0f) trained[i].mutable_grad().reset();
      if (usedBy[stopAt] > 0.0f) stopped_ = true;
      return 0;
    });
  }

  void allReduceSum(torch::Tensor& t) override {
    guarded(config_, "all-reduce", [&] {
      std::vector<at::Tensor> one{t};
      pg_->allreduce(one)->wait(config_.timeout);
      return 0;
    });
  }

  void broadcastFromRank0(const std::vector<torch::Tensor>& tensors) override {
    guarded(config_, "broadcast", [&] {
      std::map<c10::ScalarType, std::vector<at::Tensor>> byType;
      for (const auto& t : tensors) byType[t.scalar_type()].push_back(t);
      for (auto& [type, group] : byType) {
        std::vector<at::Tensor> one{flatten(group)};
        c10d::BroadcastOptions o;
        o.rootRank = 0;
        pg_->broadcast(one, o)->wait(config_.timeout);
        at::NoGradGuard noGrad;
        unflattenInto(one.front(), group);
      }
      return 0;
    });
  }

  std::string broadcastBytes(const std::string& bytes) override {
    return guarded(config_, "broadcast of rank 0's bytes", [&] {
      at::Tensor size = at::full({1}, config_.rank == 0 ? static_cast<std::int64_t>(bytes.size()) : 0, at::kLong);
      std::vector<at::Tensor> one{size};
      c10d::BroadcastOptions o;
      o.rootRank = 0;
      pg_->broadcast(one, o)->wait(config_.timeout);
      const std::int64_t n = size.item<std::int64_t>();
      at::Tensor data = at::empty({std::max<std::int64_t>(n, 1)}, at::kByte);
      if (config_.rank == 0 && n > 0) std::memcpy(data.data_ptr(), bytes.data(), static_cast<std::size_t>(n));
      std::vector<at::Tensor> payload{data};
      pg_->broadcast(payload, o)->wait(config_.timeout);
      return std::string(static_cast<const char*>(data.data_ptr()), static_cast<std::size_t>(n));
    });
  }

  void barrier() override {
    guarded(config_, "barrier", [&] {
      pg_->barrier()->wait(config_.timeout);
      return 0;
    });
  }

 private:
  static at::Tensor flatten(const std::vector<at::Tensor>& ts) {
    std::vector<at::Tensor> flat;
    flat.reserve(ts.size());
    for (const auto& t : ts) flat.push_back(t.detach().reshape({-1}));
    return at::cat(flat);
  }
  static void unflattenInto(const at::Tensor& flat, const std::vector<at::Tensor>& ts) {
    std::int64_t offset = 0;
    for (const auto& t : ts) {
      const std::int64_t n = t.numel();
      t.detach().copy_(flat.narrow(0, offset, n).view_as(t));
      offset += n;
    }
  }

  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
};

}  // namespace

std::shared_ptr<DistGroup> DistGroup::create(const DistConfig& config) {
  if (config.worldSize < 1 || config.rank < 0 || config.rank >= config.worldSize)
    throw Error(ErrorCode::InvalidArgument,
                "rank " + std::to_string(config.rank) + " outside a world of " + std::to_string(config.worldSize),
                "RANK");
  return std::make_shared<GlooGroup>(config);
}

#endif

}  // namespace nas
