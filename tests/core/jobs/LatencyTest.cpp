// Latency (issue 6), torch-free parts: timing statistics, the store's profile tables, the
// lookup-table sum, import/export, and the profiling job's resume (a fake space counts the
// entries it measures, so "already measured entries are not re-measured" is checked).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/Error.h"
#include "jobs/JobRunner.h"
#include "jobs/LatencyProfileMethod.h"
#include "jobs/LatencySpace.h"
#include "jobs/LatencyTiming.h"
#include "store/Workspace.h"

namespace fs = std::filesystem;
using namespace nas;

namespace {

// Entries a..e with latency 1..5 ms (as "measured"); an architecture is a string of those
// letters; a network measures as the sum plus 0.5 ms.
class FakeSpace final : public LatencySpace {
 public:
  std::string name() const override { return "fake"; }
  std::string description() const override { return "five entries"; }
  std::vector<LatencyEntrySpec> entries() const override {
    return {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}};
  }
  TimingStats measure(const std::string& key, const LatencyOptions&) const override {
    ++measured;
    if (cancelAfter > 0 && measured >= cancelAfter && token) token->cancel();
    if (key.size() != 1 || key[0] < 'a' || key[0] > 'e') throw Error(ErrorCode::NotFound, "unknown key", key);
    TimingStats t;
    t.medianMs = key[0] - 'a' + 1;
    t.iqrMs = 0.1;
    t.repeats = 7;
    return t;
  }
  std::vector<LatencyTerm> entriesOf(const std::string& arch) const override {
    std::vector<LatencyTerm> out;
    for (char c : arch) out.push_back({std::string(1, c), 1});
    return out;
  }
  TimingStats measureNetwork(const std::string& arch, const LatencyOptions&) const override {
    TimingStats t;
    for (char c : arch) t.medianMs += c - 'a' + 1;
    t.medianMs += 0.5;
    return t;
  }
  std::string randomArchitecture(std::mt19937_64& rng) const override {
    std::string s;
    for (int i = 0; i < 4; ++i) s += static_cast<char>('a' + rng() % 5);
    return s;
  }
  std::string runtimeVersion() const override { return "fake-1"; }

  mutable std::atomic<int> measured{0};
  int cancelAfter = 0;
  CancelToken* token = nullptr;
};

class LatencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nas-latency-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "ws.nasdb").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

}  // namespace

TEST(LatencyTiming, SummaryMedianQuartilesIqr) {
  const TimingStats t = summarizeTimings({5, 1, 4, 2, 3});
  EXPECT_DOUBLE_EQ(3.0, t.medianMs);
  EXPECT_DOUBLE_EQ(2.0, t.q1Ms);
  EXPECT_DOUBLE_EQ(4.0, t.q3Ms);
  EXPECT_DOUBLE_EQ(2.0, t.iqrMs);
  EXPECT_DOUBLE_EQ(1.0, t.minMs);
  EXPECT_DOUBLE_EQ(3.0, t.meanMs);
  EXPECT_EQ(5, t.repeats);
  // Even count: linear interpolation (numpy's default).
  const TimingStats e = summarizeTimings({1, 2, 3, 10});
  EXPECT_DOUBLE_EQ(2.5, e.medianMs);
  EXPECT_DOUBLE_EQ(1.75, e.q1Ms);
  EXPECT_DOUBLE_EQ(4.75, e.q3Ms);
  // An outlier moves the mean, not the median.
  const TimingStats o = summarizeTimings({1, 1, 1, 1, 1000});
  EXPECT_DOUBLE_EQ(1.0, o.medianMs);
  EXPECT_THROW(summarizeTimings({}), Error);
}

