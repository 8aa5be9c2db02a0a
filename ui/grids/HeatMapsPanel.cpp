#include "grids/HeatMapsPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>
#include <tuple>

#include "common/Error.h"
#include "grids/FrameChartsArea.h"
#include "store/Workspace.h"
#include "widgets/VisibleReload.h"
#include "views/CellGraphView.h"
#include "views/HeatGridView.h"

namespace nas::ui {

namespace {

constexpr int kReloadMs = 1500;
constexpr int kGridColumns = 2;  // grids side by side, then wrapped

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

QString jobLabel(const nas::JobRecord& j) {
  return QStringLiteral("#%1 %2 — %3").arg(j.id).arg(QString::fromStdString(j.method),
                                                     QString::fromUtf8(nas::jobStatusName(j.status)));
}

}  // namespace

HeatMapsPanel::HeatMapsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("heatMapsPanel"));
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Job:"), this));
  jobPicker_ = new QComboBox(this);
  jobPicker_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  jobPicker_->setToolTip(tr("Jobs whose samples carry heat grids: differentiable and branch searches, LID splits"));
  top->addWidget(jobPicker_);
  top->addSpacing(12);
  frameSlider_ = new QSlider(Qt::Horizontal, this);
  frameSlider_->setMinimumWidth(120);
  frameSlider_->setEnabled(false);
  top->addWidget(frameSlider_, 1);
  frameLabel_ = new QLabel(this);
  frameLabel_->setMinimumWidth(140);
  top->addWidget(frameLabel_);
  follow_ = new QCheckBox(tr("Follow"), this);
  follow_->setChecked(true);
  follow_->setToolTip(tr("Keep showing the newest frame while the job runs"));
  top->addWidget(follow_);
  stretch_ = new QCheckBox(tr("Stretch colours"), this);
  stretch_->setToolTip(tr("Colour each grid over its own values' range instead of its full scale"));
  top->addWidget(stretch_);

  message_ = new QLabel(this);
  message_->setWordWrap(true);
  problems_ = new QLabel(this);
  problems_->setWordWrap(true);
  problems_->setStyleSheet(QStringLiteral("color: #b00020"));
  problems_->hide();
  gridLayout_ = new QGridLayout;
  graphLayout_ = new QGridLayout;
  table_ = new QTableWidget(this);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  table_->hide();
  charts_ = new FrameChartsArea(this);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(message_);
  layout->addLayout(gridLayout_, 1);
  layout->addLayout(graphLayout_, 1);
  layout->addWidget(table_);
  layout->addWidget(charts_);
  layout->addWidget(problems_);
  layout->addStretch(0);

  reloader_ = new VisibleReload(this, kReloadMs, [this] { reload(); });
  connect(jobPicker_, &QComboBox::activated, this, [this](int index) {
    const qint64 id = jobPicker_->itemData(index).toLongLong();
    if (id <= 0) return;
    userPicked_ = true;
    if (id != job_) openJob(id);
  });
  connect(frameSlider_, &QSlider::valueChanged, this, [this](int v) {
    follow_->setChecked(v == frameSlider_->maximum());
    showFrame(v);
  });
  connect(stretch_, &QCheckBox::toggled, this, [this](bool on) {
    for (HeatGridView* v : gridViews_) v->setStretched(on);
  });
  connect(follow_, &QCheckBox::toggled, this, [this](bool on) {
    if (on && frameSlider_->isEnabled()) frameSlider_->setValue(frameSlider_->maximum());
  });
  clearFrame(tr("Open a workspace."));
}

void HeatMapsPanel::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  job_ = 0;
  userPicked_ = false;
  run_ = {};
  jobPicker_->clear();
  if (!ws_) {
    clearFrame(tr("Open a workspace."));
    return;
  }
  scheduleReload();
}

void HeatMapsPanel::refreshJobs() {
  const std::vector<nas::JobRecord> jobs = nas::gridJobs(*ws_);
  jobPicker_->blockSignals(true);
  jobPicker_->clear();
  for (const auto& j : jobs) jobPicker_->addItem(jobLabel(j), QVariant::fromValue<qint64>(j.id));
  jobPicker_->blockSignals(false);
  if (jobs.empty()) {
    job_ = 0;
    run_ = {};
    clearFrame(tr("No job in this workspace has written heat grids or result drawings yet. DARTS, EnTranNAS, RepNAS "
                  "and NAS-LID jobs write one frame per epoch or split."));
    return;
  }
  // Follow the newest job unless the user chose one that is still listed.
  const bool keep = userPicked_ && jobPicker_->findData(QVariant::fromValue<qint64>(job_)) >= 0;
  if (!keep) job_ = jobs.front().id;
  jobPicker_->setCurrentIndex(jobPicker_->findData(QVariant::fromValue<qint64>(job_)));
}

void HeatMapsPanel::reload() {
  reloader_->done();
  if (!ws_) return;
  try {
    refreshJobs();
    if (job_ > 0) openJob(job_);
  } catch (const std::exception& e) {
    clearFrame(errorText(e));
  }
}

