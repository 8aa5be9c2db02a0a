#pragma once
// Genotype JSON: one architecture of a workspace as a file another workspace imports again.
//   {"format": "nasstudio-genotype", "version": 1,
//    "space": "nb201", "string": "<canonical>", "encoding": {<the space's own form>},
//    "costs": {"flops": F, "params": P},
//    "metrics": [{"metric", "value", "dataset", "source", "job": <index into provenance.jobs or null>}],
//    "provenance": {"jobs": [{"uid", "job", "method", "status", "dataset", "seed", "workspace"}]}}
// Metrics and jobs are sorted, so equal content gives equal text. Importing keeps everything:
// the architecture (space, string, costs), each metric as an evaluation, and the provenance in
// a finished job of method "import" that the evaluations point to; exporting again from the
// other workspace gives the same JSON (lossless round trip). No torch, no Qt.
#include <functional>
#include <optional>
#include <string>

#include "common/Json.h"
#include "store/Records.h"

namespace nas {

class Workspace;

inline constexpr const char* kGenotypeFormat = "nasstudio-genotype";
inline constexpr int kGenotypeVersion = 1;

// `encoding`: the space's form (NetworkExporter::encoding), or null where none is known.
Json genotypeJson(const Workspace& ws, const ArchitectureRecord& arch, const Json& encoding);

struct GenotypeImport {
  ArchId archId = 0;
  std::string space, canonical;
  bool architectureAdded = false;  // false: it was in the workspace already
  int evaluationsAdded = 0;        // metrics not already there (re-importing adds none)
  std::optional<JobId> importJob;  // the "import" job holding the provenance, when one was made
};

// Checks the document (format, version, fields; ParseError naming the field) and writes it in
// one transaction. `checkString(space, string)` validates the architecture string (an
// exporter's encoding()); it throws for a string of another space. `fileName` goes into the
// import job's spec.
GenotypeImport importGenotype(Workspace& ws, const Json& doc, const std::string& fileName,
                              const std::function<void(const std::string&, const std::string&)>& checkString);

}  // namespace nas
