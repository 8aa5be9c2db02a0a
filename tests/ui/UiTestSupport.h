#pragma once
// Helpers shared by the UI tests.

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTest>
#include <functional>

namespace nas::ui::test {

// The test run's private folder (settings, data, workspaces); removed at exit.
QString tempRoot();

// A fresh workspace path under tempRoot().
inline QString newWorkspacePath(const QString& name) {
  static int counter = 0;
  return QDir(tempRoot()).filePath(QStringLiteral("%1-%2.nasdb").arg(name).arg(++counter));
}

// Spins the event loop until pred() holds or timeoutMs passes (QTRY_* report through QTest,
// which gtest does not see, so the tests use this with EXPECT_TRUE/ASSERT_TRUE).
inline bool waitFor(const std::function<bool()>& pred, int timeoutMs) { return QTest::qWaitFor(pred, timeoutMs); }

// The worker executable (NAS_CLI_PATH from CMake, or the environment).
inline QString cliPath() {
  const QByteArray env = qgetenv("NAS_CLI_PATH");
  if (!env.isEmpty()) return QString::fromLocal8Bit(env);
#ifdef NAS_CLI_PATH
  return QStringLiteral(NAS_CLI_PATH);
#else
  return QString();
#endif
}

inline bool haveCli() { return QFileInfo(cliPath()).isExecutable(); }

}  // namespace nas::ui::test
