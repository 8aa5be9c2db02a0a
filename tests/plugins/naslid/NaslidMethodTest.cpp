// The two jobs at tiny size on synthetic images: "naslid-truth" writes its evaluations and
// resumes by skipping them; "naslid" reads them, is cancelled mid-split and resumed from its
// tree checkpoint, writes the GUI's payloads (grids, LID profiles, split tree) and refuses a
// truth job measured on other settings; and the real CLI prints the keys issue 15 asks for.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>

#include "NaslidMethod.h"
#include "TruthMethod.h"
#include "cli/CliRunner.h"
#include "common/Error.h"
#include "engine/GridSamples.h"
#include "store/Workspace.h"

namespace nas::naslid {
namespace {

namespace fs = std::filesystem;

class StageSink final : public ProgressSink {
 public:
  StageSink(CancelToken token, std::string cancelAt) : token_(std::move(token)), at_(std::move(cancelAt)) {}
  void progress(double, const std::string& stage) override {
    if (!at_.empty() && stage.find(at_) != std::string::npos) token_.cancel();
  }
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string& line) override { logs.push_back(line); }
  std::vector<std::string> logs;

 private:
  CancelToken token_;
  std::string at_;
};

Json dataParams() {
  return Json{{"dataset", "synthetic"}, {"train_limit", 256}, {"val_images", 64}, {"channels", 4}};
}

Json truthParams() {
  Json p = dataParams();
  p.update(Json{{"count", 5}, {"threads", 1}, {"table", NAS_NB201_TABLE}});
  return p;
}

Json studyParams() {
  Json p = dataParams();
  p.update(Json{{"levels", 1}, {"warmup_epochs", 1}, {"level_epochs", 1}, {"repeats", 1}, {"probe_batch", 32},
                {"k", 8}, {"bn_batches", 1}, {"top_k", 2}, {"threads", 1}, {"device", "cpu"}});
  return p;
}

fs::path freshDir(const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / (what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

JobId runTruth(Workspace& ws) {
  const JobId id = ws.createJob("naslid-truth", Json{{"method", "naslid-truth"}, {"params", truthParams()}}.dump());
  StageSink sink({}, "");
  JobContext ctx(ws, id, truthParams(), sink, {});
  const Json r = TruthMethod().run(ctx);
  EXPECT_EQ(r.at("cells"), 5);
  EXPECT_EQ(r.at("trained_now"), 5);
  ws.setJobResult(id, r.dump());
  ws.setJobStatus(id, JobStatus::Done);
  // Run again: everything is in the workspace already, nothing is trained twice.
  const Json again = TruthMethod().run(ctx);
  EXPECT_EQ(again.at("trained_now"), 0);
  EXPECT_DOUBLE_EQ(again.at("mean_accuracy").get<double>(), r.at("mean_accuracy").get<double>());
  EXPECT_EQ(ws.evaluationsOfJob(id).size(), 5u);
  return id;
}

TEST(NaslidMethod, TruthThenStudyResumesAndWritesItsPayloads) {
  const fs::path dir = freshDir("naslid-method");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  const JobId truth = runTruth(*ws);

  const JobId id = ws->createJob("naslid", Json{{"method", "naslid"}, {"params", studyParams()}}.dump());
  CancelToken first;
  StageSink sink1(first, "sub-supernet 2");  // cancelled while the second child trains
  JobContext ctx1(*ws, id, studyParams(), sink1, first);
  try {
    NaslidMethod().run(ctx1);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  ASSERT_TRUE(ctx1.loadCheckpoint().has_value());

  StageSink sink2({}, "");
  JobContext ctx2(*ws, id, studyParams(), sink2, {});
  const Json r = NaslidMethod().run(ctx2);
  bool resumed = false;
  for (const auto& l : sink2.logs) resumed |= l.find("resumed with 3 nodes") != std::string::npos;
  EXPECT_TRUE(resumed);
  for (const char* k : {"kendall_tau", "spearman", "top_k_precision", "peak_memory_mb", "split_seconds", "split_tree"})
    EXPECT_TRUE(r.contains(k)) << k;
  EXPECT_EQ(r.at("sub_supernets"), 2);
  EXPECT_EQ(r.at("cells"), 5);
  EXPECT_GE(r.at("kendall_tau").get<double>(), -1.0);
  EXPECT_LE(r.at("kendall_tau").get<double>(), 1.0);
  EXPECT_EQ(r.at("split_tree").at("children").size(), 2u);
  EXPECT_TRUE(r.at("truth").get<std::string>().find(std::to_string(truth)) != std::string::npos);

  bool grids = false, profiles = false;
  for (const auto& s : ws->samples(id)) {
    const Json p = Json::parse(s.payloadJson);
    if (p.contains("grids")) {
      grids = true;
      ASSERT_EQ(p.at("grids").size(), 6u);  // every edge compared at the root
      const Json& g = p.at("grids").at(0);
      EXPECT_EQ(g.at("name"), "similarity_edge_0");
      EXPECT_EQ(g.at("rows").size(), 5u);
      EXPECT_EQ(g.at("values").size(), 5u);
      EXPECT_EQ(g.at("min"), -1);
      EXPECT_EQ(g.at("value"), "cosine similarity");
    }
    if (p.contains("lid_profiles")) {
      profiles = true;
      EXPECT_EQ(p.at("lid_profiles").at(0).at("lid").size(), 5u);  // 3N + 2 blocks
      EXPECT_TRUE(p.contains("split_tree"));
      EXPECT_EQ(p.at("rank_points").size(), 5u);
    }
  }
  EXPECT_TRUE(grids);
  EXPECT_TRUE(profiles);
  // The result frame reads through the generic reader: LID curves over the 5 blocks for the
  // root's split edge (one series per op), the tree with 2 leaves listing their ops, and the
  // rank scatter of this job's criterion.
  const GridRun run = loadGridRun(*ws, id);
  EXPECT_TRUE(run.problems.empty());
  ASSERT_FALSE(run.frames.empty());
  const GridFrame& result = run.frames.back();
  ASSERT_EQ(result.curves.size(), 1u);
  EXPECT_EQ(result.curves[0].xTicks.size(), 5u);
  ASSERT_EQ(result.curves[0].series.size(), 5u);
  EXPECT_EQ(result.curves[0].series[0].y.size(), 5u);
  ASSERT_EQ(result.trees.size(), 1u);
  ASSERT_EQ(result.trees[0].root.children.size(), 2u);
  EXPECT_NE(result.trees[0].root.children[0].detail.find("→"), std::string::npos);
  EXPECT_NE(result.trees[0].root.detail.find("splits edge"), std::string::npos);
  ASSERT_EQ(result.scatters.size(), 1u);
  EXPECT_EQ(result.scatters[0].series[0].x.size(), 5u);
  EXPECT_TRUE(result.scatters[0].diagonal);
  int scored = 0;
  for (const auto& e : ws->evaluationsOfJob(id)) scored += e.source == "naslid-lid";
  EXPECT_EQ(scored, 5);

  // A study on other settings than its truth job's is refused, naming the setting.
  Json other = studyParams();
  other["channels"] = 8;
  const JobId bad = ws->createJob("naslid", Json{{"method", "naslid"}, {"params", other}}.dump());
  StageSink sink3({}, "");
  JobContext ctx3(*ws, bad, other, sink3, {});
  try {
    NaslidMethod().run(ctx3);
    FAIL() << "mismatched truth accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.context(), "channels");
  }
  fs::remove_all(dir);
}

// Two training seeds: each seed's accuracy and their mean are evaluations, the self-agreement
// tau is reported, and a resumed run trains nothing again.
TEST(NaslidMethod, TruthWithTwoSeedsReportsItsSelfAgreement) {
  const fs::path dir = freshDir("naslid-truth-seeds");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  Json p = truthParams();
  p.update(Json{{"count", 4}, {"seeds", 2}, {"seed", 5}});
  const JobId id = ws->createJob("naslid-truth", Json{{"method", "naslid-truth"}, {"params", p}}.dump());
  StageSink sink({}, "");
  JobContext ctx(*ws, id, p, sink, {});
  const Json r = TruthMethod().run(ctx);
  EXPECT_EQ(r.at("cells"), 4);
  EXPECT_EQ(r.at("trained_now"), 8);
  EXPECT_EQ(r.at("seeds"), 2);
  const double agreement = r.at("self_agreement_tau").get<double>();
  EXPECT_GE(agreement, -1.0);
  EXPECT_LE(agreement, 1.0);
  std::map<std::string, std::vector<double>> byMetric;
  for (const auto& e : ws->evaluationsOfJob(id)) byMetric[e.metric].push_back(e.value);
  ASSERT_EQ(byMetric.size(), 3u);
  ASSERT_EQ(byMetric["val_accuracy_seed5"].size(), 4u);
  ASSERT_EQ(byMetric["val_accuracy_seed6"].size(), 4u);
  ASSERT_EQ(byMetric["val_accuracy"].size(), 4u);
  const Json again = TruthMethod().run(ctx);
  EXPECT_EQ(again.at("trained_now"), 0);
  EXPECT_DOUBLE_EQ(again.at("self_agreement_tau").get<double>(), agreement);
  EXPECT_EQ(ws->evaluationsOfJob(id).size(), 12u);
  // A one-seed truth reports no self-agreement.
  EXPECT_TRUE(TruthMethod().schema().resolve(truthParams()).at("seeds") == 1);
  fs::remove_all(dir);
}

TEST(NaslidMethod, TableTruthScoresAStratifiedSample) {
  const fs::path dir = freshDir("naslid-table");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  Json p = studyParams();
  p.update(Json{{"truth", "nb201"}, {"table", NAS_NB201_TABLE}, {"truth_count", 6}, {"criterion", "none"},
                {"levels", 0}, {"top_k", 3}});
  const JobId id = ws->createJob("naslid", Json{{"method", "naslid"}, {"params", p}}.dump());
  StageSink sink({}, "");
  JobContext ctx(*ws, id, p, sink, {});
  const Json r = NaslidMethod().run(ctx);
  EXPECT_EQ(r.at("cells"), 6);
  EXPECT_EQ(r.at("sub_supernets"), 1);
  EXPECT_NE(r.at("truth").get<std::string>().find("cifar10.csv"), std::string::npos);
  EXPECT_EQ(r.at("peak_memory_mb"), 0.0);  // no probes without a split criterion
  fs::remove_all(dir);
}

TEST(NaslidMethod, CliRunsTruthAndStudy) {
  const fs::path dir = freshDir("naslid-cli");
  const std::string ws = (dir / "ws.nasws").string();
  std::string data;
  const Json given = dataParams();
  for (const auto& [k, v] : given.items())
    data += " --param " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  auto r = test::runCli("run naslid-truth" + data + " --param count=4 --param threads=1 --workspace " + ws + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  r = test::runCli("run naslid" + data +
                   " --param criterion=random --param levels=1 --param warmup_epochs=1 --param level_epochs=0"
                   " --param bn_batches=1 --param threads=1 --param device=auto --workspace " + ws + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const Json j = Json::parse(r.out);
  const Json& result = j.contains("result") ? j.at("result") : j;
  for (const char* k : {"kendall_tau", "spearman", "peak_memory_mb", "split_seconds", "split_tree"})
    EXPECT_TRUE(result.contains(k)) << k << " in " << r.out;
  EXPECT_EQ(result.at("criterion"), "random");
  r = test::runCli("run naslid --param criterion=sideways --workspace " + ws + " --json");
  EXPECT_NE(r.exitCode, 0);
  EXPECT_NE(r.err.find("criterion"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::naslid
