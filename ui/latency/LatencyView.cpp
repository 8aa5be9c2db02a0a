#include "latency/LatencyView.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/CancelToken.h"
#include "common/Error.h"
#include "common/ProgressSink.h"
#include "jobs/LatencySpace.h"
#include "search/LatencyValidation.h"
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
// Progress of a validation on its thread, handed to the view on the GUI thread.
class PostingSink final : public nas::ProgressSink {
 public:
  explicit PostingSink(QLabel* label) : label_(label) {}
  void progress(double fraction, const std::string& stage) override {
    const QString text = QObject::tr("Validating: %1 % (%2)")
                             .arg(static_cast<int>(fraction * 100))
                             .arg(QString::fromStdString(stage));
    QMetaObject::invokeMethod(
        label_.data(), [l = label_, text] { if (l) l->setText(text); }, Qt::QueuedConnection);
  }
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string&) override {}

 private:
  QPointer<QLabel> label_;
};

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

  samples_ = new QSpinBox(this);
  samples_->setObjectName(QStringLiteral("latencyValidationSamples"));
  samples_->setRange(4, 500);
  samples_->setValue(20);
  samples_->setSuffix(tr(" networks"));
  samples_->setToolTip(tr("Random networks measured end to end and compared with the table's prediction; a third "
                          "as many more fit the correction"));
  validate_ = new QPushButton(tr("Validate"), this);
  validate_->setObjectName(QStringLiteral("latencyValidate"));
  validate_->setToolTip(tr("Measure whole networks of the selected space on this machine, with the selected "
                           "profile's threads and batch, and compare them with the lookup table"));
  validationStatus_ = new QLabel(this);
  validationStatus_->setObjectName(QStringLiteral("latencyValidationStatus"));
  validationStatus_->setWordWrap(true);
  connect(validate_, &QPushButton::clicked, this, [this] {
    if (validationRunning()) {
      cancelValidation();
      return;
    }
    QString why;
    if (!startValidation(samples_->value(), &why)) validationStatus_->setText(why);
  });

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Space:"), this));
  top->addWidget(space_);
  top->addWidget(summary_, 1);
  top->addWidget(samples_);
  top->addWidget(validate_);
  auto* left = new QWidget(this);
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->addWidget(new QLabel(tr("Device profiles"), left));
  leftLayout->addWidget(profiles_, 1);
  auto* validationTitle = new QLabel(tr("Validation: whole networks measured end to end"), left);
  validationTitle->setWordWrap(true);
  leftLayout->addWidget(validationTitle);
  leftLayout->addWidget(validationStatus_);
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
  connect(space_, &QComboBox::currentTextChanged, this, [this] {
    showValidation();
    updateValidateButton();
  });
  // A validation or profile written by another process (the CLI, a worker) shows while the tab
  // is open, without a restart: a cheap signature of the workspace's latency rows, every 2 s.
  poll_ = new QTimer(this);
  poll_->setInterval(2000);
  connect(poll_, &QTimer::timeout, this, &LatencyView::pollWorkspace);
  poll_->start();
  updateValidateButton();
}

LatencyView::~LatencyView() {
  if (validationThread_) {
    validationCancel_->cancel();
    validationThread_->wait();
  }
}

void LatencyView::setSpacesProvider(SpacesProvider provider) {
  spaces_ = std::move(provider);
  updateValidateButton();
}

void LatencyView::updateValidateButton() {
  if (validationRunning()) {
    validate_->setText(tr("Cancel validation"));
    validate_->setEnabled(true);
    return;
  }
  validate_->setText(tr("Validate"));
  const bool ready = spaces_ && ws_ && !selectedProfile().isEmpty() && !space_->currentText().isEmpty();
  validate_->setEnabled(ready);
  samples_->setEnabled(ready);
}

void LatencyView::cancelValidation() {
  if (validationCancel_) validationCancel_->cancel();
}

