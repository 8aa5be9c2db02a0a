#pragma once
// The workspace's architectures as a table: id, architecture string, FLOPs (M), params (M) and
// one picked metric (best over its evaluations). Backed by SQL (Workspace::archMetricRows):
// rows arrive in pages through canFetchMore/fetchMore, sort() re-queries with ORDER BY, and a
// filter keeps the architectures whose string contains a text. Never holds the whole table.

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "store/Records.h"
#include "store/Workspace.h"

namespace nas {
class Workspace;
}

namespace nas::ui {

class ArchTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { ColId = 0, ColArch, ColFlops, ColParams, ColMetric, ColumnCount };
  static constexpr int kDefaultPageSize = 256;
  static constexpr int kIdRole = Qt::UserRole + 1;  // qint64 id of the row's architecture
  static constexpr int kSortRole = Qt::UserRole + 2;  // raw value (double / string)

  explicit ArchTableModel(QObject* parent = nullptr);

  void setWorkspace(nas::Workspace* workspace);  // not owned; may be null
  nas::Workspace* workspace() const { return workspace_; }
  // The metric of the last column ("" = none: every architecture is listed, the column is empty).
  void setMetric(const QString& metric);
  QString metric() const { return metric_; }
  // Keeps architectures whose string contains `text` (case-insensitive for ASCII; literal).
  void setFilter(const QString& text);
  QString filter() const { return filter_; }
  void setSpace(const QString& space);
  // Only architectures evaluated on `dataset` / by job `job` ("" / 0: any); the metric column
  // then shows the best of those evaluations.
  void setScope(const QString& dataset, qint64 job);
  void setPageSize(int rows);
  int pageSize() const { return pageSize_; }

  qint64 totalCount() const { return total_; }  // rows matching, loaded or not
  qint64 archId(int row) const;
  int sortColumn() const { return sortColumn_; }
  Qt::SortOrder sortOrder() const { return sortOrder_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  bool canFetchMore(const QModelIndex& parent) const override;
  void fetchMore(const QModelIndex& parent) override;
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

  // What reload() reads, so that another thread can read it on its own connection
  // (ResultsLoader): the row count and the first page of a query.
  struct Query {
    std::string metric, space, like, orderBy = "id";
    nas::EvalScope scope;
    bool descending = false;
    int pageSize = kDefaultPageSize;
  };
  struct Page {
    std::int64_t total = 0;
    std::vector<nas::ArchMetricRow> rows;
  };
  Query query() const;
  static Page readFirstPage(const nas::Workspace& ws, const Query& q);  // throws nas::Error
  // Shows a page read elsewhere for `q` (whose metric may be a new one). Returns false, and
  // changes nothing, when the model's query other than the metric changed meanwhile. A page
  // equal to what is shown changes nothing (the selection stays); one that extends it is
  // inserted; anything else resets the model.
  bool showPage(const Query& q, Page page);

 public slots:
  void reload();  // re-count and drop the loaded pages (new data, other sort or filter)

 signals:
  void errorOccurred(const QString& message);
  void totalCountChanged(qint64 count);

 private:
  std::string orderBy() const;

  nas::Workspace* workspace_ = nullptr;
  QString metric_, filter_, space_;
  nas::EvalScope scope_;
  int sortColumn_ = ColId;
  Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
  int pageSize_ = kDefaultPageSize;
  qint64 total_ = 0;
  bool busy_ = false;  // a reset or an insertion is being delivered
  std::vector<nas::ArchMetricRow> rows_;
};

}  // namespace nas::ui
