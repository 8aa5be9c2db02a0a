// nasstudio: the desktop application. Sets up the QApplication (names used by QSettings,
// version, icon, style, font), reads an optional workspace path from the command line and
// shows the main window. Jobs run in nasstudio-cli worker processes next to this executable.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "app/Appearance.h"
#include "app/MainWindow.h"
#include "app/Resources.h"
#include "common/BuildInfo.h"
#include "common/OpenMpWait.h"

int main(int argc, char* argv[]) {
  // The live generator runs LibTorch in this process; see OpenMpWait.h. May re-execute.
  nas::preferPassiveOpenMpWait(argv);
  // Qt 6 scales for high-DPI screens by default; keep fractional factors unrounded so 125 %
  // and 150 % screens get crisp, correctly sized text.
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("NAS Studio"));
  QApplication::setOrganizationDomain(QStringLiteral("nasstudio.org"));
  QApplication::setApplicationName(QStringLiteral("nasstudio"));
  QApplication::setApplicationDisplayName(QStringLiteral("NAS Studio"));
  QApplication::setApplicationVersion(QString::fromLatin1(nas::kVersion));
  // The installed .desktop file's id (packaging/linux), so that desktops match windows to it.
  QGuiApplication::setDesktopFileName(QStringLiteral("org.nasstudio.NASStudio"));
  nas::ui::initResources();
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/nas/icons/app.svg")));

  nas::ui::applyAppearance(app);

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("NAS Studio: a desktop workbench for neural architecture search."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("workspace"),
                               QStringLiteral("Workspace file (*.nasdb) to open; created when absent."),
                               QStringLiteral("[workspace]"));
  parser.process(app);
  const QStringList args = parser.positionalArguments();

  nas::ui::MainWindow window;
  window.show();
  window.openInitialWorkspace(args.isEmpty() ? QString() : args.first());
  return app.exec();
}
