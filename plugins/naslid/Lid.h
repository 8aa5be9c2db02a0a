#pragma once
// Local intrinsic dimension (LID): the maximum-likelihood estimate of Levina & Bickel in the
// form NAS-LID uses (Amsaleg et al.): for a point x with nearest neighbours at distances
// r_1 <= ... <= r_k (x itself excluded),
//     LID(x) = -k / sum_{i=1..k} log(r_i / (r_k + eps)).
// Neighbours are searched within the batch itself (a block's features of one batch).
//
// Numerical rules (documented values, no NaN or infinity ever comes out):
//  - k < 1, or k >= n (fewer than k other points in the batch): Error(InvalidArgument), context "k".
//  - Non-finite features: Error(InvalidArgument), context "features".
//  - Duplicates (identical rows) collapse into one point before the search: a copy of x tells
//    nothing about the dimension around it, and its distance 0 would make log(0) force the
//    estimate to 0. Every copy gets the estimate of its distinct point.
//  - Fewer than 3 distinct points (e.g. a block whose output is the same for every input, as
//    behind a cell whose edges are all `none`): LID 0 for all, locally a point. With fewer
//    than k distinct neighbours the estimate uses all of them (k replaced by their count).
#include <torch/types.h>

#include <vector>

namespace nas::naslid {

struct LidOptions {
  int k = 20;          // neighbours (paper and code: 20)
  double eps = 1e-6;   // added to r_k as in the official code; keeps every log term negative
};

// [n] double: the LID of every row of `features` ([n, ...], flattened per row), any device.
torch::Tensor lidPerSample(const torch::Tensor& features, const LidOptions& options = {});
// Mean over the batch: the block's LID.
double lidOfBatch(const torch::Tensor& features, const LidOptions& options = {});
// One LID per block output (the layer-wise "LID profile").
std::vector<double> lidProfile(const std::vector<torch::Tensor>& blockOutputs, const LidOptions& options = {});

// Cosine similarity of two profiles; 1 when both are all zeros (two paths whose blocks all
// collapse to a point behave alike), 0 when only one is. Throws on a length mismatch.
double cosineSimilarity(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace nas::naslid
