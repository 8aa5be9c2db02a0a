#pragma once
// "Export…" where architectures are selected: the architecture table's rows, the scatter's
// selection (Pareto points included) and the architecture view's shown (or two compared)
// architectures each get a context-menu action that opens the ExportDialog for them. The
// views stay generic: they only hand out ids.
#include <QList>
#include <functional>

class QWidget;

namespace nas {
class Workspace;
}

namespace nas::ui {

class ArchTableView;
class ArchitectureView;
class ScatterView;

// Opens the export dialog (modeless, deleted on close) for `ids` of `ws`; says so in a message
// box when there is nothing to export.
void openExportDialog(QWidget* parent, nas::Workspace* ws, const QList<qint64>& ids);

// Adds the actions; `workspace` gives the window's current workspace (may be null).
void installExportActions(QWidget* parent, ArchTableView* table, ScatterView* scatter, ArchitectureView* view,
                          std::function<nas::Workspace*()> workspace);

}  // namespace nas::ui
