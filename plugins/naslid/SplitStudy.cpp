// The few-shot split loop: node training, edge choice per criterion, children that inherit the
// parent's weights, scoring by the leaf that holds a cell, and the tree's checkpoint form.
#include "SplitStudy.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "PeakMemory.h"
#include "common/Error.h"
#include "data/Augment.h"
#include "data/Batcher.h"
#include "nn/ModuleBytes.h"
#include "train/Trainer.h"

namespace nas::naslid {
namespace {

constexpr std::uint64_t kProbeStream = 0x9B0BE;   // the probe batches (the same for every criterion)
constexpr std::uint64_t kRandomStream = 0x2A4D;   // random splits
constexpr std::uint64_t kNodeStream = 0x40DE;     // a node's paths and batch order
constexpr std::uint64_t kRecalStream = 0xBA7C;    // BN recalibration batches

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void trainNode(NaslidNet& net, const OpMask& mask, const QueryData& data, const TrainSpec& spec, std::int64_t epochs,
               std::uint64_t seed, const SplitHooks& hooks, const std::string& stage) {
  if (epochs <= 0) return;
  auto path = std::make_shared<Nb201Cell>();
  TrainerOptions o;
  o.lr = spec.lr;
  o.epochs = epochs;
  o.batchSize = spec.batch;
  o.seed = seed;
  o.normalization = data.norm;
  o.device = spec.device;
  NaslidNet handle = net;
  Trainer trainer(net.ptr(), [handle, path](const torch::Tensor& x) mutable { return handle->forward(x, *path); },
                  data.train, o);
  while (!trainer.done()) {
    hooks.cancel.throwIfCancelled();
    Rng rng(Rng::derive(seed, static_cast<std::uint64_t>(trainer.globalStep())));
    *path = mask.sample(rng);  // one path per step among the sub-supernet's ops (SPOS)
    // Ops off the path keep undefined gradients, so weight decay and momentum leave them alone.
    for (auto& p : net->parameters()) p.mutable_grad().reset();
    trainer.step();
    if (hooks.progress)
      hooks.progress(stage, static_cast<double>(trainer.globalStep()) / static_cast<double>(trainer.totalSteps()));
  }
}

NaslidNet netFromState(const Nb201MacroConfig& macro, const std::string& state, torch::Device device) {
  NaslidNet net(macro);
  moduleFromBytes(*net, state, "sub-supernet state");
  net->to(device);
  return net;
}

std::vector<LabelledBatch> probeBatches(const QueryData& data, const SplitOptions& o) {
  if (o.probeBatch > data.train.size())
    throw Error(ErrorCode::InvalidArgument,
                "is larger than the " + std::to_string(data.train.size()) + " training images", "probe_batch");
  if (o.repeats < 1) throw Error(ErrorCode::InvalidArgument, "must be at least 1", "repeats");
  Batcher batcher(data.train.size(), o.probeBatch, Rng::derive(o.seed, kProbeStream), true);
  std::vector<LabelledBatch> out;
  for (int r = 0; r < o.repeats; ++r) {
    const std::int64_t per = batcher.batchesPerEpoch();
    const Batch b = batcher.at({r / per, r % per});
    const torch::Tensor idx = torch::tensor(b.indices, torch::kLong);
    out.push_back({normalizeBatch(data.train.images.index_select(0, idx), data.norm).to(o.train.device),
                   data.train.labels.index_select(0, idx).to(o.train.device)});
  }
  return out;
}

// Picks the edge and the groups of node `n` by the criterion; fills n.edge/partition/score.
void chooseSplit(SplitNode& n, NaslidNetImpl& net, const std::vector<LabelledBatch>& probes, const SplitOptions& o,
                 const SplitHooks& hooks) {
  std::vector<int> candidates;
  for (int e = 0; e < kNb201NumEdges; ++e)
    if (n.mask.ops(e).size() >= 2 && std::find(n.splitEdges.begin(), n.splitEdges.end(), e) == n.splitEdges.end())
      candidates.push_back(e);
  if (candidates.empty()) return;  // nothing left to split: the node stays a leaf
  const std::uint64_t nodeSeed = Rng::derive(o.seed, static_cast<std::uint64_t>(n.id));
  if (o.criterion == Criterion::Random) {
    Rng rng(Rng::derive(nodeSeed, kRandomStream));
    n.edge = candidates[rng.below(candidates.size())];
    std::vector<int> ops = n.mask.ops(n.edge);
    for (size_t i = ops.size(); i > 1; --i) std::swap(ops[i - 1], ops[rng.below(i)]);  // Fisher-Yates
    n.partition.a.assign(ops.begin(), ops.begin() + static_cast<std::ptrdiff_t>(ops.size() / 2));
    n.partition.b.assign(ops.begin() + static_cast<std::ptrdiff_t>(ops.size() / 2), ops.end());
    std::sort(n.partition.a.begin(), n.partition.a.end());
    std::sort(n.partition.b.begin(), n.partition.b.end());
    return;
  }
  bool found = false;
  for (int e : candidates) {
    hooks.cancel.throwIfCancelled();
    EdgeSimilarity s = o.criterion == Criterion::Lid
                           ? lidSimilarity(net, n.mask, e, probes, o.lid, nodeSeed, &n.profiles)
                           : gradientSimilarity(net, n.mask, e, probes, nodeSeed);
    const Partition p = bestPartition(s);
    const double score = edgeScore(p, o.sense);
    if (!found || score > n.score) {
      found = true;
      n.edge = e;
      n.partition = p;
      n.score = score;
    }
    n.similarities.push_back(std::move(s));
  }
}

Json matrixJson(const std::vector<std::vector<double>>& m) {
  Json rows = Json::array();
  for (const auto& r : m) rows.push_back(r);
  return rows;
}

}  // namespace

Criterion parseCriterion(const std::string& name) {
  if (name == "lid") return Criterion::Lid;
  if (name == "gradient") return Criterion::Gradient;
  if (name == "random") return Criterion::Random;
  if (name == "none") return Criterion::None;
  throw Error(ErrorCode::InvalidArgument, "unknown '" + name + "' (lid, gradient, random, none)", "criterion");
}

const char* criterionName(Criterion c) {
  switch (c) {
    case Criterion::Lid: return "lid";
    case Criterion::Gradient: return "gradient";
    case Criterion::Random: return "random";
    case Criterion::None: return "none";
  }
  return "?";
}

std::vector<int> SplitTree::leaves() const {
  std::vector<int> out;
  for (const auto& n : nodes)
    if (n.children.empty()) out.push_back(n.id);
  return out;
}

int SplitTree::leafFor(const Nb201Cell& cell) const {
  for (int id : leaves())
    if (nodes[static_cast<size_t>(id)].mask.contains(cell)) return id;
  return -1;
}

Json SplitTree::toJson(int id) const {
  const SplitNode& n = nodes.at(static_cast<size_t>(id));
  Json j{{"id", n.id}, {"level", n.level}, {"ops", n.mask.toJson()}, {"leaf", n.children.empty()}};
  if (n.edge >= 0) {
    auto names = [](const std::vector<int>& g) {
      Json a = Json::array();
      for (int k : g) a.push_back(nb201OpName(static_cast<Nb201Op>(k)));
      return a;
    };
    j["edge"] = n.edge;
    j["groups"] = Json::array({names(n.partition.a), names(n.partition.b)});
    j["score"] = n.score;
  }
  Json children = Json::array();
  for (int c : n.children) children.push_back(toJson(c));
  j["children"] = children;
  return j;
}

std::string trainRoot(const Nb201MacroConfig& macro, const QueryData& data, const TrainSpec& spec, std::int64_t epochs,
                      std::uint64_t seed, const SplitHooks& hooks) {
  torch::manual_seed(seed);
  NaslidNet net(macro);
  trainNode(net, OpMask::all(), data, spec, epochs, Rng::derive(seed, kNodeStream), hooks, "root supernet");
  net->to(torch::kCPU);
  return moduleToBytes(*net);
}

SplitReport runSplitting(const Nb201MacroConfig& macro, const QueryData& data, const std::string& rootState,
                         const SplitOptions& o, const SplitHooks& hooks, SplitTree resume) {
  if (o.levels < 0 || o.levels > kNb201NumEdges)
    throw Error(ErrorCode::InvalidArgument, "must be 0..6 (one split per edge along a path)", "levels");
  SplitReport report;
  report.tree = std::move(resume);
  SplitTree& tree = report.tree;
  if (tree.nodes.empty()) {
    SplitNode root;
    root.mask = OpMask::all();
    root.trained = true;
    root.state = rootState;
    tree.nodes.push_back(root);
  }
  const bool probing = o.criterion == Criterion::Lid || o.criterion == Criterion::Gradient;
  const std::vector<LabelledBatch> probes = probing ? probeBatches(data, o) : std::vector<LabelledBatch>{};
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    hooks.cancel.throwIfCancelled();
    if (!tree.nodes[i].trained) {
      const auto t = Clock::now();
      NaslidNet net = netFromState(macro, tree.nodes[i].state, o.train.device);
      trainNode(net, tree.nodes[i].mask, data, o.train, o.levelEpochs,
                Rng::derive(Rng::derive(o.seed, kNodeStream), static_cast<std::uint64_t>(tree.nodes[i].id)), hooks,
                "sub-supernet " + std::to_string(tree.nodes[i].id));
      net->to(torch::kCPU);
      tree.nodes[i].state = moduleToBytes(*net);
      tree.nodes[i].trained = true;
      report.trainSeconds += since(t);
      if (hooks.saved) hooks.saved(tree);
    }
    if (tree.nodes[i].level >= o.levels || !tree.nodes[i].children.empty()) continue;
    SplitNode& n = tree.nodes[i];
    if (hooks.progress) hooks.progress("splitting node " + std::to_string(n.id), 0.0);
    if (o.criterion != Criterion::None) {
      NaslidNet net = netFromState(macro, n.state, o.train.device);
      const auto t = Clock::now();
      PeakMemoryProbe probe;
      chooseSplit(n, *net, probes, o, hooks);
      if (probing) report.peakMemoryMb = std::max(report.peakMemoryMb, probe.peakMb());
      report.splitSeconds += since(t);
    }
    std::vector<std::vector<int>> groups;
    if (n.edge >= 0) groups = {n.partition.a, n.partition.b};
    else if (o.criterion == Criterion::None) groups = {{}};  // one child with every op: more epochs
    const SplitNode parent = n;  // copy: push_back below may move the nodes
    for (const auto& g : groups) {
      SplitNode child;
      child.id = static_cast<int>(tree.nodes.size());
      child.parent = parent.id;
      child.level = parent.level + 1;
      child.mask = parent.mask;
      child.splitEdges = parent.splitEdges;
      if (parent.edge >= 0) {
        child.splitEdges.push_back(parent.edge);
        for (int k = 0; k < kNb201NumOps; ++k)
          child.mask.on[static_cast<size_t>(parent.edge)][static_cast<size_t>(k)] =
              std::find(g.begin(), g.end(), k) != g.end();
      }
      if (o.inheritWeights) {
        child.state = parent.state;  // inherits the parent's weights
      } else {
        torch::manual_seed(Rng::derive(o.seed, static_cast<std::uint64_t>(child.id)));
        NaslidNet fresh(macro);
        child.state = moduleToBytes(*fresh);
      }
      tree.nodes[i].children.push_back(child.id);
      tree.nodes.push_back(std::move(child));
    }
    if (hooks.saved) hooks.saved(tree);
  }
  return report;
}

