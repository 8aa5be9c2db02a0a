#include "export/ExportActions.h"

#include <QAction>
#include <QMessageBox>
#include <QTableView>

#include "export/ExportDialog.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ArchitectureView.h"
#include "views/ScatterView.h"

namespace nas::ui {

void openExportDialog(QWidget* parent, nas::Workspace* ws, const QList<qint64>& ids) {
  if (!ws || ids.isEmpty()) {
    QMessageBox::information(parent, QObject::tr("Export"),
                             QObject::tr("Select one or more architectures first (table rows, scatter points or the "
                                         "architecture shown)."));
    return;
  }
  auto* dialog = new ExportDialog(QString::fromStdString(ws->path()), ids, parent);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

void installExportActions(QWidget* parent, ArchTableView* table, ScatterView* scatter, ArchitectureView* view,
                          std::function<nas::Workspace*()> workspace) {
  auto add = [&](QWidget* on, const QString& text, std::function<QList<qint64>()> ids) {
    auto* action = new QAction(text, on);
    action->setObjectName(QStringLiteral("exportAction"));
    QObject::connect(action, &QAction::triggered, parent,
                     [parent, workspace, ids] { openExportDialog(parent, workspace(), ids()); });
    on->addAction(action);
    on->setContextMenuPolicy(Qt::ActionsContextMenu);
  };
  add(table->table(), QObject::tr("Export Selected\u2026"), [table] { return table->selectedIds(); });
  add(scatter, QObject::tr("Export Selected\u2026"), [scatter] { return scatter->selection(); });
  add(view, QObject::tr("Export This Architecture\u2026"), [view] {
    QList<qint64> ids;
    if (view->current().id > 0) ids << view->current().id;
    return ids;
  });
}

}  // namespace nas::ui
