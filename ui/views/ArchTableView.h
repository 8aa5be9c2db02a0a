#pragma once
// The architecture table with a filter box (substring of the architecture string) and a metric
// picker. Selecting one row emits archActivated; the selected rows go out as selectionChanged
// (for compare and export). Rows load lazily as the user scrolls.

#include <QList>
#include <QStringList>
#include <QWidget>

#include "models/ArchTableModel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace nas {
class Workspace;
}

namespace nas::ui {

class ArchTableView : public QWidget {
  Q_OBJECT
 public:
  explicit ArchTableView(QWidget* parent = nullptr);

  void setWorkspace(nas::Workspace* workspace);  // not owned; may be null
  ArchTableModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  QLineEdit* filterEdit() const { return filter_; }
  QComboBox* metricCombo() const { return metric_; }
  QList<qint64> selectedIds() const;
  // The metric the picker shows for these names when `current` was picked: `current` if it is
  // one of them, else accuracyMetric(names) (the plot's rule), else the first ("" for none).
  static QString pickMetric(const QStringList& names, const QString& current);
  // The table's query with the metric refresh() would pick from `names`, to be read elsewhere.
  ArchTableModel::Query queryFor(const QStringList& names) const;
  // refresh() with what was read elsewhere (ResultsLoader): the metric names and the first
  // page of queryFor(names). Reads the workspace itself only when the user changed the query
  // meanwhile.
  void showLoaded(const QStringList& names, const ArchTableModel::Query& query, ArchTableModel::Page page);

 public slots:
  void refresh();  // new architectures or metrics arrived: re-query, keep sort, filter, metric
  void setMetric(const QString& metric);
  void setFilterText(const QString& text);

 signals:
  void archActivated(qint64 id);
  void selectionChanged(const QList<qint64>& ids);
  void errorOccurred(const QString& message);
  void filterApplied(const QString& text);  // the filter text the table now shows (trimmed)

 private:
  void fillMetrics();
  void fillMetrics(const QStringList& names);
  void updateCount();
  void onSelectionChanged();

  ArchTableModel* model_;
  QLineEdit* filter_;
  QComboBox* metric_;
  QLabel* count_;
  QTableView* table_;
  QTimer* filterTimer_;
  bool filling_ = false;
};

}  // namespace nas::ui