std::vector<double> scoreCells(const SplitTree& tree, const Nb201MacroConfig& macro, const QueryData& data,
                               const std::vector<Nb201Cell>& cells, std::int64_t bnBatches, const TrainSpec& spec,
                               const CancelToken& cancel) {
  // Fixed batches for every leaf and criterion: a score depends on the weights and the cell only.
  Batcher batcher(data.train.size(), spec.batch, kRecalStream, true);
  std::vector<torch::Tensor> recal;
  for (std::int64_t b = 0; b < std::min(bnBatches, batcher.batchesPerEpoch()); ++b) {
    const Batch batch = batcher.at({0, b});
    recal.push_back(normalizeBatch(data.train.images.index_select(0, torch::tensor(batch.indices, torch::kLong)),
                                   data.norm).to(spec.device));
  }
  std::vector<double> scores(cells.size(), 0.0);
  for (int leaf : tree.leaves()) {
    NaslidNet net{nullptr};
    std::vector<torch::nn::BatchNorm2dImpl*> bns;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (!tree.nodes[static_cast<size_t>(leaf)].mask.contains(cells[c])) continue;
      cancel.throwIfCancelled();
      if (!net) {
        net = netFromState(macro, tree.nodes[static_cast<size_t>(leaf)].state, spec.device);
        bns = batchNorms(*net);
      }
      torch::NoGradGuard noGrad;
      const Nb201Cell cell = cells[c];
      // Running statistics re-estimated for this path alone (cumulative average), as core's
      // supernet query source does: the shared ones average over every path.
      for (auto* bn : bns) {
        bn->options.momentum(c10::nullopt);
        bn->reset_running_stats();
      }
      net->train();
      for (const auto& x : recal) net->forward(x, cell);
      for (auto* bn : bns) bn->options.momentum(0.1);
      net->eval();
      NaslidNet h = net;
      scores[c] = evaluateClassifier([h, cell](const torch::Tensor& x) mutable { return h->forward(x, cell); },
                                     data.val, data.norm, spec.device)
                      .accuracy;
    }
  }
  return scores;
}

