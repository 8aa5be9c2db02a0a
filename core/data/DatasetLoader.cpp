#include "data/DatasetLoader.h"

#include "common/Error.h"
#include "data/Cifar10.h"
#include "data/FashionMnist.h"
#include "data/SyntheticDataset.h"

namespace nas {

std::vector<std::string> imageDatasetNames() { return {"fashion-mnist", "cifar10", "synthetic"}; }

ImageDataset loadImageDataset(const std::string& name, const std::string& dir, bool train) {
  if (name == "fashion-mnist") return loadFashionMnist(dir, train);
  if (name == "cifar10") return loadCifar10(dir, train);
  if (name == "synthetic") {
    SyntheticOptions o;
    o.size = train ? 1024 : 256;
    o.channels = 1;
    o.height = o.width = 16;
    o.classes = 4;
    o.seed = train ? 1 : 2;
    return makeSyntheticDataset(o);
  }
  throw Error(ErrorCode::InvalidArgument, "unknown data set; known: fashion-mnist, cifar10, synthetic",
              "dataset '" + name + "'");
}

}  // namespace nas
