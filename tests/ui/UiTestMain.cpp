// The one main() of test_ui: a QApplication (offscreen unless QT_QPA_PLATFORM says otherwise)
// with settings, data and workspaces redirected into a temporary folder, so tests never read
// or write the user's configuration. Other test files of tests/ui must not define main().

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "UiTestSupport.h"
#include "app/Resources.h"

namespace nas::ui::test {

QString tempRoot() {
  static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/nasstudio-ui-test-XXXXXX"));
  return dir.path();
}

}  // namespace nas::ui::test

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  const QString root = nas::ui::test::tempRoot();
  QDir(root).mkpath(QStringLiteral("config"));
  QDir(root).mkpath(QStringLiteral("data"));
  // nas::defaultWorkspacePath() and the plugin folders follow XDG_DATA_HOME; QSettings follows
  // XDG_CONFIG_HOME and, explicitly, setPath below.
  qputenv("XDG_CONFIG_HOME", QFile::encodeName(root + QStringLiteral("/config")));
  qputenv("XDG_DATA_HOME", QFile::encodeName(root + QStringLiteral("/data")));
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, root + QStringLiteral("/config"));
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, root + QStringLiteral("/config"));

  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("NAS Studio"));
  QApplication::setApplicationName(QStringLiteral("nasstudio-test"));
  QApplication::setApplicationVersion(QStringLiteral("test"));
  nas::ui::initResources();

  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
