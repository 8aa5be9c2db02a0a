#include "CellNetwork.h"

#include <torch/torch.h>

#include <algorithm>

#include "common/Error.h"
#include "nn/Nb201Ops.h"

namespace nas::entrannas {

namespace {

// DARTS' drop_path: zero a sample's whole op output with probability p, scale the rest.
torch::Tensor dropPath(const torch::Tensor& x, double p) {
  const double keep = 1.0 - p;
  const torch::Tensor mask = torch::empty({x.size(0), 1, 1, 1}, x.options()).bernoulli_(keep);
  return x / keep * mask;
}

bool isIdentity(const CellSpec& spec, int op, bool stride2) {
  const std::string& name = spec.opNames.at(static_cast<size_t>(op));
  return name == "skip_connect" && !stride2;
}

}  // namespace

void NetConfig::validate() const {
  const auto bad = [](const std::string& what) { throw Error(ErrorCode::InvalidArgument, what, "cell network"); };
  if (channels < 2 || channels % 2) bad("channels must be even and >= 2, got " + std::to_string(channels));
  if (space == SpaceKind::Darts && layers < 3) bad("layers must be >= 3 (two reduction cells and a normal one)");
  if (layers < 1) bad("layers must be >= 1");
  if (stemMultiplier < 1 || inputChannels < 1 || classes < 2) bad("stem multiplier, input channels, classes");
}

CellRun CellRun::engine(const torch::Tensor& weights, ActiveOps derived) {
  CellRun r;
  r.weights = weights;
  const torch::Tensor v = weights.detach().to(torch::kCPU, torch::kFloat).contiguous();
  r.values.assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
  r.active = std::move(derived);
  return r;
}

CellRun CellRun::transit(ActiveOps derived) {
  CellRun r;
  r.active = std::move(derived);
  return r;
}

std::string SearchCellImpl::opKey(int edge, int op) const {
  const std::string& name = spec_.opNames.at(static_cast<size_t>(op));
  if (sharing_) return "n" + std::to_string(spec_.edges.at(static_cast<size_t>(edge)).first) + "_" + name;
  return "e" + std::to_string(edge) + "_" + name;
}

SearchCellImpl::SearchCellImpl(const CellSpec& spec, std::int64_t cPP, std::int64_t cP, std::int64_t c,
                               bool reduction, bool reductionPrev, const NetConfig& config, const ActiveOps* only)
    : spec_(spec), reduction_(reduction), sharing_(config.featureSharing) {
  if (spec.kind == SpaceKind::Darts) {
    pre0_ = reductionPrev ? torch::nn::AnyModule(FactorizedReduce(cPP, c, config.ops.affine))
                          : torch::nn::AnyModule(ReLUConv1x1(cPP, c, config.ops.affine));
    pre1_ = torch::nn::AnyModule(ReLUConv1x1(cP, c, config.ops.affine));
    register_module("pre0", pre0_.ptr());
    register_module("pre1", pre1_.ptr());
    outChannels_ = c * spec.nodes;
  } else {
    outChannels_ = c;
  }
  ActiveOps all;
  if (!only)
    for (int e = 0; e < spec.numEdges(); ++e)
      for (int k = 1; k < spec.numOps(); ++k) all.emplace_back(e, k);
  for (const auto& [e, k] : only ? *only : all) {
    const std::string key = opKey(e, k);
    if (ops_.count(key)) continue;  // shared with another edge from the same node
    const bool stride2 = reduction && spec.edges.at(static_cast<size_t>(e)).first < spec.inputs;
    torch::nn::AnyModule m =
        spec.kind == SpaceKind::Darts
            ? makeDartsOp(static_cast<DartsOp>(k), c, stride2 ? 2 : 1, config.ops)
            : makeNb201Op(static_cast<Nb201Op>(k), c, BnOptions().affine(config.ops.affine));
    register_module(key, m.ptr());
    ops_.emplace(key, std::move(m));
  }
}

torch::Tensor SearchCellImpl::forward(const torch::Tensor& s0, const torch::Tensor& s1, const CellRun& run,
                                      bool engine, double dropProb) {
  std::vector<torch::Tensor> states;
  if (spec_.kind == SpaceKind::Darts) {
    states.push_back(pre0_.forward(s0));
    states.push_back(pre1_.forward(s1));
  } else {
    states.push_back(s0);
  }
  if (engine && !run.weights.defined())
    throw Error(ErrorCode::Internal, "an Engine-cell needs architecture weights");
  executed_.clear();
  std::map<std::string, torch::Tensor> computed;  // feature sharing: one output per (source, op)
  const int K = spec_.numOps();
  auto opOutput = [&](int e, int k) -> torch::Tensor {
    const std::string key = opKey(e, k);
    auto hit = computed.find(key);
    if (hit != computed.end()) return hit->second;
    auto m = ops_.find(key);
    if (m == ops_.end()) throw Error(ErrorCode::Internal, "cell has no module " + key + " for the derived cell");
    torch::Tensor y = m->second.forward(states.at(static_cast<size_t>(spec_.edges[static_cast<size_t>(e)].first)));
    computed.emplace(key, y);
    return y;
  };
  for (int j = spec_.inputs; j < spec_.totalNodes(); ++j) {
    torch::Tensor sum;
    auto add = [&](const torch::Tensor& t) { sum = sum.defined() ? sum + t : t; };
    for (int e : spec_.edgesInto(j)) {
      const bool stride2 = reduction_ && spec_.edges[static_cast<size_t>(e)].first < spec_.inputs;
      if (engine) {
        for (int k = 1; k < K; ++k) {
          if (run.values[static_cast<size_t>(e * K + k)] == 0.0f) continue;  // removed connection: not run
          add(run.weights[e][k] * opOutput(e, k));
          executed_.emplace_back(e, k);
        }
      } else {
        for (const auto& [ae, k] : run.active) {
          if (ae != e) continue;
          torch::Tensor y = opOutput(e, k);
          if (dropProb > 0 && is_training() && !isIdentity(spec_, k, stride2)) y = dropPath(y, dropProb);
          add(y);
          executed_.emplace_back(e, k);
        }
      }
    }
    if (!sum.defined()) {  // every input removed (NAS-Bench-201 `none`): the node is zero
      torch::Tensor like = states.back();
      if (reduction_) like = like.index({torch::indexing::Slice(), torch::indexing::Slice(),
                                         torch::indexing::Slice(torch::indexing::None, torch::indexing::None, 2),
                                         torch::indexing::Slice(torch::indexing::None, torch::indexing::None, 2)});
      sum = torch::zeros_like(like);
    }
    states.push_back(sum);
  }
  std::sort(executed_.begin(), executed_.end());
  if (spec_.kind == SpaceKind::Nb201) return states.back();
  return torch::cat(std::vector<torch::Tensor>(states.begin() + spec_.inputs, states.end()), 1);
}

CellNetworkImpl::CellNetworkImpl(const NetConfig& config, const std::vector<ActiveOps>* only) : config_(config) {
  config_.validate();
  const CellSpec& spec = cellSpec(config.space);
  if (only && static_cast<int>(only->size()) != spec.cellTypes)
    throw Error(ErrorCode::InvalidArgument, "a derived network needs one cell per cell type");
  const std::int64_t C = config.channels;
  if (config.space == SpaceKind::Darts) {
    const std::int64_t cStem = config.stemMultiplier * C;
    stem_ = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(config.inputChannels, cStem, 3)
                                                          .padding(1)
                                                          .bias(false)));
    stemBn_ = register_module("stem_bn", torch::nn::BatchNorm2d(cStem));
    std::int64_t cPP = cStem, cP = cStem, c = C;
    bool reductionPrev = false;
    const int L = config.layers;
    for (int i = 0; i < L; ++i) {
      const bool reduction = i == L / 3 || i == 2 * L / 3;
      if (reduction) c *= 2;
      const int type = reduction ? 1 : 0;
      cells_.push_back(register_module("cell" + std::to_string(i),
                                       SearchCell(spec, cPP, cP, c, reduction, reductionPrev, config_,
                                                  only ? &(*only)[static_cast<size_t>(type)] : nullptr)));
      types_.push_back(type);
      cPP = cP;
      cP = cells_.back()->outChannels();
      reductionPrev = reduction;
      if (config.auxiliary && i == 2 * L / 3) {
        auxAfter_ = i;
        // DARTS' AuxiliaryHeadCIFAR with an adaptive 2x2 pool in place of AvgPool(5, stride 3)
        // (the same on 8x8 maps in size; 28x28 inputs leave 7x7 there).
        auxHead_ = register_module(
            "aux_head", torch::nn::Sequential(
                            torch::nn::ReLU(), torch::nn::AdaptiveAvgPool2d(2),
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(cP, 128, 1).bias(false)),
                            torch::nn::BatchNorm2d(128), torch::nn::ReLU(),
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(128, 768, 2).bias(false)),
                            torch::nn::BatchNorm2d(768), torch::nn::ReLU()));
        auxClassifier_ = register_module("aux_classifier", torch::nn::Linear(768, config.classes));
      }
    }
    classifier_ = register_module("classifier", torch::nn::Linear(cP, config.classes));
  } else {
    stem_ = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(config.inputChannels, C, 3)
                                                          .padding(1)
                                                          .bias(false)));
    stemBn_ = register_module("stem_bn", torch::nn::BatchNorm2d(C));
    std::int64_t c = C;
    for (int stage = 0; stage < 3; ++stage) {
      if (stage > 0) {
        const int at = static_cast<int>(cells_.size());
        torch::nn::AnyModule block(ResNetBlock(c, 2 * c, 2));
        register_module("block" + std::to_string(stage), block.ptr());
        blocks_.emplace(at, std::move(block));
        c *= 2;
      }
      for (int i = 0; i < config.layers; ++i) {
        const int index = static_cast<int>(cells_.size());
        cells_.push_back(register_module("cell" + std::to_string(index),
                                         SearchCell(spec, c, c, c, false, false, config_,
                                                    only ? &(*only)[0] : nullptr)));
        types_.push_back(0);
      }
    }
    lastBn_ = register_module("last_bn", torch::nn::BatchNorm2d(c));
    classifier_ = register_module("classifier", torch::nn::Linear(c, config.classes));
  }
}

