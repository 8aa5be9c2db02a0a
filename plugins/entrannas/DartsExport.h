#pragma once
// The DARTS-space exporter: a genotype's evaluation network (the one `darts-eval` and a search's
// from-scratch evaluation train: affine BN, bare pools, no feature sharing; the auxiliary head
// is a training device and is not exported) as an export graph, for ONNX, TorchScript and the
// PyTorch module. Weights come from the newest job of the architecture that stored its trained
// evaluation network (artifact "model"/"evaluation", written at the end of every from-scratch
// training in the DARTS space), else from a freshly initialised network of darts-eval's default
// size for Fashion-MNIST (C=16, 8 cells, 1x28x28, 10 classes).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "CellNetwork.h"
#include "export/Exporter.h"

namespace nas::entrannas {

std::unique_ptr<NetworkExporter> makeDartsExporter();

inline constexpr const char* kEvaluationArtifactKind = "model";
inline constexpr const char* kEvaluationArtifactName = "evaluation";

// A trained evaluation network as stored: what it was built with, the image size it was
// trained on (the network itself does not fix it), and its weights (on the CPU).
struct EvaluationNetwork {
  NetConfig config;
  std::vector<ActiveOps> cells;
  std::string genotype;  // canonical text of `cells`
  std::int64_t height = 0, width = 0;
  std::string dataset;
  std::uint64_t seed = 0;
  int epochs = 0;
  CellNetwork net{nullptr};
};

// The artifact's bytes: the network's configuration and genotype as text, its weights copied to
// the CPU (a network trained on a GPU exports on any machine).
std::string evaluationArtifact(CellNetwork& net, const std::vector<ActiveOps>& cells, std::int64_t height,
                               std::int64_t width, const std::string& dataset, std::uint64_t seed, int epochs);
// CorruptData naming `what` when the bytes are not such an artifact or do not fit.
EvaluationNetwork loadEvaluationArtifact(const std::string& bytes, const std::string& what);

// The evaluation network `net` of the DARTS-space cells `cells` (normal, reduce) in eval mode,
// replicating CellNetworkImpl::forward in Transit mode: stem conv + BN; per cell the two
// preprocessed inputs (ReLU-conv1x1-BN, or FactorizedReduce after a reduction cell), each node
// the sum of its ops in edge order, the concatenation of nodes 2..5; global pooling, linear.
ExportGraph dartsGraph(CellNetwork& net, const std::vector<ActiveOps>& cells, std::int64_t height,
                       std::int64_t width, Json metadata);

}  // namespace nas::entrannas