TEST(LatencyTiming, BlockMinimaDropInterferenceBursts) {
  // Blocks of 3: {1, 9, 9} {1.1, 9, 9} {9, 9, 9} {1.2} -> minima 1, 1.1, 9, 1.2.
  const TimingStats t = summarizeTimings({1, 9, 9, 1.1, 9, 9, 9, 9, 9, 1.2}, 3);
  EXPECT_DOUBLE_EQ((1.1 + 1.2) / 2, t.medianMs);
  EXPECT_DOUBLE_EQ(1.0, t.minMs);
  EXPECT_EQ(4, t.repeats);  // blocks; timeRepeated reports runs
  EXPECT_DOUBLE_EQ(9.0, summarizeTimings({1, 9, 9, 1.1, 9, 9, 9, 9, 9, 1.2}).medianMs);  // plain median
}

TEST(LatencyTiming, RepeatsBetweenMinAndMax) {
  int calls = 0;
  TimingOptions o;
  o.warmupRuns = 3;
  o.warmupMs = 0;
  o.minRepeats = 4;
  o.maxRepeats = 6;
  o.budgetMs = 1e9;  // the count stops it
  TimingStats t = timeRepeated([&] { ++calls; }, o);
  EXPECT_EQ(6, t.repeats);
  EXPECT_EQ(9, calls);
  o.budgetMs = 0;  // the budget stops it at the minimum
  calls = 0;
  t = timeRepeated([&] { ++calls; }, o);
  EXPECT_EQ(4, t.repeats);
  // A sleeping function measures about its sleep.
  o.warmupRuns = 0;
  o.minRepeats = 3;
  t = timeRepeated([] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }, o);
  EXPECT_GE(t.medianMs, 1.9);
  EXPECT_LT(t.medianMs, 50.0);
  o.minRepeats = 0;
  EXPECT_THROW(timeRepeated([] {}, o), Error);
}

TEST_F(LatencyTest, StoreRoundTripAndProfileMismatch) {
  auto ws = Workspace::open(path_);
  DeviceProfileRecord p;
  p.name = "box";
  p.cpu = "Test CPU";
  p.threads = 2;
  p.batch = 4;
  p.torchVersion = "9.9";
  const auto id = ws->ensureDeviceProfile(p);
  EXPECT_EQ(id, ws->ensureDeviceProfile(p));  // same name, same settings: the same profile
  p.threads = 3;
  EXPECT_THROW(ws->ensureDeviceProfile(p), Error);
  ws->putLatencyEntry(id, {"nb201", "s0/x", 1.5, 0.2, 30, 0});
  ws->putLatencyEntry(id, {"nb201", "s0/x", 1.25, 0.1, 40, 0});  // replaces
  ws->putLatencyEntry(id, {"other", "k", 3.0, 0.0, 5, 0});
  const auto entries = ws->latencyEntries(id, "nb201");
  ASSERT_EQ(1u, entries.size());
  EXPECT_DOUBLE_EQ(1.25, entries[0].medianMs);
  EXPECT_EQ(40, entries[0].repeats);
  EXPECT_EQ(2u, ws->latencyEntries(id).size());
  EXPECT_EQ((std::vector<std::string>{"nb201", "other"}), ws->latencySpaces(id));
  const auto got = ws->deviceProfile("box");
  EXPECT_EQ("Test CPU", got.cpu);
  EXPECT_EQ(2, got.threads);
  EXPECT_EQ(4, got.batch);
  EXPECT_EQ("9.9", got.torchVersion);
  ASSERT_TRUE(ws->latestDeviceProfile("nb201"));
  EXPECT_FALSE(ws->latestDeviceProfile("nope"));
  try {
    ws->deviceProfile("missing");
    FAIL() << "no error for a missing profile";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::NotFound, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("box")) << e.what();  // lists the known ones
  }
  ws->putLatencyCorrection(id, {"nb201", 1.1, 0.3, 12, 0});
  ASSERT_TRUE(ws->latencyCorrection(id, "nb201"));
  EXPECT_DOUBLE_EQ(1.1, ws->latencyCorrection(id, "nb201")->scale);
  ws->replaceLatencyValidations(id, "nb201", {{"nb201", "a", 1, 1.1, 1.2, 0.1, 0}, {"nb201", "b", 2, 2.2, 2.1, 0.1, 0}});
  ws->replaceLatencyValidations(id, "nb201", {{"nb201", "c", 3, 3.3, 3.1, 0.1, 0}});
  ASSERT_EQ(1u, ws->latencyValidations(id, "nb201").size());
  EXPECT_EQ("c", ws->latencyValidations(id, "nb201")[0].arch);
  ws->deleteDeviceProfile("box");
  EXPECT_TRUE(ws->latencyEntries(id).empty());
  EXPECT_FALSE(ws->latencyCorrection(id, "nb201"));
}

