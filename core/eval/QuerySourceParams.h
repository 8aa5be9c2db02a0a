#pragma once
// The query-source configs from a search job's resolved parameters, so a job (the "agnet" job's
// source=supernet|scratch) needs no field-by-field glue. Keys, as the agnet job's schema names
// them; an absent key keeps the config's default:
//   dataset, data_dir, train_limit, eval_images (held-out images), seed,
//   channels, cells, batch_size_train, train_lr, device,
//   supernet_epochs (supernet) / epochs (scratch), bn, bn_batches (supernet).
// The result is validated; an Error names the job parameter ("parameter 'eval_images'").
#include "common/Json.h"
#include "eval/QuerySources.h"

namespace nas {

SupernetSourceConfig supernetSourceConfig(const Json& params);
ScratchSourceConfig scratchSourceConfig(const Json& params);

}  // namespace nas
