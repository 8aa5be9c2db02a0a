#include "views/ArchTableView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "models/ArchTableModel.h"
#include "models/MetricDisplay.h"
#include "store/Workspace.h"

namespace nas::ui {

ArchTableView::ArchTableView(QWidget* parent)
    : QWidget(parent), model_(new ArchTableModel(this)), filterTimer_(new QTimer(this)) {
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->setSpacing(4);
  auto* bar = new QHBoxLayout;
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText(tr("Filter: part of the architecture string, e.g. nor_conv_3x3~0"));
  filter_->setClearButtonEnabled(true);
  metric_ = new QComboBox(this);
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  metric_->setMinimumContentsLength(12);
  metric_->setToolTip(tr("Metric shown in the last column (best over the architecture's evaluations)"));
  count_ = new QLabel(this);
  bar->addWidget(filter_, 1);
  bar->addWidget(new QLabel(tr("Metric"), this));
  bar->addWidget(metric_);
  bar->addWidget(count_);
  root->addLayout(bar);

  table_ = new QTableView(this);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setSortIndicator(ArchTableModel::ColId, Qt::AscendingOrder);
  table_->setSortingEnabled(true);
  table_->horizontalHeader()->setSectionResizeMode(ArchTableModel::ColArch, QHeaderView::Stretch);
  table_->horizontalHeader()->setStretchLastSection(false);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideMiddle);
  root->addWidget(table_, 1);

  filterTimer_->setSingleShot(true);
  filterTimer_->setInterval(250);
  connect(filter_, &QLineEdit::textChanged, filterTimer_, qOverload<>(&QTimer::start));
  connect(filterTimer_, &QTimer::timeout, this, [this] {
    model_->setFilter(filter_->text().trimmed());
    emit filterApplied(filter_->text().trimmed());
  });
  connect(metric_, &QComboBox::currentIndexChanged, this, [this] {
    if (!filling_) model_->setMetric(metric_->currentData().toString());
  });
  connect(model_, &ArchTableModel::totalCountChanged, this, &ArchTableView::updateCount);
  connect(model_, &ArchTableModel::rowsInserted, this, &ArchTableView::updateCount);
  connect(model_, &ArchTableModel::errorOccurred, this, &ArchTableView::errorOccurred);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ArchTableView::onSelectionChanged);
  connect(table_, &QTableView::activated, this, [this](const QModelIndex& index) {
    const qint64 id = model_->archId(index.row());
    if (id > 0) emit archActivated(id);
  });
  updateCount();
}

void ArchTableView::setWorkspace(nas::Workspace* workspace) {
  model_->setWorkspace(workspace);
  fillMetrics();
  model_->setMetric(metric_->currentData().toString());
  updateCount();
}

void ArchTableView::fillMetrics() {
  QStringList names;
  if (auto* ws = model_->workspace()) {
    try {
      for (const std::string& m : ws->metricNames()) names << QString::fromStdString(m);
    } catch (const std::exception& e) {
      emit errorOccurred(tr("Cannot read the metric names: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  fillMetrics(names);
}

QString ArchTableView::pickMetric(const QStringList& names, const QString& current) {
  if (!current.isEmpty() && names.contains(current)) return current;
  // Default: the accuracy the plot and the best architecture use, else the first metric.
  const QString accuracy = accuracyMetric(names);
  if (!accuracy.isEmpty()) return accuracy;
  return names.isEmpty() ? QString() : names.front();
}

void ArchTableView::fillMetrics(const QStringList& names) {
  filling_ = true;
  const QString current = metric_->currentData().toString();
  metric_->clear();
  metric_->addItem(tr("(none)"), QString());
  for (const QString& m : names) metric_->addItem(m, m);
  metric_->setCurrentIndex(std::max(0, metric_->findData(pickMetric(names, current))));
  filling_ = false;
}

ArchTableModel::Query ArchTableView::queryFor(const QStringList& names) const {
  ArchTableModel::Query q = model_->query();
  q.metric = pickMetric(names, metric_->currentData().toString()).toStdString();
  return q;
}

void ArchTableView::showLoaded(const QStringList& names, const ArchTableModel::Query& query,
                               ArchTableModel::Page page) {
  fillMetrics(names);
  const QString metric = metric_->currentData().toString();
  if (metric.toStdString() == query.metric && model_->showPage(query, std::move(page))) return;
  // The user picked another metric, sort or filter since the read: read it here, as refresh().
  if (model_->metric() != metric)
    model_->setMetric(metric);
  else
    model_->reload();
}

void ArchTableView::refresh() {
  fillMetrics();
  if (model_->metric() != metric_->currentData().toString())
    model_->setMetric(metric_->currentData().toString());
  else
    model_->reload();
}

void ArchTableView::setMetric(const QString& metric) {
  const int i = metric_->findData(metric);
  if (i >= 0) metric_->setCurrentIndex(i);
}

void ArchTableView::setFilterText(const QString& text) {
  filter_->setText(text);
  filterTimer_->stop();
  model_->setFilter(text.trimmed());
  emit filterApplied(text.trimmed());
}

void ArchTableView::updateCount() {
  const QLocale loc;
  count_->setText(tr("%1 architectures").arg(loc.toString(model_->totalCount())));
}

QList<qint64> ArchTableView::selectedIds() const {
  QList<qint64> ids;
  QModelIndexList rows = table_->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  for (const QModelIndex& i : rows)
    if (const qint64 id = model_->archId(i.row()); id > 0) ids << id;
  return ids;
}

void ArchTableView::onSelectionChanged() {
  const QList<qint64> ids = selectedIds();
  emit selectionChanged(ids);
  if (ids.size() == 1) emit archActivated(ids.front());
}

}  // namespace nas::ui