torch::Tensor CellNetworkImpl::forward(const torch::Tensor& x, const std::vector<CellRun>& runs,
                                       const std::vector<bool>& engine, double dropProb) {
  if (static_cast<int>(runs.size()) != spec().cellTypes || static_cast<int>(engine.size()) != numCells())
    throw Error(ErrorCode::Internal, "cell network: runs or placement of the wrong size");
  aux_ = torch::Tensor();
  torch::Tensor s = stemBn_(stem_(x));
  if (config_.space == SpaceKind::Darts) {
    torch::Tensor s0 = s, s1 = s;
    for (int i = 0; i < numCells(); ++i) {
      torch::Tensor out = cells_[static_cast<size_t>(i)]->forward(s0, s1, runs[static_cast<size_t>(types_[i])],
                                                                  engine[static_cast<size_t>(i)], dropProb);
      s0 = s1;
      s1 = out;
      if (i == auxAfter_ && is_training()) aux_ = auxClassifier_(auxHead_->forward(s1).flatten(1));
    }
    return classifier_(torch::adaptive_avg_pool2d(s1, {1, 1}).flatten(1));
  }
  for (int i = 0; i < numCells(); ++i) {
    auto block = blocks_.find(i);
    if (block != blocks_.end()) s = block->second.forward(s);
    s = cells_[static_cast<size_t>(i)]->forward(s, s, runs[0], engine[static_cast<size_t>(i)], dropProb);
  }
  s = torch::relu(lastBn_(s));
  return classifier_(torch::adaptive_avg_pool2d(s, {1, 1}).flatten(1));
}