bool LatencyView::startValidation(int samples, QString* why) {
  auto refuse = [why](const QString& text) {
    if (why) *why = text;
    return false;
  };
  if (validationRunning()) return refuse(tr("A validation is running already."));
  if (!spaces_) return refuse(tr("No latency spaces are loaded."));
  if (!ws_) return refuse(tr("No workspace is open."));
  const QString profile = selectedProfile(), space = space_->currentText();
  if (profile.isEmpty() || space.isEmpty()) return refuse(tr("Select a device profile and a space first."));
  const nas::LatencySpace* latencySpace = nullptr;
  try {
    latencySpace = &spaces_().get(space.toStdString());
  } catch (const std::exception& e) {
    return refuse(QString::fromStdString(nas::toError(e).what()));
  }
  const std::string path = ws_->path(), profileName = profile.toStdString();
  nas::LatencyValidationOptions o;
  o.samples = samples;
  o.calibration = std::max(2, samples / 3);
  o.rounds = 3;
  validationCancel_ = std::make_shared<nas::CancelToken>();
  auto cancel = validationCancel_;
  auto result = std::make_shared<QString>();
  auto ok = std::make_shared<bool>(false);
  QPointer<QLabel> status = validationStatus_;
  // Its own connection to the file: the view's Workspace belongs to the GUI thread. No
  // exception leaves the thread; the outcome is handed over when it has finished.
  validationThread_ = QThread::create([=] {
    try {
      auto ws = nas::Workspace::open(path);
      const nas::DeviceProfileRecord p = ws->deviceProfile(profileName);
      PostingSink sink(status.data());
      const nas::LatencyValidationResult r = nas::validateLatency(*ws, p, *latencySpace, o, sink, *cancel);
      *ok = true;
      *result = tr("Validated %1 networks in %2 s: MAPE %3 %, Kendall tau %4")
                    .arg(r.samples)
                    .arg(r.seconds, 0, 'f', 0)
                    .arg(r.mape, 0, 'f', 1)
                    .arg(r.kendallTau, 0, 'f', 2);
    } catch (const std::exception& e) {
      *result = tr("Validation stopped: %1").arg(QString::fromStdString(nas::toError(e).what()));
    }
  });
  connect(validationThread_, &QThread::finished, this, [this, result, ok] {
    validationThread_->deleteLater();
    validationThread_ = nullptr;
    validationCancel_.reset();
    validationStatus_->setText(*result);
    refresh();
    updateValidateButton();
    Q_EMIT validationFinished(*ok, *result);
  });
  validationStatus_->setText(tr("Validating %1 networks of %2 with profile %3…").arg(samples).arg(space, profile));
  validationThread_->start();
  updateValidateButton();
  return true;
}

QString LatencyView::workspaceSignature() const {
  if (!ws_) return {};
  QString sig;
  try {
    for (const auto& p : ws_->deviceProfiles()) {
      sig += QString::fromStdString(p.name) + QLatin1Char(':');
      for (const auto& s : ws_->latencySpaces(p.id))
        sig += QString::fromStdString(s) + QLatin1Char('=') +
               QString::number(ws_->latencyValidations(p.id, s).size()) + QLatin1Char(',');
      sig += QLatin1Char(';');
    }
  } catch (const std::exception&) {
    return signature_;  // unreadable now (a writer holds the file): try again next time
  }
  return sig;
}

void LatencyView::pollWorkspace() {
  if (!isVisible() || !ws_ || validationRunning()) return;
  const QString sig = workspaceSignature();
  if (sig != signature_) refresh();
}

void LatencyView::setWorkspace(nas::Workspace* workspace) {
  if (validationThread_) {
    validationCancel_->cancel();
    validationThread_->wait();
  }
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
  signature_ = workspaceSignature();
  updateValidateButton();
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
    summary_->setText(tr("No validation yet: click Validate, or run `nasstudio-cli latency validate --space %1 "
                         "--profile %2`")
                          .arg(space.isEmpty() ? QStringLiteral("nb201") : space, profile));
  } else {
    summary_->setText(tr("No device profile: run `nasstudio-cli latency profile --space nb201`"));
  }
}

}  // namespace nas::ui
