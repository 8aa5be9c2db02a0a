// The SGNAS generator network, Gumbel-softmax sampling and argmax decoding.
#include "SgnasGenerator.h"

#include <torch/torch.h>

#include <cmath>

#include "common/Error.h"

namespace nas::sgnas {
namespace {

namespace nn = torch::nn;

nn::Sequential convRelu(int cin, int cout, int n) {
  nn::Sequential s;
  for (int i = 0; i < n; ++i) {
    s->push_back(nn::Conv2d(nn::Conv2dOptions(i == 0 ? cin : cout, cout, 3).padding(1).bias(false)));
    s->push_back(nn::ReLU());
  }
  return s;
}

}  // namespace

Json GeneratorConfig::toJson() const {
  return {{"layers", layers}, {"groups", groups}, {"constraints", constraints}, {"hidden", hidden}, {"hc_repeat", hcRepeat},
          {"decode_samples", decodeSamples}, {"decode_tolerance", decodeTolerance}};
}

GeneratorConfig GeneratorConfig::fromJson(const Json& j) {
  try {
    GeneratorConfig c;
    c.layers = j.at("layers").get<int>();
    c.groups = j.at("groups").get<int>();
    c.constraints = j.at("constraints").get<int>();
    c.hidden = j.at("hidden").get<int>();
    c.hcRepeat = j.at("hc_repeat").get<int>();
    c.decodeSamples = j.value("decode_samples", 0);
    c.decodeTolerance = j.value("decode_tolerance", 0.0);
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ParseError, std::string("malformed generator config: ") + e.what(), "sgnas generator");
  }
}

SgnasGeneratorImpl::SgnasGeneratorImpl(const GeneratorConfig& c) : config_(c) {
  const int n = c.hidden;
  hcHead_ = register_module("hc_head", convRelu(2 * c.constraints * c.hcRepeat, n, 3));
  priorHead_ = register_module("prior_head", convRelu(1, n, 2));
  head_ = register_module("head", convRelu(n, n, 1));
  body_ = register_module("body", convRelu(n, n, 3));
  tail_ = register_module("tail", nn::Conv2d(nn::Conv2dOptions(n, 1, 3).padding(1)));
  torch::NoGradGuard ng;
  for (auto& m : modules(false))
    if (auto* conv = m->as<nn::Conv2dImpl>()) {
      const double fanOut = 9.0 * static_cast<double>(conv->options.out_channels());
      conv->weight.normal_(0.0, std::sqrt(2.0 / fanOut));
      if (conv->bias.defined()) conv->bias.zero_();
    }
  skipMask_ = register_buffer("skip_mask", torch::zeros({1, 1, c.groups, kNumChoices}, torch::kBool));
  skipMask_.index_put_({0, 0, 0, kNumChoices - 1}, true);
}

torch::Tensor SgnasGeneratorImpl::forward(const torch::Tensor& prior, const torch::Tensor& cond) {
  const std::int64_t N = prior.size(0), L = config_.layers, W = config_.groups * kNumChoices;
  TORCH_CHECK(prior.dim() == 3 && prior.size(1) == L && prior.size(2) == W, "generator: prior must be [N, L, G*4]");
  TORCH_CHECK(cond.dim() == 2 && cond.size(0) == N && cond.size(1) == 2 * config_.constraints,
              "generator: condition must be [N, 2K]");
  const torch::Tensor c = cond.repeat_interleave(config_.hcRepeat, 1).view({N, -1, 1, 1}).expand({N, -1, L, W});
  const torch::Tensor p = priorHead_->forward(prior.unsqueeze(1)) + hcHead_->forward(c);
  const torch::Tensor y = body_->forward(head_->forward(p)) + p;
  return tail_->forward(y).view({N, L, config_.groups, kNumChoices}).masked_fill(skipMask_, -INFINITY);
}

torch::Tensor gumbelSoftmax(const torch::Tensor& logits, double tau) {
  const torch::Tensor u = torch::rand_like(logits).clamp(1e-10, 1.0 - 1e-7);
  const torch::Tensor g = -torch::log(-torch::log(u));
  return torch::softmax((logits + g) / tau, -1);
}

SgnasArch decodeArgmax(const torch::Tensor& logits) {
  TORCH_CHECK(logits.dim() == 3 && logits.size(2) == kNumChoices, "decode: logits must be [L, G, 4]");
  const torch::Tensor idx = logits.detach().argmax(-1).to(torch::kCPU, torch::kLong).contiguous();
  const auto* v = idx.data_ptr<std::int64_t>();
  SgnasArch arch;
  for (std::int64_t l = 0; l < idx.size(0); ++l) {
    std::vector<Choice> g;
    for (std::int64_t b = 0; b < idx.size(1); ++b) g.push_back(static_cast<Choice>(v[l * idx.size(1) + b]));
    arch.choices.push_back(std::move(g));
  }
  return arch;
}

torch::Tensor archProbabilities(const SgnasArch& arch) {
  const auto L = static_cast<std::int64_t>(arch.choices.size());
  const auto G = L ? static_cast<std::int64_t>(arch.choices[0].size()) : 0;
  torch::Tensor p = torch::zeros({L, G, kNumChoices});
  for (std::int64_t l = 0; l < L; ++l)
    for (std::int64_t g = 0; g < G; ++g)
      p.index_put_({l, g, static_cast<int>(arch.choices[static_cast<size_t>(l)][static_cast<size_t>(g)])}, 1.0);
  return p;
}

}  // namespace nas::sgnas