std::vector<bool> CellNetworkImpl::placement(const std::string& name) const {
  const int n = numCells();
  std::vector<bool> engine(static_cast<size_t>(n), name == "all");
  if (name == "all") return engine;
  std::vector<int> stageStarts;
  if (config_.space == SpaceKind::Darts) stageStarts = {0, config_.layers / 3, 2 * config_.layers / 3};
  else stageStarts = {0, config_.layers, 2 * config_.layers};
  if (name == "stage_first") {
    for (int s : stageStarts) engine[static_cast<size_t>(s)] = true;
  } else if (name == "stage_last") {
    for (size_t s = 0; s < stageStarts.size(); ++s)
      engine[static_cast<size_t>((s + 1 < stageStarts.size() ? stageStarts[s + 1] : n) - 1)] = true;
  } else {
    throw Error(ErrorCode::InvalidArgument, "engine placement '" + name + "' is not one of stage_first, stage_last, all");
  }
  return engine;
}

void copyMatchingState(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard noGrad;
  const auto src = from.named_parameters(true);
  const auto srcBuffers = from.named_buffers(true);
  auto copy = [&](const std::string& name, torch::Tensor& dst, const torch::Tensor* s) {
    if (!s) throw Error(ErrorCode::CorruptData, "source lacks " + name, "weight copy");
    if (!s->sizes().equals(dst.sizes())) throw Error(ErrorCode::CorruptData, name + " has another shape", "weight copy");
    dst.copy_(*s);
  };
  for (auto& p : to.named_parameters(true)) copy(p.key(), p.value(), src.find(p.key()));
  for (auto& b : to.named_buffers(true)) copy(b.key(), b.value(), srcBuffers.find(b.key()));
}

}  // namespace nas::entrannas
