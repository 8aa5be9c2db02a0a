#include "NaslidNet.h"

#include <torch/torch.h>

namespace nas::naslid {

void copyState(const NaslidNetImpl& from, NaslidNetImpl& to) { copyNamedState(from, to); }

std::vector<torch::nn::BatchNorm2dImpl*> batchNorms(torch::nn::Module& net) {
  std::vector<torch::nn::BatchNorm2dImpl*> bns;
  for (const auto& m : net.modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) bns.push_back(bn);
  return bns;
}

}  // namespace nas::naslid
