// AccuracyCurveView (the Generate tab's accuracy-against-target curve): points appear as their
// estimates arrive, each with a bar of ±1 binomial standard error of its image count, and the
// status line says what the bars are.

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <cmath>

#include "generate/AccuracyCurveView.h"

using nas::ui::AccuracyCurveView;

namespace {

QCPErrorBars* errorBarsOf(const AccuracyCurveView& view) {
  for (int i = 0; i < view.plot()->plottableCount(); ++i)
    if (auto* bars = qobject_cast<QCPErrorBars*>(view.plot()->plottable(i))) return bars;
  return nullptr;
}

}  // namespace

TEST(AccuracyCurveView, EachPointCarriesItsStandardError) {
  AccuracyCurveView view;
  view.resize(600, 300);
  view.setSweep(QStringLiteral("FLOPs"), QStringLiteral("MACs"), {1e6, 2e6, 3e6},
                {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("a")});
  QCPErrorBars* bars = errorBarsOf(view);
  ASSERT_NE(bars, nullptr);
  EXPECT_EQ(view.estimatedPoints(), 0);

  view.setAccuracy(QStringLiteral("a"), 0.8, 400);  // SE = sqrt(0.8 * 0.2 / 400) = 2 points
  EXPECT_EQ(view.estimatedPoints(), 2);  // both targets that generated "a"
  ASSERT_EQ(bars->dataCount(), 2);
  EXPECT_NEAR(bars->data()->at(0).errorMinus, 2.0, 1e-9);
  EXPECT_NEAR(bars->data()->at(0).errorPlus, 2.0, 1e-9);
  // The axis holds the bars, not only the points.
  EXPECT_LE(view.plot()->yAxis->range().lower, 78.0);
  EXPECT_GE(view.plot()->yAxis->range().upper, 82.0);

  view.setAccuracy(QStringLiteral("b"), 0.5, 100);  // SE = 5 points
  ASSERT_EQ(bars->dataCount(), 3);
  EXPECT_NEAR(bars->data()->at(1).errorMinus, 5.0, 1e-9);
  EXPECT_TRUE(view.findChild<QLabel*>(QStringLiteral("curveStatus"))->text().contains(QStringLiteral("standard error")));
}

TEST(AccuracyCurveView, AnEstimateOfUnknownSizeHasNoBar) {
  AccuracyCurveView view;
  view.setSweep(QStringLiteral("FLOPs"), QStringLiteral("MACs"), {1e6}, {QStringLiteral("a")});
  view.setAccuracy(QStringLiteral("a"), 0.9);
  QCPErrorBars* bars = errorBarsOf(view);
  ASSERT_NE(bars, nullptr);
  ASSERT_EQ(bars->dataCount(), 1);
  EXPECT_EQ(bars->data()->at(0).errorMinus, 0.0);
  EXPECT_FALSE(view.findChild<QLabel*>(QStringLiteral("curveStatus"))->text().contains(QStringLiteral("standard error")));
}
