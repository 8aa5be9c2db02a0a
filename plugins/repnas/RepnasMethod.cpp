// RepnasMethod::run: data, training (resumable per epoch), deployment, the two forms compared,
// and the workspace writes.
#include "RepnasMethod.h"

#include <torch/torch.h>

#include <chrono>

#include "RepnasFrames.h"
#include "RepnasSearch.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "store/Workspace.h"
#include "train/Device.h"
#include "train/MlInfo.h"

namespace nas::repnas {
namespace {

constexpr int kMetricEvery = 10;  // steps per loss point

// The layers x branches choice grid of a sample: 1 where the layer keeps the optional branch.
Json choiceGrid(const RepnasArch& arch) {
  Json grid = Json::array();
  for (BranchMask m : arch) {
    Json row = Json::array();
    for (Branch b : kSearchable) row.push_back(hasBranch(m, b) ? 1 : 0);
    grid.push_back(row);
  }
  return grid;
}

}  // namespace

Json RepnasMethod::run(JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto D = [&](const char* k) { return p.at(k).get<double>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  const int threads = setTorchThreads(static_cast<int>(I("threads")));
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();
  // Core's device rule (train/Device.h): a cuda request without CUDA runs on the CPU, said in the log.
  const DeviceChoice device = deviceFromParams(p, &sink, "repnas");

  const std::string dataset = S("dataset");
  sink.progress(0.0, "loading " + dataset);
  const ImageDataset train = loadImageDataset(dataset, S("data_dir"), true).head(I("train_limit"));
  const ImageDataset test = loadImageDataset(dataset, S("data_dir"), false).head(I("test_images"));
  const Normalization norm = datasetNormalization(dataset, train.channels());
  const RepnasSpace space = buildRepnasSpace(repnasPreset(S("preset")), static_cast<int>(train.channels()),
                                             static_cast<int>(train.height()), static_cast<int>(train.classes),
                                             static_cast<int>(I("group_wise")));

  RepnasTrainOptions o;
  o.branchSet = S("branch_set");
  o.arch = S("arch");
  o.keptRatio = D("kept_ratio");
  o.randomEpochs = static_cast<int>(I("random_epochs"));
  o.searchEpochs = static_cast<int>(I("search_epochs"));
  o.fixedEpochs = static_cast<int>(I("fixed_epochs"));
  o.batchSize = I("batch_size");
  o.lr = D("lr");
  o.momentum = D("momentum");
  o.weightDecay = D("weight_decay");
  o.gradClip = D("grad_clip");
  o.archLr = D("arch_lr");
  o.archWeightDecay = D("arch_weight_decay");
  o.resetBnAtFix = p.at("reset_bn").get<bool>();
  o.dropout = D("dropout");
  o.seed = static_cast<std::uint64_t>(I("seed"));
  o.device = device.device;
  RepnasTrainer trainer(space, o);  // InvalidArgument names a bad field or the architecture string
  if (auto bytes = ctx.loadCheckpoint()) {
    trainer.loadState(*bytes);
    sink.log("resumed after epoch " + std::to_string(trainer.epoch()));
  }
  sink.log("repnas: " + o.branchSet + " branches, preset " + space.preset + " (" + std::to_string(space.numLayers()) +
           " layers), budget K=" + std::to_string(trainer.budget()) + ", " + std::to_string(train.size()) + " train / " +
           std::to_string(test.size()) + " test images, " + std::to_string(threads) + " threads, " + device.name());

  const double trainShare = 0.9;
  trainer.train(
      train, &test, norm,
      [&](std::int64_t step, std::int64_t total, const torch::Tensor& loss) {
        // Read back (a wait for the device) only for the logged points.
        if (step % kMetricEvery == 0) sink.metric("train_loss", step, loss.item<double>());
        sink.progress(trainShare * static_cast<double>(step) / static_cast<double>(total),
                      "step " + std::to_string(step) + "/" + std::to_string(total));
        return !ctx.cancelled();
      },
      [&](const EpochReport& r) {
        sink.metric("test_accuracy", r.epoch + 1, r.testAccuracy);
        sink.metric("epoch_train_loss", r.epoch + 1, r.trainLoss);
        // How many layers keep each branch: curves any metric view shows while the search runs.
        for (Branch b : kSearchable) {
          int layers = 0;
          for (BranchMask m : r.arch) layers += hasBranch(m, b);
          sink.metric(std::string("layers_with_") + branchName(b), r.epoch + 1, layers);
        }
        Json payload{{"kind", "branch_grid"},
                     {"epoch", r.epoch + 1},
                     {"phase", phaseName(r.phase)},
                     {"arch", repnasArchToString(r.arch)},
                     {"branch_names", Json::array({"kxk", "1x1", "1x1-kxk", "1x1-avg", "1xk", "kx1"})},
                     {"grid", choiceGrid(r.arch)},
                     {"test_accuracy", r.testAccuracy},
                     {"train_loss", r.trainLoss},
                     {"label", "epoch " + std::to_string(r.epoch + 1) + " (" + phaseName(r.phase) + ")"},
                     {"grids", epochGrids(space, r)}};
        if (!r.probs.empty()) {
          Json probs = Json::array();
          for (int l = 0; l < space.numLayers(); ++l)
            probs.push_back(std::vector<double>(r.probs.begin() + l * kNumSearchable,
                                                r.probs.begin() + (l + 1) * kNumSearchable));
          payload["probs"] = probs;
        }
        ws.addSamples({SampleRecord::of(ctx.jobId(), r.epoch + 1, std::nullopt, payload.dump())});
        sink.log("epoch " + std::to_string(r.epoch + 1) + " (" + phaseName(r.phase) + "): loss " +
                 std::to_string(r.trainLoss) + ", test accuracy " + std::to_string(r.testAccuracy) + ", branches " +
                 repnasArchToString(r.arch));
        ctx.saveCheckpoint(trainer.saveState());
      });

  // ---- deploy and compare the two forms
  sink.progress(trainShare, "deploying");
  const RepnasArch arch = trainer.arch();
  const std::vector<BranchMask> active = trainer.activeMasks();
  RepnasNet& net = trainer.net();
  net->eval();
  RepnasDeployedNet deployed = net->deploy(active);
  const FormComparison cmp = compareForms(net, active, deployed, test, norm);  // on the training device
  // Latency is the CPU's (the figure a deployment target reads; the timers are the host's), and
  // the artifact is saved from the CPU so it opens anywhere: both forms move there now.
  net->to(torch::kCPU);
  deployed->to(torch::kCPU);
  sink.progress(0.95, "timing both forms");
  const int lt = static_cast<int>(I("latency_threads"));
  const double budgetMs = D("latency_budget_ms");
  const double multiMs = multiBranchLatencyMs(net, active, 1, lt, budgetMs);
  const double deployedMs = deployedLatencyMs(deployed, 1, lt, budgetMs);
  setTorchThreads(threads);

  const std::string archText = repnasArchToString(arch);
  const double flops = space.deployedFlops(), params = space.deployedParams();
  ws.transaction([&] {
    ws.putArtifact(ctx.jobId(), "model", "deployed", deployedArtifact(deployed, archText));
    const ArchId id = ws.upsertArchitecture(space.name(), archText, flops, params);
    const auto eval = [&](const std::string& metric, double value) {
      ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "repnas", dataset, metric, value));
    };
    eval("test_accuracy", cmp.accuracy);
    eval("deployed_test_accuracy", cmp.deployedAccuracy);
    eval("latency_ms", deployedMs);
    eval("multi_branch_latency_ms", multiMs);
  });
  {
    FormFigures figures;
    figures.accuracy = cmp.accuracy;
    figures.deployedAccuracy = cmp.deployedAccuracy;
    figures.multiMs = multiMs;
    figures.deployedMs = deployedMs;
    figures.threads = lt;
    figures.branches = branchTotal(arch);
    // round: after the last epoch's frame
    ws.addSamples({SampleRecord::of(ctx.jobId(), trainer.epoch() + 1, std::nullopt,
                                    deployedFrame(space, active, figures).dump())});
  }
  sink.progress(1.0, "done");

  Json result{{"branches", branchesJson(space, arch)},
              {"arch", archText},
              {"branch_set", o.branchSet},
              {"branch_count", branchTotal(arch)},
              {"branch_budget", trainer.budget()},
              {"layers", space.numLayers()},
              {"test_accuracy", cmp.accuracy},
              {"deployed_test_accuracy", cmp.deployedAccuracy},
              {"max_abs_diff", cmp.maxAbsDiff},
              {"latency_ms",
               {{"multi_branch", multiMs}, {"deployed", deployedMs}, {"batch", 1}, {"threads", lt}, {"device", "cpu"}}},
              {"speedup", deployedMs > 0 ? multiMs / deployedMs : 0.0},
              {"flops", flops},
              {"params", params},
              {"space", space.name()},
              {"test_images", test.size()},
              {"device", device.name()},
              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  return result;
}

}  // namespace nas::repnas
