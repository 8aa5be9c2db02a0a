// The "Generate" tab and its core facade on a real, tiny trained SGNAS generator: the job is
// trained once per run by the worker executable (tiny preset, synthetic data, seconds), the
// plugin is loaded from the build tree by nas::Engine. Then: the sliders are the generator's
// controls, moving one redraws the strip and the cost rows, estimates arrive from the
// session's thread (errors too), pins land in the workspace, and two pins compare layer by
// layer.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <mutex>
#include <set>

#include "UiTestSupport.h"
#include "engine/Engine.h"
#include "engine/GeneratorSession.h"
#include "engine/PinnedArchitectures.h"
#include "generate/AccuracyCurveView.h"
#include "generate/ConstraintSlider.h"
#include "generate/GeneratePanel.h"
#include "generate/PinnedCompareView.h"
#include "store/Workspace.h"
#include "views/LayerStripView.h"

using nas::ui::test::waitFor;

namespace {

constexpr int kTrainTimeoutMs = 300000;  // a busy 2-core machine; the job itself takes seconds
constexpr int kEstimateTimeoutMs = 60000;

// One trained workspace for the whole suite: {path, job id}, or an empty path with the reason.
struct TrainedJob {
  QString path;
  qint64 job = 0;
  QString why;
};

const TrainedJob& trainedJob() {
  static const TrainedJob t = [] {
    TrainedJob r;
    if (!nas::ui::test::haveCli()) {
      r.why = QStringLiteral("worker executable not found: ") + nas::ui::test::cliPath();
      return r;
    }
    const QString ws = nas::ui::test::newWorkspacePath(QStringLiteral("generate"));
    QProcess p;
    p.start(nas::ui::test::cliPath(),
            {QStringLiteral("run"), QStringLiteral("sgnas"), QStringLiteral("--workspace"), ws, QStringLiteral("--json"),
             QStringLiteral("-p"), QStringLiteral("preset=tiny"), QStringLiteral("-p"), QStringLiteral("dataset=synthetic"),
             QStringLiteral("-p"), QStringLiteral("train_limit=256"), QStringLiteral("-p"), QStringLiteral("supernet_epochs=1"),
             QStringLiteral("-p"), QStringLiteral("batch_size=64"), QStringLiteral("-p"), QStringLiteral("generator_epochs=3"),
             QStringLiteral("-p"), QStringLiteral("generator_steps=6"), QStringLiteral("-p"), QStringLiteral("generator_batch=32"),
             QStringLiteral("-p"), QStringLiteral("eval_targets=3"), QStringLiteral("-p"), QStringLiteral("random_per_target=1"),
             QStringLiteral("-p"), QStringLiteral("eval_images=64"), QStringLiteral("-p"), QStringLiteral("threads=1")});
    if (!p.waitForFinished(kTrainTimeoutMs) || p.exitCode() != 0) {
      r.why = QStringLiteral("training the tiny generator failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
      return r;
    }
    const nas::Json out = nas::Json::parse(p.readAllStandardOutput().toStdString());
    r.path = ws;
    r.job = out.at("job_id").get<qint64>();
    return r;
  }();
  return t;
}

nas::Engine& engine() {
  static nas::Engine e(true);
  return e;
}

class GeneratePanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const TrainedJob& t = trainedJob();
    ASSERT_FALSE(t.path.isEmpty()) << t.why.toStdString();
    ASSERT_TRUE(engine().methods().find("sgnas")) << "the sgnas plugin did not load from the build tree";
    ws_ = nas::Workspace::open(t.path.toStdString());
    job_ = t.job;
  }
  // Opens the panel on the trained job.
  void openPanel(nas::ui::GeneratePanel& panel) {
    panel.setRegistryProvider([]() -> const nas::MethodRegistry& { return engine().methods(); });
    panel.setWorkspace(ws_.get());
    ASSERT_TRUE(panel.openJob(job_)) << panel.errorLabel()->text().toStdString();
  }
  std::unique_ptr<nas::Workspace> ws_;
  qint64 job_ = 0;
};

}  // namespace

