#pragma once
// The facade the GUI (and benchmarks) use for live generation: a job's trained generator,
// opened through the method registry, driven without torch or Qt types.
//
//   generate() / sweep()  on the caller's thread (the GUI thread: a forward pass is ~1 ms);
//   requestEstimate()     queued to one EstimateWorker thread (latest wins), results to the
//                         callback on that thread, errors as values, never as exceptions.
//
// The session owns the LiveGenerator; the worker is stopped before the generator goes.
// It keeps no reference to the workspace it was opened from (pinning is in
// PinnedArchitectures.h and takes the caller's workspace).
#include <memory>
#include <string>
#include <vector>

#include "engine/EstimateWorker.h"
#include "jobs/Method.h"

namespace nas {

class GeneratorSession {
 public:
  // Throws Error: NotFound (no such job, or no trained model yet), Unsupported (the job's
  // method has no live generator). Sets LibTorch to one intra-op thread (see the .cpp).
  static std::unique_ptr<GeneratorSession> open(const MethodRegistry& methods, Workspace& ws, JobId job);
  GeneratorSession(std::unique_ptr<LiveGenerator> generator, JobId job, std::string method);
  ~GeneratorSession();

  JobId job() const { return job_; }
  const std::string& method() const { return method_; }
  const std::vector<ControlSpec>& controls() const { return controls_; }
  const ControlSpec* control(const std::string& name) const;

  // See LiveGenerator; both throw Error (non-nas exceptions are converted).
  Json generate(const Json& targets);
  Json sweep(const std::string& control, int points, const Json& fixed);

  // Where estimates go; called on the worker thread. Set it before the first request.
  void setEstimateCallback(EstimateWorker::Callback callback);
  void requestEstimate(const std::string& arch);
  void requestBackgroundEstimates(std::vector<std::string> archs);
  bool estimatesIdle() const;
  long estimatesComputed() const;

  // Jobs of `ws` whose method may answer openGenerator(): those holding an artifact of kind
  // "generator" (the convention for trained generative models), newest first.
  static std::vector<JobRecord> generatorJobs(const Workspace& ws);

 private:
  EstimateWorker& worker();

  std::unique_ptr<LiveGenerator> generator_;
  JobId job_;
  std::string method_;
  std::vector<ControlSpec> controls_;
  EstimateWorker::Callback callback_;
  std::unique_ptr<EstimateWorker> worker_;  // declared last: destroyed (joined) first
};

}  // namespace nas
