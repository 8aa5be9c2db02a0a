#pragma once
// Small methods for exercising the job machinery without LibTorch.
#include <chrono>
#include <thread>

#include "common/Error.h"
#include "jobs/Method.h"
#include "store/Workspace.h"

namespace nas::test {

// Counts to `steps`, one metric per step, checkpointing its position so a resumed run
// continues where it stopped; fails on request; sleeps `sleep_ms` per step.
class CountingMethod final : public Method {
 public:
  std::string name() const override { return "count"; }
  std::string title() const override { return "Count"; }
  std::string description() const override { return "Counts steps (test method)."; }
  ParamSchema schema() const override {
    ParamSchema s;
    s.add({"steps", ParamType::Int, 10, 1.0, 100000.0, {}, "", "", ""});
    s.add({"fail_at", ParamType::Int, -1, -1.0, 100000.0, {}, "", "", ""});
    s.add({"sleep_ms", ParamType::Int, 0, 0.0, 10000.0, {}, "", "", ""});
    return s;
  }
  std::vector<std::string> resultKeys() const override { return {"steps_run", "resumed_from"}; }
  std::vector<std::string> resultKinds() const override { return {"counts"}; }
  std::vector<std::string> titleParams() const override { return {"steps"}; }
  Json run(JobContext& ctx) const override {
    int steps = ctx.params()["steps"], failAt = ctx.params()["fail_at"], sleepMs = ctx.params()["sleep_ms"];
    int start = 0;
    if (auto cp = ctx.loadCheckpoint()) start = std::stoi(*cp);
    int runNow = 0;
    for (int i = start; i < steps; ++i) {
      if (ctx.cancelled()) throw Error(ErrorCode::Cancelled, "cancelled at step " + std::to_string(i));
      if (i == failAt) throw Error(ErrorCode::InvalidArgument, "failing on purpose at step " + std::to_string(i));
      if (sleepMs) std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
      ctx.sink().metric("value", i, i * 2.0);
      ctx.sink().progress(double(i + 1) / steps, "step " + std::to_string(i + 1));
      ctx.saveCheckpoint(std::to_string(i + 1));
      ++runNow;
    }
    return Json{{"steps_run", runNow}, {"resumed_from", start}};
  }
};

}  // namespace nas::test
