#pragma once
// Supernet-estimated accuracy of a generated architecture, for the live panel: the job's
// trained supernet runs the architecture's single path (inherited weights, BN recalibrated
// on a few training batches as the evaluate phase does) over a small fixed held-out set,
// the first `evalImages` test images of the job's dataset. Everything heavy (supernet,
// images) is loaded on the first call, on the caller's thread, so opening a generator stays
// fast; answers are cached per canonical string. Meant for one worker thread; a mutex makes
// a second caller wait rather than race.
#include <map>
#include <mutex>
#include <string>

#include "SgnasSupernetTraining.h"
#include "common/Json.h"

namespace nas::sgnas {

struct EstimatorSource {
  SgnasSpace space;
  std::string supernetBytes;  // artifact "supernet"/"supernet"
  std::string dataset, dataDir;
  std::int64_t evalImages = 500;
  std::uint64_t seed = 0;
};

class SgnasSupernetEstimator {
 public:
  explicit SgnasSupernetEstimator(EstimatorSource source);
  // {"accuracy": 0..1, "images": N, "dataset", "source": "supernet", "cached": bool}.
  // Throws Error (ParseError for a string that is not an architecture of the space).
  Json estimate(const std::string& canonical);

 private:
  void loadOnce();

  EstimatorSource src_;
  std::mutex mutex_;
  bool loaded_ = false;
  SgnasSupernet net_{nullptr};
  ImageDataset eval_, calibration_;
  Normalization norm_;
  std::map<std::string, double> cache_;
};

}  // namespace nas::sgnas
