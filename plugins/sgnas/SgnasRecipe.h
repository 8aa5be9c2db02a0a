#pragma once
// The two recipes of the "sgnas" job (parameter `recipe`):
//   studio: this project's defaults (the schema's), tuned on the Fashion-MNIST space;
//   paper:  the paper and its official code (eric8607242/SGNAS): soft-probability FLOPs in the
//           hc loss, the error in range units with alpha 3e-4/MFLOPs^2 rescaled to the range,
//           one target per step with all the step's images, no constraint-only targets,
//           argmax decoding, model selection by the total hc loss on the grid, 50 generator
//           epochs, supernet expansions {2..G} with any e groups active.
// Torch-free, so the tests can read the table. plugins/sgnas/README.md lists each entry with
// its reason and measured effect.
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas::sgnas {

struct RecipeEntry {
  std::string key;
  Json paper;       // the paper's / official code's value
  std::string why;  // where the paper's value comes from
};
// Every parameter on which the recipes differ (studio = the schema default).
const std::vector<RecipeEntry>& paperRecipe();

// `resolved`: parameters with defaults filled in (ParamSchema::resolve). With recipe = paper,
// each entry of paperRecipe() whose value still equals the studio default takes the paper's
// value (a job's stored parameters are already resolved, so "left at the default" is the only
// way to tell an untouched setting). recipe = studio returns `resolved` unchanged.
// `studioDefaults`: the schema's defaults ({key: value}).
Json applyRecipe(const Json& resolved, const Json& studioDefaults);

}  // namespace nas::sgnas
