// Genotype JSON export -> import into another workspace -> export is lossless; re-importing adds
// nothing; bad documents are refused naming the field. Export files: no overwrite without
// force, an unwritable folder gives a clear error and leaves nothing behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include "ExportTestSupport.h"
#include "export/ExportService.h"
#include "export/format/AtomicFile.h"
#include "export/format/GenotypeJson.h"

namespace nas::test {
namespace {

const char* kCell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

// A workspace with the cell evaluated by two jobs and once without a job.
ArchId fillWorkspace(Workspace& ws) {
  const ArchId id = ws.upsertArchitecture("nb201", kCell, 1.2e8, 830426);
  auto job = [&](const std::string& dataset, int seed) {
    const JobId j = ws.createJob("train", Json{{"method", "train"},
                                               {"params", {{"arch", kCell}, {"dataset", dataset}, {"seed", seed}}}}.dump());
    ws.setJobStatus(j, JobStatus::Done);
    return j;
  };
  const JobId a = job("fashion-mnist", 1), b = job("synthetic", 2);
  auto eval = [&](std::optional<JobId> j, const std::string& metric, const std::string& source, double v) {
    EvaluationRecord e;
    e.archId = id;
    e.jobId = j;
    e.source = source;
    e.dataset = j == b ? "synthetic" : "fashion-mnist";
    e.metric = metric;
    e.value = v;
    ws.addEvaluation(e);
  };
  eval(a, "test_accuracy", "trained", 0.8912);
  eval(a, "val_accuracy", "trained", 0.9);
  eval(b, "test_accuracy", "trained", 0.41);
  eval(std::nullopt, "latency_ms", "measured", 1.25);
  return id;
}

TEST(GenotypeJson, ExportImportExportIsLossless) {
  TempDir dir;
  auto w1 = Workspace::open(dir / "one.db");
  const ArchId id = fillWorkspace(*w1);
  ExportRequest r;
  r.format = ExportFormat::Json;
  r.out = dir / "cell.json";
  exportArchitecture(testExporters(), *w1, w1->architecture(id), r);
  const Json first = Json::parse(readFileText(r.out));
  EXPECT_EQ(first["space"], "nb201");
  EXPECT_EQ(first["string"], kCell);
  EXPECT_EQ(first["encoding"]["ops"][2], "avg_pool_3x3");
  EXPECT_EQ(first["metrics"].size(), 4u);
  ASSERT_EQ(first["provenance"]["jobs"].size(), 2u);
  EXPECT_EQ(first["provenance"]["jobs"][0]["workspace"], "one.db");

  auto w2 = Workspace::open(dir / "two.db");
  w2->upsertArchitecture("nb201", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 0, 0);  // ids differ
  const GenotypeImport imp = importGenotypeFile(testExporters(), *w2, r.out);
  EXPECT_TRUE(imp.architectureAdded);
  EXPECT_EQ(imp.evaluationsAdded, 4);
  const ArchitectureRecord a2 = w2->architecture(imp.archId);
  EXPECT_EQ(a2.flops, 1.2e8);
  EXPECT_EQ(a2.params, 830426);
  r.out = dir / "again.json";
  exportArchitecture(testExporters(), *w2, a2, r);
  EXPECT_EQ(Json::parse(readFileText(r.out)), first);  // lossless, provenance included

  const GenotypeImport again = importGenotypeFile(testExporters(), *w2, dir / "cell.json");
  EXPECT_FALSE(again.architectureAdded);
  EXPECT_EQ(again.evaluationsAdded, 0);
  EXPECT_FALSE(again.importJob.has_value());
}

TEST(GenotypeJson, RefusesBadDocumentsNamingTheField) {
  TempDir dir;
  auto ws = Workspace::open(dir / "w.db");
  auto refuse = [&](const std::string& text, const std::string& expected) {
    std::ofstream(dir / "bad.json") << text;
    try {
      importGenotypeFile(testExporters(), *ws, dir / "bad.json");
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  const std::string ok = std::string(R"({"format":"nasstudio-genotype","version":1,"space":"nb201","string":")") + kCell +
                         R"(","costs":{},"metrics":[],"provenance":{"jobs":[]}})";
  refuse("[]", "not a JSON object");
  refuse(R"({"format":"other"})", "format");
  refuse(std::string(ok).replace(ok.find("\"version\":1"), 11, "\"version\":9"), "version");
  refuse(std::string(ok).replace(ok.find("nor_conv_3x3~0|+"), 12, "bad_op_3x3~0"), "bad_op");
  refuse(std::string(ok).replace(ok.find("\"nb201\""), 7, "\"nope\""), "no exporter for search space 'nope'");
  refuse(std::string(ok).replace(ok.find("\"metrics\":[]"), 12, R"("metrics":[{"metric":"a","value":1,"job":3}])"),
         "provenance.jobs");
  EXPECT_EQ(ws->architectureCount(), 0);
}

TEST(ExportFiles, NeverOverwritesWithoutForce) {
  TempDir dir;
  const std::string path = dir / "net.onnx";
  std::ofstream(path) << "keep me";
  try {
    writeFilesAtomically({{path, "new"}}, false);
    ADD_FAILURE() << "overwrote";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_EQ(readFileText(path), "keep me");
  writeFilesAtomically({{path, "new"}}, true);
  EXPECT_EQ(readFileText(path), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);  // no temporaries
}

TEST(ExportFiles, UnwritableFolderGivesAClearErrorAndLeavesNothing) {
  TempDir dir;
  const std::string ro = dir / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  // root ignores permission bits: then a folder no one can create files in (/proc) stands in.
  const std::string folder = ::geteuid() == 0 ? std::string("/proc") : ro;
  const std::string path = folder + "/net.py";
  try {
    writeFilesAtomically({{path, "x"}, {folder + "/net.pt", "y"}}, false);
    ADD_FAILURE() << "wrote into " << folder;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::IoError);
    EXPECT_NE(std::string(e.what()).find(folder), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(ro));
}

TEST(ExportFiles, AFailingSecondFileRemovesTheFirst) {
  TempDir dir;
  const std::string first = dir / "a.py", second = dir / "missing-folder/a.pt";
  EXPECT_THROW(writeFilesAtomically({{first, "x"}, {second, "y"}}, false), Error);
  EXPECT_FALSE(fs::exists(first));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace nas::test
