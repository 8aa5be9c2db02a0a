// GeneratorSession: the registry lookup, the error boundary, and the estimate worker.
#include "engine/GeneratorSession.h"

#include <algorithm>

#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas {

namespace {
// The plugin's errors are nas::Error already; anything else (a torch error escaping a
// plugin, bad_alloc) becomes one here so that callers handle one type.
template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    const Error inner = toError(e);
    throw Error(inner.code(), inner.message(), what);
  }
}
}  // namespace

std::unique_ptr<GeneratorSession> GeneratorSession::open(const MethodRegistry& methods, Workspace& ws, JobId job) {
  const JobRecord rec = ws.job(job);
  const Method& method = methods.get(rec.method);
  auto gen = guarded("open generator", [&] { return method.openGenerator(ws, job); });
  if (!gen)
    throw Error(ErrorCode::Unsupported, "method '" + rec.method + "' has no live generator", "job " + std::to_string(job));
  // One intra-op thread for the process's torch work: a live forward pass is tiny (the CLI's
  // `sgnas generate` measured one core as the fast setting), and the estimate thread then
  // takes one core and the GUI thread the other instead of both fighting for two.
  setTorchThreads(1);
  return std::make_unique<GeneratorSession>(std::move(gen), job, rec.method);
}

GeneratorSession::GeneratorSession(std::unique_ptr<LiveGenerator> generator, JobId job, std::string method)
    : generator_(std::move(generator)), job_(job), method_(std::move(method)) {
  controls_ = generator_->controls();
}

GeneratorSession::~GeneratorSession() { worker_.reset(); }

const ControlSpec* GeneratorSession::control(const std::string& name) const {
  const auto it = std::find_if(controls_.begin(), controls_.end(), [&](const ControlSpec& c) { return c.name == name; });
  return it == controls_.end() ? nullptr : &*it;
}

Json GeneratorSession::generate(const Json& targets) {
  return guarded("generate", [&] { return generator_->generate(targets); });
}

Json GeneratorSession::sweep(const std::string& control, int points, const Json& fixed) {
  return guarded("sweep", [&] { return generator_->sweep(control, points, fixed); });
}

void GeneratorSession::setEstimateCallback(EstimateWorker::Callback callback) {
  if (worker_) throw Error(ErrorCode::Internal, "set the estimate callback before the first request", "GeneratorSession");
  callback_ = std::move(callback);
}

EstimateWorker& GeneratorSession::worker() {
  if (!worker_) {
    LiveGenerator* g = generator_.get();
    worker_ = std::make_unique<EstimateWorker>([g](const std::string& arch) { return g->estimate(arch); }, callback_);
  }
  return *worker_;
}

void GeneratorSession::requestEstimate(const std::string& arch) { worker().request(arch); }
void GeneratorSession::requestBackgroundEstimates(std::vector<std::string> archs) {
  worker().requestBackground(std::move(archs));
}
bool GeneratorSession::estimatesIdle() const { return !worker_ || worker_->idle(); }
long GeneratorSession::estimatesComputed() const { return worker_ ? worker_->computed() : 0; }

std::vector<JobRecord> GeneratorSession::generatorJobs(const Workspace& ws) {
  std::vector<JobRecord> out;
  for (const JobRecord& j : ws.jobs()) {
    const auto arts = ws.artifacts(j.id);
    if (std::any_of(arts.begin(), arts.end(), [](const ArtifactRecord& a) { return a.kind == "generator"; }))
      out.push_back(j);
  }
  return out;
}

}  // namespace nas
