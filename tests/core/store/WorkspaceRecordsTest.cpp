// Round trips of jobs, architectures, evaluations, metrics, samples and artifacts.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "StoreTestUtil.h"
#include "store/Workspace.h"

namespace nas {
namespace {

using testing::expectError;
using testing::TempDir;

class WorkspaceRecords : public ::testing::Test {
 protected:
  TempDir tmp;
  std::unique_ptr<Workspace> ws = Workspace::open(tmp.file("ws.nasws"));
};

TEST_F(WorkspaceRecords, JobLifecycle) {
  JobId id = ws->createJob("tabular-search", R"({"space":"nb201"})");
  JobRecord j = ws->job(id);
  EXPECT_EQ(JobStatus::Queued, j.status);
  EXPECT_EQ("{}", j.resultJson);
  EXPECT_GT(j.createdAt, 1.6e9);
  EXPECT_EQ(0, j.startedAt);

  ws->setJobStatus(id, JobStatus::Running);
  ws->setJobPid(id, 4242);
  ws->setJobProgress(id, 0.25, "round 1");
  ws->requestCancel(id);
  j = ws->job(id);
  EXPECT_EQ(JobStatus::Running, j.status);
  EXPECT_GT(j.startedAt, 0);
  EXPECT_EQ(4242, j.pid);
  EXPECT_DOUBLE_EQ(0.25, j.progress);
  EXPECT_EQ("round 1", j.stage);
  EXPECT_TRUE(ws->cancelRequested(id));
  ws->clearCancel(id);
  EXPECT_FALSE(ws->cancelRequested(id));

  ws->setJobResult(id, R"({"best":1})");
  ws->setJobStatus(id, JobStatus::Failed, "out of memory");
  j = ws->job(id);
  EXPECT_EQ(JobStatus::Failed, j.status);
  EXPECT_EQ("out of memory", j.error);
  EXPECT_EQ(R"({"best":1})", j.resultJson);
  EXPECT_GE(j.finishedAt, j.startedAt);
  EXPECT_GE(j.updatedAt, j.createdAt);

  ws->setJobProgress(id, 7.0, "clamped");
  EXPECT_DOUBLE_EQ(1.0, ws->job(id).progress);

  JobId second = ws->createJob("train", "{}");
  auto all = ws->jobs();
  ASSERT_EQ(2u, all.size());
  EXPECT_EQ(second, all[0].id);  // newest first
}

TEST_F(WorkspaceRecords, MissingJobIsNotFound) {
  expectError(ErrorCode::NotFound, [&] { ws->job(99); });
  expectError(ErrorCode::NotFound, [&] { ws->setJobStatus(99, JobStatus::Done); });
  expectError(ErrorCode::NotFound, [&] { ws->cancelRequested(99); });
  expectError(ErrorCode::NotFound, [&] { ws->deleteJob(99); });
  expectError(ErrorCode::NotFound, [&] { ws->architecture(99); });
}

TEST_F(WorkspaceRecords, UpsertArchitectureReturnsTheSameId) {
  ArchId a = ws->upsertArchitecture("nb201", "|conv~0|", 10, 20);
  ArchId b = ws->upsertArchitecture("nb201", "|conv~0|", 99, 99);
  ArchId c = ws->upsertArchitecture("other", "|conv~0|", 1, 2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(2, ws->architectureCount());
  auto rec = ws->findArchitecture("nb201", "|conv~0|");
  ASSERT_TRUE(rec);
  EXPECT_EQ(a, rec->id);
  EXPECT_DOUBLE_EQ(10, rec->flops);  // the first insert's values stay
  EXPECT_EQ(20, rec->params);
  EXPECT_FALSE(ws->findArchitecture("nb201", "nope"));
  EXPECT_EQ("other", ws->architecture(c).space);
}

TEST_F(WorkspaceRecords, EvaluationsRoundTrip) {
  JobId job = ws->createJob("train", "{}");
  ArchId a = ws->upsertArchitecture("nb201", "a", 1, 1);
  std::int64_t e1 = ws->addEvaluation({0, a, job, "trained", "cifar10", "test_accuracy", 0.91, 0});
  ws->addEvaluations({{0, a, std::nullopt, "tabular", "cifar10", "latency_ms", 3.5, 123.0},
                      {0, a, job, "predicted", "cifar10", "test_accuracy", std::nan(""), 0}});
  auto es = ws->evaluations(a);
  ASSERT_EQ(3u, es.size());
  EXPECT_EQ(e1, es[0].id);
  EXPECT_EQ(job, es[0].jobId);
  EXPECT_EQ("trained", es[0].source);
  EXPECT_EQ("cifar10", es[0].dataset);
  EXPECT_DOUBLE_EQ(0.91, es[0].value);
  EXPECT_FALSE(es[1].jobId);
  EXPECT_DOUBLE_EQ(123.0, es[1].createdAt);
  EXPECT_TRUE(std::isnan(es[2].value));  // NaN survives (stored as NULL)
  EXPECT_EQ(2u, ws->evaluationsOfJob(job).size());
  EXPECT_EQ((std::vector<std::string>{"latency_ms", "test_accuracy"}), ws->metricNames());
}

TEST_F(WorkspaceRecords, MetricsRoundTripAndPolling) {
  JobId j1 = ws->createJob("train", "{}");
  JobId j2 = ws->createJob("train", "{}");
  const double inf = std::numeric_limits<double>::infinity();
  ws->appendMetrics(j1, {{"train_loss", 0, 2.0}, {"train_loss", 1, 1.5}, {"lr", 0, 0.1}});
  ws->appendMetrics(j2, {{"train_loss", 0, std::nan("")}, {"train_loss", 1, inf}});

  auto all = ws->metrics(j1);
  ASSERT_EQ(3u, all.size());
  EXPECT_EQ("lr", all[2].series);
  auto loss = ws->metrics(j1, "train_loss");
  ASSERT_EQ(2u, loss.size());
  EXPECT_EQ(1, loss[1].step);
  EXPECT_DOUBLE_EQ(1.5, loss[1].value);
  EXPECT_EQ((std::vector<std::string>{"lr", "train_loss"}), ws->metricSeriesNames(j1));

  auto since = ws->metricsSince(0);
  ASSERT_EQ(5u, since.size());
  EXPECT_EQ(j2, since[3].job);
  EXPECT_TRUE(std::isnan(since[3].point.value));
  EXPECT_EQ(inf, since[4].point.value);
  const std::int64_t cursor = since.back().rowId;
  EXPECT_TRUE(ws->metricsSince(cursor).empty());
  ws->appendMetrics(j1, {{"train_loss", 2, 1.0}});
  auto fresh = ws->metricsSince(cursor);
  ASSERT_EQ(1u, fresh.size());
  EXPECT_EQ(2, fresh[0].point.step);
  EXPECT_EQ(1u, ws->metrics(j1, "train_loss", since[1].rowId).size());

  // Ids are never reused: deleting the newest job's points does not rewind the cursor.
  ws->deleteJob(j1);
  ws->appendMetrics(j2, {{"train_loss", 2, 0.5}});
  auto after = ws->metricsSince(fresh[0].rowId);
  ASSERT_EQ(1u, after.size());
  EXPECT_EQ(j2, after[0].job);
}

TEST_F(WorkspaceRecords, SamplesRoundTrip) {
  JobId job = ws->createJob("agnet", "{}");
  ArchId a = ws->upsertArchitecture("nb201", "a", 1, 1);
  ws->addSamples({{0, job, 2, a, R"({"z":[0.1,0.2]})"}, {0, job, 1, std::nullopt, ""}});
  auto s = ws->samples(job);
  ASSERT_EQ(2u, s.size());
  EXPECT_EQ(1, s[0].round);  // ordered by round
  EXPECT_FALSE(s[0].archId);
  EXPECT_EQ("{}", s[0].payloadJson);
  EXPECT_EQ(a, s[1].archId);
  EXPECT_EQ(R"({"z":[0.1,0.2]})", s[1].payloadJson);
}

TEST_F(WorkspaceRecords, ArtifactsRoundTripAndReplace) {
  JobId job = ws->createJob("sgnas", "{}");
  std::string big(5 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) ^ (i >> 7));
  std::int64_t id = ws->putArtifact(job, "checkpoint", "latest", big);
  ws->putArtifact(job, "generator", "g", "");
  auto back = ws->artifact(job, "checkpoint", "latest");
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == big);
  EXPECT_EQ(std::string(), ws->artifact(job, "generator", "g").value());
  EXPECT_FALSE(ws->artifact(job, "checkpoint", "missing"));

