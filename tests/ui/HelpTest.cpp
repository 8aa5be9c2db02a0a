// F1 help (issue 21): it covers every tab of the window and names only commands that exist.

#include <gtest/gtest.h>

#include <QProcess>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTextBrowser>

#include "UiTestSupport.h"
#include "app/AboutDialog.h"
#include "app/MainWindow.h"

TEST(Help, CoversEveryTabAndNamesOnlyRealCommands) {
  nas::ui::AboutDialog dialog(nas::Json::object(), QString());
  auto* help = dialog.findChild<QTextBrowser*>(QStringLiteral("helpText"));
  ASSERT_NE(help, nullptr);
  const QString text = help->toPlainText();

  nas::ui::MainWindow window;
  QTabWidget* tabs = window.centralTabs();
  for (int i = 0; i < tabs->count(); ++i)
    EXPECT_TRUE(text.contains(tabs->tabText(i).remove(QLatin1Char('&')))) << tabs->tabText(i).toStdString();

  if (!nas::ui::test::haveCli()) GTEST_SKIP() << "nasstudio-cli not built";
  // Every `nasstudio-cli <command> [<subcommand>]` the help names answers --help.
  QRegularExpression re(QStringLiteral("nasstudio-cli ([a-z][a-z0-9-]*)(?: ([a-z][a-z0-9-]*))?"));
  int checked = 0;
  for (auto it = re.globalMatch(text); it.hasNext();) {
    const auto m = it.next();
    QStringList args{m.captured(1)};
    if (!m.captured(2).isEmpty()) args << m.captured(2);
    args << QStringLiteral("--help");
    QProcess p;
    p.start(nas::ui::test::cliPath(), args);
    ASSERT_TRUE(p.waitForFinished(20000));
    EXPECT_EQ(p.exitCode(), 0) << "nasstudio-cli " << args.join(QLatin1Char(' ')).toStdString() << ": "
                               << p.readAllStandardError().toStdString();
    ++checked;
  }
  EXPECT_GE(checked, 3);
}
