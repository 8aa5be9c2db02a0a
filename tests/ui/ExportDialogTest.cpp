// The export dialog: many architectures into a folder with a progress bar and one line each,
// then again without "Overwrite" (every file kept, each line saying why), from the window's
// table selection through its context-menu action.
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QTableView>

#include "UiTestSupport.h"
#include "app/MainWindow.h"
#include "app/ResultsTab.h"
#include "views/ArchTableView.h"
#include "views/ArchitectureView.h"
#include "export/ExportActions.h"
#include "export/ExportDialog.h"
#include "store/Workspace.h"

namespace nas::ui::test {
namespace {

const char* kCells[] = {"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|",
                        "|skip_connect~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|"};

TEST(ExportDialog, ExportsManyIntoAFolderWithProgressAndNeverOverwritesUnasked) {
  const QString wsPath = newWorkspacePath(QStringLiteral("export"));
  QList<qint64> ids;
  {
    auto ws = nas::Workspace::open(wsPath.toStdString());
    for (const char* c : kCells) ids << ws->upsertArchitecture("nb201", c, 1, 1);
  }
  const QString out = QDir(tempRoot()).filePath(QStringLiteral("exported"));
  QDir().mkpath(out);

  ExportDialog dialog(wsPath, ids);
  dialog.show();
  dialog.formatCombo()->setCurrentIndex(dialog.formatCombo()->findData(QStringLiteral("onnx")));
  dialog.destinationEdit()->setText(out);
  EXPECT_EQ(dialog.progressBar()->maximum(), 2);
  dialog.start();
  EXPECT_TRUE(dialog.running());
  ASSERT_TRUE(waitFor([&] { return !dialog.running(); }, 60000));
  EXPECT_EQ(dialog.succeeded(), 2);
  EXPECT_EQ(dialog.progressBar()->value(), 2);
  for (qint64 id : ids) EXPECT_TRUE(QFileInfo::exists(QDir(out).filePath(QStringLiteral("arch%1-nb201.onnx").arg(id))));
  ASSERT_EQ(dialog.resultList()->count(), 2);
  EXPECT_TRUE(dialog.resultList()->item(0)->text().contains(QStringLiteral("initialised weights")))
      << dialog.resultList()->item(0)->text().toStdString();
  const QString shot = QDir(tempRoot()).filePath(QStringLiteral("export-dialog.png"));
  dialog.grab().save(shot);
  if (!qEnvironmentVariableIsEmpty("NAS_EXPORT_DIALOG_SCREENSHOT"))
    dialog.grab().save(qEnvironmentVariable("NAS_EXPORT_DIALOG_SCREENSHOT"));

  dialog.start();  // again, "Overwrite existing files" unchecked
  ASSERT_TRUE(waitFor([&] { return !dialog.running(); }, 60000));
  EXPECT_EQ(dialog.failed(), 2);
  EXPECT_TRUE(dialog.resultList()->item(0)->text().contains(QStringLiteral("--force")))
      << dialog.resultList()->item(0)->text().toStdString();
}

TEST(ExportDialog, TheTablesContextMenuActionOpensItForTheSelection) {
  const QString wsPath = newWorkspacePath(QStringLiteral("export-action"));
  auto ws = nas::Workspace::open(wsPath.toStdString());
  const qint64 id = ws->upsertArchitecture("nb201", kCells[0], 1, 1);
  ResultsTab tab;
  tab.setWorkspace(ws.get());
  tab.show();
  tab.refreshNow();
  QTableView* rows = tab.table()->table();
  ASSERT_TRUE(waitFor([&] { return rows->model()->rowCount() == 1; }, 10000));
  rows->selectRow(0);
  QAction* action = nullptr;
  for (QAction* a : rows->actions())
    if (a->objectName() == QLatin1String("exportAction")) action = a;
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(rows->contextMenuPolicy(), Qt::ActionsContextMenu);
  action->trigger();
  auto* dialog = tab.findChild<ExportDialog*>();
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->destinationEdit()->text().endsWith(QStringLiteral("arch%1.onnx").arg(id)))
      << dialog->destinationEdit()->text().toStdString();
  dialog->formatCombo()->setCurrentIndex(dialog->formatCombo()->findData(QStringLiteral("pytorch")));
  EXPECT_TRUE(dialog->destinationEdit()->text().endsWith(QStringLiteral("arch%1.py").arg(id)));
  dialog->close();
}

// File > Export Architectures…: the table's selection first, else what the view shows.
TEST(ExportDialog, TheFileMenuEntryExportsTheSelectionOrTheShownArchitecture) {
  {
    MainWindow window;
    QAction* inMenu = nullptr;
    for (QAction* m : window.menuBar()->actions())
      if (m->menu() && m->text().remove(QLatin1Char('&')) == QLatin1String("File"))
        for (QAction* a : m->menu()->actions())
          if (a->objectName() == QLatin1String("exportArchitecturesAction")) inMenu = a;
    ASSERT_NE(inMenu, nullptr) << "File menu has no Export Architectures entry";
    EXPECT_FALSE(inMenu->shortcut().isEmpty());
  }
  const QString wsPath = newWorkspacePath(QStringLiteral("export-menu"));
  auto ws = nas::Workspace::open(wsPath.toStdString());
  QList<qint64> ids;
  for (const char* c : kCells) ids << ws->upsertArchitecture("nb201", c, 1, 1);
  ResultsTab tab;
  tab.setWorkspace(ws.get());
  tab.show();
  tab.refreshNow();
  EXPECT_TRUE(tab.selectedArchitectures().isEmpty());
  tab.showArchitecture(ids[1]);
  EXPECT_EQ(tab.selectedArchitectures(), QList<qint64>{ids[1]});
  QTableView* rows = tab.table()->table();
  ASSERT_TRUE(waitFor([&] { return rows->model()->rowCount() == 2; }, 10000));
  rows->selectAll();
  EXPECT_EQ(tab.selectedArchitectures().size(), 2);
  tab.exportAction()->trigger();
  auto* dialog = tab.findChild<ExportDialog*>();
  ASSERT_NE(dialog, nullptr);
  EXPECT_EQ(dialog->progressBar()->maximum(), 2);
  dialog->close();
}

}  // namespace
}  // namespace nas::ui::test