std::string treeToBytes(const SplitTree& tree) {
  Json nodes = Json::array();
  for (const auto& n : tree.nodes) {
    Json sims = Json::array();
    for (const auto& s : n.similarities) sims.push_back({{"edge", s.edge}, {"ops", s.ops}, {"matrix", matrixJson(s.matrix)}});
    Json profiles = Json::array();
    for (const auto& p : n.profiles) profiles.push_back({{"arch", p.arch}, {"lid", p.lid}});
    Json mask = Json::array();
    for (const auto& e : n.mask.on) mask.push_back(std::vector<bool>(e.begin(), e.end()));
    nodes.push_back({{"id", n.id}, {"parent", n.parent}, {"level", n.level}, {"mask", mask},
                     {"split_edges", n.splitEdges}, {"edge", n.edge}, {"a", n.partition.a}, {"b", n.partition.b},
                     {"intra", n.partition.intra}, {"total", n.partition.total}, {"score", n.score},
                     {"similarities", sims}, {"profiles", profiles}, {"children", n.children}, {"trained", n.trained}});
  }
  torch::serialize::OutputArchive archive;
  archive.write("meta", bytesToTensor(nodes.dump()));
  for (size_t i = 0; i < tree.nodes.size(); ++i) archive.write("state" + std::to_string(i), bytesToTensor(tree.nodes[i].state));
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

SplitTree treeFromBytes(const std::string& bytes) {
  SplitTree tree;
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    torch::Tensor t;
    archive.read("meta", t);
    const Json nodes = parseJson(tensorToBytes(t), "split tree");
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Json& j = nodes[i];
      SplitNode n;
      n.id = j.at("id");
      n.parent = j.at("parent");
      n.level = j.at("level");
      for (size_t e = 0; e < kNb201NumEdges; ++e)
        for (size_t k = 0; k < kNb201NumOps; ++k) n.mask.on[e][k] = j.at("mask").at(e).at(k).get<bool>();
      n.splitEdges = j.at("split_edges").get<std::vector<int>>();
      n.edge = j.at("edge");
      n.partition.a = j.at("a").get<std::vector<int>>();
      n.partition.b = j.at("b").get<std::vector<int>>();
      n.partition.intra = j.at("intra");
      n.partition.total = j.at("total");
      n.score = j.at("score");
      for (const Json& s : j.at("similarities"))
        n.similarities.push_back({s.at("edge").get<int>(), s.at("ops").get<std::vector<int>>(),
                                  s.at("matrix").get<std::vector<std::vector<double>>>()});
      for (const Json& p : j.at("profiles"))
        n.profiles.push_back({p.at("arch").get<std::string>(), p.at("lid").get<std::vector<double>>()});
      n.children = j.at("children").get<std::vector<int>>();
      n.trained = j.at("trained");
      torch::Tensor st;
      archive.read("state" + std::to_string(i), st);
      n.state = tensorToBytes(st);
      tree.nodes.push_back(std::move(n));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("not a NAS-LID split tree: ") + e.what(), "checkpoint");
  }
  return tree;
}

}  // namespace nas::naslid
