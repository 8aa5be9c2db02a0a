// The one device rule (train/Device.h, issue 18) as the methods read it: the `device` job
// parameter's spec, its reading with fall-back or refusal, and the NB201 query sources run with
// device=cpu and device=auto (the same result on a machine without CUDA). On a CUDA machine the
// fall-back expectations flip; tests/gpu/check_cuda.sh runs the methods there.
#include <gtest/gtest.h>

#include <torch/cuda.h>

#include <algorithm>

#include "MlTestUtil.h"
#include "common/Error.h"
#include "eval/QuerySourceParams.h"
#include "eval/QuerySources.h"
#include "jobs/DeviceParam.h"
#include "train/Device.h"
#include "train/MlInfo.h"

namespace nas {
namespace {

template <typename F>
Error errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no nas::Error thrown";
  return Error(ErrorCode::Internal, "none");
}

class RecordingSink final : public ProgressSink {
 public:
  void progress(double, const std::string&) override {}
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string& line) override { lines.push_back(line); }
  std::vector<std::string> lines;
};

QueryDataConfig tinyData() {
  QueryDataConfig d;
  d.dataset = "synthetic";
  d.valImages = 64;
  d.trainLimit = 128;
  d.splitSeed = 3;
  return d;
}

}  // namespace

TEST(DeviceRule, TheParameterSpecOffersTheRuleChoicesAndDefaultsToAuto) {
  const ParamSpec spec = deviceParamSpec("Ranks use the CPU.");
  EXPECT_EQ(spec.name, "device");
  EXPECT_EQ(spec.defaultValue, Json("auto"));
  EXPECT_EQ(spec.choices.front(), "auto");
  for (const char* c : {"cpu", "cuda", "cuda:0", "cuda:7"})
    EXPECT_NE(std::find(spec.choices.begin(), spec.choices.end(), c), spec.choices.end()) << c;
  EXPECT_NE(spec.help.find("Ranks use the CPU."), std::string::npos);
  ParamSchema schema;
  schema.add(spec);
  const Error e = errorOf([&] { schema.resolve(Json{{"device", "gpu"}}); });
  EXPECT_NE(std::string(e.what()).find("device"), std::string::npos) << e.what();
}

TEST(DeviceRule, ParamsAreReadWithAFallBackThatIsSaidOrRefused) {
  RecordingSink sink;
  const DeviceChoice none = deviceFromParams(Json::object(), &sink, "test");
  EXPECT_EQ(none.requested, "auto");
  EXPECT_EQ(none.device.is_cuda(), torch::cuda::is_available());
  EXPECT_FALSE(none.fellBack);
  EXPECT_EQ(deviceFromParams(Json{{"device", "cpu"}}).name(), "cpu");

  const DeviceChoice cuda = deviceFromParams(Json{{"device", "cuda"}}, &sink, "test");
  if (!torch::cuda::is_available()) {
    EXPECT_TRUE(cuda.fellBack);
    EXPECT_EQ(cuda.name(), "cpu");
    ASSERT_EQ(sink.lines.size(), 1u);
    EXPECT_NE(sink.lines[0].find("no CUDA"), std::string::npos) << sink.lines[0];
    const Error refused = errorOf([&] { requireRequested(cuda, "latency profiling"); });
    EXPECT_EQ(refused.code(), ErrorCode::Unsupported);
    EXPECT_EQ(refused.context(), "device");
  } else {
    EXPECT_EQ(cuda.name(), "cuda:0");
    EXPECT_NO_THROW(requireRequested(cuda, "latency profiling"));
  }
  for (const char* bad : {"gpu", "cuda:", "CUDA", "cuda:x"})
    EXPECT_EQ(errorOf([&] { deviceFromParams(Json{{"device", bad}}); }).context(), "device") << bad;
  EXPECT_EQ(errorOf([&] { deviceFromParams(Json{{"device", 3}}); }).context(), "device");
}

TEST(DeviceRule, DataParallelRanksTakeTheCpuOnlyWhenTheDeviceWasLeftToAuto) {
  // Gloo reduces CPU tensors: "auto" on a GPU machine trains ranks on the CPU; an explicit
  // request stays what it was (the trainer then refuses cuda with ranks).
  DeviceChoice autoOnGpu;
  autoOnGpu.requested = "auto";
  autoOnGpu.device = torch::Device(torch::kCUDA, 0);
  EXPECT_EQ(autoOnGpu.forRanks(true).str(), "cpu");
  EXPECT_EQ(autoOnGpu.forRanks(false).str(), "cuda:0");
  DeviceChoice askedCuda = autoOnGpu;
  askedCuda.requested = "cuda";
  EXPECT_EQ(askedCuda.forRanks(true).str(), "cuda:0");
  EXPECT_EQ(chooseDevice("cpu", nullptr, "test").forRanks(true).str(), "cpu");
}

TEST(DeviceRule, QuerySourceConfigsNameABadDeviceAsTheJobParameter) {
  EXPECT_EQ(errorOf([] { supernetSourceConfig(Json{{"device", "tpu"}}); }).context(), "parameter 'device'");
  EXPECT_EQ(errorOf([] { scratchSourceConfig(Json{{"device", "tpu"}}); }).context(), "parameter 'device'");
  EXPECT_EQ(supernetSourceConfig(Json{{"device", "cpu"}}).device, "cpu");
  EXPECT_EQ(scratchSourceConfig(Json::object()).device, "auto");
}

// device=cpu and device=auto train and query the same supernet here (no CUDA: auto is the CPU).
TEST(DeviceRule, SupernetAndScratchSourcesRunWithCpuAndAuto) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "auto is a GPU here: compared by tests/gpu/check_cuda.sh";
  setTorchThreads(1);
  SupernetSourceConfig c;
  c.data = tinyData();
  c.channels = 4;
  c.epochs = 1;
  c.batch = 32;
  c.bnBatches = 2;
  const Nb201Cell cell = Nb201Cell::parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  std::vector<double> values;
  for (const char* device : {"cpu", "auto"}) {
    c.device = device;
    const std::string state = trainSupernet(c);
    values.push_back(makeSupernetQuerySource(c, state)->query(cell));
  }
  EXPECT_EQ(values[0], values[1]);
  ScratchSourceConfig s;
  s.data = tinyData();
  s.channels = 4;
  s.batch = 32;
  std::vector<double> scratch;
  for (const char* device : {"cpu", "auto"}) {
    s.device = device;
    scratch.push_back(makeScratchQuerySource(s)->query(cell));
  }
  EXPECT_EQ(scratch[0], scratch[1]);
  c.device = "cuda";  // no CUDA: the documented fall-back, said in the log
  RecordingSink sink;
  SupernetTrainHooks hooks;
  hooks.sink = &sink;
  trainSupernet(c, hooks);
  bool said = false;
  for (const auto& line : sink.lines) said = said || line.find("no CUDA") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace nas