TEST(LatencyTableTest, SumOfEntriesAndCorrection) {
  FakeSpace space;
  LatencyTable t("fake", {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}});
  EXPECT_DOUBLE_EQ(1 + 1 + 3 + 5, t.lutSum(space.entriesOf("aace")));
  EXPECT_DOUBLE_EQ(2 * 2 + 0.5 * 4, t.lutSum({{"b", 2}, {"d", 0.5}}));
  EXPECT_THROW(t.lutSum({{"z", 1}}), Error);
  t.setCorrection(LatencyCorrectionRecord{"fake", 2.0, 1.0, 10, 0});
  EXPECT_DOUBLE_EQ(2.0 * 10 + 1.0, t.predict(space.entriesOf("aace")));
}

TEST_F(LatencyTest, ProfileJobResumesWithoutRemeasuring) {
  LatencySpaceRegistry spaces;
  auto owned = std::make_unique<FakeSpace>();
  FakeSpace* space = owned.get();
  spaces.add(std::move(owned));
  EXPECT_THROW(spaces.add(std::make_unique<FakeSpace>()), Error);  // duplicate name
  MethodRegistry methods;
  methods.add(std::make_unique<LatencyProfileMethod>(spaces));
  const Json spec{{"method", "latency-profile"}, {"params", {{"space", "fake"}, {"profile", "p1"}}}};

  // First run: cancelled after 2 entries (as a kill between entries would leave it).
  CancelToken cancel;
  space->cancelAfter = 2;
  space->token = &cancel;
  const JobId id = submitJob(methods, path_, spec);
  JobOutcome out = runJob(methods, path_, id, nullptr, cancel);
  EXPECT_EQ(JobStatus::Cancelled, out.status) << out.error;
  EXPECT_EQ(2, space->measured.load());
  {
    auto ws = Workspace::open(path_);
    EXPECT_EQ(2u, ws->latencyEntries(ws->deviceProfile("p1").id, "fake").size());
  }
  // Resume: the two measured entries are skipped, the other three measured.
  space->cancelAfter = 0;
  space->measured = 0;
  {
    auto ws = Workspace::open(path_);
    ws->clearCancel(id);
  }
  out = runJob(methods, path_, id, nullptr, CancelToken());
  ASSERT_EQ(JobStatus::Done, out.status) << out.error;
  EXPECT_EQ(3, space->measured.load());
  EXPECT_EQ(3, out.result.at("measured").get<int>());
  EXPECT_EQ(2, out.result.at("skipped").get<int>());
  auto ws = Workspace::open(path_);
  const auto profile = ws->deviceProfile("p1");
  EXPECT_EQ("fake-1", profile.torchVersion);
  const LatencyTable table = LatencyTable::load(*ws, profile, *space);
  EXPECT_DOUBLE_EQ(15.0, table.lutSum(space->entriesOf("abcde")));

  // A wrong space is refused naming the parameter.
  EXPECT_THROW(submitJob(methods, path_, Json{{"method", "latency-profile"}, {"params", {{"space", "nope"}}}}), Error);
}

