// SgnasRetrainMethod: picks the architectures, trains each, writes the results.
#include "SgnasRetrainMethod.h"

#include <torch/torch.h>

#include <algorithm>
#include <sstream>

#include "SgnasCost.h"
#include "SgnasRetrain.h"
#include "common/Error.h"
#include "jobs/DeviceParam.h"
#include "train/Device.h"
#include "data/DatasetLoader.h"
#include "search/Stats.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas::sgnas {
namespace {

const char* kCtx = "sgnas-retrain";

// One architecture to train: where it came from and what the supernet said about it.
struct Candidate {
  std::string arch;
  std::string kind;  // "generated", "random" or "given"
  double target = 0;
  double supernetAccuracy = -1;  // -1: unknown
};

std::vector<std::string> splitArchList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (in >> item) {
    std::string part;
    std::istringstream parts(item);
    while (std::getline(parts, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

// Generated architectures spread over the job's evaluated targets, each with the first
// random architecture the job evaluated for the same target.
std::vector<Candidate> candidatesFromJob(const Workspace& ws, JobId job, int count, bool randoms) {
  struct Target {
    Candidate generated;
    std::optional<Candidate> random;
  };
  std::map<int, Target> byRound;
  for (const SampleRecord& s : ws.samples(job)) {
    if (!s.archId) continue;
    const Json p = parseJson(s.payloadJson, "sgnas sample payload");
    Candidate c;
    c.arch = ws.architecture(*s.archId).canonical;
    c.kind = jsonValue<std::string>(p, "kind", "");
    c.target = jsonValue<double>(p, "target_flops", 0.0);
    c.supernetAccuracy = jsonValue<double>(p, "accuracy", -1.0);
    if (c.kind == "generated") byRound[s.round].generated = c;
    else if (c.kind == "random" && !byRound[s.round].random) byRound[s.round].random = c;
  }
  std::vector<Target> targets;
  for (auto& [round, t] : byRound)
    if (!t.generated.arch.empty()) targets.push_back(t);
  if (targets.empty())
    throw Error(ErrorCode::NotFound, "job " + std::to_string(job) + " has no evaluated generated architectures",
                kCtx);
  const int n = std::min<int>(count, static_cast<int>(targets.size()));
  std::vector<Candidate> out;
  for (int i = 0; i < n; ++i) {
    // Evenly spaced over the sorted targets, both ends included.
    const size_t k = n == 1 ? targets.size() / 2 : static_cast<size_t>(i) * (targets.size() - 1) / (n - 1);
    out.push_back(targets[k].generated);
    if (randoms && targets[k].random) out.push_back(*targets[k].random);
  }
  return out;
}

}  // namespace

std::string SgnasRetrainMethod::description() const {
  return "Trains architectures of a finished SGNAS job from scratch for a short schedule and records their test "
         "accuracy next to the supernet's inherited-weight estimate: generated architectures spread over the "
         "FLOPs range, each with a random architecture of equal FLOPs, or a list of architecture strings.";
}

ParamSchema SgnasRetrainMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  s.add(withRange(paramSpec("from_job", T::Int, 0, "SGNAS job", "The finished sgnas job whose architectures to train"),
                  1, 9.2e18));
  s.add(paramSpec("archs", T::String, "", "Architectures",
                  "Architecture strings separated by spaces or commas (empty: take them from the job's evaluation)"));
  s.add(withRange(paramSpec("count", T::Int, 5, "Generated architectures",
                            "How many of the job's generated architectures, spread over its FLOPs targets"),
                  1, 1000));
  s.add(paramSpec("random_baselines", T::Bool, true, "Random baselines",
                  "Also train, per picked target, the random architecture of equal FLOPs the job evaluated"));
  s.add(withRange(paramSpec("epochs", T::Int, 1, "Epochs", "Training epochs per architecture"), 1, 1000, "epochs"));
  s.add(withRange(paramSpec("batch_size", T::Int, 128, "Batch size", "Training batch"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD rate, cosine-annealed per step"), 1e-6, 10));
  s.add(withRange(paramSpec("train_limit", T::Int, 10000, "Training images", "At most this many (0: all)"), 0, 1e9,
                  "images"));
  s.add(withRange(paramSpec("test_images", T::Int, 2000, "Test images", "Test images measured per architecture"), 10,
                  1e9, "images"));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(deviceParamSpec("Each path trains and is tested there."));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation and data order"), 0, 2147483647));
  return s;
}

std::vector<std::string> SgnasRetrainMethod::resultKeys() const {
  return {"rows", "kendall_tau", "generated_mean", "random_mean", "generated_beats_random", "seconds", "device"};
}

Json SgnasRetrainMethod::run(JobContext& ctx) const {
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  const int threads = setTorchThreads(static_cast<int>(I("threads")));
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();
  const JobId from = I("from_job");

  const JobRecord source = ws.job(from);  // NotFound names the id
  if (source.method != "sgnas")
    throw Error(ErrorCode::InvalidArgument,
                "job " + std::to_string(from) + " is a '" + source.method + "' job, not an sgnas job", kCtx);
  const Json sourceParams = parseJson(source.specJson, "job " + std::to_string(from)).value("params", Json::object());
  const std::string dataset = jsonValue<std::string>(sourceParams, "dataset", "fashion-mnist");
  const std::string dataDir = jsonValue<std::string>(sourceParams, "data_dir", "");
  const auto supernetBytes = ws.artifact(from, "supernet", "supernet");
  if (!supernetBytes)
    throw Error(ErrorCode::NotFound, "job " + std::to_string(from) + " has no trained supernet (not finished?)", kCtx);
  const SgnasSpace space = loadSupernetArtifact(*supernetBytes)->space();
  const CostTable table = buildCostTable(space);

  std::vector<Candidate> todo;
  const std::vector<std::string> given = splitArchList(p.at("archs").get<std::string>());
  if (!given.empty()) {
    for (const auto& a : given) {
      Candidate c;
      c.arch = archToString(space, parseArch(space, a));  // errors name the string's bad column
      c.kind = "given";
      todo.push_back(c);
    }
  } else {
    todo = candidatesFromJob(ws, from, static_cast<int>(I("count")), p.at("random_baselines").get<bool>());
  }

  sink.progress(0.0, "loading " + dataset);
  const ImageDataset train = loadImageDataset(dataset, dataDir, true).head(I("train_limit"));
  const ImageDataset test = loadImageDataset(dataset, dataDir, false).head(I("test_images"));
  const Normalization norm = datasetNormalization(dataset, train.channels());
  sink.log("sgnas-retrain: " + std::to_string(todo.size()) + " architectures of job " + std::to_string(from) + ", " +
           std::to_string(train.size()) + " train / " + std::to_string(test.size()) + " test images, " +
           std::to_string(threads) + " threads");

  // The checkpoint is the list of finished rows: a resumed job starts at the next architecture.
  Json rows = Json::array();
  if (auto bytes = ctx.loadCheckpoint()) rows = parseJson(*bytes, "sgnas-retrain checkpoint").value("rows", Json::array());
  if (!rows.empty()) sink.log("resumed after " + std::to_string(rows.size()) + " architectures");

  RetrainOptions ro;
  ro.epochs = I("epochs");
  ro.batchSize = I("batch_size");
  ro.lr = p.at("lr").get<double>();
  ro.device = deviceFromParams(p, &ctx.sink(), name()).device;
  ro.seed = static_cast<std::uint64_t>(I("seed"));
  for (size_t i = rows.size(); i < todo.size(); ++i) {
    const Candidate& c = todo[i];
    const SgnasArch arch = parseArch(space, c.arch);
    const std::string stage = "train " + std::to_string(i + 1) + "/" + std::to_string(todo.size()) + " (" + c.kind + ")";
    const std::string lossSeries = "retrain_loss_" + std::to_string(i + 1);  // one curve per architecture
    const RetrainResult r = trainFromScratch(space, arch, train, test, norm, ro, [&](std::int64_t step, std::int64_t total, double loss) {
      if (step % 10 == 0) sink.metric(lossSeries, step, loss);
      sink.progress((static_cast<double>(i) + static_cast<double>(step) / static_cast<double>(total)) / todo.size(), stage);
      return !ctx.cancelled();
    });
    const Cost cost = exactCost(table, arch);
    Json row{{"arch", c.arch},       {"kind", c.kind},          {"target_flops", c.target},
             {"flops", cost.flops},   {"params", cost.params},   {"supernet_accuracy", c.supernetAccuracy},
             {"test_accuracy", r.testAccuracy}, {"final_loss", r.finalLoss}, {"seconds", r.seconds}};
    ws.transaction([&] {
      const ArchId id = ws.upsertArchitecture("sgnas", c.arch, cost.flops, cost.params);
      ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "scratch", dataset, "test_accuracy", r.testAccuracy));
      ws.addSamples({SampleRecord::of(ctx.jobId(), static_cast<int>(i), id, row.dump())});
    });
    sink.metric("scratch_accuracy", static_cast<std::int64_t>(i), r.testAccuracy);
    rows.push_back(row);
    ctx.saveCheckpoint(Json{{"rows", rows}}.dump());
  }
  sink.progress(1.0, "done");

  // Summary: does the supernet's ranking survive training, and do generated beat random?
  std::vector<double> est, real;
  double genSum = 0, randSum = 0, seconds = 0;
  int genN = 0, randN = 0, beats = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Json& r = rows[i];
    seconds += r.at("seconds").get<double>();
    const double acc = r.at("test_accuracy").get<double>();
    if (r.at("supernet_accuracy").get<double>() >= 0) {
      est.push_back(r.at("supernet_accuracy").get<double>());
      real.push_back(acc);
    }
    const std::string kind = r.at("kind").get<std::string>();
    if (kind == "generated") genSum += acc, ++genN;
    if (kind == "random") {
      randSum += acc, ++randN;
      if (i > 0 && rows[i - 1].at("kind") == "generated" && rows[i - 1].at("test_accuracy").get<double>() > acc) ++beats;
    }
  }
  Json result{{"rows", rows}, {"seconds", seconds}, {"threads", threads}, {"from_job", from},
              {"device", ro.device.str()}};
  result["kendall_tau"] = est.size() >= 2 ? kendallTau(est, real) : 0.0;
  result["generated_mean"] = genN ? genSum / genN : 0.0;
  result["random_mean"] = randN ? randSum / randN : 0.0;
  result["generated_beats_random"] = beats;
  result["pairs"] = randN;
  return result;
}

}  // namespace nas::sgnas
