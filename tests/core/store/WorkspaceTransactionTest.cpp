// transaction(): all or nothing, nested calls join the outer one.
#include <gtest/gtest.h>

#include <stdexcept>

#include "StoreTestUtil.h"
#include "store/Workspace.h"

namespace nas {
namespace {

using testing::TempDir;

TEST(WorkspaceTransaction, CommitsOnSuccess) {
  TempDir tmp;
  auto ws = Workspace::open(tmp.file("ws.nasws"));
  ws->transaction([&] {
    ws->createJob("a", "{}");
    ws->createJob("b", "{}");
  });
  EXPECT_EQ(2u, ws->jobs().size());
}

TEST(WorkspaceTransaction, RollsBackOnExceptionAndRethrows) {
  TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  auto ws = Workspace::open(path);
  JobId keep = ws->createJob("keep", "{}");
  EXPECT_THROW(ws->transaction([&] {
    JobId j = ws->createJob("lost", "{}");
    ws->appendMetrics(j, {{"loss", 0, 1.0}, {"loss", 1, 0.5}});
    ws->upsertArchitecture("nb201", "lost-arch", 1, 1);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  ASSERT_EQ(1u, ws->jobs().size());
  EXPECT_EQ(keep, ws->jobs()[0].id);
  EXPECT_EQ(0, ws->architectureCount());
  EXPECT_TRUE(ws->metricsSince(0).empty());
  // Nothing reached the file either.
  auto other = Workspace::open(path, Workspace::Mode::ReadOnly);
  EXPECT_EQ(1u, other->jobs().size());
  // And the connection is usable afterwards.
  ws->transaction([&] { ws->createJob("after", "{}"); });
  EXPECT_EQ(2u, ws->jobs().size());
}

TEST(WorkspaceTransaction, NestedCallsJoinTheOuterOne) {
  TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  auto ws = Workspace::open(path);
  auto reader = Workspace::open(path, Workspace::Mode::ReadOnly);
  ws->transaction([&] {
    ws->createJob("outer", "{}");
    ws->transaction([&] { ws->createJob("inner", "{}"); });
    // The inner call did not commit on its own: another connection sees nothing yet.
    EXPECT_TRUE(reader->jobs().empty());
    // appendMetrics opens its own (nested) transaction too.
    ws->appendMetrics(ws->jobs()[0].id, {{"x", 0, 1}});
  });
  EXPECT_EQ(2u, reader->jobs().size());
}

TEST(WorkspaceTransaction, OuterFailureUndoesInnerWork) {
  TempDir tmp;
  auto ws = Workspace::open(tmp.file("ws.nasws"));
  EXPECT_THROW(ws->transaction([&] {
    ws->transaction([&] { ws->createJob("inner", "{}"); });
    throw std::runtime_error("outer fails");
  }),
               std::runtime_error);
  EXPECT_TRUE(ws->jobs().empty());
}

TEST(WorkspaceTransaction, CaughtNestedFailureStillRollsBackEverything) {
  // A nested call that failed half-way must not be committed in part, even when the outer
  // code catches its exception: the outer transaction rolls back and reports it.
  TempDir tmp;
  auto ws = Workspace::open(tmp.file("ws.nasws"));
  ArchId a = ws->upsertArchitecture("nb201", "a", 1, 1);
  auto e = testing::expectError(ErrorCode::InvalidArgument, [&] {
    ws->transaction([&] {
      ws->createJob("outer", "{}");
      try {
        ws->addEvaluations({{0, a, std::nullopt, "tabular", "cifar10", "acc", 0.9, 0},
                            {0, a + 1000, std::nullopt, "tabular", "cifar10", "acc", 0.8, 0}});
      } catch (const Error&) {
      }
      ws->createJob("outer-2", "{}");
    });
  });
  EXPECT_NE(std::string(e.what()).find("nested step failed"), std::string::npos) << e.what();
  EXPECT_TRUE(ws->jobs().empty());
  EXPECT_TRUE(ws->evaluations(a).empty());
  // The next transaction starts clean.
  ws->transaction([&] { ws->createJob("next", "{}"); });
  EXPECT_EQ(1u, ws->jobs().size());
}

TEST(WorkspaceTransaction, ErrorsInsideRollBack) {
  // A store error (unknown architecture id violates the foreign key) rolls back the batch.
  TempDir tmp;
  auto ws = Workspace::open(tmp.file("ws.nasws"));
  ArchId a = ws->upsertArchitecture("nb201", "a", 1, 1);
  testing::expectError(ErrorCode::InvalidArgument, [&] {
    ws->addEvaluations({{0, a, std::nullopt, "tabular", "cifar10", "acc", 0.9, 0},
                        {0, a + 1000, std::nullopt, "tabular", "cifar10", "acc", 0.8, 0}});
  });
  EXPECT_TRUE(ws->evaluations(a).empty());
}

}  // namespace
}  // namespace nas