  EXPECT_EQ(id, ws->putArtifact(job, "checkpoint", "latest", "small"));  // replaced in place
  EXPECT_EQ("small", ws->artifact(job, "checkpoint", "latest").value());
  auto list = ws->artifacts(job);
  ASSERT_EQ(2u, list.size());
  EXPECT_EQ("checkpoint", list[0].kind);
  EXPECT_EQ(5, list[0].size);
  EXPECT_EQ(0, list[1].size);
}

TEST_F(WorkspaceRecords, DeleteJobKeepsEvaluationsAndArchitectures) {
  JobId job = ws->createJob("train", "{}");
  JobId other = ws->createJob("train", "{}");
  ArchId a = ws->upsertArchitecture("nb201", "a", 1, 1);
  ws->addEvaluation({0, a, job, "trained", "cifar10", "acc", 0.9, 0});
  ws->appendMetrics(job, {{"loss", 0, 1}});
  ws->appendMetrics(other, {{"loss", 0, 1}});
  ws->addSamples({{0, job, 0, a, "{}"}});
  ws->putArtifact(job, "checkpoint", "c", "bytes");

  ws->deleteJob(job);
  expectError(ErrorCode::NotFound, [&] { ws->job(job); });
  EXPECT_TRUE(ws->metrics(job).empty());
  EXPECT_TRUE(ws->samples(job).empty());
  EXPECT_TRUE(ws->artifacts(job).empty());
  auto es = ws->evaluations(a);
  ASSERT_EQ(1u, es.size());
  EXPECT_FALSE(es[0].jobId);
  EXPECT_EQ(1, ws->architectureCount());
  EXPECT_EQ(1u, ws->metrics(other).size());
}

}  // namespace
}  // namespace nas
