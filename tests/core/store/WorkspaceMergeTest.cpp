// `workspace merge`: a workspace written elsewhere brought into another with its jobs, metrics,
// log, samples, artifacts, architectures and evaluations; merging twice equals merging once;
// a newer copy of a job replaces the older; merging into itself is refused. And the refusal
// of network file systems (by statfs magic).
#include <gtest/gtest.h>

#include <cmath>

#include "StoreTestUtil.h"
#include "store/FileCheck.h"
#include "store/Workspace.h"

using namespace nas;

namespace {

struct Counts {
  size_t jobs, archs, metrics, logs, samples, artifacts, evals;
  bool operator==(const Counts& o) const {
    return jobs == o.jobs && archs == o.archs && metrics == o.metrics && logs == o.logs && samples == o.samples &&
           artifacts == o.artifacts && evals == o.evals;
  }
};

Counts count(Workspace& ws) {
  Counts c{};
  c.jobs = ws.jobs().size();
  c.archs = static_cast<size_t>(ws.architectureCount());
  for (const auto& j : ws.jobs()) {
    c.metrics += ws.metrics(j.id).size();
    c.logs += ws.jobLog(j.id).size();
    c.samples += ws.samples(j.id).size();
    c.artifacts += ws.artifacts(j.id).size();
  }
  for (ArchId a = 1; a <= 1000; ++a) {
    try {
      c.evals += ws.evaluations(a).size();
    } catch (const Error&) {
    }
  }
  return c;
}

// A remote workspace: one job with everything, plus a job-less evaluation.
JobId fillRemote(Workspace& ws) {
  const JobId job = ws.createJob("train", R"({"method":"train","params":{}})");
  const ArchId shared = ws.upsertArchitecture("nb201", "shared", 1.0, 10);
  const ArchId own = ws.upsertArchitecture("nb201", "remote-only", 2.0, 20);
  ws.appendMetrics(job, {{"loss", 1, 0.5}, {"loss", 2, 0.25}});
  ws.appendJobLog(job, {{0, job, 1.0, "started"}, {0, job, 2.0, "done"}});
  ws.addSamples({SampleRecord{0, job, 0, own, R"({"z":[1,2]})"}});
  ws.putArtifact(job, "checkpoint", "latest", std::string("\0\1\2", 3));
  EvaluationRecord e;
  e.archId = own;
  e.jobId = job;
  e.source = "trained";
  e.dataset = "synthetic";
  e.metric = "test_accuracy";
  e.value = 0.75;
  ws.addEvaluation(e);
  e.archId = shared;
  e.jobId.reset();
  e.source = "tabular";
  e.value = std::nan("");  // stored as NULL: still matched on the second merge
  ws.addEvaluation(e);
  ws.setJobStatus(job, JobStatus::Done);
  return job;
}

}  // namespace

