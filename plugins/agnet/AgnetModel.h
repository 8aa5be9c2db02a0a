#pragma once
// AG-Net's generator and predictor (Lukasik et al., ECCV 2022; structure and sizes from the
// paper's public code, written anew here): a sequential GNN decoder that grows the 8-node
// graph of a NAS-Bench-201 cell from a latent vector z, node by node, and an MLP that
// predicts the accuracy from the generated graph's logits. There is no encoder: training
// pairs random z with real graphs (reconstruction loss) and, in the search, with the
// queried cells (rank-weighted reconstruction + prediction loss).

#include <torch/torch.h>

#include <array>
#include <optional>
#include <vector>

#include "AgnetEncoding.h"

namespace nas::agnet {

struct ModelConfig {
  int nodeDim = 32;         // node embedding (node_embedding_dim)
  int graphDim = 32;        // graph embedding and latent size (graph_embedding_dim)
  int gnnLayers = 2;        // per direction (gnn_iteration_layers)
  int regressionLayers = 4; // predictor hidden layers (num_regression_layers)
};

struct DecodeOutput {
  torch::Tensor nodeLogits;  // [B, 8, 7]; node 0 is 20 * onehot(input)
  torch::Tensor edgeLogits;  // [B, 28] in edgeSlot order; the edge 0->1 is fixed at 20
  torch::Tensor graph() const;  // [B, 84]: node logits flattened, then edge logits
};

class GeneratorImpl : public torch::nn::Module {
 public:
  explicit GeneratorImpl(const ModelConfig& config = {});
  const ModelConfig& config() const { return config_; }
  int latentDim() const { return config_.graphDim; }

  // z: [B, latentDim]. Each step runs the GNN on the partial graph, adds a node (type logits
  // from [h_G, z]) and scores an edge from every existing node to it; edges with a logit
  // above 0.5 join the partial graph for the next step.
  DecodeOutput decode(const torch::Tensor& z);
  // Predicted (scaled) accuracy from the generated graph, [B].
  torch::Tensor predict(const DecodeOutput& out);

  // Copies every parameter of `other` (same config) into this module.
  void copyFrom(const GeneratorImpl& other);

 private:
  torch::Tensor gnn(torch::Tensor h, const torch::Tensor& adj);
  torch::Tensor gatedSum(const torch::Tensor& h, torch::nn::Linear& f, torch::nn::Linear& g);
  torch::Tensor nodeEmbedding(const torch::Tensor& typeScores);

  ModelConfig config_;
  // GNN: message Linear(nd -> nd) on [h_src, h_dst] (halves), GRUCell(nd -> nd/2), forward and
  // reversed-edge passes on the two halves.
  std::vector<torch::nn::Linear> fwdMsg_, bwdMsg_;
  std::vector<torch::nn::GRUCell> fwdUpd_, bwdUpd_;
  torch::nn::Linear graphF_{nullptr}, graphG_{nullptr}, initF_{nullptr}, initG_{nullptr};
  torch::nn::Linear addA_{nullptr}, addB_{nullptr};             // node type logits
  torch::nn::Linear embA_{nullptr}, embB_{nullptr};             // node type scores -> embedding
  torch::nn::Linear newA_{nullptr}, newB_{nullptr};             // new node state
  torch::nn::Linear startA_{nullptr}, startB_{nullptr};         // input node state
  torch::nn::Linear edgeA_{nullptr}, edgeB_{nullptr};           // edge logits
  std::vector<torch::nn::Linear> predictor_;
};
TORCH_MODULE(Generator);

// Reconstruction loss per instance: mean node-type cross entropy + mean edge BCE, [B].
// types: [B, 8] int64, edges: [B, 28] float.
torch::Tensor reconstructionLoss(const DecodeOutput& out, const torch::Tensor& types, const torch::Tensor& edges);

// Targets of a batch of cells: types [B, 8] int64 and edges [B, 28] float.
std::pair<torch::Tensor, torch::Tensor> cellTargets(const std::vector<Nb201Cell>& cells);

// Discrete graphs from the logits: node types ~ Categorical (node 7 forced to output),
// truncated after the first output node; edges ~ Bernoulli(sigmoid). A cell per row, or
// nullopt when the sample does not have the cell's shape.
std::vector<std::optional<Nb201Cell>> sampleCells(const DecodeOutput& out, at::Generator& gen);

}  // namespace nas::agnet