// Issue 18: a profile is of the CPU, stored as such; a GPU request fails the job naming the
// parameter instead of measuring the CPU under a GPU's name.
TEST_F(LatencyTest, ProfileJobSaysItsDeviceAndRefusesAGpu) {
  LatencySpaceRegistry spaces;
  spaces.add(std::make_unique<FakeSpace>());
  MethodRegistry methods;
  methods.add(std::make_unique<LatencyProfileMethod>(spaces));
  JobOutcome out = runJob(methods, path_,
                          submitJob(methods, path_, Json{{"method", "latency-profile"},
                                                         {"params", {{"space", "fake"}, {"profile", "p2"}}}}),
                          nullptr, CancelToken());
  ASSERT_EQ(JobStatus::Done, out.status) << out.error;
  EXPECT_EQ("cpu", out.result.at("device").get<std::string>());
  for (const char* gpu : {"cuda", "cuda:1"}) {
    const JobId id = submitJob(methods, path_, Json{{"method", "latency-profile"},
                                                    {"params", {{"space", "fake"}, {"profile", "g"}, {"device", gpu}}}});
    out = runJob(methods, path_, id, nullptr, CancelToken());
    EXPECT_EQ(JobStatus::Failed, out.status) << gpu;
    EXPECT_NE(out.error.find("device"), std::string::npos) << out.error;
  }
  for (const char* bad : {"gpu", "auto"})
    EXPECT_THROW(submitJob(methods, path_, Json{{"method", "latency-profile"}, {"params", {{"device", bad}}}}), Error);
}

TEST_F(LatencyTest, IncompleteProfileRefusesToPredict) {
  FakeSpace space;
  auto ws = Workspace::open(path_);
  DeviceProfileRecord p;
  p.name = "half";
  const auto id = ws->ensureDeviceProfile(p);
  ws->putLatencyEntry(id, {"fake", "a", 1, 0, 1, 0});
  try {
    LatencyTable::load(*ws, ws->deviceProfile("half"), space);
    FAIL() << "an incomplete profile loaded";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::NotFound, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("lacks 4 of 5")) << e.what();
  }
}

TEST_F(LatencyTest, ExportImportRoundTrip) {
  auto ws = Workspace::open(path_);
  DeviceProfileRecord p;
  p.name = "target";
  p.cpu = "ARM Cortex-A57";
  p.threads = 4;
  p.batch = 1;
  p.torchVersion = "1.13.1";
  const auto id = ws->ensureDeviceProfile(p);
  ws->putLatencyEntries(id, {{"fake", "a", 1.5, 0.1, 30, 0}, {"fake", "b", 2.5, 0.2, 31, 0}, {"x", "k", 7, 0, 3, 0}});
  ws->putLatencyCorrection(id, {"fake", 1.2, -0.4, 20, 0});
  const Json doc = exportDeviceProfile(*ws, "target");
  EXPECT_EQ("nasstudio-device-profile", doc.at("format"));

  auto other = Workspace::open((dir_ / "other.nasdb").string());
  const Json reparsed = Json::parse(doc.dump());
  const DeviceProfileRecord got = importDeviceProfile(*other, reparsed);
  EXPECT_EQ("target", got.name);
  EXPECT_EQ("ARM Cortex-A57", got.cpu);
  EXPECT_EQ(4, got.threads);
  const auto entries = other->latencyEntries(got.id, "fake");
  ASSERT_EQ(2u, entries.size());
  EXPECT_DOUBLE_EQ(2.5, entries[1].medianMs);
  EXPECT_EQ(31, entries[1].repeats);
  ASSERT_TRUE(other->latencyCorrection(got.id, "fake"));
  EXPECT_DOUBLE_EQ(-0.4, other->latencyCorrection(got.id, "fake")->offsetMs);
  EXPECT_EQ(exportDeviceProfile(*ws, "target").at("spaces"), exportDeviceProfile(*other, "target").at("spaces"));

  EXPECT_THROW(importDeviceProfile(*other, reparsed), Error);            // exists
  EXPECT_NO_THROW(importDeviceProfile(*other, reparsed, "target-copy"));  // renamed
  Json bad = reparsed;
  bad["spaces"]["fake"]["entries"][0].erase("median_ms");
  try {
    importDeviceProfile(*other, bad, "bad");
    FAIL() << "malformed document imported";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::ParseError, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("median_ms")) << e.what();
  }
  EXPECT_FALSE(other->findDeviceProfile("bad"));  // nothing half-written
}
