// NaslidMethod::run: the ground truth, the supernet and its splitting (resumable per node), the
// scores, the rank correlations and the workspace writes.
#include "NaslidMethod.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>

#include "ResultDrawings.h"
#include "SplitStudy.h"
#include "TruthMethod.h"
#include "TruthSample.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "search/Nb201ArchIds.h"
#include "search/Stats.h"
#include "search/TabularBenchmark.h"
#include "store/Workspace.h"
#include "train/Device.h"
#include "train/MlInfo.h"
#include "train/Nb201Run.h"

namespace nas::naslid {
namespace {

constexpr size_t kMaxProfilesPerSample = 60;

struct Truth {
  std::vector<Nb201Cell> cells;
  std::vector<double> values;
  std::string label;  // where it came from, for the log and the result
};

// The evaluations of a naslid-truth job whose data settings equal this study's.
Truth truthFromJob(Workspace& ws, std::int64_t jobId, const Json& p) {
  std::optional<JobRecord> job;
  if (jobId > 0) {
    job = ws.job(jobId);
  } else {
    for (const auto& j : ws.jobs())  // newest first
      if (j.method == "naslid-truth" && j.status == JobStatus::Done) {
        job = j;
        break;
      }
    if (!job)
      throw Error(ErrorCode::NotFound, "no finished naslid-truth job in this workspace; run one first or set truth=nb201",
                  "truth_job");
  }
  if (job->method != "naslid-truth")
    throw Error(ErrorCode::InvalidArgument, "job " + std::to_string(job->id) + " is a " + job->method + " job", "truth_job");
  const Json spec = parseJson(job->specJson, "truth job spec");
  const Json tp = TruthMethod().schema().resolve(spec.value("params", Json::object()));
  for (const auto& name : sharedDataParams())
    if (tp.at(name) != p.at(name))
      throw Error(ErrorCode::InvalidArgument,
                  "differs from truth job " + std::to_string(job->id) + "'s (" + tp.at(name).dump() + " there, " +
                      p.at(name).dump() + " here): scores would be measured on other images or networks",
                  name);
  Truth t;
  t.label = "naslid-truth job " + std::to_string(job->id);
  for (const auto& e : ws.evaluationsOfJob(job->id))
    if (e.metric == "val_accuracy") {
      t.cells.push_back(Nb201Cell::parse(ws.architecture(e.archId).canonical));
      t.values.push_back(e.value);
    }
  if (t.cells.size() < 2)
    throw Error(ErrorCode::InvalidArgument, "job " + std::to_string(job->id) + " evaluated fewer than 2 cells", "truth_job");
  return t;
}

Truth truthFromTable(const Json& p) {
  std::string path = p.at("table").get<std::string>();
  if (path.empty()) path = resourcePath("data/nb201/cifar10.csv");
  TabularBenchmark::Options o;
  o.space = "nb201";
  const TabularBenchmark table = TabularBenchmark::load(path, o);
  const std::size_t metric = table.metricIndex("test_accuracy");
  Truth t;
  t.label = "NB201 table " + path;
  const int count = p.at("truth_count").get<int>();
  const auto seed = p.at("truth_seed").get<std::uint64_t>();
  const std::vector<Nb201Cell> sample = parseStrata(p.at("truth_strata").get<std::string>()) == Strata::Accuracy
                                            ? stratifiedByAccuracy(count, seed, table)
                                            : stratifiedSample(count, seed, {});
  for (const Nb201Cell& c : sample) {
    const auto row = table.findCell(c);
    if (!row) continue;
    t.cells.push_back(c);
    t.values.push_back(table.value(*row, metric));
  }
  return t;
}

std::vector<std::string> opNames(const std::vector<int>& ops) {
  std::vector<std::string> names;
  for (int k : ops) names.push_back(nb201OpName(static_cast<Nb201Op>(k)));
  return names;
}

// One sample per split node: its edges' similarity grids (what the HeatGrid view draws).
SampleRecord nodeSample(JobId job, const SplitNode& n) {
  Json grids = Json::array();
  for (const auto& s : n.similarities) {
    const auto names = opNames(s.ops);
    grids.push_back({{"name", "similarity_edge_" + std::to_string(s.edge)},
                     {"title", "Node " + std::to_string(n.id) + ", edge " + std::to_string(s.edge) + " (" +
                                   std::to_string(nb201Edges()[static_cast<size_t>(s.edge)].from) + "->" +
                                   std::to_string(nb201Edges()[static_cast<size_t>(s.edge)].to) + ")" +
                                   (s.edge == n.edge ? ", split" : "")},
                     {"rows", names},
                     {"columns", names},
                     {"values", s.matrix},
                     {"min", -1},
                     {"max", 1},
                     {"value", "cosine similarity"}});
  }
  SampleRecord r;
  r.jobId = job;
  r.round = n.id;
  r.payloadJson = Json{{"kind", "naslid_split"},
                      {"label", "node " + std::to_string(n.id) + " (level " + std::to_string(n.level) + "): split edge " +
                                    std::to_string(n.edge)},
                      {"node", n.id},
                      {"level", n.level},
                      {"edge", n.edge},
                      {"grids", grids}}.dump();
  return r;
}

// Rank scatters of the newest earlier naslid job of every other criterion in `ws` that scored
// exactly these cells (same truth), so the last job of a comparison shows all criteria side by
// side. Samples that do not parse are skipped: they are another job's, not this job's error.
std::vector<Json> otherCriteriaScatters(const Workspace& ws, JobId self, const std::string& criterion,
                                        const std::vector<std::string>& archs) {
  std::map<std::string, Json> newest;  // criterion -> scatter; jobs come newest first
  for (JobId job : ws.jobsWithSampleKey("rank_points")) {
    if (job == self) continue;
    for (const SampleRecord& r : ws.samples(job)) {
      try {
        const Json p = parseJson(r.payloadJson, "sample");
        if (!p.is_object() || p.value("kind", "") != "naslid_result") continue;
        const std::string c = p.value("criterion", "");
        if (c == criterion || newest.count(c)) continue;
        std::vector<double> scores, truth;
        std::vector<std::string> theirs;
        for (const Json& pt : p.at("rank_points")) {
          theirs.push_back(pt.at("arch").get<std::string>());
          scores.push_back(pt.at("score").get<double>());
          truth.push_back(pt.at("truth").get<double>());
        }
        if (theirs == archs) newest[c] = rankScatter(c + " (job #" + std::to_string(job) + ")", scores, truth, archs);
      } catch (const std::exception&) {
        continue;
      }
    }
  }
  std::vector<Json> out;
  for (const char* c : {"none", "lid", "gradient", "random"})
    if (newest.count(c)) out.push_back(newest[c]);
  return out;
}

}  // namespace

Json NaslidMethod::run(JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  setTorchThreads(static_cast<int>(I("threads")));
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();

  SplitOptions o;
  o.criterion = parseCriterion(S("criterion"));
  o.sense = parseEdgeSense(S("edge_sense"));
  o.levels = static_cast<int>(I("levels"));
  o.levelEpochs = I("level_epochs");
  o.repeats = static_cast<int>(I("repeats"));
  o.inheritWeights = p.at("inherit_weights").get<bool>();
  o.probeBatch = I("probe_batch");
  o.lid.k = static_cast<int>(I("k"));
  o.lid.eps = p.at("lid_eps").get<double>();
  if (o.lid.k >= o.probeBatch)
    throw Error(ErrorCode::InvalidArgument, "must be smaller than probe_batch (" + std::to_string(o.probeBatch) + ")", "k");
  o.train.batch = I("batch");
  o.train.lr = p.at("lr").get<double>();
  o.train.device = deviceFromParams(p, &sink, "naslid").device;  // core's rule (train/Device.h)
  o.seed = static_cast<std::uint64_t>(I("seed"));

  const Truth truth = S("truth") == "job" ? truthFromJob(ws, I("truth_job"), p) : truthFromTable(p);
  sink.log("naslid: ground truth " + truth.label + ", " + std::to_string(truth.cells.size()) + " cells");

  QueryDataConfig dc;
  dc.dataset = S("dataset");
  dc.dataDir = S("data_dir");
  dc.trainLimit = I("train_limit");
  dc.valImages = I("val_images");
  dc.splitSeed = static_cast<std::uint64_t>(I("split_seed"));
  sink.progress(0.0, "loading " + dc.dataset);
  const QueryData data = loadQueryData(dc);
  if (data.train.size() < o.train.batch)
    throw Error(ErrorCode::InvalidArgument, "is larger than the " + std::to_string(data.train.size()) + " training images", "batch");
  const Nb201MacroConfig macro = nb201MacroFor(data.train, static_cast<int>(I("channels")), static_cast<int>(I("cells_per_stage")));

  // Progress: root 30 %, splitting 55 %, scoring 15 %.
  SplitHooks hooks;
  hooks.cancel = ctx.cancel();
  double base = 0.0, share = 0.3;
  hooks.progress = [&](const std::string& stage, double f) { sink.progress(base + share * std::min(1.0, f), stage); };
  hooks.saved = [&](const SplitTree& tree) { ctx.saveCheckpoint(treeToBytes(tree)); };

  SplitTree tree;
  if (auto bytes = ctx.loadCheckpoint()) {
    tree = treeFromBytes(*bytes);
    sink.log("naslid: resumed with " + std::to_string(tree.nodes.size()) + " nodes of the split tree");
  } else {
    const std::string root = trainRoot(macro, data, o.train, I("warmup_epochs"), o.seed, hooks);
    SplitNode n;
    n.mask = OpMask::all();
    n.trained = true;
    n.state = root;
    tree.nodes.push_back(n);
    ctx.saveCheckpoint(treeToBytes(tree));
  }
  base = 0.3;
  share = 0.55 / std::max(1, (1 << o.levels) * 2 - 1);
  const SplitReport report = runSplitting(macro, data, tree.nodes[0].state, o, hooks, tree);
  sink.log("naslid: " + std::string(criterionName(o.criterion)) + " splitting done: " +
           std::to_string(report.tree.leaves().size()) + " sub-supernets, " + std::to_string(report.splitSeconds) +
           " s in probes, peak " + std::to_string(report.peakMemoryMb) + " MB");

  sink.progress(0.85, "scoring " + std::to_string(truth.cells.size()) + " cells");
  const std::vector<double> scores =
      scoreCells(report.tree, macro, data, truth.cells, I("bn_batches"), o.train, ctx.cancel());
  const double tau = kendallTau(scores, truth.values);
  const double rho = spearmanRho(scores, truth.values);
  const double topk = topKPrecision(scores, truth.values, static_cast<int>(I("top_k")));

  // ---- workspace: samples for the views, evaluations for the tables and scatters
  std::vector<SampleRecord> samples;
  for (const auto& n : report.tree.nodes)
    if (!n.similarities.empty()) samples.push_back(nodeSample(ctx.jobId(), n));
  Json prof = Json::array();
  for (const auto& n : report.tree.nodes)
    for (const auto& pr : n.profiles)
      if (prof.size() < kMaxProfilesPerSample) prof.push_back({{"arch", pr.arch}, {"lid", pr.lid}});
  NaslidNet probeNet(macro);
  Json points = Json::array();
  for (size_t i = 0; i < truth.cells.size(); ++i)
    points.push_back({{"arch", truth.cells[i].toString()},
                      {"score", scores[i]},
                      {"truth", truth.values[i]},
                      {"leaf", report.tree.leafFor(truth.cells[i])}});
  const Json treeJson = report.tree.toJson();
  // The generic drawings (engine/ChartSamples.h) for the Heat Maps tab.
  std::vector<std::string> archs;
  for (const auto& c : truth.cells) archs.push_back(c.toString());
  Json scatters = Json::array();
  for (Json& other : otherCriteriaScatters(ws, ctx.jobId(), criterionName(o.criterion), archs))
    scatters.push_back(std::move(other));
  scatters.push_back(rankScatter(std::string(criterionName(o.criterion)) + " (this job)", scores, truth.values, archs));
  SampleRecord last;
  last.jobId = ctx.jobId();
  last.round = static_cast<int>(report.tree.nodes.size());
  last.payloadJson = Json{{"kind", "naslid_result"},
                          {"label", std::string("result: ") + criterionName(o.criterion) + " split, " +
                                        std::to_string(report.tree.leaves().size()) + " sub-supernets"},
                          {"curves", profileCurves(report.tree, probeNet->blockNames())},
                          {"trees", Json::array({splitTreeChart(report.tree, "Split hierarchy (" +
                                                                                 std::string(criterionName(o.criterion)) +
                                                                                 ")")})},
                          {"scatters", scatters},
                          {"criterion", criterionName(o.criterion)},
                          {"split_tree", treeJson},
                          {"lid_profiles", prof},
                          {"blocks", probeNet->blockNames()},
                          {"rank_points", points},
                          {"kendall_tau", tau},
                          {"spearman", rho}}
                         .dump();
  samples.push_back(last);
  ws.transaction([&] {
    ws.addSamples(samples);
    Nb201ArchIds ids(ws);
    std::vector<EvaluationRecord> evals;
    for (size_t i = 0; i < truth.cells.size(); ++i) {
      evals.push_back(EvaluationRecord::of(ids(truth.cells[i]), ctx.jobId(),
                                           std::string("naslid-") + criterionName(o.criterion), dc.dataset,
                                           "supernet_val_accuracy", scores[i]));
    }
    ws.addEvaluations(evals);
  });
  sink.metric("kendall_tau", 1, tau);
  sink.metric("spearman", 1, rho);
  sink.progress(1.0, "done");
  sink.log("naslid: Kendall tau " + std::to_string(tau) + ", Spearman " + std::to_string(rho) + ", top-" +
           std::to_string(I("top_k")) + " precision " + std::to_string(topk));

  return Json{{"kendall_tau", tau},
              {"spearman", rho},
              {"top_k_precision", topk},
              {"top_k", I("top_k")},
              {"peak_memory_mb", report.peakMemoryMb},
              {"split_seconds", report.splitSeconds},
              {"train_seconds", report.trainSeconds},
              {"split_tree", treeJson},
              {"criterion", criterionName(o.criterion)},
              {"edge_sense", S("edge_sense")},
              {"sub_supernets", report.tree.leaves().size()},
              {"cells", truth.cells.size()},
              {"truth", truth.label},
              {"device", o.train.device.str()},
              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
}

}  // namespace nas::naslid
