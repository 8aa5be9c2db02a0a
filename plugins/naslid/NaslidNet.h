#pragma once
// NAS-LID's network is core's weight-sharing NB201 supernet (nn/Nb201Supernet.h), whose block
// hook hands out every block's output (the 3N cells and the 2 reduction blocks, in depth order)
// as it is produced: what a LID profile is computed from. The aliases keep the plugin's names.
#include <torch/nn/modules/batchnorm.h>

#include <vector>

#include "nn/Nb201Supernet.h"

namespace nas::naslid {

using NaslidNetImpl = Nb201SupernetImpl;
using NaslidNet = Nb201Supernet;

// Copies every parameter and buffer (a sub-supernet inherits its parent's weights).
void copyState(const NaslidNetImpl& from, NaslidNetImpl& to);

// All BatchNorm modules of a network (for recalibration and for frozen statistics).
std::vector<torch::nn::BatchNorm2dImpl*> batchNorms(torch::nn::Module& net);

}  // namespace nas::naslid