void HeatMapsPanel::scheduleReload() { reloader_->request(); }

void HeatMapsPanel::onJobsPolled() { scheduleReload(); }

bool HeatMapsPanel::openJob(qint64 id) {
  if (!ws_) return false;
  const int previous = currentFrame();
  const bool sameJob = id == job_ && !run_.frames.empty();
  nas::GridRun loaded;
  try {
    loaded = nas::loadGridRun(*ws_, id);
  } catch (const std::exception& e) {
    clearFrame(errorText(e));
    return false;
  }
  // Polls arrive while nothing changed: keep the views (a drawing's Graphviz layout is not free).
  const auto fingerprint = [](const nas::GridRun& r) {
    return std::make_tuple(r.frames.size(), r.frames.empty() ? std::int64_t{0} : r.frames.back().sampleId,
                           r.problems.size());
  };
  if (sameJob && fingerprint(loaded) == fingerprint(run_)) return true;
  run_ = std::move(loaded);
  job_ = id;
  QStringList problems;
  for (const auto& p : run_.problems) problems << QString::fromStdString(p);
  problems_->setText(problems.isEmpty() ? QString()
                                        : tr("%n frame(s) could not be read:\n", "", int(problems.size())) +
                                              problems.join(QLatin1Char('\n')));
  problems_->setVisible(!problems.isEmpty());
  if (run_.frames.empty()) {
    clearFrame(tr("Job #%1 has no readable frame yet.").arg(id));
    return true;
  }
  message_->clear();
  message_->hide();
  const int last = int(run_.frames.size()) - 1;
  const int target = sameJob && !follow_->isChecked() && previous >= 0 ? std::min(previous, last) : last;
  frameSlider_->blockSignals(true);
  frameSlider_->setEnabled(last > 0);
  frameSlider_->setRange(0, last);
  frameSlider_->setValue(target);
  frameSlider_->blockSignals(false);
  showFrame(target);
  return true;
}

int HeatMapsPanel::currentFrame() const {
  return run_.frames.empty() ? -1 : std::clamp(frameSlider_->value(), 0, int(run_.frames.size()) - 1);
}

void HeatMapsPanel::showFrame(int index) {
  if (index < 0 || index >= int(run_.frames.size())) return;
  const nas::GridFrame& f = run_.frames[std::size_t(index)];
  frameLabel_->setText(tr("%1 (%2 of %3)").arg(QString::fromStdString(f.label)).arg(index + 1).arg(run_.frames.size()));
  // Views are reused across frames (same job, same shape): only their data changes.
  while (gridViews_.size() > int(f.grids.size())) delete gridViews_.takeLast();
  for (std::size_t i = 0; i < f.grids.size(); ++i) {
    if (int(i) >= gridViews_.size()) {
      auto* v = new HeatGridView(this);
      v->setStretched(stretch_->isChecked());
      v->setObjectName(QStringLiteral("heatGrid%1").arg(i));
      gridLayout_->addWidget(v, int(i) / kGridColumns, int(i) % kGridColumns);
      gridViews_.append(v);
    }
    gridViews_[int(i)]->setGrid(f.grids[i]);
  }
  while (graphViews_.size() > int(f.graphs.size())) delete graphViews_.takeLast();
  for (std::size_t i = 0; i < f.graphs.size(); ++i) {
    if (int(i) >= graphViews_.size()) {
      auto* v = new CellGraphView(this);
      v->setMinimumHeight(360);  // a derived DARTS cell has up to 14 labelled edges: room to read them
      v->setLegendVisible(false);
      graphLayout_->addWidget(v, 0, int(i));
      graphViews_.append(v);
    }
    graphViews_[int(i)]->setTitle(QString::fromStdString(f.graphs[i].first));
    graphViews_[int(i)]->setGraph(f.graphs[i].second);
  }
  if (f.table) {
    table_->setColumnCount(int(f.table->header.size()));
    table_->setRowCount(int(f.table->rows.size()));
    QStringList header;
    for (const auto& h : f.table->header) header << QString::fromStdString(h);
    table_->setHorizontalHeaderLabels(header);
    for (int r = 0; r < int(f.table->rows.size()); ++r)
      for (int c = 0; c < int(f.table->header.size()); ++c)
        table_->setItem(r, c, new QTableWidgetItem(QString::fromStdString(f.table->rows[std::size_t(r)][std::size_t(c)])));
    table_->show();
  } else {
    table_->hide();
  }
  charts_->setFrame(f);
}

void HeatMapsPanel::clearFrame(const QString& message) {
  qDeleteAll(gridViews_);
  gridViews_.clear();
  qDeleteAll(graphViews_);
  graphViews_.clear();
  table_->hide();
  charts_->clear();
  frameSlider_->setEnabled(false);
  frameLabel_->clear();
  message_->setText(message);
  message_->show();
}

}  // namespace nas::ui
