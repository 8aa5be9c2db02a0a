#pragma once
// GraphForm as JSON, for the CLI's --json output and live generators (which hand their
// architecture's drawing to generic views without knowing the search space):
//   {"space": "...", "nodes": [{"id", "label", "role"}], "edges": [{"from", "to", "op", "label", "active"}]}
#include "common/Json.h"
#include "searchspace/GraphForm.h"

namespace nas {

Json graphFormToJson(const GraphForm& g);
// The inverse; missing or mistyped fields throw Error(ParseError) naming the field.
GraphForm graphFormFromJson(const Json& j);

}  // namespace nas
