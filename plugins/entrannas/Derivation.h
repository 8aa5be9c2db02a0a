#pragma once
// From architecture parameters to (a) the weights an Engine-cell mixes its ops with and (b) the
// derived cell a Transit-cell runs and the search returns.
//
//  top2 (DARTS' hand-crafted rule, genotype() in DARTS' model_search.py): Engine weights are
//    softmax(alpha) per edge; the derived DARTS cell keeps, per node, the two incoming edges with
//    the largest non-`none` weight, each with its argmax non-`none` op. On the NAS-Bench-201 cell
//    the rule is the benchmark's own DARTS code: per edge the argmax over all five ops, `none`
//    included (so an edge can drop out).
//  dst (EnTranNAS' differentiable sparsification) [reconstruction: the paper's equations were not
//    retrievable; this follows its stated properties]: per node j, the candidate (edge, op != none)
//    pairs get a = softmax over all of node j's candidates, a threshold t_j = sigmoid(theta_j) *
//    max(a) (learnable theta_j, kept below the max so at least one input survives) and weights
//    w = relu(a - t_j) / sum relu(a - t_j). Zero weights remove the connection from the Engine-cell
//    itself, and the derived cell is exactly the set of non-zero weights, so search graph =
//    derived graph; a node keeps any number of inputs (topology search). On the NAS-Bench-201
//    cell, which holds one op per edge, only each edge's strongest candidate may survive (mask
//    before the threshold).
#include <torch/types.h>

#include <string>

#include "CellSpace.h"

namespace nas::entrannas {

enum class Derivation { Top2, Dst };
Derivation derivationFromName(const std::string& name);  // "top2", "dst"
const char* derivationName(Derivation d);

// alpha: [E, K]; theta: [nodes] (dst only; may be undefined for top2). Differentiable in both.
torch::Tensor engineWeights(const CellSpec& spec, const torch::Tensor& alpha, const torch::Tensor& theta,
                            Derivation d);
// The derived cell of the current parameters (no gradient).
ActiveOps deriveCell(const CellSpec& spec, const torch::Tensor& alpha, const torch::Tensor& theta, Derivation d);
// The (edge, op != none) pairs whose weight is not exactly zero.
ActiveOps nonZeroOps(const CellSpec& spec, const torch::Tensor& weights);

}  // namespace nas::entrannas
