// The protocol switches of issue 20 at tiny AG-Net settings: the search column and the report
// column (a table whose test column disagrees with its validation column: the search never
// reads the report column, results report it for the best-by-validation cell, a missing
// column is named), pretraining per seed or shared, and the paper's query budget.
#include <gtest/gtest.h>

#include <iomanip>
#include <filesystem>
#include <fstream>
#include <random>

#include "AgnetJobSource.h"
#include "jobs/Method.h"
#include "AgnetSearch.h"
#include "common/Error.h"
#include "search/QuerySearch.h"
#include "search/TabularQuerySource.h"
#include "store/Workspace.h"

namespace nas::agnet {
namespace {

// valid_accuracy rewards convolutions; test_accuracy = 100 - valid_accuracy (the opposite
// order); test_shuffled another order.
const std::string& disagreeingTablePath() {
  static const std::string path = [] {
    std::random_device rd;
    const auto p = std::filesystem::temp_directory_path() / ("agnet-protocol-" + std::to_string(rd()) + ".csv");
    std::ofstream out(p);
    out << std::setprecision(17);  // exact round trip: the tests compare values
    out << "arch,valid_accuracy,test_accuracy,test_shuffled\n";
    for (int i = 0; i < kNb201NumCells; ++i) {
      const Nb201Cell c = Nb201Cell::fromIndex(i);
      double v = 50 + 0.0001 * (i % 97);
      for (int e = 0; e < kNb201NumEdges; ++e) v += c.op(e) == Nb201Op::Conv3x3 ? 5 : c.op(e) == Nb201Op::Conv1x1 ? 3 : 0;
      out << c.toString() << "," << v << "," << 100 - v << "," << 40 + (i * 7919) % 50 << "\n";
    }
    return p.string();
  }();
  return path;
}

const TabularBenchmark& disagreeingTable() {
  static const TabularBenchmark t = TabularBenchmark::load(disagreeingTablePath(), {"arch", "nb201"});
  return t;
}

SearchConfig tinyConfig() {
  SearchConfig c;
  c.numInit = 8;
  c.k = 8;
  c.numTest = 20;
  c.ticks = 2;
  c.sampleStart = 50;
  c.sampleEnd = 500;
  // The pretraining AgnetMethodTest's tiny jobs use (valid samples, so a round decodes one
  // batch); shared per process, trained once.
  c.pretrain.samples = 4800;
  return c;
}

// Pretraining small enough to run once per seed in a test (the searches above reuse theirs).
SearchConfig tinyPretraining() {
  SearchConfig c = tinyConfig();
  c.pretrain.samples = 640;
  c.pretrain.validitySamples = 50;
  return c;
}

// Records what AG-Net is told.
class Recording final : public QueryStrategy {
 public:
  explicit Recording(SearchConfig c) : inner(std::move(c)) {}
  std::string name() const override { return "recording"; }
  Nb201Cell propose(SearchRng& rng) override { return inner.propose(rng); }
  void observe(const Nb201Cell& c, double v) override {
    told.push_back(v);
    inner.observe(c, v);
  }
  AgnetStrategy inner;
  std::vector<double> told;
};

TEST(AgnetProtocol, SearchNeverReadsTheReportColumn) {
  torch::set_num_threads(1);
  const TabularBenchmark& t = disagreeingTable();
  TabularQuerySource test(t, "valid_accuracy", "test_accuracy"), shuffled(t, "valid_accuracy", "test_shuffled");
  Recording a(tinyConfig()), b(tinyConfig());
  const auto ra = runQuerySearch(test, a, 24, 5);
  const auto rb = runQuerySearch(shuffled, b, 24, 5);
  for (int i = 0; i < 24; ++i) {
    ASSERT_EQ(ra.trace[i].cell, rb.trace[i].cell) << "query " << i + 1 << ": the report column changed the search";
    EXPECT_DOUBLE_EQ(a.told[i], t.query(ra.trace[i].cell.toString(), "valid_accuracy"));
    EXPECT_DOUBLE_EQ(ra.trace[i].report, 100 - ra.trace[i].value);
  }
  EXPECT_EQ(a.told, b.told);
  // Reported: the test column of the best-by-validation cell, the worst test value queried
  // here since the columns are opposite.
  EXPECT_DOUBLE_EQ(ra.bestReport, 100 - ra.bestValue);
  for (const auto& q : ra.trace) EXPECT_LE(ra.bestReport, q.report);
}

// The job's table source from raw parameters (the columns the job searches and reports).
struct Job {
  std::filesystem::path dir;
  std::unique_ptr<Workspace> ws;
  Job() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("agnet-protocol-job-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    ws = Workspace::open((dir / "w.nasdb").string());
  }
  ~Job() {
    ws.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  JobSource source(Json extra) {
    class Quiet final : public ProgressSink {
      void progress(double, const std::string&) override {}
      void metric(const std::string&, int64_t, double) override {}
      void log(const std::string&) override {}
    } sink;
    Json p{{"table", disagreeingTablePath()}};
    for (const auto& [k, v] : extra.items()) p[k] = v;
    JobContext ctx(*ws, ws->createJob("agnet", "{}"), p, sink, CancelToken{});
    return makeJobSource(p, ctx);
  }
};

TEST(AgnetProtocol, JobSearchesTheValidationColumnByDefaultAndReportsTest) {
  Job j;
  const JobSource js = j.source(Json::object());
  EXPECT_EQ(js.signalColumn, "valid_accuracy");  // the paper's reading: the table has one
  EXPECT_EQ(js.reportColumn, "test_accuracy");
  EXPECT_EQ(js.source->metric(), "valid_accuracy");
  EXPECT_EQ(js.source->reportMetric(), "test_accuracy");
  const Nb201Cell c = Nb201Cell::fromIndex(1234);
  EXPECT_DOUBLE_EQ(js.source->report(c), 100 - js.source->query(c));
  // A baseline through the same source reports the test column of its best-by-valid cell.
  const auto s = runMultiSeedQuerySearch(*js.source, "evolution", queryStrategyFactory("evolution"), 30, 2);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_NEAR(s.reportPerSeed[i], 100 - s.bestPerSeed[i], 1e-9);
  // Searching on the report column itself is a choice, and then says so.
  const JobSource same = j.source({{"signal_column", "test_accuracy"}});
  EXPECT_EQ(same.source->metric(), "test_accuracy");
  EXPECT_EQ(same.source->reportMetric(), "");
  EXPECT_NE(same.protocol.find("search and report on test_accuracy"), std::string::npos) << same.protocol;
}

TEST(AgnetProtocol, MissingColumnIsNamed) {
  Job j;
  for (const char* param : {"signal_column", "report_column"}) {
    try {
      j.source({{param, "valid_acc"}});
      FAIL() << param;
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_EQ(e.code(), ErrorCode::NotFound);
      EXPECT_NE(m.find(param), std::string::npos) << m;
      EXPECT_NE(m.find("'valid_acc'"), std::string::npos) << m;
      EXPECT_NE(m.find("valid_accuracy, test_accuracy, test_shuffled"), std::string::npos) << m;
    }
  }
}

TEST(AgnetProtocol, PaperBudgetIsThePreset) {
  SearchConfig c;
  EXPECT_EQ(paperQueryBudget(c), 320);  // 16 + 19 rounds of 16: the first |D| > 310
  c.k = 8;
  EXPECT_EQ(paperQueryBudget(c), 16 + 37 * 8);
  c.numInit = 400;
  EXPECT_EQ(paperQueryBudget(c), 400);
  EXPECT_EQ(searchConfigFromParams(Json{{"search_data", 100}}).searchData, 100);
  // The job's default (queries = 0 resolves to it) and its parameter list.
  EXPECT_EQ(searchConfigDefaults().at("search_data"), 310);
}

TEST(AgnetProtocol, PretrainingPerSeedOrShared) {
  torch::set_num_threads(1);
  EXPECT_EQ(searchConfigFromParams(Json::object()).pretrainMode, PretrainMode::Shared);  // the official code's
  EXPECT_EQ(searchConfigFromParams(Json{{"pretrain", "per-seed"}}).pretrainMode, PretrainMode::PerSeed);
  EXPECT_THROW(searchConfigFromParams(Json{{"pretrain", "each"}}), Error);
  SearchConfig shared = tinyPretraining(), perSeed = tinyPretraining();
  perSeed.pretrainMode = PretrainMode::PerSeed;
  auto startedWith = [](const SearchConfig& c, std::uint64_t seed) {
    AgnetStrategy s(c);
    SearchRng rng(seed);
    s.propose(rng);
    return s.pretrained();
  };
  // Shared: one generator for every seed.
  EXPECT_EQ(startedWith(shared, 1).get(), startedWith(shared, 2).get());
  EXPECT_EQ(startedWith(shared, 1).get(), sharedPretrained(shared.pretrain).get());
  // Per seed: none before the first proposal; different seeds differ, the same seed repeats.
  EXPECT_EQ(AgnetStrategy(perSeed).pretrained(), nullptr);
  const auto a = startedWith(perSeed, 1), b = startedWith(perSeed, 2), a2 = startedWith(perSeed, 1);
  auto weights = [](const Pretrained& p) {
    std::vector<float> w;
    for (const auto& t : p.generator->parameters()) {
      const auto c = t.detach().contiguous();
      w.insert(w.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    }
    return w;
  };
  EXPECT_NE(weights(*a), weights(*b));
  EXPECT_EQ(weights(*a), weights(*a2));
  EXPECT_NE(weights(*a), weights(*startedWith(shared, 1)));
}

}  // namespace
}  // namespace nas::agnet
