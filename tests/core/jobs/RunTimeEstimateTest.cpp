// The New Job dialog's run-time estimate (issue 21): the method's work model times the speed of
// a finished job of the same method in the workspace, with its basis said; a resumed job is no
// measure of speed; a method without a work model falls back on a past job's time, saying that
// the parameters are not taken into account. And the latency-profile form's default space.

#include <gtest/gtest.h>

#include <random>

#include "jobs/LatencyProfileMethod.h"
#include "jobs/LatencySpace.h"
#include "jobs/RunTimeEstimate.h"

using namespace nas;

namespace {

// Work = images x epochs; a reference speed when `reference` is set.
class CountingMethod final : public Method {
 public:
  explicit CountingMethod(bool model, double reference = 0) : model_(model), reference_(reference) {}
  std::string name() const override { return "counting"; }
  std::string title() const override { return "Counting"; }
  std::string description() const override { return "counts"; }
  ParamSchema schema() const override {
    ParamSchema s;
    s.add(paramSpec("images", ParamType::Int, 1000, "Images", "images"));
    s.add(paramSpec("epochs", ParamType::Int, 1, "Epochs", "epochs"));
    return s;
  }
  Json run(JobContext&) const override { return Json::object(); }
  std::optional<WorkAmount> work(const Json& p) const override {
    if (!model_) return std::nullopt;
    WorkAmount w;
    w.unit = "image-passes";
    w.units = p.at("images").get<double>() * p.at("epochs").get<double>();
    w.summary = std::to_string(p.at("images").get<int>()) + " images x " + std::to_string(p.at("epochs").get<int>());
    w.referenceSecondsPerUnit = reference_;
    w.referenceMachine = "a test machine";
    return w;
  }

 private:
  bool model_;
  double reference_;
};

JobRecord finished(JobId id, const Json& params, double seconds, int attempts = 1, double finishedAt = 2000) {
  JobRecord r;
  r.id = id;
  r.method = "counting";
  r.specJson = Json{{"method", "counting"}, {"params", params}}.dump();
  r.status = JobStatus::Done;
  r.attempts = attempts;
  r.finishedAt = finishedAt;
  r.startedAt = finishedAt - seconds;
  return r;
}

class NamedSpace final : public LatencySpace {
 public:
  explicit NamedSpace(std::string n) : name_(std::move(n)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test"; }
  std::vector<LatencyEntrySpec> entries() const override { return {{"a", "1"}, {"b", "2"}}; }
  TimingStats measure(const std::string&, const LatencyOptions&) const override { return {}; }
  std::vector<LatencyTerm> entriesOf(const std::string&) const override { return {}; }
  TimingStats measureNetwork(const std::string&, const LatencyOptions&) const override { return {}; }
  std::string randomArchitecture(std::mt19937_64&) const override { return "a"; }
  std::string runtimeVersion() const override { return "test-1"; }

 private:
  std::string name_;
};

}  // namespace

TEST(RunTimeEstimate, ScalesTheNewestWholeRunOfTheSameMethodByItsWork) {
  const CountingMethod m(true);
  const Json params = m.schema().resolve(Json{{"images", 3000}, {"epochs", 2}});  // 6000 units
  std::vector<JobRecord> jobs{
      finished(4, Json{{"images", 1000}, {"epochs", 1}}, 50.0, 1, 1000),  // older: 50 ms per unit
      finished(9, Json{{"images", 2000}, {"epochs", 1}}, 40.0, 1, 3000),  // newest whole run: 20 ms per unit
      finished(12, Json{{"images", 1000}, {"epochs", 1}}, 5.0, 2, 4000),  // resumed: its clock is its last run
  };
  JobRecord other = finished(13, Json::object(), 1.0);
  other.method = "train";
  jobs.push_back(other);
  const RunTimeEstimate e = estimateRunTime(m, params, jobs);
  ASSERT_TRUE(e.seconds);
  EXPECT_NEAR(*e.seconds, 120.0, 1e-9);
  EXPECT_EQ(e.fromJob, 9);
  EXPECT_NE(e.basis.find("job 9's speed"), std::string::npos) << e.basis;
  EXPECT_NE(e.basis.find("3000 images x 2"), std::string::npos) << e.basis;
  EXPECT_EQ(roughDuration(*e.seconds), "about 2 min");
}

TEST(RunTimeEstimate, SaysWhenThereIsNothingToMeasureFrom) {
  const CountingMethod m(true);
  const Json params = m.schema().resolve(Json::object());
  const RunTimeEstimate none = estimateRunTime(m, params, {});
  EXPECT_FALSE(none.seconds);
  EXPECT_NE(none.basis.find("no counting job has finished"), std::string::npos) << none.basis;

  const CountingMethod withReference(true, 0.01);  // 10 ms per unit
  const RunTimeEstimate ref = estimateRunTime(withReference, params, {});
  ASSERT_TRUE(ref.seconds);
  EXPECT_NEAR(*ref.seconds, 10.0, 1e-9);
  EXPECT_NE(ref.basis.find("reference speed (a test machine)"), std::string::npos) << ref.basis;
}

TEST(RunTimeEstimate, WithoutAWorkModelAPastJobsTimeSaysItIgnoresTheParameters) {
  const CountingMethod m(false);
  const Json params = m.schema().resolve(Json{{"images", 9000}});
  const RunTimeEstimate e = estimateRunTime(m, params, {finished(3, Json::object(), 30.0)});
  ASSERT_TRUE(e.seconds);
  EXPECT_NEAR(*e.seconds, 30.0, 1e-9);
  EXPECT_NE(e.basis.find("not taken into account"), std::string::npos) << e.basis;
}

TEST(LatencyProfileForm, DefaultsToTheBuiltInNb201SpaceNotThePluginSpaceThatSortsFirst) {
  LatencySpaceRegistry spaces;
  spaces.add(std::make_unique<NamedSpace>("dbb"));
  spaces.add(std::make_unique<NamedSpace>("nb201"));
  const LatencyProfileMethod method(spaces);
  const ParamSchema schema = method.schema();
  const ParamSpec* space = schema.find("space");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(space->defaultValue, Json("nb201"));
  // Its work: 2 entries x the time budget.
  const auto w = method.work(schema.resolve(Json{{"budget_ms", 50.0}}));
  ASSERT_TRUE(w);
  EXPECT_NEAR(w->units, 100.0, 1e-9);
}
