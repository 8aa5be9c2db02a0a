#pragma once
// GraphForm as JSON, for the CLI's --json output and live generators (which hand their
// architecture's drawing to generic views without knowing the search space):
//   {"space": "...", "nodes": [{"id", "label", "role"}], "edges": [{"from", "to", "op", "label", "active"[, "weight"]}]}
// "weight" (optional, in [0, 1]): how strongly a search holds the edge; views draw width by it.
#include "common/Json.h"
#include "searchspace/GraphForm.h"

namespace nas {

Json graphFormToJson(const GraphForm& g);
// The inverse; missing or mistyped fields throw Error(ParseError) naming the field.
GraphForm graphFormFromJson(const Json& j);

}  // namespace nas
