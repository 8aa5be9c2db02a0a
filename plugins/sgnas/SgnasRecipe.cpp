// The paper recipe's parameter table and its application.
#include "SgnasRecipe.h"

#include "common/Error.h"

namespace nas::sgnas {

const std::vector<RecipeEntry>& paperRecipe() {
  // alpha: the paper's 3e-4 per MFLOPs^2 on its [270, 450] M range, i.e. 3e-4 x 180^2 = 9.72
  // per (range fraction)^2; tolerance: its 0.1 MFLOPs = 0.1/180 of the range.
  static const std::vector<RecipeEntry> table = {
      {"straight_through", false, "cal_hc_loss on lookup_table.get_model_flops(gumbel probabilities)"},
      {"hc_error", "range", "the error in MFLOPs, a fixed unit over the range"},
      {"alpha", 3e-4 * 180.0 * 180.0, "alpha 3e-4 per MFLOPs^2 over a 180 M range"},
      {"tolerance", 0.1 / 180.0, "no penalty within 0.1 MFLOPs"},
      {"targets_per_step", 1, "_generator_training_step: one target per batch"},
      {"hc_targets_per_step", 0, "no constraint-only targets"},
      {"decode_samples", 0, "get_validation_arch_param: softmax + argmax per group"},
      {"selection_images", 0, "the generator with the lowest total hc loss on the grid is kept"},
      {"selection_max_error", 0.0, "no error bound on the kept generator"},
      {"generator_epochs", 50, "search_epochs 50 (tau 5 x 0.95 per epoch)"},
      {"min_expansion", 2, "min_expansion 2: e cycles through {2..6}"},
      {"supernet_group0_active", false, "MPDBlock.set_training_order: any e of the 6 groups"},
  };
  return table;
}

Json applyRecipe(const Json& resolved, const Json& studioDefaults) {
  const std::string recipe = resolved.value("recipe", std::string("studio"));
  if (recipe == "studio") return resolved;
  if (recipe != "paper") throw Error(ErrorCode::InvalidArgument, "must be paper or studio, not '" + recipe + "'", "recipe");
  Json out = resolved;
  for (const auto& e : paperRecipe()) {
    if (!studioDefaults.contains(e.key)) throw Error(ErrorCode::Internal, "paper recipe names unknown parameter", e.key);
    if (!out.contains(e.key) || out[e.key] == studioDefaults[e.key]) out[e.key] = e.paper;
  }
  return out;
}

}  // namespace nas::sgnas
