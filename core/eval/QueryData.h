#pragma once
// Internals of the query sources (QuerySources.h) shared by their translation units: the
// held-out split both sources score on, and what a supernet state records about its config.
#include <string>

#include "common/Error.h"
#include "common/Json.h"
#include "data/ImageDataset.h"
#include "eval/QuerySources.h"

namespace nas {

struct QueryData {
  ImageDataset train;  // what is trained on (and, for the supernet, BN recalibration)
  ImageDataset val;    // what queries score on; never trained on
  Normalization norm;  // the data set's usual constants, as the Trainer uses them
};

// Checks `config`, loads the data set's training images and splits them (see QueryDataConfig).
QueryData loadQueryData(const QueryDataConfig& config);
void validateDataConfig(const QueryDataConfig& config);

// The config fields a supernet state depends on, written into its checkpoint.
Json supernetStateInfo(const SupernetSourceConfig& config, bool finished);
// Throws `code` naming the first field of `info` that differs from `config`; with
// trainingToo=false only the data and macro fields are compared (a source does not care how
// long the supernet was trained, only that it fits this network and this split).
void checkSupernetStateInfo(const Json& info, const SupernetSourceConfig& config, bool trainingToo, ErrorCode code);

}  // namespace nas
