#pragma once
// Checks of a job's parameters that the schema cannot make (issue 21): a file or folder that
// does not exist, an architecture string the core parser rejects. Run by the New Job form before
// the job is created, so a typo is an inline message rather than a job that fails minutes later.
// Uses the core's torch-free parsers only.

#include <QString>

#include "common/Json.h"

namespace nas {
class ParamSchema;
}

namespace nas::ui {

// The first problem with `params` (resolved: every key present), as "<Label>: <reason>", or "".
QString checkJobInputs(const nas::ParamSchema& schema, const nas::Json& params);

}  // namespace nas::ui
