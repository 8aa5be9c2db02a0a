#include "data/SyntheticDataset.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "data/Rng.h"

namespace nas {

ImageDataset makeSyntheticDataset(const SyntheticOptions& o) {
  if (o.size <= 0 || o.channels <= 0 || o.height <= 0 || o.width <= 0 || o.classes < 2)
    throw Error(ErrorCode::InvalidArgument, "synthetic set needs size, channels, height, width > 0 and >= 2 classes");
  ImageDataset ds;
  ds.name = "synthetic";
  ds.classes = o.classes;
  ds.images = torch::empty({o.size, o.channels, o.height, o.width}, torch::kUInt8);
  ds.labels = torch::empty({o.size}, torch::kLong);
  auto* px = ds.images.data_ptr<std::uint8_t>();
  auto* lb = ds.labels.data_ptr<std::int64_t>();
  Rng rng(Rng::derive(o.seed, 0x5157));
  const double pi = 3.141592653589793;
  for (std::int64_t i = 0; i < o.size; ++i) {
    const std::int64_t k = i % o.classes;
    lb[i] = k;
    const double mean = 0.2 + 0.6 * static_cast<double>(k) / static_cast<double>(o.classes - 1);
    const double theta = pi * static_cast<double>(k) / static_cast<double>(o.classes);
    const double freq = 2.0 * pi * 2.0 / static_cast<double>(o.width);  // two stripes per image
    for (std::int64_t c = 0; c < o.channels; ++c)
      for (std::int64_t y = 0; y < o.height; ++y)
        for (std::int64_t x = 0; x < o.width; ++x) {
          double v = mean + 0.2 * std::sin(freq * (x * std::cos(theta) + y * std::sin(theta)) + 0.7 * c);
          v += o.noise * rng.normal();
          v = std::clamp(v, 0.0, 1.0);
          *px++ = static_cast<std::uint8_t>(std::lround(v * 255.0));
        }
  }
  return ds;
}

}  // namespace nas
