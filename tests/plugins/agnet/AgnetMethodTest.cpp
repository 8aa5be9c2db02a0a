// The "agnet" job against a real workspace on a small synthetic table at tiny AG-Net
// settings: the samples follow the GUI contract (AgnetJobWriter.h), evaluations and curves
// are written per query, a second objective (flops, latency_ms) adds costs and a Pareto
// front, a cancelled job resumes to the same result, and bad parameters fail clearly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "AgnetJobSource.h"
#include "AgnetMethod.h"
#include "AgnetSearch.h"
#include "SyntheticNb201Table.h"
#include "common/Error.h"
#include "eval/Nb201Latency.h"
#include "store/Workspace.h"

namespace nas::agnet {
namespace {

const std::string& syntheticTablePath() { return test::syntheticNb201TablePath(); }

// The plugin registers the strategy with the engine's registry when loaded; here the test
// does, with a registry of its own (the schema lists it).
const QueryStrategyRegistry& strategiesWithAgnet() {
  static const QueryStrategyRegistry strategies = [] {
    QueryStrategyRegistry r;
    r.add(
        "agnet", [](const Json& p) -> std::unique_ptr<QueryStrategy> {
          return std::make_unique<AgnetStrategy>(searchConfigFromParams(p));
        },
        searchConfigDefaults());
    return r;
  }();
  return strategies;
}

class Sink final : public ProgressSink {
 public:
  void progress(double, const std::string&) override {
    if (++calls == cancelAt && token) token->cancel();
  }
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string&) override {}
  int calls = 0, cancelAt = -1;
  CancelToken* token = nullptr;
};

// 8 random queries, then rounds of 20 candidates of which the top 8 are queried.
Json tiny(Json extra = Json::object()) {
  Json p{{"table", syntheticTablePath()}, {"signal_column", "score"}, {"report_column", "score"}, {"queries", 24}, {"seeds", 1},
         {"num_init", 8}, {"k", 8}, {"num_test", 20}, {"ticks", 2}, {"pretrain_samples", 4800},
         {"sample_start", 50}, {"sample_end", 500}};
  for (const auto& [k, v] : extra.items()) p[k] = v;
  return p;
}

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<Workspace> ws;
  AgnetMethod method{strategiesWithAgnet()};
  Fixture() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("agnet-method-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    ws = Workspace::open((dir / "w.nasdb").string());
  }
  ~Fixture() {
    ws.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  JobId newJob() { return ws->createJob("agnet", "{}"); }
  Json run(JobId job, const Json& given, Sink& sink, CancelToken cancel = {}) {
    JobContext ctx(*ws, job, method.schema().resolve(given), sink, cancel);
    return method.run(ctx);
  }
  Json run(const Json& given) {
    Sink sink;
    return run(newJob(), given, sink);
  }
};

std::vector<std::pair<int, Json>> payloads(const Workspace& ws, JobId job) {
  std::vector<std::pair<int, Json>> out;
  for (const auto& s : ws.samples(job)) out.emplace_back(s.round, Json::parse(s.payloadJson));
  return out;
}

TEST(AgnetMethod, WritesSamplesPerTheContract) {
  Fixture f;
  Sink sink;
  const JobId job = f.newJob();
  const Json r = f.run(job, tiny(), sink);
  for (const char* key : {"strategy", "metric", "queries", "seeds", "mean_best", "std_best", "best_per_seed",
                          "best_arch_per_seed", "curve", "best_arch", "best_value", "source", "dataset", "resumed",
                          "workspace_scale", "table", "rounds"})
    EXPECT_TRUE(r.contains(key)) << key;
  EXPECT_EQ(r.at("strategy"), "agnet");
  EXPECT_EQ(r.at("source"), "tabular");
  EXPECT_EQ(r.at("rounds"), 2);
  EXPECT_FALSE(r.at("resumed").get<bool>());
  EXPECT_EQ(r.at("curve").size(), 24u);

  const auto evals = f.ws->evaluationsOfJob(job);
  ASSERT_EQ(evals.size(), 24u);
  for (const auto& e : evals) {
    EXPECT_EQ(e.source, "tabular");
    EXPECT_EQ(e.metric, "score");
    EXPECT_EQ(f.ws->architecture(e.archId).space, "nb201");
  }
  EXPECT_EQ(f.ws->metrics(job, "best_so_far").size(), 24u);
  EXPECT_EQ(f.ws->metrics(job, "best_so_far_mean").size(), 24u);

  std::map<int, int> perRound, queriedPerRound, candidatesPerRound;
  std::set<int> queryIndices;
  for (const auto& [round, p] : payloads(*f.ws, job)) {
    ++perRound[round];
    EXPECT_EQ(p.at("seed"), 0);
    EXPECT_FALSE(p.contains("cost"));  // single objective
    const bool queried = p.at("queried").get<bool>();
    if (queried) {
      ++queriedPerRound[round];
      EXPECT_TRUE(queryIndices.insert(p.at("query").get<int>()).second);
      EXPECT_TRUE(p.at("value").is_number());
    } else {
      EXPECT_FALSE(p.contains("query"));
      EXPECT_FALSE(p.contains("value"));
    }
    if (round == 0) {
      EXPECT_FALSE(p.contains("x"));
      EXPECT_TRUE(p.at("predicted").is_null());
      EXPECT_TRUE(queried);
    } else if (p.contains("x")) {
      ++candidatesPerRound[round];
      EXPECT_TRUE(p.at("y").is_number());
      EXPECT_TRUE(p.at("predicted").is_number());
    }
  }
  EXPECT_EQ(queryIndices.size(), 24u);
  EXPECT_EQ(*queryIndices.begin(), 1);
  EXPECT_EQ(queriedPerRound[0], 8);
  EXPECT_EQ(queriedPerRound[1], 8);
  EXPECT_EQ(queriedPerRound[2], 8);
  EXPECT_EQ(candidatesPerRound[1], 20);  // every ranked candidate, queried or not
  EXPECT_EQ(candidatesPerRound[2], 20);
}

TEST(AgnetMethod, BaselineAndSecondObjective) {
  Fixture f;
  Sink sink;
  const JobId job = f.newJob();
  const Json r = f.run(job, tiny({{"strategy", "evolution"}, {"objective2", "flops"}}), sink);
  EXPECT_EQ(r.at("strategy"), "evolution");
  for (const char* key : {"objective2", "pareto", "hypervolume"}) EXPECT_TRUE(r.contains(key)) << key;
  EXPECT_TRUE(r.at("limit").is_null());  // Pareto
  EXPECT_GT(r.at("hypervolume").get<double>(), 0.0);
  const auto samples = payloads(*f.ws, job);
  ASSERT_EQ(samples.size(), 24u);
  for (const auto& [round, p] : samples) {
    EXPECT_EQ(round, p.at("query").get<int>());  // baselines: round = query index
    EXPECT_FALSE(p.contains("x"));
    EXPECT_TRUE(p.at("cost").is_number());
  }
  // A limit as text; AG-Net then writes costs for its candidates too.
  const JobId job2 = f.newJob();
  const Json lim = f.run(job2, tiny({{"objective2", "params"}, {"limit", "0.8"}}), sink);
  EXPECT_DOUBLE_EQ(lim.at("limit").get<double>(), 0.8);
  for (const auto& [round, p] : payloads(*f.ws, job2)) EXPECT_TRUE(p.at("cost").is_number());
}

TEST(AgnetMethod, LatencyObjectiveFromAProfile) {
  Fixture f;
  Sink sink;
  // Without a profile: the error says how to measure one.
  try {
    f.run(f.newJob(), tiny({{"objective2", "latency_ms"}}), sink);
    FAIL() << "no profile";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nasstudio-cli latency profile --space nb201"), std::string::npos) << e.what();
  }
  // A tiny profile: every entry of the nb201 space at a made-up median.
  DeviceProfileRecord p;
  p.name = "made-up";
  p.cpu = "test";
  p.torchVersion = "test";
  const auto id = f.ws->ensureDeviceProfile(p);
  std::vector<LatencyEntryRecord> entries;
  double ms = 0.01;
  for (const auto& e : makeNb201LatencySpace()->entries()) entries.push_back({"nb201", e.key, ms += 0.01, 0, 1, 0});
  f.ws->putLatencyEntries(id, entries);
  const JobId job = f.newJob();
  const Json r = f.run(job, tiny({{"objective2", "latency_ms"}, {"strategy", "random"}}), sink);
  EXPECT_EQ(r.at("latency_profile"), "made-up");
  EXPECT_EQ(r.at("objective2"), "latency_ms");
  for (const auto& [round, pl] : payloads(*f.ws, job)) EXPECT_GT(pl.at("cost").get<double>(), 0.0);
  EXPECT_THROW(f.run(f.newJob(), tiny({{"objective2", "latency_ms"}, {"latency_profile", "nope"}}), sink), Error);
}

TEST(AgnetMethod, CancelledJobResumesToTheSameResult) {
  Fixture f;
  Sink full;
  const JobId reference = f.newJob();
  const Json expected = f.run(reference, tiny({{"seeds", 2}}), full);

  const JobId job = f.newJob();
  CancelToken token;
  Sink cancelling;
  cancelling.token = &token;
  cancelling.cancelAt = 4;  // "preparing", then seed 0's rounds 0, 1 and 2
  EXPECT_THROW(f.run(job, tiny({{"seeds", 2}}), cancelling, token), Error);
  EXPECT_EQ(f.ws->evaluationsOfJob(job).size(), 24u);
  Sink again;
  const Json resumed = f.run(job, tiny({{"seeds", 2}}), again);
  EXPECT_TRUE(resumed.at("resumed").get<bool>());
  EXPECT_EQ(resumed.at("best_per_seed"), expected.at("best_per_seed"));
  EXPECT_EQ(resumed.at("curve"), expected.at("curve"));
  EXPECT_EQ(f.ws->evaluationsOfJob(job).size(), f.ws->evaluationsOfJob(reference).size());
  EXPECT_EQ(f.ws->samples(job).size(), f.ws->samples(reference).size());
  EXPECT_EQ(f.ws->metrics(job, "best_so_far").size(), 24u);
}

// A worker killed after the mean curves were committed but before the job was marked done
// runs the job again: nothing may be stored twice.
TEST(AgnetMethod, RunningAFinishedJobAgainStoresNothingTwice) {
  Fixture f;
  Sink sink;
  const JobId job = f.newJob();
  const Json first = f.run(job, tiny({{"seeds", 2}}), sink);
  const auto meanRows = f.ws->metrics(job, "best_so_far_mean").size();
  ASSERT_GT(meanRows, 0u);
  Sink again;
  const Json second = f.run(job, tiny({{"seeds", 2}}), again);
  EXPECT_EQ(second.at("curve"), first.at("curve"));
  EXPECT_EQ(f.ws->metrics(job, "best_so_far_mean").size(), meanRows);
  EXPECT_EQ(f.ws->metrics(job, "best_so_far").size(), 24u);
}

// A job stored before issue 20 named one `metric` for search and report; it still resolves.
TEST(AgnetMethod, AJobStoredWithTheOldMetricParameterStillResolves) {
  Fixture f;
  const Json p = f.method.schema().resolve(Json{{"metric", "train_accuracy"}});
  EXPECT_EQ(p.at("signal_column"), "train_accuracy");
  EXPECT_EQ(p.at("report_column"), "train_accuracy");
}

TEST(AgnetMethod, BadParametersFailClearly) {
  Fixture f;
  Sink sink;
  auto message = [&](const Json& params) -> std::string {
    try {
      f.run(f.newJob(), params, sink);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message(tiny({{"source", "oracle"}})).find("source"), std::string::npos);  // not a choice
  EXPECT_NE(message(tiny({{"source", "supernet"}, {"supernet_from_job", 999}})).find("no trained supernet"),
            std::string::npos);
  EXPECT_NE(message(tiny({{"objective2", "colour"}})).find("colour"), std::string::npos);
  EXPECT_NE(message(tiny({{"limit", "abc"}, {"objective2", "flops"}})).find("limit"), std::string::npos);
  EXPECT_NE(message(tiny({{"latency_profile", "x"}})).find("latency_ms"), std::string::npos);
}

// The ml room's sources through the job, at tiny size on the synthetic data set: a supernet
// trained once and kept as an artifact, a second job (random search) querying the same
// supernet through supernet_from_job with the same value for the same cell, and training
// from scratch. Evaluations carry the source's names.
TEST(AgnetMethod, SupernetAndScratchSourcesRunThroughTheJob) {
  Fixture f;
  const Json common{{"dataset", "synthetic"}, {"train_limit", 256}, {"eval_images", 64}, {"channels", 4},
                    {"batch_size_train", 32}, {"threads", 1}, {"strategy", "random"}, {"queries", 4}};
  Json params = common;
  params["source"] = "supernet";
  params["supernet_epochs"] = 1;
  params["bn_batches"] = 1;
  Sink sink;
  const JobId first = f.newJob();
  const Json r1 = f.run(first, params, sink);
  EXPECT_EQ(r1.at("source"), "supernet");
  ASSERT_TRUE(f.ws->artifact(first, "model", "supernet").has_value());
  const auto evals = f.ws->evaluationsOfJob(first);
  ASSERT_EQ(evals.size(), 4u);
  for (const auto& e : evals) {
    EXPECT_EQ(e.source, "supernet");
    EXPECT_EQ(e.dataset, "synthetic");
    EXPECT_EQ(e.metric, "val_accuracy");
    EXPECT_GE(e.value, 0.0);
    EXPECT_LE(e.value, 1.0);
  }
  // Same seed, same supernet: the same cells get the same values.
  params["supernet_from_job"] = first;
  const JobId second = f.newJob();
  f.run(second, params, sink);
  EXPECT_FALSE(f.ws->artifact(second, "model", "supernet").has_value());  // not trained again
  std::map<ArchId, double> before;
  for (const auto& e : evals) before[e.archId] = e.value;
  int compared = 0;
  for (const auto& e : f.ws->evaluationsOfJob(second))
    if (before.count(e.archId)) {
      EXPECT_DOUBLE_EQ(e.value, before[e.archId]);
      ++compared;
    }
  EXPECT_EQ(compared, 4);

  Json scratch = common;
  scratch["source"] = "scratch";
  scratch["queries"] = 2;
  const JobId third = f.newJob();
  f.run(third, scratch, sink);
  for (const auto& e : f.ws->evaluationsOfJob(third)) EXPECT_EQ(e.source, "trained");
}

TEST(AgnetMethod, SchemaHasEveryHyperParameterWithThePapersDefault) {
  const ParamSchema s = AgnetMethod(strategiesWithAgnet()).schema();
  const Json defaults = searchConfigDefaults();
  for (const auto& [key, value] : defaults.items()) {
    const ParamSpec* spec = s.find(key);
    ASSERT_NE(spec, nullptr) << key;
    EXPECT_EQ(spec->defaultValue, value) << key;
  }
  const ParamSpec* strategy = s.find("strategy");
  ASSERT_NE(strategy, nullptr);
  EXPECT_EQ(strategy->defaultValue, "agnet");
  for (const char* n : {"agnet", "evolution", "random"})
    EXPECT_NE(std::find(strategy->choices.begin(), strategy->choices.end(), n), strategy->choices.end()) << n;
}

}  // namespace
}  // namespace nas::agnet
