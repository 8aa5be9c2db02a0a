#include "Lid.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "common/Error.h"

namespace nas::naslid {

torch::Tensor lidPerSample(const torch::Tensor& features, const LidOptions& options) {
  if (!features.defined() || features.dim() < 2)
    throw Error(ErrorCode::InvalidArgument, "must be a batch [n, ...] of at least 2 dimensions", "features");
  const std::int64_t n = features.size(0);
  if (options.k < 1) throw Error(ErrorCode::InvalidArgument, "must be at least 1, got " + std::to_string(options.k), "k");
  if (options.k >= n)
    throw Error(ErrorCode::InvalidArgument,
                "= " + std::to_string(options.k) + " neighbours need a batch of at least " +
                    std::to_string(options.k + 1) + " points, got " + std::to_string(n),
                "k");
  if (!(options.eps >= 0)) throw Error(ErrorCode::InvalidArgument, "must be >= 0", "eps");
  torch::NoGradGuard noGrad;
  // Double precision; duplicates are found exactly (row equality), not from distances.
  const torch::Tensor x = features.detach().flatten(1).to(torch::kDouble);
  if (!torch::isfinite(x).all().item<bool>())
    throw Error(ErrorCode::InvalidArgument, "contain NaN or infinity", "features");
  // Duplicates collapse into one point: the estimate is that of the distinct points, given back
  // to every copy.
  const auto distinct = torch::unique_dim(x, 0, /*sorted=*/true, /*return_inverse=*/true);
  const torch::Tensor& u = std::get<0>(distinct);
  const torch::Tensor& inverse = std::get<1>(distinct);
  const std::int64_t m = u.size(0);
  if (m < 3) return torch::zeros({n}, x.options());  // fewer than 2 distinct neighbours: a point
  const std::int64_t k = std::min<std::int64_t>(options.k, m - 1);
  // Duplicates are gone, so the fast |a|^2 + |b|^2 - 2ab form is safe here: in double its
  // cancellation error is far below any distance between distinct feature vectors.
  torch::Tensor d = torch::cdist(u, u, 2.0, /*compute_mode=*/1);
  d.fill_diagonal_(std::numeric_limits<double>::infinity());  // a point is not its own neighbour
  const torch::Tensor r = std::get<0>(d.topk(k, 1, /*largest=*/false, /*sorted=*/true));
  const torch::Tensor rk = r.select(1, k - 1).unsqueeze(1);
  const torch::Tensor sum = torch::log(r / (rk + options.eps)).sum(1);
  // sum < 0 whenever eps > 0; with eps = 0 and k equal distances it is 0: LID 0 then rather
  // than infinity.
  const torch::Tensor ok = sum < 0;
  const torch::Tensor lid =
      torch::where(ok, -static_cast<double>(k) / torch::where(ok, sum, -torch::ones_like(sum)), torch::zeros_like(sum));
  return lid.index_select(0, inverse);
}

double lidOfBatch(const torch::Tensor& features, const LidOptions& options) {
  return lidPerSample(features, options).mean().item<double>();
}

std::vector<double> lidProfile(const std::vector<torch::Tensor>& blockOutputs, const LidOptions& options) {
  std::vector<double> profile;
  profile.reserve(blockOutputs.size());
  for (const auto& f : blockOutputs) profile.push_back(lidOfBatch(f, options));
  return profile;
}

double cosineSimilarity(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw Error(ErrorCode::InvalidArgument,
                "profiles of different lengths (" + std::to_string(a.size()) + ", " + std::to_string(b.size()) + ")");
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa <= 0 && bb <= 0) return 1.0;  // two all-zero profiles (disconnected paths) are alike
  if (aa <= 0 || bb <= 0) return 0.0;
  return ab / std::sqrt(aa * bb);
}

}  // namespace nas::naslid
