#include "EdgeSimilarity.h"

#include <torch/torch.h>

#include <cmath>

#include "common/Error.h"

namespace nas::naslid {
namespace {

constexpr std::uint64_t kOtherEdgesStream = 0x51D;

using Matrix = std::vector<std::vector<double>>;

Matrix zeros(size_t m) { return Matrix(m, std::vector<double>(m, 0.0)); }

void checkEdge(const OpMask& mask, int edge, const std::vector<LabelledBatch>& batches) {
  if (edge < 0 || edge >= kNb201NumEdges)
    throw Error(ErrorCode::InvalidArgument, "must be 0..5, got " + std::to_string(edge), "edge");
  if (mask.ops(edge).size() < 2)
    throw Error(ErrorCode::InvalidArgument, "edge " + std::to_string(edge) + " has fewer than 2 ops left to compare");
  if (batches.empty()) throw Error(ErrorCode::InvalidArgument, "no batches to compare ops on", "repeats");
}

EdgeSimilarity finish(int edge, std::vector<int> ops, Matrix sum, size_t repeats) {
  EdgeSimilarity s;
  s.edge = edge;
  s.ops = std::move(ops);
  for (auto& row : sum)
    for (double& v : row) v /= static_cast<double>(repeats);
  s.matrix = std::move(sum);
  return s;
}

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
  const double na = a.norm().item<double>(), nb = b.norm().item<double>();
  if (na <= 0 && nb <= 0) return 1.0;  // as cosineSimilarity: two zero vectors are alike
  if (na <= 0 || nb <= 0) return 0.0;
  return (a * b).sum().item<double>() / (na * nb);
}

}  // namespace

FrozenBnStats::FrozenBnStats(NaslidNetImpl& net) : net_(net), wasTraining_(net.is_training()) {
  for (auto* bn : batchNorms(net)) {
    saved_.emplace_back(bn, bn->options.momentum());
    counts_.push_back(bn->num_batches_tracked.defined() ? bn->num_batches_tracked.clone() : torch::Tensor());
    bn->options.momentum(0.0);
  }
  net.train();
}

FrozenBnStats::~FrozenBnStats() {
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < saved_.size(); ++i) {
    saved_[i].first->options.momentum(saved_[i].second);
    if (counts_[i].defined()) saved_[i].first->num_batches_tracked.copy_(counts_[i]);
  }
  net_.train(wasTraining_);
}

EdgeSimilarity lidSimilarity(NaslidNetImpl& net, const OpMask& mask, int edge, const std::vector<LabelledBatch>& batches,
                             const LidOptions& lid, std::uint64_t seed, std::vector<ProfileRecord>* profiles) {
  checkEdge(mask, edge, batches);
  const std::vector<int> ops = mask.ops(edge);
  const size_t m = ops.size();
  Matrix sum = zeros(m);
  torch::NoGradGuard noGrad;
  FrozenBnStats frozen(net);
  for (size_t r = 0; r < batches.size(); ++r) {
    Rng rng(Rng::derive(Rng::derive(seed, kOtherEdgesStream), r));
    const Nb201Cell base = mask.resampleOthers(Nb201Cell(), edge, rng);
    std::vector<std::vector<double>> prof(m);
    for (size_t i = 0; i < m; ++i) {
      Nb201Cell cell = base;
      cell.setOp(edge, static_cast<Nb201Op>(ops[i]));
      // Each block's LID as soon as the block exists; its features are dropped right after.
      net.forward(batches[r].x, cell, [&](const torch::Tensor& b) { prof[i].push_back(lidOfBatch(b, lid)); });
      if (profiles && r == 0) profiles->push_back({cell.toString(), prof[i]});
    }
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < m; ++j) sum[i][j] += cosineSimilarity(prof[i], prof[j]);
  }
  return finish(edge, ops, std::move(sum), batches.size());
}

EdgeSimilarity gradientSimilarity(NaslidNetImpl& net, const OpMask& mask, int edge,
                                  const std::vector<LabelledBatch>& batches, std::uint64_t seed) {
  checkEdge(mask, edge, batches);
  const std::vector<int> ops = mask.ops(edge);
  const size_t m = ops.size();
  Matrix sum = zeros(m);
  FrozenBnStats frozen(net);
  // The candidates' own weights differ per op and are left out: GM-NAS compares the gradients
  // the candidates induce on the weights they share.
  const std::string own = "edge" + std::to_string(edge) + "_";
  const auto named = net.named_parameters(true);
  for (size_t r = 0; r < batches.size(); ++r) {
    Rng rng(Rng::derive(Rng::derive(seed, kOtherEdgesStream), r));
    const Nb201Cell base = mask.resampleOthers(Nb201Cell(), edge, rng);
    std::vector<torch::Tensor> grads(m);
    for (size_t i = 0; i < m; ++i) {
      Nb201Cell cell = base;
      cell.setOp(edge, static_cast<Nb201Op>(ops[i]));
      for (auto& p : net.parameters()) p.mutable_grad().reset();
      torch::nn::functional::cross_entropy(net.forward(batches[r].x, cell), batches[r].y).backward();
      // The shared weights are those of the path minus the edge's candidate: the same set for
      // every candidate (the other edges' ops are fixed per repeat). Absent gradients count 0.
      std::vector<torch::Tensor> flat;
      for (const auto& item : named) {
        if (item.key().find(own) != std::string::npos) continue;
        const torch::Tensor& g = item.value().grad();
        flat.push_back(g.defined() ? g.detach().flatten() : torch::zeros({item.value().numel()}, item.value().options()));
      }
      grads[i] = torch::cat(flat);
    }
    for (auto& p : net.parameters()) p.mutable_grad().reset();
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < m; ++j) sum[i][j] += i == j ? 1.0 : cosine(grads[i], grads[j]);
  }
  return finish(edge, ops, std::move(sum), batches.size());
}

Partition bestPartition(const EdgeSimilarity& s) {
  const size_t m = s.ops.size();
  if (m < 2) throw Error(ErrorCode::InvalidArgument, "an edge needs at least 2 ops to split");
  const size_t small = m / 2;
  double total = 0;
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i; j < m; ++j) total += s.matrix[i][j];
  Partition best;
  bool found = false;
  for (unsigned bits = 0; bits < (1u << m); ++bits) {
    if (static_cast<size_t>(__builtin_popcount(bits)) != small) continue;
    if (2 * small == m && (bits & 1u)) continue;  // equal halves: each split once
    std::vector<size_t> a, b;
    for (size_t i = 0; i < m; ++i) ((bits >> i) & 1u ? a : b).push_back(i);
    double intra = 0;
    for (const auto* g : {&a, &b})
      for (size_t x = 0; x < g->size(); ++x)
        for (size_t y = x + 1; y < g->size(); ++y) intra += s.matrix[(*g)[x]][(*g)[y]];
    if (!found || intra > best.intra) {
      found = true;
      best.intra = intra;
      best.a.clear();
      best.b.clear();
      for (size_t i : a) best.a.push_back(s.ops[i]);
      for (size_t i : b) best.b.push_back(s.ops[i]);
    }
  }
  best.total = total;
  return best;
}

EdgeSense parseEdgeSense(const std::string& name) {
  if (name == "paper") return EdgeSense::Paper;
  if (name == "code") return EdgeSense::Code;
  throw Error(ErrorCode::InvalidArgument, "unknown '" + name + "' (paper, code)", "edge_sense");
}

double edgeScore(const Partition& p, EdgeSense sense) {
  return sense == EdgeSense::Paper ? p.intra : p.total - p.intra;
}

}  // namespace nas::naslid
