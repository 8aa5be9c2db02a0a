// The Latency tab (issue 21): validation was only in the CLI, and a validation written while the
// window was open showed only after a restart. Now the tab validates the selected profile on a
// background thread (Validate), and re-reads the workspace while shown.

#include <gtest/gtest.h>

#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <random>

#include "UiTestSupport.h"
#include "jobs/LatencySpace.h"
#include "latency/LatencyView.h"
#include "store/Workspace.h"

using nas::ui::test::waitFor;

namespace {

// Five entries a..e of 1..5 ms; a network "abd" takes the sum plus 0.5 ms.
class FakeSpace final : public nas::LatencySpace {
 public:
  std::string name() const override { return "fake"; }
  std::string description() const override { return "five entries"; }
  std::vector<nas::LatencyEntrySpec> entries() const override {
    return {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}};
  }
  nas::TimingStats measure(const std::string& key, const nas::LatencyOptions&) const override {
    nas::TimingStats t;
    t.medianMs = key[0] - 'a' + 1;
    t.repeats = 3;
    return t;
  }
  std::vector<nas::LatencyTerm> entriesOf(const std::string& arch) const override {
    std::vector<nas::LatencyTerm> out;
    for (char c : arch) out.push_back({std::string(1, c), 1});
    return out;
  }
  nas::TimingStats measureNetwork(const std::string& arch, const nas::LatencyOptions&) const override {
    nas::TimingStats t;
    for (char c : arch) t.medianMs += c - 'a' + 1;
    t.medianMs += 0.5;
    t.repeats = 3;
    return t;
  }
  std::string randomArchitecture(std::mt19937_64& rng) const override {
    std::string s;
    for (int i = 0; i < 4; ++i) s += static_cast<char>('a' + rng() % 5);
    return s;
  }
  std::string runtimeVersion() const override { return "fake-1"; }
};

std::int64_t profileWithEntries(nas::Workspace& ws) {
  nas::DeviceProfileRecord p;
  p.name = "box";
  p.cpu = "Test CPU";
  p.threads = 1;
  p.batch = 1;
  const auto id = ws.ensureDeviceProfile(p);
  for (char k = 'a'; k <= 'e'; ++k) ws.putLatencyEntry(id, {"fake", std::string(1, k), double(k - 'a' + 1), 0.1, 3, 0});
  return id;
}

}  // namespace

TEST(LatencyValidate, RunsFromTheTabAndShowsItsResult) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("validate")).toStdString());
  profileWithEntries(*ws);
  nas::LatencySpaceRegistry spaces;
  spaces.add(std::make_unique<FakeSpace>());

  nas::ui::LatencyView view;
  EXPECT_FALSE(view.validateButton()->isEnabled());  // no spaces to measure with yet
  view.setSpacesProvider([&spaces]() -> const nas::LatencySpaceRegistry& { return spaces; });
  view.setWorkspace(ws.get());
  ASSERT_EQ(view.validationTable()->rowCount(), 0);
  ASSERT_TRUE(view.validateButton()->isEnabled());

  QSignalSpy finished(&view, &nas::ui::LatencyView::validationFinished);
  QString why;
  ASSERT_TRUE(view.startValidation(6, &why)) << why.toStdString();
  EXPECT_TRUE(view.validationRunning());
  ASSERT_TRUE(waitFor([&] { return finished.count() == 1; }, 20000));
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
  EXPECT_FALSE(view.validationRunning());
  EXPECT_EQ(view.validationTable()->rowCount(), 6);
  EXPECT_TRUE(view.summaryText().contains(QStringLiteral("MAPE"))) << view.summaryText().toStdString();
}

TEST(LatencyValidate, AValidationWrittenElsewhereShowsWithoutARestart) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("validate-elsewhere"));
  auto ws = nas::Workspace::open(path.toStdString());
  const auto id = profileWithEntries(*ws);
  nas::ui::LatencyView view;
  view.show();
  view.setWorkspace(ws.get());
  ASSERT_EQ(view.validationTable()->rowCount(), 0);
  // Another process (the CLI) validates the profile while the tab is open.
  auto other = nas::Workspace::open(path.toStdString());
  other->replaceLatencyValidations(id, "fake",
                                   {{"fake", "ab", 3.0, 3.0, 3.5, 0.1, 0}, {"fake", "cd", 7.0, 7.0, 7.5, 0.1, 0}});
  EXPECT_TRUE(waitFor([&] { return view.validationTable()->rowCount() == 2; }, 6000))
      << view.validationTable()->rowCount();
}
