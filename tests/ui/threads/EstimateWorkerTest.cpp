// EstimateWorker (core/engine) with a fake estimator: latest request wins, background
// requests wait behind current ones, a throwing estimator becomes an error value and the
// thread keeps answering. No torch, no generator: deterministic and fast.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/EstimateWorker.h"

namespace {

using namespace std::chrono_literals;

// A gate the fake estimator waits on, so the test decides when an estimate "finishes".
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  int entered = 0;
  void pass() {
    std::unique_lock<std::mutex> lock(m);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
  }
  bool waitEntered(int n) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, 5s, [&] { return entered >= n; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(m);
    open = true;
    cv.notify_all();
  }
};

struct Collected {
  std::mutex m;
  std::vector<nas::EstimateResult> results;
  void add(const nas::EstimateResult& r) {
    std::lock_guard<std::mutex> lock(m);
    results.push_back(r);
  }
  std::vector<nas::EstimateResult> take() {
    std::lock_guard<std::mutex> lock(m);
    return results;
  }
};

bool waitIdle(const nas::EstimateWorker& w) {
  for (int i = 0; i < 500; ++i) {
    if (w.idle()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST(EstimateWorker, LatestRequestWinsWhileBusy) {
  Gate gate;
  Collected got;
  nas::EstimateWorker worker(
      [&](const std::string& arch) -> std::optional<nas::Json> {
        gate.pass();
        return nas::Json{{"accuracy", static_cast<double>(arch.size())}};
      },
      [&](const nas::EstimateResult& r) { got.add(r); });
  worker.request("a");
  ASSERT_TRUE(gate.waitEntered(1));  // "a" is being computed
  worker.request("bb");              // replaced by the next one before the worker gets to it
  worker.request("ccc");
  gate.release();
  ASSERT_TRUE(waitIdle(worker));
  const auto r = got.take();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].arch, "a");
  EXPECT_EQ(r[1].arch, "ccc");
  ASSERT_TRUE(r[1].value.has_value());
  EXPECT_EQ(r[1].value->at("accuracy").get<double>(), 3.0);
  EXPECT_EQ(worker.computed(), 2);
}

TEST(EstimateWorker, CurrentRequestsGoBeforeBackground) {
  Gate gate;
  Collected got;
  nas::EstimateWorker worker(
      [&](const std::string& arch) -> std::optional<nas::Json> {
        if (arch == "first") gate.pass();
        return nas::Json{{"accuracy", 0.5}};
      },
      [&](const nas::EstimateResult& r) { got.add(r); });
  worker.request("first");
  ASSERT_TRUE(gate.waitEntered(1));
  worker.requestBackground({"p1", "p2"});
  worker.request("now");
  gate.release();
  ASSERT_TRUE(waitIdle(worker));
  const auto r = got.take();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].arch, "now");
  EXPECT_FALSE(r[1].background);
  EXPECT_EQ(r[2].arch, "p1");
  EXPECT_TRUE(r[2].background);
  EXPECT_EQ(r[3].arch, "p2");
}

TEST(EstimateWorker, ErrorsAreValuesAndTheThreadSurvives) {
  Collected got;
  nas::EstimateWorker worker(
      [&](const std::string& arch) -> std::optional<nas::Json> {
        if (arch == "bad") throw nas::Error(nas::ErrorCode::ParseError, "not an architecture", "arch 'bad'");
        if (arch == "worse") throw std::runtime_error("plain exception");
        return nas::Json{{"accuracy", 0.9}};
      },
      [&](const nas::EstimateResult& r) {
        got.add(r);
        if (r.arch == "worse") throw std::runtime_error("a throwing callback must not end the thread");
      });
  for (const char* a : {"bad", "worse", "good"}) {
    worker.request(a);
    ASSERT_TRUE(waitIdle(worker));
  }
  const auto r = got.take();
  ASSERT_EQ(r.size(), 3u);
  ASSERT_TRUE(r[0].error.has_value());
  EXPECT_EQ(r[0].error->code(), nas::ErrorCode::ParseError);
  EXPECT_FALSE(r[0].value.has_value());
  ASSERT_TRUE(r[1].error.has_value());
  EXPECT_NE(std::string(r[1].error->what()).find("plain exception"), std::string::npos);
  ASSERT_TRUE(r[2].value.has_value());
  EXPECT_FALSE(r[2].error.has_value());
}

TEST(EstimateWorker, DestructionWhileBusyJoinsWithoutDelivering) {
  Gate gate;
  std::atomic<int> delivered{0};
  std::thread releaser;
  {
    nas::EstimateWorker worker(
        [&](const std::string&) -> std::optional<nas::Json> {
          gate.pass();
          return nas::Json{{"accuracy", 1.0}};
        },
        [&](const nas::EstimateResult&) { ++delivered; });
    worker.request("x");
    ASSERT_TRUE(gate.waitEntered(1));
    worker.requestBackground({"y", "z"});
    releaser = std::thread([&] {
      std::this_thread::sleep_for(50ms);
      gate.release();
    });
  }  // ~EstimateWorker: waits for "x" to finish, drops y and z, delivers nothing
  releaser.join();
  EXPECT_EQ(delivered.load(), 0);
}