TEST_F(GeneratePanelTest, FacadeGeneratesSweepsAndEstimatesWithErrorsAsValues) {
  auto session = nas::GeneratorSession::open(engine().methods(), *ws_, job_);
  ASSERT_FALSE(session->controls().empty());
  const nas::ControlSpec c = session->controls().front();
  const nas::Json g = session->generate({{c.name, c.defaultValue}});
  for (const char* k : {"arch", "layers", "flops", "params"}) EXPECT_TRUE(g.contains(k)) << k;
  EXPECT_TRUE(g.contains(c.name));  // the achieved cost under the control's own name

  const nas::Json sweep = session->sweep(c.name, 7, nas::Json::object());
  ASSERT_EQ(sweep.size(), 7u);
  for (size_t i = 1; i < sweep.size(); ++i)
    EXPECT_GT(sweep[i].at("target").get<double>(), sweep[i - 1].at("target").get<double>());
  EXPECT_GE(sweep.front().at("target").get<double>(), c.min);
  EXPECT_LE(sweep.back().at("target").get<double>(), c.max);
  // The batched sweep decodes like a single generate() of the same target.
  const nas::Json mid = session->generate({{c.name, sweep[3].at("target").get<double>()}});
  EXPECT_EQ(mid.at("arch"), sweep[3].at("arch"));
  EXPECT_THROW(session->sweep("no-such-control", 3, nas::Json::object()), nas::Error);
  EXPECT_THROW(session->generate({{"no-such-control", 1.0}}), nas::Error);

  std::mutex m;
  std::vector<nas::EstimateResult> results;
  session->setEstimateCallback([&](const nas::EstimateResult& r) {
    std::lock_guard<std::mutex> lock(m);
    results.push_back(r);
  });
  auto count = [&] {
    std::lock_guard<std::mutex> lock(m);
    return results.size();
  };
  session->requestEstimate("tiny:not|an|architecture");
  ASSERT_TRUE(waitFor([&] { return count() == 1 && session->estimatesIdle(); }, kEstimateTimeoutMs));
  session->requestEstimate(g.at("arch").get<std::string>());
  ASSERT_TRUE(waitFor([&] { return count() == 2 && session->estimatesIdle(); }, kEstimateTimeoutMs));
  std::lock_guard<std::mutex> lock(m);
  ASSERT_TRUE(results[0].error.has_value());
  EXPECT_FALSE(results[0].value.has_value());
  ASSERT_TRUE(results[1].value.has_value()) << (results[1].error ? results[1].error->what() : "");
  const double acc = results[1].value->at("accuracy").get<double>();
  EXPECT_GE(acc, 0.0);
  EXPECT_LE(acc, 1.0);
  EXPECT_GT(results[1].value->at("images").get<int>(), 0);
}

TEST_F(GeneratePanelTest, SlidersAreTheGeneratorsControls) {
  nas::ui::GeneratePanel panel;
  openPanel(panel);
  const auto controls = panel.session()->controls();
  ASSERT_EQ(panel.sliders().size(), static_cast<int>(controls.size()));
  for (size_t i = 0; i < controls.size(); ++i) {
    const nas::ui::ConstraintSlider* s = panel.sliders()[static_cast<int>(i)];
    EXPECT_EQ(s->spec().name, controls[i].name);
    EXPECT_EQ(s->spec().unit, controls[i].unit);
    EXPECT_DOUBLE_EQ(s->spec().min, controls[i].min);
    EXPECT_DOUBLE_EQ(s->spec().max, controls[i].max);
    EXPECT_NEAR(s->value(), controls[i].defaultValue, (controls[i].max - controls[i].min) / 1000.0);
    EXPECT_NE(panel.costLabel(s->name()), nullptr);
  }
  // The first control is given, the others start as "don't care".
  EXPECT_FALSE(panel.sliders().front()->isDontCare());
  for (int i = 1; i < panel.sliders().size(); ++i) EXPECT_TRUE(panel.sliders()[i]->isDontCare());
  EXPECT_FALSE(panel.current().is_null());
  EXPECT_FALSE(panel.strip()->layers().isEmpty());
}

TEST_F(GeneratePanelTest, MovingASliderRedrawsStripAndCosts) {
  nas::ui::GeneratePanel panel;
  openPanel(panel);
  nas::ui::ConstraintSlider* s = panel.sliders().front();
  QSignalSpy spy(&panel, &nas::ui::GeneratePanel::generated);
  std::set<std::string> archs;
  QString previousCost;
  for (int pos : {0, 250, 500, 750, 1000}) {
    spy.clear();
    s->slider()->setValue(pos);
    if (pos == 500 && spy.isEmpty()) continue;  // the default position: no move, no signal
    ASSERT_EQ(spy.size(), 1) << "position " << pos;
    const nas::Json& cur = panel.current();
    archs.insert(cur.at("arch").get<std::string>());
    // The strip shows exactly what the generator returned for this move.
    EXPECT_EQ(panel.strip()->layers(), nas::ui::LayerStripView::layersFromJson(cur.at("layers")));
    const QString cost = panel.costLabel(s->name())->text();
    EXPECT_TRUE(cost.contains(nas::ui::ConstraintSlider::formatValue(cur.at(s->spec().name).get<double>(),
                                                                      QString::fromStdString(s->spec().unit))))
        << cost.toStdString();
    EXPECT_TRUE(cost.contains(QStringLiteral("%"))) << "error against the target: " << cost.toStdString();
    EXPECT_NE(cost, previousCost);  // the target moved, so at least the target text changed
    previousCost = cost;
  }
  EXPECT_GE(archs.size(), 2u) << "the generator gave one architecture over the whole range";

  // Every control "don't care": no request, a message instead of a strip, no pin.
  s->setDontCare(true);
  EXPECT_TRUE(panel.current().is_null());
  EXPECT_FALSE(panel.pinButton()->isEnabled());
  EXPECT_TRUE(panel.strip()->layers().isEmpty());
}

