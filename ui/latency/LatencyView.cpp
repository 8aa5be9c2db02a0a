#include "latency/LatencyView.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "search/Stats.h"
#include "store/Workspace.h"
#include "views/ScatterView.h"

namespace nas::ui {

namespace {
constexpr int kArchColumn = 3;  // of the validation table

QTableWidgetItem* item(const QString& text, bool number = false) {
  auto* it = new QTableWidgetItem(text);
  it->setFlags(it->flags() & ~Qt::ItemIsEditable);
  if (number) it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return it;
}
QTableWidgetItem* numberItem(double v, int decimals) {
  auto* it = item(QString::number(v, 'f', decimals), true);
  it->setData(Qt::UserRole, v);
  return it;
}
}  // namespace

LatencyView::LatencyView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("latencyView"));
  profiles_ = new QTableWidget(0, 6, this);
  profiles_->setObjectName(QStringLiteral("latencyProfiles"));
  profiles_->setHorizontalHeaderLabels({tr("Profile"), tr("CPU"), tr("Threads"), tr("Batch"), tr("LibTorch"), tr("Entries")});
  profiles_->setSelectionBehavior(QAbstractItemView::SelectRows);
  profiles_->setSelectionMode(QAbstractItemView::SingleSelection);
  profiles_->verticalHeader()->hide();
  // Short columns fit their contents; the CPU name takes what is left (and elides).
  profiles_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  profiles_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  profiles_->setWordWrap(false);
  space_ = new QComboBox(this);
  space_->setObjectName(QStringLiteral("latencySpace"));
  validation_ = new QTableWidget(0, 4, this);
  validation_->setObjectName(QStringLiteral("latencyValidation"));
  // The figures first, at their natural width; the architecture string (70 characters for an
  // NB201 cell) last, stretched and elided in the middle, whole in its tooltip.
  validation_->setHorizontalHeaderLabels({tr("Predicted (ms)"), tr("Measured (ms)"), tr("Error (%)"), tr("Architecture")});
  validation_->verticalHeader()->hide();
  validation_->setSortingEnabled(true);
  validation_->setWordWrap(false);
  validation_->setTextElideMode(Qt::ElideMiddle);
  validation_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  validation_->horizontalHeader()->setSectionResizeMode(kArchColumn, QHeaderView::Stretch);
  scatter_ = new ScatterView(this);
  // Predicted against measured is no trade-off: a Pareto staircase there means nothing.
  scatter_->setParetoVisible(false);
  scatter_->setParetoControlsVisible(false);
  scatter_->setMetricPickersVisible(false);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("latencySummary"));
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setWordWrap(true);  // a long summary must not set the window's minimum width

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Space:"), this));
  top->addWidget(space_);
  top->addWidget(summary_, 1);
  auto* left = new QWidget(this);
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(new QLabel(tr("Device profiles"), left));
  leftLayout->addWidget(profiles_, 1);
  auto* validationTitle = new QLabel(tr("Validation: whole networks measured end to end"), left);
  validationTitle->setWordWrap(true);
  leftLayout->addWidget(validationTitle);
  leftLayout->addWidget(validation_, 2);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(left);
  split->addWidget(scatter_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setSizes({560, 840});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);

  connect(profiles_, &QTableWidget::itemSelectionChanged, this, [this] {
    // The spaces of the selected profile.
    const QString keep = space_->currentText();
    QSignalBlocker block(space_);
    space_->clear();
    if (ws_ && !selectedProfile().isEmpty()) {
      try {
        const auto p = ws_->deviceProfile(selectedProfile().toStdString());
        for (const auto& s : ws_->latencySpaces(p.id)) space_->addItem(QString::fromStdString(s));
      } catch (const std::exception& e) {
        summary_->setText(QString::fromStdString(nas::toError(e).what()));
      }
    }
    const int i = space_->findText(keep);
    if (i >= 0) space_->setCurrentIndex(i);
    showValidation();
  });
  connect(space_, &QComboBox::currentTextChanged, this, [this] { showValidation(); });
}

void LatencyView::setWorkspace(nas::Workspace* workspace) {
  ws_ = workspace;
  refresh();
}

QString LatencyView::selectedProfile() const {
  const auto rows = profiles_->selectionModel() ? profiles_->selectionModel()->selectedRows() : QModelIndexList{};
  if (rows.isEmpty()) return {};
  const auto* it = profiles_->item(rows.first().row(), 0);
  return it ? it->text() : QString();
}

