// Kill anywhere (issue 19): the worker of a job is SIGKILLed at random moments and resumed,
// for supernet + generator training (SGNAS), training from scratch, a tabular search and an
// AG-Net search. After every kill:
//  - `PRAGMA integrity_check` is "ok" and the job is queued or interrupted (never failed);
//  - every metric, sample and evaluation row committed before the kill is still there after
//    the next run, unchanged and with the same row id (nothing lost or rewritten);
//  - where the kill left a checkpoint, the next run says it resumed (train, SGNAS);
// and when the job is done:
//  - no metric point (series, step) is stored twice;
//  - its metrics, samples, evaluations and result equal those of an uninterrupted run of the
//    same spec and seed in another workspace (timing keys aside), bit for bit.
// The suite runs a few kills on tiny jobs. tests/soak/kill_soak.sh runs the long version
// (NAS_SOAK_KILLS kills per kind, NAS_SOAK_SEED for the kill moments, NAS_SOAK_REPORT for a
// line per kill).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "SoakSupport.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

class KillSoak : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-kill-soak-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (const char* r = std::getenv("NAS_SOAK_REPORT")) report_.open(r, std::ios::app);
    ::setenv("OMP_NUM_THREADS", "1", 0);  // the workers' LibTorch threads where a method has no threads key
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::int64_t submit(const std::string& ws, const std::string& method, const std::string& params) {
    const CliResult r = runCli("run " + method + " --detach " + params + " --workspace " + ws + " --json");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return Json::parse(r.out, nullptr, false).value("job_id", std::int64_t{-1});
  }

  std::vector<std::string> runJobArgs(const std::string& ws, std::int64_t job) {
    return {"run-job", "--job", std::to_string(job), "--workspace", ws};
  }

  // Kills the workers of jobs with `params` at random moments until `kills` kills happened,
  // starting new jobs when one finishes first, and checks every job against an uninterrupted
  // run.
  void soak(const std::string& kind, const std::string& method, const std::string& params, int kills,
            bool logsResume) {
    const std::string refWs = (dir_ / "reference.nasdb").string();
    const std::int64_t refJob = submit(refWs, method, params);
    ASSERT_GT(refJob, 0);
    // The uninterrupted run, timed: how long the worker takes to start (load LibTorch and the
    // plugins, open the workspace, take the job) and to finish.
    const auto t0 = Clock::now();
    int code = -1;
    const pid_t refPid = spawnCli(runJobArgs(refWs, refJob));
    ASSERT_GT(refPid, 0);
    long startMs = -1;
    while (!waitOrKill(refPid, std::chrono::milliseconds(20), &code, false)) {
      if (startMs < 0 && SoakDb(refWs).scalar("SELECT status FROM jobs WHERE id = ?1", refJob) == "running")
        startMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
      ASSERT_LT(Clock::now() - t0, std::chrono::minutes(10)) << kind << ": the uninterrupted run hangs";
    }
    const long refMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    ASSERT_EQ(code, 0) << kind << ": the uninterrupted run failed";
    if (startMs < 0) startMs = refMs / 2;
    JobRows ref;
    {
      SoakDb db(refWs);
      ref = readJobRows(db, refJob);
    }
    ASSERT_EQ(ref.status, "done");
    ASSERT_FALSE(ref.metrics.empty() && ref.samples.empty() && ref.evaluations.empty()) << kind << " wrote nothing";

    std::mt19937_64 rng(static_cast<std::uint64_t>(envInt("NAS_SOAK_SEED", 19)) * 1000003u + std::hash<std::string>{}(kind));
    const std::string ws = (dir_ / "killed.nasdb").string();
    int done = 0, jobs = 0;
    while (done < kills) {
      const std::int64_t job = submit(ws, method, params);
      ASSERT_GT(job, 0);
      ++jobs;
      for (int attempt = 0;; ++attempt) {
        ASSERT_LT(attempt, 200) << kind << ": job " << job << " never finished";
        JobRows before;
        std::string checkpointBefore;
        {
          SoakDb db(ws);
          before = readJobRows(db, job);
          checkpointBefore = db.scalar("SELECT count(*) FROM artifacts WHERE job_id = ?1 AND kind = 'checkpoint'", job);
        }
        const long logLinesBefore = std::stol(SoakDb(ws).scalar("SELECT count(*) FROM job_log WHERE job_id = ?1", job));
        // Anywhere in the run: one kill in eight while the worker starts (loading plugins,
        // opening the workspace, taking the job), the others while the job runs, up to the
        // uninterrupted run's length (a resumed run may finish first).
        const bool duringStart = std::uniform_int_distribution<int>(0, 7)(rng) == 0;
        std::uniform_int_distribution<long> when(duringStart ? 0 : startMs, duringStart ? startMs : std::max(startMs + 50, refMs));
        const long killAt = done < kills ? when(rng) : 1000L * 600;
        const pid_t pid = spawnCli(runJobArgs(ws, job));
        ASSERT_GT(pid, 0);
        const bool finished = waitOrKill(pid, std::chrono::milliseconds(killAt), &code);

        SoakDb db(ws);
        const JobRows after = readJobRows(db, job);
        EXPECT_EQ(db.scalar("PRAGMA integrity_check"), "ok") << kind << " after a kill at " << killAt << " ms";
        for (auto [name, b, a] : {std::tuple{"metric", &before.metrics, &after.metrics},
                                  std::tuple{"sample", &before.samples, &after.samples},
                                  std::tuple{"evaluation", &before.evaluations, &after.evaluations}})
          EXPECT_EQ(missingFrom(*b, *a), "") << kind << ": a committed " << name << " row was lost or rewritten by run "
                                             << attempt << " of job " << job;
        if (logsResume && attempt > 0 && checkpointBefore != "0") {
          // The run's log lines after those of earlier runs must say where it resumed.
          const auto lines = db.rows("SELECT line FROM job_log WHERE job_id = ?1 ORDER BY id", job);
          bool resumed = false;
          for (size_t i = static_cast<size_t>(logLinesBefore); i < lines.size(); ++i)
            resumed = resumed || lines[i][0].rfind("resumed", 0) == 0;
          // A run killed before it reached the method's start has nothing to say yet.
          if (after.status == "done" || lines.size() > static_cast<size_t>(logLinesBefore) + 2) {
            EXPECT_TRUE(resumed) << kind << ": run " << attempt << " of job " << job
                                 << " had a checkpoint but did not resume from it";
          }
        }
        if (finished) {
          ASSERT_EQ(code, 0) << kind << ": run " << attempt << " of job " << job << " failed";
          ASSERT_EQ(after.status, "done");
          break;
        }
        ++done;
        const CliResult show = runCli("jobs show " + std::to_string(job) + " --workspace " + ws + " --json");
        ASSERT_EQ(show.exitCode, 0) << show.err;
        const Json j = Json::parse(show.out, nullptr, false);
        const std::string status = j.value("status", "");
        EXPECT_TRUE(status == "queued" || status == "interrupted" || status == "done")
            << kind << ": status after a kill: " << status << " " << j.value("error", "");
        if (report_)
          report_ << kind << " kill " << done << " job " << job << " run " << attempt << " at " << killAt << " ms: "
                  << status << ", progress " << j.value("progress", 0.0) << " '" << j.value("stage", "") << "', "
                  << after.metrics.size() << " metric / " << after.samples.size() << " sample / "
                  << after.evaluations.size() << " evaluation rows committed, checkpoint "
                  << (j.contains("artifacts") && !j["artifacts"].empty() ? "yes" : "no") << "\n";
        if (status == "done") break;
      }
      SoakDb db(ws);
      const JobRows final = readJobRows(db, job);
      EXPECT_EQ(firstDuplicate(final.metrics), "") << kind << ": a metric point was stored twice in job " << job;
      EXPECT_EQ(texts(final.metrics), texts(ref.metrics)) << kind << ": metrics differ from the uninterrupted run";
      EXPECT_EQ(texts(final.samples), texts(ref.samples)) << kind << ": samples differ from the uninterrupted run";
      EXPECT_EQ(texts(final.evaluations), texts(ref.evaluations)) << kind << ": evaluations differ";
      EXPECT_EQ(final.result, ref.result) << kind << ": the result differs from the uninterrupted run";
      if (HasFailure()) return;
    }
    if (report_)
      report_ << kind << ": " << done << " kills over " << jobs << " jobs; uninterrupted run " << refMs
              << " ms (worker start " << startMs << " ms); every job equal to it\n";
  }

  fs::path dir_;
  std::ofstream report_;
};

