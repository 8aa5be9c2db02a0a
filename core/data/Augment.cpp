#include "data/Augment.h"

#include <torch/torch.h>

#include <cstring>

#include "common/Error.h"

namespace nas {

torch::Tensor augmentBatch(const torch::Tensor& imagesIn, const AugmentOptions& opt, Rng& rng) {
  if (imagesIn.dim() != 4 || imagesIn.scalar_type() != torch::kUInt8)
    throw Error(ErrorCode::InvalidArgument, "augmentBatch expects uint8 [B,C,H,W]");
  torch::Tensor images = imagesIn.contiguous();
  if (opt.padding <= 0 && !opt.flip) return images.clone();
  const std::int64_t B = images.size(0), C = images.size(1), H = images.size(2), W = images.size(3);
  const int P = std::max(0, opt.padding);
  torch::Tensor out = torch::zeros_like(images);
  const std::uint8_t* src = images.data_ptr<std::uint8_t>();
  std::uint8_t* dst = out.data_ptr<std::uint8_t>();
  // One pass over the bytes: out(y, x) = in(y + dy - P, x' + dx - P) with x' = x or W-1-x,
  // zero where that falls into the padding. Cheaper than pad + slice + flip as tensors.
  for (std::int64_t b = 0; b < B; ++b) {
    const auto dy = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(2 * P + 1))) - P;
    const auto dx = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(2 * P + 1))) - P;
    const bool flip = opt.flip && (rng.next() & 1u);
    for (std::int64_t c = 0; c < C; ++c) {
      const std::uint8_t* s = src + (b * C + c) * H * W;
      std::uint8_t* d = dst + (b * C + c) * H * W;
      for (std::int64_t y = 0; y < H; ++y) {
        const std::int64_t sy = y + dy;
        if (sy < 0 || sy >= H) continue;
        const std::uint8_t* srow = s + sy * W;
        std::uint8_t* drow = d + y * W;
        if (!flip) {
          const std::int64_t x0 = std::max<std::int64_t>(0, -dx), x1 = std::min<std::int64_t>(W, W - dx);
          if (x1 > x0) std::memcpy(drow + x0, srow + x0 + dx, static_cast<size_t>(x1 - x0));
        } else {
          for (std::int64_t x = 0; x < W; ++x) {
            const std::int64_t sx = (W - 1 - x) + dx;
            if (sx >= 0 && sx < W) drow[x] = srow[sx];
          }
        }
      }
    }
  }
  return out;
}

namespace {

// [1, C, 1, 1] float constants filled where the images are: a tensor built on the host and
// copied to a GPU would make every batch wait for that copy (a host synchronisation).
torch::Tensor channelConstants(const std::vector<float>& values, const torch::Device& device) {
  const auto C = static_cast<std::int64_t>(values.size());
  torch::Tensor t = torch::empty({1, C, 1, 1}, torch::TensorOptions().dtype(torch::kFloat).device(device));
  for (std::int64_t c = 0; c < C; ++c) t.select(1, c).fill_(values[static_cast<std::size_t>(c)]);
  return t;
}

}  // namespace

torch::Tensor normalizeBatch(const torch::Tensor& images, const Normalization& norm) {
  const std::int64_t C = images.size(1);
  if (static_cast<std::int64_t>(norm.mean.size()) != C || static_cast<std::int64_t>(norm.std.size()) != C)
    throw Error(ErrorCode::InvalidArgument, "normalisation has " + std::to_string(norm.mean.size()) +
                                                " channels, images have " + std::to_string(C));
  const torch::Tensor mean = channelConstants(norm.mean, images.device());
  const torch::Tensor stdv = channelConstants(norm.std, images.device());
  return images.to(torch::kFloat).div_(255.0f).sub_(mean).div_(stdv);
}

}  // namespace nas
