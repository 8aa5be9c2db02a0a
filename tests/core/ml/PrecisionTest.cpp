// bf16 autocast (train/Precision.h): the parameter, the guard's scope, and the train job
// with precision=bf16 against the same job in fp32 (same seed, data and schedule).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/Error.h"
#include "jobs/Method.h"
#include "store/Workspace.h"
#include "train/Precision.h"
#include "train/TrainMethods.h"
#include "MlTestUtil.h"

using namespace nas;

TEST(Precision, IsReadByNameAndABadOneNamesTheParameter) {
  EXPECT_EQ(parsePrecision("fp32"), Precision::Fp32);
  EXPECT_EQ(parsePrecision("bf16"), Precision::Bf16);
  EXPECT_STREQ(precisionName(Precision::Bf16), "bf16");
  try {
    parsePrecision("fp16");
    FAIL() << "fp16 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(e.context(), "precision");
  }
}

TEST(Precision, TheGuardCastsConvolutionsToBf16OnlyInsideItsScope) {
  if (!bf16Available(torch::kCPU)) GTEST_SKIP() << "no bf16 convolution on this CPU (TheTrainJob... checks the error)";
  torch::manual_seed(0);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3));
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  EXPECT_EQ(conv->forward(x).scalar_type(), torch::kFloat);
  {
    AutocastGuard fp32(torch::kCPU, Precision::Fp32);
    EXPECT_EQ(conv->forward(x).scalar_type(), torch::kFloat);
  }
  {
    AutocastGuard bf16(torch::kCPU, Precision::Bf16);
    EXPECT_EQ(conv->forward(x).scalar_type(), torch::kBFloat16);
    {
      AutocastGuard nested(torch::kCPU, Precision::Bf16);
      EXPECT_EQ(conv->forward(x).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(conv->forward(x).scalar_type(), torch::kBFloat16);  // the outer scope still holds
  }
  EXPECT_EQ(conv->forward(x).scalar_type(), torch::kFloat);
  EXPECT_EQ(conv->weight.scalar_type(), torch::kFloat);  // parameters are never cast in place
}

// Where this CPU and LibTorch run bf16 convolutions (AVX512 for LibTorch 1.13's oneDNN; CI's
// ATEN_CPU_CAPABILITY=avx2 pass limits oneDNN below that), the job learns in bf16; elsewhere it
// fails at once with an error naming the parameter, never with oneDNN's own message.
TEST(Precision, TheTrainJobLearnsInBf16OrSaysWhyNot) {
  test::TempDir dir;
  auto ws = Workspace::open(dir.file("ws.nasw"));
  MethodRegistry registry;
  registerTrainMethods(registry);
  auto run = [&](const std::string& precision, test::RecordingSink& sink) {
    const Json params{{"dataset", "synthetic"}, {"channels", 4}, {"cells", 1},   {"epochs", 2},
                      {"batch_size", 64},       {"threads", 1},  {"lr", 0.05},   {"seed", 3},
                      {"precision", precision}};
    const JobId id = ws->createJob("train", Json{{"method", "train"}, {"params", params}}.dump());
    JobContext ctx(*ws, id, params, sink, CancelToken());
    return registry.get("train").run(ctx);
  };
  test::RecordingSink fp32Sink, bf16Sink;
  const Json fp32 = run("fp32", fp32Sink);
  if (!bf16Available(torch::kCPU)) {
    try {
      run("bf16", bf16Sink);
      FAIL() << "bf16 ran where the probe says it cannot";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Unsupported);
      EXPECT_EQ(e.context(), "precision");
      EXPECT_NE(std::string(e.what()).find("precision=fp32"), std::string::npos) << e.what();
    }
    return;
  }
  const Json bf16 = run("bf16", bf16Sink);
  EXPECT_EQ(fp32["precision"], "fp32");
  EXPECT_EQ(bf16["precision"], "bf16");
  // It learns (chance is 0.25 on the 4 synthetic classes; fp32 is above 0.6 here)...
  EXPECT_GT(bf16["test_accuracy"].get<double>(), 0.6) << bf16.dump();
  // ...and computed in bf16: the same seed, data and schedule give other losses than fp32.
  const auto& a = fp32Sink.metrics["train_loss"];
  const auto& b = bf16Sink.metrics["train_loss"];
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a.front().second, b.front().second);
  EXPECT_NEAR(a.front().second, b.front().second, 0.1);  // bf16 keeps 8 bits of mantissa, not fewer
}
