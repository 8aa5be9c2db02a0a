// The DARTS exporter's weights source: a damaged evaluation artifact is an error naming its job
// (not a silent fall-back to initial weights), and an artifact of another genotype is passed over.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "DartsExport.h"
#include "ExportTestSupport.h"
#include "common/Error.h"
#include "searchspace/DartsGenotype.h"

namespace nas::test {
namespace {

std::string canonicalV2() {
  const auto cells = entrannas::parseGenotypeText(entrannas::SpaceKind::Darts, dartsV2Genotype().toString());
  return entrannas::genotypeText(entrannas::SpaceKind::Darts, cells);
}

ArchId withArtifact(Workspace& ws, const std::string& genotype, const std::string& bytes) {
  const JobId job = ws.createJob("darts-eval", Json{{"method", "darts-eval"}, {"params", Json::object()}}.dump());
  ws.setJobStatus(job, JobStatus::Done);
  ws.putArtifact(job, entrannas::kEvaluationArtifactKind, entrannas::kEvaluationArtifactName, bytes);
  const ArchId id = ws.upsertArchitecture("darts", genotype, 1, 1);
  EvaluationRecord e;
  e.archId = id;
  e.jobId = job;
  e.source = "darts-eval";
  e.dataset = "synthetic";
  e.metric = "test_accuracy";
  e.value = 0.5;
  ws.addEvaluation(e);
  return id;
}

TEST(DartsExport, ADamagedEvaluationArtifactIsAnErrorNamingItsJob) {
  TempDir dir;
  auto ws = Workspace::open(dir / "w.db");
  const ArchId id = withArtifact(*ws, canonicalV2(), "not a torch archive");
  try {
    testExporters().forSpace("darts").build(*ws, ws->architecture(id), 0);
    FAIL() << "a damaged artifact was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("job 1"), std::string::npos) << e.what();
  }
}

TEST(DartsExport, AnArtifactOfAnotherGenotypeIsPassedOver) {
  TempDir dir;
  auto ws = Workspace::open(dir / "w.db");
  // A valid artifact, but of a different genotype than the architecture it is attached to.
  const std::string other =
      "Genotype(normal=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1), "
      "('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1)], normal_concat=[2, 3, 4, 5], "
      "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
      "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
  const auto cells = entrannas::parseGenotypeText(entrannas::SpaceKind::Darts, other);
  entrannas::NetConfig c;
  c.channels = 4;
  c.layers = 3;
  c.ops.affine = true;
  c.ops.poolBn = false;
  entrannas::CellNetwork net(c, &cells);
  const ArchId id = withArtifact(*ws, canonicalV2(), entrannas::evaluationArtifact(net, cells, 16, 16, "synthetic", 0, 1));
  const ExportableNetwork n = testExporters().forSpace("darts").build(*ws, ws->architecture(id), 0);
  EXPECT_FALSE(n.weights.trained) << n.weights.detail;
  EXPECT_EQ(n.graph.inputShape, (std::vector<std::int64_t>{1, 28, 28}));  // the default network
}

}  // namespace
}  // namespace nas::test
