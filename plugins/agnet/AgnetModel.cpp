#include "AgnetModel.h"

namespace nas::agnet {

namespace F = torch::nn::functional;

torch::Tensor DecodeOutput::graph() const {
  return torch::cat({nodeLogits.reshape({nodeLogits.size(0), kNodes * kNodeTypes}), edgeLogits}, 1);
}

GeneratorImpl::GeneratorImpl(const ModelConfig& config) : config_(config) {
  const int nd = config.nodeDim, gd = config.graphDim;
  using torch::nn::Linear;
  for (int l = 0; l < config.gnnLayers; ++l) {
    fwdMsg_.push_back(register_module("fwd_msg" + std::to_string(l), Linear(nd, nd)));
    fwdUpd_.push_back(register_module("fwd_upd" + std::to_string(l), torch::nn::GRUCell(nd, nd / 2)));
    bwdMsg_.push_back(register_module("bwd_msg" + std::to_string(l), Linear(nd, nd)));
    bwdUpd_.push_back(register_module("bwd_upd" + std::to_string(l), torch::nn::GRUCell(nd, nd / 2)));
  }
  graphF_ = register_module("graph_f", Linear(nd, gd));
  graphG_ = register_module("graph_g", Linear(nd, 1));
  initF_ = register_module("init_f", Linear(nd, gd));
  initG_ = register_module("init_g", Linear(nd, 1));
  addA_ = register_module("add_a", Linear(2 * gd, gd));
  addB_ = register_module("add_b", Linear(gd, kNodeTypes));
  embA_ = register_module("emb_a", Linear(kNodeTypes, nd));
  embB_ = register_module("emb_b", Linear(nd, nd));
  newA_ = register_module("new_a", Linear(nd + 2 * gd, nd + gd));
  newB_ = register_module("new_b", Linear(nd + gd, nd));
  startA_ = register_module("start_a", Linear(nd + gd, nd + gd));
  startB_ = register_module("start_b", Linear(nd + gd, nd));
  edgeA_ = register_module("edge_a", Linear(2 * nd + 2 * gd, nd + gd));
  edgeB_ = register_module("edge_b", Linear(nd + gd, 1));
  for (int l = 0; l < config.regressionLayers; ++l)
    predictor_.push_back(register_module("pred" + std::to_string(l), Linear(kGraphVector, kGraphVector)));
  predictor_.push_back(register_module("pred_out", Linear(kGraphVector, 1)));
}

// One message-passing direction: for every edge u->v (adj[b][u][v] = 1) the message
// Linear([h_u, h_v]) is summed at v, then a GRU cell updates every node. Dense form: the
// linear map splits into a source part (aggregated through the adjacency) and a target
// part (times the in-degree).
static torch::Tensor passDirection(torch::Tensor x, const torch::Tensor& adj, std::vector<torch::nn::Linear>& msg,
                                   std::vector<torch::nn::GRUCell>& upd) {
  const int64_t B = x.size(0), n = x.size(1), half = x.size(2);
  const torch::Tensor adjT = adj.transpose(1, 2);
  const torch::Tensor inDeg = adj.sum(1).unsqueeze(-1);  // [B, n, 1]
  for (size_t l = 0; l < msg.size(); ++l) {
    const torch::Tensor& w = msg[l]->weight;  // [2h, 2h] acting on [h_src, h_dst]
    const torch::Tensor src = torch::matmul(x, w.narrow(1, 0, half).t());
    const torch::Tensor dst = torch::matmul(x, w.narrow(1, half, half).t()) + msg[l]->bias;
    const torch::Tensor agg = torch::bmm(adjT, src) + inDeg * dst;
    x = upd[l]->forward(agg.reshape({B * n, 2 * half}), x.reshape({B * n, half})).reshape({B, n, half});
  }
  return x;
}

torch::Tensor GeneratorImpl::gnn(torch::Tensor h, const torch::Tensor& adj) {
  const int64_t half = config_.nodeDim / 2;
  torch::Tensor f = passDirection(h.narrow(2, 0, half), adj, fwdMsg_, fwdUpd_);
  torch::Tensor b = passDirection(h.narrow(2, half, half), adj.transpose(1, 2), bwdMsg_, bwdUpd_);
  return torch::cat({f, b}, 2);
}

torch::Tensor GeneratorImpl::gatedSum(const torch::Tensor& h, torch::nn::Linear& f, torch::nn::Linear& g) {
  return (torch::sigmoid(g->forward(h)) * f->forward(h)).sum(1);
}

torch::Tensor GeneratorImpl::nodeEmbedding(const torch::Tensor& typeScores) {
  return embB_->forward(torch::relu(embA_->forward(typeScores)));
}

DecodeOutput GeneratorImpl::decode(const torch::Tensor& z) {
  const int64_t B = z.size(0);
  const auto opts = z.options();
  const torch::Tensor inputScores = torch::zeros({B, kNodeTypes}, opts).index_fill_(1, torch::tensor({int64_t(kInput)}), 20.0);
  const torch::Tensor inputOneHot = inputScores / 20.0;
  torch::Tensor h0 = startB_->forward(torch::relu(startA_->forward(torch::cat({nodeEmbedding(inputOneHot), z}, 1))));
  torch::Tensor h = h0.unsqueeze(1);  // [B, n, nd]
  std::vector<torch::Tensor> nodeScores{inputScores};
  std::vector<torch::Tensor> edgeScores;
  torch::Tensor adj = torch::zeros({B, kNodes, kNodes}, opts);  // edges among the nodes so far
  for (int step = 0; step < kNodes - 1; ++step) {
    const int64_t n = step + 1;
    torch::Tensor hG, hGInit;
    if (n == 1) {
      hG = graphF_->forward(h0);
      hGInit = initF_->forward(h0);
    } else {
      h = gnn(h, adj.narrow(1, 0, n).narrow(2, 0, n));
      hG = gatedSum(h, graphF_, graphG_);
      hGInit = gatedSum(h, initF_, initG_);
    }
    const torch::Tensor typeScores = addB_->forward(torch::relu(addA_->forward(torch::cat({hG, z}, 1))));
    const torch::Tensor hv =
        newB_->forward(torch::relu(newA_->forward(torch::cat({nodeEmbedding(typeScores), hGInit, z}, 1))));
    torch::Tensor edges;
    if (n == 1) {
      edges = torch::full({B, 1}, 20.0, opts);
    } else {
      const torch::Tensor pairs = torch::cat({h, hv.unsqueeze(1).expand({B, n, hv.size(1)}),
                                              hG.unsqueeze(1).expand({B, n, hG.size(1)}),
                                              z.unsqueeze(1).expand({B, n, z.size(1)})},
                                             2);
      edges = edgeB_->forward(torch::relu(edgeA_->forward(pairs))).squeeze(-1);  // [B, n]
    }
    h = torch::cat({h, hv.unsqueeze(1)}, 1);
    nodeScores.push_back(typeScores);
    edgeScores.push_back(edges);
    // A fresh tensor: the old one is saved for the backward pass of this step's GNN.
    adj = adj.clone();
    adj.select(2, n).narrow(1, 0, n).copy_((edges.detach() > 0.5).to(opts.dtype()));
  }
  return {torch::stack(nodeScores, 1), torch::cat(edgeScores, 1)};
}

torch::Tensor GeneratorImpl::predict(const DecodeOutput& out) {
  torch::Tensor y = out.graph();
  for (size_t l = 0; l + 1 < predictor_.size(); ++l) y = torch::relu(predictor_[l]->forward(y));
  return predictor_.back()->forward(y).squeeze(-1);
}

void GeneratorImpl::copyFrom(const GeneratorImpl& other) {
  torch::NoGradGuard noGrad;
  auto mine = named_parameters(true);
  auto theirs = other.named_parameters(true);
  for (auto& p : theirs) mine[p.key()].copy_(p.value());
}

torch::Tensor reconstructionLoss(const DecodeOutput& out, const torch::Tensor& types, const torch::Tensor& edges) {
  const int64_t B = out.nodeLogits.size(0);
  const torch::Tensor ln =
      F::cross_entropy(out.nodeLogits.reshape({B * kNodes, kNodeTypes}), types.reshape({B * kNodes}),
                       F::CrossEntropyFuncOptions().reduction(torch::kNone))
          .reshape({B, kNodes})
          .mean(1);
  const torch::Tensor le =
      F::binary_cross_entropy_with_logits(out.edgeLogits, edges,
                                          F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone))
          .mean(1);
  return ln + le;
}

