#pragma once
// The "Search Results" tab: a scatter (Pareto front of any two metrics) and the architecture
// table on the left, linked to the architecture view (cell graph, macro strip, evaluations,
// compare) on the right. Clicking a point or selecting one row shows that architecture;
// selecting two compares them. refresh() is called whenever the workspace's architectures or
// evaluations change, and is coalesced: at most every 1.5 s, and only while the tab is
// visible (it catches up when shown). A refresh does not read the workspace on the GUI thread:
// ResultsLoader reads the filters, metric names, the table's first page and the best
// architecture on its thread, and the scatter loads its points on its own. Drawing that best
// architecture in a still empty view (once), opening a workspace, picking a filter and
// clicking a point or row read on the GUI thread (one quick read each).

#include <QList>
#include <QPair>
#include <QSplitter>
#include <QStringList>

namespace nas {
class Workspace;
}

class QAction;
class QComboBox;
class QTimer;

namespace nas::ui {

class ArchTableView;
class ArchitectureView;
class ResultsLoader;
struct ResultsSnapshot;
class ScatterView;

class ResultsTab : public QSplitter {
  Q_OBJECT

 public:
  explicit ResultsTab(QWidget* parent = nullptr);

  ScatterView* scatter() const { return scatter_; }
  ArchTableView* table() const { return table_; }
  ArchitectureView* view() const { return view_; }

  void setWorkspace(nas::Workspace* ws);
  // Marks the views stale and reloads them now, later (coalesced) or when the tab is shown.
  void refresh();
  void refreshNow();  // asks the loader now; the views change when its answer arrives
  // Shows one architecture in the architecture view.
  void showArchitecture(qint64 id);
  // Only results of one dataset / one job ("" / 0: all), in the scatter and the table alike.
  void setDatasetFilter(const QString& dataset);
  void setJobFilter(qint64 job);
  // What File > Export Architectures… exports: the table's selected rows, else the scatter's
  // selection, else the architecture (or the two compared) the view shows.
  QList<qint64> selectedArchitectures() const;
  QAction* exportAction() const { return exportAction_; }
  QComboBox* datasetPicker() const { return dataset_; }
  QComboBox* jobPicker() const { return job_; }

 Q_SIGNALS:
  void message(const QString& text);  // for the status bar

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  nas::Workspace* ws_ = nullptr;
  ScatterView* scatter_ = nullptr;
  ArchTableView* table_ = nullptr;
  ArchitectureView* view_ = nullptr;
  QTimer* timer_ = nullptr;
  QComboBox* dataset_ = nullptr;
  QComboBox* job_ = nullptr;
  QAction* exportAction_ = nullptr;
  ResultsLoader* loader_ = nullptr;
  QString tableFilter_;
  void fillFilters();
  void fillFilters(const QStringList& datasets, const QList<QPair<qint64, QString>>& jobs);
  void showLoaded(const ResultsSnapshot& s);
  void applyFilters();
  bool stale_ = false;
};

}  // namespace nas::ui
