// SGNAS architectures in Search Results (issue 21): the cell view drew "No architecture" for
// them, because it knew how to draw NB201 cells only and no SGNAS graph was stored with them.
// A stored architecture of a plugin's space is drawn from the graph its method gives
// (Method::describeArchitecture): for SGNAS the chain stem -> 6 layers -> head.

#include <gtest/gtest.h>

#include "UiTestSupport.h"
#include "engine/Engine.h"
#include "store/Workspace.h"
#include "views/ArchitectureView.h"
#include "views/CellGraphView.h"

namespace {

nas::Engine& engineWithPlugins() {
  static nas::Engine e(true);
  return e;
}

}  // namespace

TEST(StoredSgnasArchitecture, IsDrawnAsItsChainOfLayers) {
  if (!engineWithPlugins().methods().find("sgnas")) GTEST_SKIP() << "the sgnas plugin is not built";
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("sgnas-arch")).toStdString());
  const auto id = ws->upsertArchitecture("sgnas", "fashion-mnist:3xxxxx|3x5xxx|3xxxxx|3xxxxx|3xxxxx|7xxxxx", 1.3e6, 46418);
  const auto bad = ws->upsertArchitecture("sgnas", "fashion-mnist:not-an-architecture", 0, 0);

  nas::ui::ArchitectureView view;
  view.resize(900, 600);
  view.setWorkspace(ws.get());
  view.setMethodsProvider([]() -> const nas::MethodRegistry& { return engineWithPlugins().methods(); });
  view.showArchitecture(id);
  ASSERT_TRUE(view.cellView()->waitForLayout());  // laid out in the background
  // input, stem, 6 layers, head, output
  EXPECT_GE(view.cellView()->nodeItemCount(), 8);
  EXPECT_GE(view.cellView()->edgeItemCount(), 7);

  // A string the plugin cannot read still shows, without a drawing and without a crash.
  view.showArchitecture(bad);
  EXPECT_EQ(view.cellView()->nodeItemCount(), 0);
  EXPECT_EQ(view.current().canonical, QStringLiteral("fashion-mnist:not-an-architecture"));
}