void LatencyView::refresh() {
  const QString keep = selectedProfile();
  {
    QSignalBlocker block(profiles_);
    profiles_->setRowCount(0);
    if (ws_) {
      try {
        const auto list = ws_->deviceProfiles();
        profiles_->setRowCount(static_cast<int>(list.size()));
        for (int r = 0; r < static_cast<int>(list.size()); ++r) {
          const auto& p = list[static_cast<size_t>(r)];
          profiles_->setItem(r, 0, item(QString::fromStdString(p.name)));
          profiles_->setItem(r, 1, item(QString::fromStdString(p.cpu)));
          profiles_->setItem(r, 2, item(QString::number(p.threads), true));
          profiles_->setItem(r, 3, item(QString::number(p.batch), true));
          profiles_->setItem(r, 4, item(QString::fromStdString(p.torchVersion)));
          profiles_->setItem(r, 5, item(QString::number(ws_->latencyEntries(p.id).size()), true));
          profiles_->item(r, 0)->setToolTip(
              tr("measured %1").arg(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(p.createdAt)).toString(Qt::ISODate)));
        }
      } catch (const std::exception& e) {
        summary_->setText(QString::fromStdString(nas::toError(e).what()));
      }
    }
  }
  int row = 0;
  for (int r = 0; r < profiles_->rowCount(); ++r)
    if (profiles_->item(r, 0)->text() == keep) row = r;
  if (profiles_->rowCount() > 0) profiles_->selectRow(row);
  else emit profiles_->itemSelectionChanged();
}

QString LatencyView::summaryText() const { return summary_->text(); }

void LatencyView::showValidation() {
  validation_->setSortingEnabled(false);
  validation_->setRowCount(0);
  std::vector<ScatterPoint> points;
  std::vector<std::string> archs;
  std::vector<double> pred, meas;
  const QString profile = selectedProfile(), space = space_->currentText();
  if (ws_ && !profile.isEmpty() && !space.isEmpty()) {
    try {
      const auto p = ws_->deviceProfile(profile.toStdString());
      const auto pairs = ws_->latencyValidations(p.id, space.toStdString());
      validation_->setRowCount(static_cast<int>(pairs.size()));
      for (int r = 0; r < static_cast<int>(pairs.size()); ++r) {
        const auto& v = pairs[static_cast<size_t>(r)];
        const double err = v.measuredMs > 0 ? 100.0 * (v.correctedMs - v.measuredMs) / v.measuredMs : NAN;
        auto* archItem = item(QString::fromStdString(v.arch));
        archItem->setToolTip(archItem->text());
        validation_->setItem(r, kArchColumn, archItem);
        validation_->setItem(r, 0, numberItem(v.correctedMs, 3));
        validation_->setItem(r, 1, numberItem(v.measuredMs, 3));
        validation_->setItem(r, 2, numberItem(err, 1));
        validation_->item(r, 1)->setToolTip(tr("IQR %1 ms; table sum %2 ms").arg(v.iqrMs, 0, 'f', 3).arg(v.predictedMs, 0, 'f', 3));
        points.push_back({r, v.correctedMs, v.measuredMs, std::abs(err)});
        archs.push_back(v.arch);
        pred.push_back(v.correctedMs);
        meas.push_back(v.measuredMs);
      }
    } catch (const std::exception& e) {
      summary_->setText(QString::fromStdString(nas::toError(e).what()));
      return;
    }
  }
  validation_->setSortingEnabled(true);
  scatter_->setPoints(points, tr("predicted (ms)"), tr("measured (ms)"), tr("|error| (%)"),
                      [archs](qint64 id) {
                        return id >= 0 && id < static_cast<qint64>(archs.size())
                                   ? QString::fromStdString(archs[static_cast<size_t>(id)])
                                   : QString();
                      });
  // The y = x line over the points' range.
  QCustomPlot* plot = scatter_->plot();
  for (int i = plot->itemCount() - 1; i >= 0; --i)
    if (plot->item(i)->objectName() == QStringLiteral("identityLine")) plot->removeItem(i);
  if (!pred.empty()) {
    const double lo = std::min(*std::min_element(pred.begin(), pred.end()), *std::min_element(meas.begin(), meas.end()));
    const double hi = std::max(*std::max_element(pred.begin(), pred.end()), *std::max_element(meas.begin(), meas.end()));
    auto* line = new QCPItemLine(plot);
    line->setObjectName(QStringLiteral("identityLine"));
    line->start->setCoords(lo, lo);
    line->end->setCoords(hi, hi);
    line->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    plot->replot();
  }
  if (pred.size() >= 2) {
    double mape = 0;
    for (size_t i = 0; i < pred.size(); ++i) mape += std::abs(pred[i] - meas[i]) / meas[i];
    mape *= 100.0 / static_cast<double>(pred.size());
    summary_->setText(tr("%1 networks: MAPE %2 %, Kendall tau %3")
                          .arg(pred.size())
                          .arg(mape, 0, 'f', 2)
                          .arg(nas::kendallTau(pred, meas), 0, 'f', 3));
  } else if (!profile.isEmpty()) {
    summary_->setText(tr("No validation yet: run `nasstudio-cli latency validate --space %1 --profile %2`")
                          .arg(space.isEmpty() ? QStringLiteral("nb201") : space, profile));
  } else {
    summary_->setText(tr("No device profile: run `nasstudio-cli latency profile --space nb201`"));
  }
}

}  // namespace nas::ui
