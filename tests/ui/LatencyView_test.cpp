// LatencyView on a temporary workspace: profiles listed, the selected profile's validation
// pairs in the table and the scatter (with the y = x line), MAPE and tau in the summary.
#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QTableWidget>
#include <QTemporaryDir>

#include "latency/LatencyView.h"
#include "store/Workspace.h"
#include "views/ScatterView.h"

TEST(LatencyView, ShowsProfilesAndValidation) {
  QTemporaryDir dir;
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("lat.nasdb")).toStdString());
  nas::DeviceProfileRecord p;
  p.name = "box";
  p.cpu = "Test CPU";
  const auto id = ws->ensureDeviceProfile(p);
  ws->putLatencyEntry(id, {"nb201", "fixed", 1.0, 0.1, 10, 0});
  ws->replaceLatencyValidations(id, "nb201",
                                {{"nb201", "a", 1.0, 1.0, 1.1, 0.1, 0},
                                 {"nb201", "b", 2.0, 2.0, 2.0, 0.1, 0},
                                 {"nb201", "c", 3.0, 3.0, 2.7, 0.1, 0}});
  nas::ui::LatencyView view;
  view.setWorkspace(ws.get());
  ASSERT_EQ(1, view.profileTable()->rowCount());
  EXPECT_EQ(QStringLiteral("box"), view.profileTable()->item(0, 0)->text());
  EXPECT_EQ(3, view.validationTable()->rowCount());
  // Figures first, the (long) architecture last, whole in its tooltip.
  EXPECT_EQ(QStringLiteral("Architecture"), view.validationTable()->horizontalHeaderItem(3)->text());
  QStringList archs;
  for (int r = 0; r < 3; ++r) archs << view.validationTable()->item(r, 3)->toolTip();
  archs.sort();
  EXPECT_EQ((QStringList{"a", "b", "c"}), archs);
  EXPECT_EQ(3u, view.scatter()->points().size());
  EXPECT_TRUE(view.summaryText().contains(QStringLiteral("MAPE"))) << view.summaryText().toStdString();
  EXPECT_TRUE(view.summaryText().contains(QStringLiteral("1.000"))) << view.summaryText().toStdString();  // tau
  int lines = 0;
  QCustomPlot* plot = view.scatter()->plot();
  for (int i = 0; i < plot->itemCount(); ++i) lines += plot->item(i)->objectName() == QStringLiteral("identityLine");
  EXPECT_EQ(1, lines);
  view.refresh();  // no second line
  lines = 0;
  for (int i = 0; i < plot->itemCount(); ++i) lines += plot->item(i)->objectName() == QStringLiteral("identityLine");
  EXPECT_EQ(1, lines);
  view.setWorkspace(nullptr);
  EXPECT_EQ(0, view.profileTable()->rowCount());
}