std::pair<torch::Tensor, torch::Tensor> cellTargets(const std::vector<Nb201Cell>& cells) {
  const int64_t B = int64_t(cells.size());
  torch::Tensor types = torch::empty({B, kNodes}, torch::kInt64);
  torch::Tensor edges = torch::empty({B, kEdgeSlots}, torch::kFloat32);
  auto t = types.accessor<int64_t, 2>();
  auto e = edges.accessor<float, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const Nb201Graph g = encodeCell(cells[b]);
    for (int n = 0; n < kNodes; ++n) t[b][n] = g.types[n];
    for (int s = 0; s < kEdgeSlots; ++s) e[b][s] = g.edges[s] ? 1.0f : 0.0f;
  }
  return {types, edges};
}

std::vector<std::optional<Nb201Cell>> sampleCells(const DecodeOutput& out, at::Generator& gen) {
  torch::NoGradGuard noGrad;
  const int64_t B = out.nodeLogits.size(0);
  torch::Tensor logits = out.nodeLogits.detach().clone();
  logits.select(1, kNodes - 1).fill_(0.0).select(1, kOutput).fill_(20.0);
  const torch::Tensor probs = torch::softmax(logits.reshape({B * kNodes, kNodeTypes}), 1);
  const torch::Tensor types = torch::multinomial(probs, 1, false, gen).reshape({B, kNodes}).contiguous();
  const torch::Tensor edges = torch::bernoulli(torch::sigmoid(out.edgeLogits.detach()), gen).contiguous();
  auto t = types.accessor<int64_t, 2>();
  auto e = edges.accessor<float, 2>();
  std::vector<std::optional<Nb201Cell>> cells;
  cells.reserve(B);
  for (int64_t b = 0; b < B; ++b) {
    std::vector<int> nodeTypes;
    for (int n = 0; n < kNodes; ++n) {
      nodeTypes.push_back(int(t[b][n]));
      if (t[b][n] == kOutput) break;  // truncate after the first output node
    }
    std::array<bool, kEdgeSlots> sampled{};
    const int kept = int(nodeTypes.size());
    for (int v = 1; v < kept; ++v)
      for (int u = 0; u < v; ++u) sampled[edgeSlot(u, v)] = e[b][edgeSlot(u, v)] > 0.5f;
    cells.push_back(decodeGraph(nodeTypes, sampled));
  }
  return cells;
}

}  // namespace nas::agnet
