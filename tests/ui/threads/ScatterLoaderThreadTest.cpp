// ScatterLoader (the Search Results tab's background loader) with requests faster than it
// loads: only the latest request's answer is delivered, it equals a load on the caller's
// thread, a bad file is an error value and the next request still works, and destroying the
// loader with requests queued joins its thread. For ThreadSanitizer (packaging/tsan.sh) as
// much as for the behaviour; every wait is for an event, with a generous limit.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "store/Workspace.h"
#include "views/ScatterSource.h"

namespace {

using nas::ui::ScatterLoader;
using nas::ui::ScatterPoint;
using nas::ui::ScatterSource;

constexpr int kWaitMs = 120000;  // a loaded 2-core machine under TSan, not an expectation

QString makeWorkspace(const QTemporaryDir& dir, int n) {
  const QString path = dir.filePath(QStringLiteral("points.nasdb"));
  auto ws = nas::Workspace::open(path.toStdString());
  ws->transaction([&] {
    std::vector<nas::EvaluationRecord> evals;
    for (int i = 0; i < n; ++i) {
      // Distinct strings; the loader reads whatever the table holds.
      const auto id = ws->upsertArchitecture("nb201", "arch-" + std::to_string(i), 1e6 * (i + 1), std::int64_t{10000} * (n - i));
      nas::EvaluationRecord e;
      e.archId = id;
      e.source = "tabular";
      e.dataset = "cifar10";
      e.metric = "test_accuracy";
      e.value = 50 + (i * 37) % 40;
      evals.push_back(e);
    }
    ws->addEvaluations(evals);
  });
  return path;
}

void expectSamePoints(const std::vector<ScatterPoint>& a, const std::vector<ScatterPoint>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].x, b[i].x);
    EXPECT_EQ(a[i].y, b[i].y);
  }
}

struct Answer {
  QString path, error;
  std::vector<ScatterPoint> points;
};

TEST(ScatterLoaderThreads, OnlyTheLatestOfManyRequestsIsDelivered) {
  QTemporaryDir dir;
  const QString path = makeWorkspace(dir, 400);
  auto ws = nas::Workspace::open(path.toStdString(), nas::Workspace::Mode::ReadOnly);
  const auto expected = ScatterSource::loadFrom(*ws, QStringLiteral("flops"), QStringLiteral("test_accuracy"), {}, {});
  ASSERT_EQ(expected.size(), 400u);

  ScatterLoader loader;
  std::vector<Answer> answers;
  QObject::connect(&loader, &ScatterLoader::loaded,
                   [&](const QString& p, const std::vector<ScatterPoint>& pts, const QString& err) {
                     answers.push_back({p, err, pts});
                   });
  // Ten requests the user no longer wants, then the one that counts, without returning to
  // the event loop in between: every earlier answer is posted before the last one.
  for (int i = 0; i < 10; ++i) loader.request(path, QStringLiteral("flops"), QStringLiteral("params"), {}, {});
  loader.request(path, QStringLiteral("flops"), QStringLiteral("test_accuracy"), {}, {});
  ASSERT_TRUE(QTest::qWaitFor([&] { return !answers.empty(); }, kWaitMs));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].path, path);
  EXPECT_EQ(answers[0].error, QString());
  expectSamePoints(answers[0].points, expected);
}

TEST(ScatterLoaderThreads, ABadFileIsAnErrorAndTheNextRequestLoads) {
  QTemporaryDir dir;
  const QString path = makeWorkspace(dir, 50);
  ScatterLoader loader;
  std::vector<Answer> answers;
  QObject::connect(&loader, &ScatterLoader::loaded,
                   [&](const QString& p, const std::vector<ScatterPoint>& pts, const QString& err) {
                     answers.push_back({p, err, pts});
                   });
  const QString missing = dir.filePath(QStringLiteral("missing.nasdb"));
  loader.request(missing, QStringLiteral("flops"), QStringLiteral("params"), {}, {});
  ASSERT_TRUE(QTest::qWaitFor([&] { return answers.size() == 1; }, kWaitMs));
  EXPECT_EQ(answers[0].path, missing);
  EXPECT_FALSE(answers[0].error.isEmpty());
  EXPECT_TRUE(answers[0].points.empty());

  loader.request(path, QStringLiteral("flops"), QStringLiteral("params"), {}, {});
  ASSERT_TRUE(QTest::qWaitFor([&] { return answers.size() == 2; }, kWaitMs));
  EXPECT_EQ(answers[1].error, QString());
  EXPECT_EQ(answers[1].points.size(), 50u);
}

// A workspace switch or a closed tab: the loader goes while its thread still has requests.
TEST(ScatterLoaderThreads, DestroyedWithRequestsQueuedJoinsItsThread) {
  QTemporaryDir dir;
  const QString path = makeWorkspace(dir, 400);
  for (int round = 0; round < 5; ++round) {
    auto loader = std::make_unique<ScatterLoader>();
    int delivered = 0;
    QObject::connect(loader.get(), &ScatterLoader::loaded, [&] { ++delivered; });
    for (int i = 0; i < 5; ++i) loader->request(path, QStringLiteral("flops"), QStringLiteral("test_accuracy"), {}, {});
    if (round % 2) QTest::qWait(1);  // sometimes mid-load, sometimes before the first
    loader.reset();
    QCoreApplication::processEvents();  // nothing posted to the dead loader may run
    EXPECT_LE(delivered, 1);
  }
}

}  // namespace