int killsPerKind() { return envInt("NAS_SOAK_KILLS", 1); }

TEST_F(KillSoak, SgnasSupernetAndGenerator) {
  const bool longRun = envInt("NAS_SOAK_LONG", 0) != 0;
  soak("sgnas", "sgnas",
       std::string("-p preset=tiny -p dataset=synthetic -p batch_size=32 -p generator_batch=16 -p eval_targets=3 "
                   "-p random_per_target=1 -p eval_images=64 -p selection_images=32 -p threads=1 -p checkpoint_every=2 ") +
           (longRun ? "-p train_limit=640 -p supernet_epochs=2 -p generator_epochs=3 -p generator_steps=6"
                    : "-p train_limit=256 -p supernet_epochs=1 -p generator_epochs=2 -p generator_steps=3"),
       killsPerKind(), true);
}

TEST_F(KillSoak, TrainFromScratch) {
  const bool longRun = envInt("NAS_SOAK_LONG", 0) != 0;
  soak("train", "train",
       std::string("-p dataset=synthetic -p channels=4 -p cells=1 -p batch_size=16 -p checkpoint_every=3 -p threads=1 ") +
           (longRun ? "-p epochs=4 -p train_limit=1024" : "-p epochs=2 -p train_limit=384"),
       killsPerKind(), true);
}

TEST_F(KillSoak, TabularSearch) {
  const bool longRun = envInt("NAS_SOAK_LONG", 0) != 0;
  soak("tabular", "tabular-search",
       std::string("-p strategy=evolution ") + (longRun ? "-p queries=1000 -p seeds=5" : "-p queries=400 -p seeds=3"),
       killsPerKind(), false);
}

TEST_F(KillSoak, AgnetSearch) {
  const bool longRun = envInt("NAS_SOAK_LONG", 0) != 0;
  soak("agnet", "agnet",
       std::string("-p source=table -p num_init=8 -p k=8 -p num_test=40 -p ticks=4 -p tick_size=8 -p node_dim=8 "
                   "-p graph_dim=8 -p gnn_layers=1 -p regression_layers=2 -p pretrain_samples=256 ") +
           (longRun ? "-p queries=64 -p seeds=2" : "-p queries=32 -p seeds=1"),
       killsPerKind(), false);
}

}  // namespace
}  // namespace nas::test