TEST_F(GeneratePanelTest, EstimatedAccuracyArrivesAndCurveFillsIn) {
  nas::ui::GeneratePanel panel;
  panel.setCurvePoints(5);
  openPanel(panel);
  ASSERT_EQ(panel.curve()->points(), 5);
  // Estimates may already be cached from the previous move; otherwise the label says so.
  panel.sliders().front()->slider()->setValue(123);
  const QString arch = QString::fromStdString(panel.current().at("arch").get<std::string>());
  EXPECT_TRUE(panel.accuracyLabel()->text().contains(QStringLiteral("estimating")) ||
              panel.accuracyLabel()->text().contains(QStringLiteral("%")))
      << panel.accuracyLabel()->text().toStdString();
  ASSERT_TRUE(waitFor([&] { return panel.accuracyLabel()->text().contains(QStringLiteral(" %")); }, kEstimateTimeoutMs))
      << panel.accuracyLabel()->text().toStdString();
  EXPECT_FALSE(panel.accuracyLabel()->text().contains(QStringLiteral("estimating")));
  ASSERT_TRUE(waitFor([&] { return panel.curve()->estimatedPoints() == panel.curve()->points(); }, kEstimateTimeoutMs))
      << panel.curve()->estimatedPoints() << " of " << panel.curve()->points();
}

TEST_F(GeneratePanelTest, PinWritesToTheWorkspaceAndTwoPinsCompare) {
  nas::ui::GeneratePanel panel;
  openPanel(panel);
  const size_t before = nas::pinnedArchitectures(*ws_, job_).size();
  nas::ui::ConstraintSlider* s = panel.sliders().front();

  s->slider()->setValue(0);
  const std::string a = panel.current().at("arch").get<std::string>();
  QSignalSpy pinned(&panel, &nas::ui::GeneratePanel::pinned);
  panel.pinButton()->click();
  ASSERT_EQ(pinned.size(), 1) << panel.errorLabel()->text().toStdString();
  panel.pinButton()->click();  // the same architecture again: no second pin
  auto pins = nas::pinnedArchitectures(*ws_, job_);
  ASSERT_EQ(pins.size(), before + 1);
  EXPECT_EQ(pins.back().canonical, a);
  EXPECT_EQ(ws_->architecture(pins.back().arch).canonical, a);
  bool hasTarget = false;
  for (const auto& e : ws_->evaluations(pins.back().arch)) hasTarget |= e.metric == "target_" + s->spec().name;
  EXPECT_TRUE(hasTarget);

  // A second, different architecture: the far end of the range.
  s->slider()->setValue(1000);
  std::string b = panel.current().at("arch").get<std::string>();
  for (int pos = 900; b == a && pos > 0; pos -= 100) {
    s->slider()->setValue(pos);
    b = panel.current().at("arch").get<std::string>();
  }
  ASSERT_NE(a, b);
  panel.pinButton()->click();
  pins = nas::pinnedArchitectures(*ws_, job_);
  ASSERT_EQ(pins.size(), before + 2);
  ASSERT_EQ(panel.pinnedList()->count(), static_cast<int>(pins.size()));

  panel.pinnedList()->clearSelection();
  EXPECT_TRUE(panel.compareView()->parentWidget()->isHidden());  // no room taken until two are picked
  panel.pinnedList()->item(static_cast<int>(before))->setSelected(true);
  EXPECT_TRUE(panel.compareView()->parentWidget()->isHidden());
  panel.pinnedList()->item(static_cast<int>(before + 1))->setSelected(true);
  EXPECT_FALSE(panel.compareView()->parentWidget()->isHidden());
  const auto la = nas::ui::LayerStripView::layersFromJson(pins[before].generated.at("layers"));
  const auto lb = nas::ui::LayerStripView::layersFromJson(pins[before + 1].generated.at("layers"));
  QList<int> expected;
  for (int l = 0; l < la.size(); ++l)
    if (la[l] != lb[l]) expected << l;
  ASSERT_FALSE(expected.isEmpty());
  EXPECT_EQ(panel.compareView()->differingLayers(), expected);
  EXPECT_EQ(panel.compareView()->left()->layers(), la);
  EXPECT_EQ(panel.compareView()->right()->layers(), lb);
  EXPECT_EQ(panel.compareView()->left()->highlighted(), QSet<int>(expected.begin(), expected.end()));
  EXPECT_TRUE(panel.compareView()->summary().contains(QStringLiteral("L%1").arg(expected.front() + 1)));
}

TEST_F(GeneratePanelTest, AJobWithoutGeneratorIsAnErrorInThePanel) {
  nas::ui::GeneratePanel panel;
  panel.setRegistryProvider([]() -> const nas::MethodRegistry& { return engine().methods(); });
  panel.setWorkspace(ws_.get());
  EXPECT_FALSE(panel.openJob(job_ + 1000));
  EXPECT_TRUE(panel.errorLabel()->isVisibleTo(&panel));
  EXPECT_FALSE(panel.errorLabel()->text().isEmpty());
  EXPECT_TRUE(panel.sliders().isEmpty());
}