TEST(WorkspaceMerge, BringsEverythingAndTwiceIsOnce) {
  nas::testing::TempDir dir;
  const std::string remotePath = dir.file("remote.nasdb"), homePath = dir.file("home.nasdb");
  JobId remoteJob = 0;
  std::string uid;
  {
    auto remote = Workspace::open(remotePath);
    remoteJob = fillRemote(*remote);
    uid = remote->job(remoteJob).uid;
  }
  auto home = Workspace::open(homePath);
  const JobId local = home->createJob("tabular-search", "{}");
  home->upsertArchitecture("nb201", "shared", 1.0, 10);
  (void)local;

  const auto first = home->mergeFrom(remotePath);
  EXPECT_EQ(first.jobsAdded, 1);
  EXPECT_EQ(first.architecturesAdded, 1);  // "shared" was here already
  EXPECT_EQ(first.evaluationsAdded, 2);
  EXPECT_EQ(first.metricsCopied, 2);
  EXPECT_EQ(first.logLinesCopied, 2);
  EXPECT_EQ(first.samplesCopied, 1);
  EXPECT_EQ(first.artifactsCopied, 1);
  const Counts once = count(*home);
  EXPECT_EQ(once.jobs, 2u);
  EXPECT_EQ(once.archs, 2u);

  // The merged job: same uid and status, its rows point at this workspace's ids.
  JobRecord merged;
  for (const auto& j : home->jobs())
    if (j.uid == uid) merged = j;
  ASSERT_GT(merged.id, 0);
  EXPECT_EQ(merged.status, JobStatus::Done);
  EXPECT_EQ(home->metrics(merged.id, "loss").size(), 2u);
  EXPECT_EQ(home->jobLog(merged.id).back().line, "done");
  EXPECT_EQ(*home->artifact(merged.id, "checkpoint", "latest"), std::string("\0\1\2", 3));
  const auto samples = home->samples(merged.id);
  ASSERT_EQ(samples.size(), 1u);
  ASSERT_TRUE(samples[0].archId);
  EXPECT_EQ(home->architecture(*samples[0].archId).canonical, "remote-only");
  ASSERT_EQ(home->evaluationsOfJob(merged.id).size(), 1u);
  EXPECT_DOUBLE_EQ(home->evaluationsOfJob(merged.id)[0].value, 0.75);

  const auto second = home->mergeFrom(remotePath);
  EXPECT_EQ(second.jobsAdded, 0);
  EXPECT_EQ(second.jobsUpdated, 0);
  EXPECT_EQ(second.jobsUnchanged, 1);
  EXPECT_EQ(second.architecturesAdded, 0);
  EXPECT_EQ(second.evaluationsAdded, 0);
  EXPECT_TRUE(count(*home) == once) << "merging twice changed the workspace";
}

TEST(WorkspaceMerge, ANewerCopyOfAJobReplacesTheOlder) {
  nas::testing::TempDir dir;
  const std::string remotePath = dir.file("remote.nasdb"), homePath = dir.file("home.nasdb");
  JobId job = 0;
  {
    auto remote = Workspace::open(remotePath);
    job = remote->createJob("train", "{}");
    remote->setJobStatus(job, JobStatus::Running);
    remote->appendMetrics(job, {{"loss", 1, 0.5}});
  }
  auto home = Workspace::open(homePath);
  home->mergeFrom(remotePath);
  ASSERT_EQ(home->jobs().size(), 1u);
  EXPECT_EQ(home->jobs()[0].status, JobStatus::Running);
  {
    auto remote = Workspace::open(remotePath);
    remote->appendMetrics(job, {{"loss", 2, 0.25}});
    remote->setJobStatus(job, JobStatus::Done);  // later updated_at
  }
  const auto r = home->mergeFrom(remotePath);
  EXPECT_EQ(r.jobsUpdated, 1);
  ASSERT_EQ(home->jobs().size(), 1u);
  EXPECT_EQ(home->jobs()[0].status, JobStatus::Done);
  EXPECT_EQ(home->metrics(home->jobs()[0].id).size(), 2u);  // replaced, not appended twice
}

TEST(WorkspaceMerge, RefusesItselfAndMissingFiles) {
  nas::testing::TempDir dir;
  auto home = Workspace::open(dir.file("home.nasdb"));
  EXPECT_THROW(home->mergeFrom(dir.file("home.nasdb")), Error);
  try {
    home->mergeFrom(dir.file("missing.nasdb"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  EXPECT_TRUE(home->jobs().empty());
}

TEST(NetworkFileSystem, KnownMagicNumbersAreRefusedLocalOnesPass) {
  EXPECT_STREQ(store::networkFileSystemName(0x6969), "nfs");
  EXPECT_STREQ(store::networkFileSystemName(static_cast<long>(0xFF534D42ul)), "cifs");
  EXPECT_STREQ(store::networkFileSystemName(static_cast<long>(0xFE534D42ul)), "smb2");
  EXPECT_STREQ(store::networkFileSystemName(0x517B), "smb");
  EXPECT_EQ(store::networkFileSystemName(0xEF53), nullptr);      // ext4
  EXPECT_EQ(store::networkFileSystemName(0x58465342), nullptr);  // xfs
  EXPECT_EQ(store::networkFileSystemName(0x01021994), nullptr);  // tmpfs
  nas::testing::TempDir dir;
  EXPECT_NO_THROW(store::refuseNetworkFileSystem(dir.file("new.nasdb")));  // the temp dir is local here
}
