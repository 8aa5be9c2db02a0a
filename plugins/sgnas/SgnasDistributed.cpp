// A rank > 0 of a data-parallel sgnas job: the supernet phase only.
#include "SgnasDistributed.h"

#include <torch/torch.h>

#include "SgnasMethod.h"
#include "SgnasRun.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "train/DistGroup.h"

namespace nas::sgnas {

void followSgnasJob(const Json& message, const std::shared_ptr<DistGroup>& group) {
  const std::string phase = jsonValue<std::string>(message, "phase", "");
  if (phase != "supernet")
    throw Error(ErrorCode::Unsupported, "unknown sgnas phase '" + phase + "'", "rank 0's job");
  const SgnasMethod method;
  const SgnasJob job(method.schema(), message.at("params"));  // sets the torch threads as rank 0's
  // What loadData gives rank 0 for this phase: the training images of the held-out split.
  const ImageDataset all = loadImageDataset(job.dataset, job.dataDir, true).head(job.trainLimit);
  const SgnasSpace space = spacePreset(job.preset, static_cast<int>(all.classes));
  const TrainValSplit split = splitTrainVal(all, job.valFraction, job.seed);
  const Normalization norm = datasetNormalization(job.dataset, all.channels());
  torch::manual_seed(job.seed);  // as rank 0; its weights replace these in the trainer anyway
  SgnasSupernet net(space);
  SupernetTrainOptions so = job.supernet;
  so.device = torch::kCPU;  // Gloo
  so.group = group;
  SupernetTrainer trainer(net, split.train, norm, so);  // takes rank 0's weights
  const std::string state = group->broadcastBytes({});
  if (!state.empty()) trainer.restore(state);
  while (!trainer.done()) {
    // Rank 0's cancel, with the step before (followDistributedJob ends this rank quietly).
    if (stopBeforeStep(group.get(), false))
      throw Error(ErrorCode::Cancelled, "sgnas supernet training stopped by rank 0 at step " +
                                            std::to_string(trainer.globalStep()));
    trainer.step();
  }
  parameterSpread(*group, net->parameters());  // rank 0 reports it (SgnasRun::trainSupernet)
}

}  // namespace nas::sgnas
