#pragma once
// The architecture table with a filter box (substring of the architecture string) and a metric
// picker. Selecting one row emits archActivated; the selected rows go out as selectionChanged
// (for compare and export). Rows load lazily as the user scrolls.

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace nas {
class Workspace;
}

namespace nas::ui {

class ArchTableModel;

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
