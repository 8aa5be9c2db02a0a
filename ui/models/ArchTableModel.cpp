#include "models/ArchTableModel.h"
#include "models/MetricDisplay.h"

#include <QFontDatabase>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <exception>

#include "store/Workspace.h"

namespace nas::ui {

ArchTableModel::ArchTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ArchTableModel::setWorkspace(nas::Workspace* workspace) {
  workspace_ = workspace;
  reload();
}

void ArchTableModel::setMetric(const QString& metric) {
  if (metric == metric_) return;
  metric_ = metric;
  reload();
  emit headerDataChanged(Qt::Horizontal, ColMetric, ColMetric);
}

void ArchTableModel::setFilter(const QString& text) {
  if (text == filter_) return;
  filter_ = text;
  reload();
}

void ArchTableModel::setSpace(const QString& space) {
  if (space == space_) return;
  space_ = space;
  reload();
}

void ArchTableModel::setScope(const QString& dataset, qint64 job) {
  if (scope_.dataset == dataset.toStdString() && scope_.job == job) return;
  scope_ = nas::EvalScope{dataset.toStdString(), job};
  reload();
}

void ArchTableModel::setPageSize(int rows) { pageSize_ = std::max(1, rows); }

std::string ArchTableModel::orderBy() const {
  switch (sortColumn_) {
    case ColArch:
      return "canonical";
    case ColFlops:
      return "flops";
    case ColParams:
      return "params";
    case ColMetric:
      return "value";
    default:
      return "id";
  }
}

void ArchTableModel::reload() {
  // Views and testers may ask for rows from inside the modelReset or rowsInserted notification;
  // rows inserted then would land while that change is still being delivered, so fetching waits
  // until it is over (the view asks again).
  busy_ = true;
  beginResetModel();
  rows_.clear();
  total_ = 0;
  if (workspace_) {
    try {
      total_ = workspace_->archMetricRowCount(metric_.toStdString(), space_.toStdString(), filter_.toStdString(),
                                              scope_);
    } catch (const std::exception& e) {
      emit errorOccurred(tr("Cannot read the architectures: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  endResetModel();
  busy_ = false;
  emit totalCountChanged(total_);
}

ArchTableModel::Query ArchTableModel::query() const {
  Query q;
  q.metric = metric_.toStdString();
  q.space = space_.toStdString();
  q.like = filter_.toStdString();
  q.orderBy = orderBy();
  q.scope = scope_;
  q.descending = sortOrder_ == Qt::DescendingOrder;
  q.pageSize = pageSize_;
  return q;
}

ArchTableModel::Page ArchTableModel::readFirstPage(const nas::Workspace& ws, const Query& q) {
  Page page;
  page.total = ws.archMetricRowCount(q.metric, q.space, q.like, q.scope);
  if (page.total > 0)
    page.rows = ws.archMetricRows(q.metric, q.space, q.orderBy, q.descending, q.pageSize, 0, q.like, q.scope);
  return page;
}

namespace {
bool sameRow(const nas::ArchMetricRow& a, const nas::ArchMetricRow& b) {
  const bool sameValue = a.value == b.value || (std::isnan(a.value) && std::isnan(b.value));
  return a.archId == b.archId && sameValue && a.flops == b.flops && a.params == b.params && a.canonical == b.canonical;
}
}  // namespace

bool ArchTableModel::showPage(const Query& q, Page page) {
  const Query now = query();
  if (q.space != now.space || q.like != now.like || q.orderBy != now.orderBy || q.descending != now.descending ||
      q.pageSize != now.pageSize || q.scope.dataset != now.scope.dataset || q.scope.job != now.scope.job)
    return false;
  const QString metric = QString::fromStdString(q.metric);
  if (metric != metric_) {
    metric_ = metric;
    emit headerDataChanged(Qt::Horizontal, ColMetric, ColMetric);
  } else if (page.total == total_ && page.rows.size() >= rows_.size() &&
             std::equal(rows_.begin(), rows_.end(), page.rows.begin(), sameRow)) {
    // What is shown still holds: keep it (and the user's selection); add rows not loaded yet.
    if (page.rows.size() > rows_.size()) {
      const int first = static_cast<int>(rows_.size());
      busy_ = true;
      beginInsertRows(QModelIndex(), first, static_cast<int>(page.rows.size()) - 1);
      rows_.insert(rows_.end(), std::make_move_iterator(page.rows.begin() + first),
                   std::make_move_iterator(page.rows.end()));
      endInsertRows();
      busy_ = false;
    }
    return true;
  }
  busy_ = true;
  beginResetModel();
  rows_ = std::move(page.rows);
  total_ = std::max<qint64>(page.total, static_cast<qint64>(rows_.size()));
  endResetModel();
  busy_ = false;
  emit totalCountChanged(total_);
  return true;
}

qint64 ArchTableModel::archId(int row) const {
  return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[row].archId : 0;
}

int ArchTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ArchTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

bool ArchTableModel::canFetchMore(const QModelIndex& parent) const {
  return !parent.isValid() && workspace_ && !busy_ && static_cast<qint64>(rows_.size()) < total_;
}

void ArchTableModel::fetchMore(const QModelIndex& parent) {
  if (!canFetchMore(parent)) return;
  try {
    auto page = workspace_->archMetricRows(metric_.toStdString(), space_.toStdString(), orderBy(),
                                           sortOrder_ == Qt::DescendingOrder, pageSize_,
                                           static_cast<std::int64_t>(rows_.size()), filter_.toStdString(), scope_);
    if (page.empty()) {
      // Rows vanished since the count (another process deleted them): stop asking.
      total_ = static_cast<qint64>(rows_.size());
      return;
    }
    const int first = static_cast<int>(rows_.size());
    busy_ = true;
    beginInsertRows(QModelIndex(), first, first + static_cast<int>(page.size()) - 1);
    rows_.insert(rows_.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    endInsertRows();
    busy_ = false;
    if (static_cast<qint64>(rows_.size()) > total_) total_ = static_cast<qint64>(rows_.size());
  } catch (const std::exception& e) {
    busy_ = false;
    total_ = static_cast<qint64>(rows_.size());
    emit errorOccurred(tr("Cannot read the architectures: %1").arg(QString::fromUtf8(e.what())));
  }
}

void ArchTableModel::sort(int column, Qt::SortOrder order) {
  if (column < 0 || column >= ColumnCount) return;
  sortColumn_ = column;
  sortOrder_ = order;
  reload();
}

QVariant ArchTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size()) || index.column() >= ColumnCount) return {};
  const nas::ArchMetricRow& r = rows_[index.row()];
  const QLocale loc;
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case ColId:
          return QVariant::fromValue<qlonglong>(r.archId);
        case ColArch:
          return QString::fromStdString(r.canonical);
        case ColFlops:
          return loc.toString(r.flops / 1e6, 'f', 2);
        case ColParams:
          return loc.toString(r.params / 1e6, 'f', 3);
        case ColMetric:
          if (std::isnan(r.value)) return QStringLiteral("\u2013");
          // Accuracy in percent, as every view shows it (MetricDisplay.h); a fraction only, so a
          // table already in percent is not scaled twice.
          if (isAccuracyMetric(metric_) && r.value >= 0.0 && r.value <= 1.0) return loc.toString(100.0 * r.value, 'f', 2);
          return loc.toString(r.value, 'g', 6);
      }
      break;
    case Qt::ToolTipRole:
      if (index.column() == ColArch) return QString::fromStdString(r.canonical);
      break;
    case Qt::FontRole:
      if (index.column() == ColArch) return QFontDatabase::systemFont(QFontDatabase::FixedFont);
      break;
    case Qt::TextAlignmentRole:
      return QVariant::fromValue(index.column() == ColArch ? Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter)
                                                           : Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case kIdRole:
      return QVariant::fromValue<qlonglong>(r.archId);
    case kSortRole:
      switch (index.column()) {
        case ColId:
          return QVariant::fromValue<qlonglong>(r.archId);
        case ColArch:
          return QString::fromStdString(r.canonical);
        case ColFlops:
          return r.flops;
        case ColParams:
          return QVariant::fromValue<qlonglong>(r.params);
        case ColMetric:
          return r.value;
      }
      break;
    default:
      break;
  }
  return {};
}

QVariant ArchTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  if (role == Qt::DisplayRole) {
    switch (section) {
      case ColId:
        return tr("id");
      case ColArch:
        return tr("architecture");
      case ColFlops:
        return tr("FLOPs (M, ref.)");
      case ColParams:
        return tr("params (M)");
      case ColMetric:
        return metric_.isEmpty() ? tr("metric") : metricTitle(metric_);
      default:
        break;
    }
  }
  if (role == Qt::ToolTipRole && section == ColFlops)
    return tr("FLOPs of the space's reference network (%1), whatever input a job trained it on; a job's own "
              "figure at its input size is in its result")
        .arg(referenceCostNote(space_.isEmpty() ? QStringLiteral("nb201") : space_));
  if (role == Qt::ToolTipRole && section == ColMetric)
    return tr("Best value of %1 over the architecture's evaluations").arg(metric_.isEmpty() ? tr("the metric") : metric_);
  return {};
}

}  // namespace nas::ui
