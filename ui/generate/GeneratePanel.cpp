#include "generate/GeneratePanel.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <utility>

#include "common/Error.h"
#include "engine/GeneratorSession.h"
#include "generate/AccuracyCurveView.h"
#include "generate/ConstraintSlider.h"
#include "generate/PinnedCompareView.h"
#include "search/Stats.h"
#include "store/Workspace.h"
#include "views/LayerStripView.h"

namespace nas::ui {

namespace {

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

double number(const nas::Json& j, const std::string& key, double fallback = NAN) {
  return j.is_object() && j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
}

QGroupBox* group(const QString& title, QWidget* parent) {
  auto* g = new QGroupBox(title, parent);
  g->setFlat(false);
  return g;
}

}  // namespace

GeneratePanel::GeneratePanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("generatePanel"));
  auto* outer = new QHBoxLayout(this);
  outer->setContentsMargins(6, 6, 6, 6);

  // ---- left column: job, sliders, what was generated, pins
  auto* leftInner = new QWidget;
  auto* left = new QVBoxLayout(leftInner);
  left->setContentsMargins(0, 0, 4, 0);

  auto* jobBox = group(tr("Generator"), leftInner);
  auto* jobLayout = new QVBoxLayout(jobBox);
  jobPicker_ = new QComboBox(jobBox);
  jobPicker_->setObjectName(QStringLiteral("generatorJobPicker"));
  jobPicker_->setToolTip(tr("Jobs of this workspace with a trained generator"));
  jobLayout->addWidget(jobPicker_);
  left->addWidget(jobBox);

  controlsBox_ = group(tr("Constraints"), leftInner);
  controlsLayout_ = new QVBoxLayout(controlsBox_);
  left->addWidget(controlsBox_);

  costsBox_ = group(tr("Generated architecture"), leftInner);
  costsLayout_ = new QVBoxLayout(costsBox_);
  archLabel_ = new QLabel(costsBox_);
  archLabel_->setObjectName(QStringLiteral("archLabel"));
  archLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  archLabel_->setWordWrap(true);
  accuracy_ = new QLabel(costsBox_);
  accuracy_->setObjectName(QStringLiteral("accuracyLabel"));
  accuracy_->setWordWrap(true);  // a label that cannot wrap sets the column's minimum width
  // Two lines whether it says "estimating…" or gives the estimate. It changed height as
  // estimates came and went during a drag: the Pin button and the Pinned list jumped by a
  // line, and their group boxes were repainted whole. Fusion draws a group box frame as a
  // scaled semi-transparent pixmap, and Qt splits a blend that tall over its global thread
  // pool and waits for it: on a machine busy with training the GUI thread slept up to 20 ms
  // in such a move waiting for those threads to get a core (bench_ui_generate --stages).
  accuracy_->setMinimumHeight(2 * accuracy_->fontMetrics().lineSpacing());
  accuracy_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  pinButton_ = new QPushButton(tr("Pin"), costsBox_);
  pinButton_->setObjectName(QStringLiteral("pinButton"));
  pinButton_->setToolTip(tr("Keep this architecture in the workspace, with its costs and estimate"));
  pinButton_->setEnabled(false);
  costsLayout_->addWidget(archLabel_);
  costsLayout_->addWidget(accuracy_);
  costsLayout_->addWidget(pinButton_, 0, Qt::AlignLeft);
  left->addWidget(costsBox_);

  auto* pinBox = group(tr("Pinned"), leftInner);
  auto* pinLayout = new QVBoxLayout(pinBox);
  pinned_ = new QListWidget(pinBox);
  pinned_->setObjectName(QStringLiteral("pinnedList"));
  pinned_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  pinned_->setMinimumHeight(80);
  auto* hint = new QLabel(tr("Select two to compare them."), pinBox);
  hint->setForegroundRole(QPalette::PlaceholderText);
  pinLayout->addWidget(pinned_);
  pinLayout->addWidget(hint);
  left->addWidget(pinBox, 1);

  error_ = new QLabel(leftInner);
  error_->setObjectName(QStringLiteral("generateError"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet(QStringLiteral("color: #B00020;"));
  error_->hide();
  left->addWidget(error_);

  auto* scroll = new QScrollArea(this);
  scroll->setWidget(leftInner);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setMinimumWidth(360);
  scroll->setMaximumWidth(400);
  outer->addWidget(scroll);

  // ---- right: the strip, the curve, the comparison
  auto* right = new QSplitter(Qt::Vertical, this);
  right->setObjectName(QStringLiteral("generateSplitter"));
  auto* stripBox = group(tr("Architecture (columns: layers; boxes: channel groups by kernel)"), right);
  auto* stripLayout = new QVBoxLayout(stripBox);
  strip_ = new LayerStripView(stripBox);
  strip_->setObjectName(QStringLiteral("generatedStrip"));
  stripLayout->addWidget(strip_);

  auto* curveBox = group(tr("Accuracy against target"), right);
  auto* curveLayout = new QVBoxLayout(curveBox);
  auto* curveRow = new QHBoxLayout;
  curveRow->addWidget(new QLabel(tr("Sweep over"), curveBox));
  curveControl_ = new QComboBox(curveBox);
  curveControl_->setObjectName(QStringLiteral("curveControl"));
  curveControl_->setToolTip(tr("The control swept over its whole range (the others: don't care)"));
  curveRow->addWidget(curveControl_);
  curveRow->addStretch(1);
  curve_ = new AccuracyCurveView(curveBox);
  curveLayout->addLayout(curveRow);
  curveLayout->addWidget(curve_, 1);

  // Shown only while two or more pins are selected: empty, it took ~170 px from the curve and,
  // at 1024x700, pushed the curve below the fold (issue 21).
  compareBox_ = group(tr("Compare pinned"), right);
  auto* compareLayout = new QVBoxLayout(compareBox_);
  compare_ = new PinnedCompareView(compareBox_);
  compareLayout->addWidget(compare_);
  compareBox_->hide();

  right->addWidget(stripBox);
  right->addWidget(curveBox);
  right->addWidget(compareBox_);
  right->setStretchFactor(0, 0);
  right->setStretchFactor(1, 1);
  right->setStretchFactor(2, 0);
  right->setChildrenCollapsible(false);
  outer->addWidget(right, 1);

  connect(jobPicker_, &QComboBox::activated, this, [this](int index) {
    const qint64 id = jobPicker_->itemData(index).toLongLong();
    if (id > 0 && id != job_) openJob(id);
  });
  connect(pinButton_, &QPushButton::clicked, this, &GeneratePanel::pinCurrent);
  connect(pinned_, &QListWidget::itemSelectionChanged, this, &GeneratePanel::onPinnedSelectionChanged);
  connect(curveControl_, &QComboBox::activated, this, [this] { recomputeCurve(); });
  clearSession(tr("Open a workspace with an SGNAS job to generate architectures."));
}

// The worker thread must be joined before any member it posts to goes: reset it first.
GeneratePanel::~GeneratePanel() { session_.reset(); }

void GeneratePanel::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  clearSession(ws ? QString() : tr("No workspace."));
  refreshJobs();
}

void GeneratePanel::refreshJobs() {
  const QSignalBlocker block(jobPicker_);
  jobPicker_->clear();
  if (!ws_) return;
  std::vector<nas::JobRecord> jobs;
  try {
    jobs = nas::GeneratorSession::generatorJobs(*ws_);
  } catch (const std::exception& e) {
    showError(errorText(e));
    return;
  }
  for (const auto& j : jobs)
    jobPicker_->addItem(tr("#%1 %2 (%3)").arg(j.id).arg(fromStd(j.method), QString::fromLatin1(nas::jobStatusName(j.status))),
                        QVariant::fromValue<qint64>(j.id));
  if (jobs.empty()) {
    jobPicker_->addItem(tr("No job with a trained generator"), QVariant::fromValue<qint64>(0));
    if (!session_) clearSession(tr("Run an SGNAS job (New Job…, method sgnas): its generator appears here once trained."));
    return;
  }
  const int keep = jobPicker_->findData(QVariant::fromValue<qint64>(job_));
  if (keep >= 0) jobPicker_->setCurrentIndex(keep);
}

void GeneratePanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (session_ || !ws_) return;
  const qint64 first = jobPicker_->count() > 0 ? jobPicker_->itemData(0).toLongLong() : 0;
  if (first > 0) QMetaObject::invokeMethod(this, [this, first] { if (!session_) openJob(first); }, Qt::QueuedConnection);
}

ConstraintSlider* GeneratePanel::slider(const QString& name) const {
  for (ConstraintSlider* s : sliders_)
    if (s->name() == name) return s;
  return nullptr;
}

void GeneratePanel::clearSession(const QString& message) {
  session_.reset();
  ++sessionSerial_;
  job_ = 0;
  current_ = nas::Json();
  estimates_.clear();
  estimateErrors_.clear();
  pins_.clear();
  buildControls();
  strip_->clear();
  strip_->setPlaceholder(message.isEmpty() ? tr("Pick a job with a trained generator.") : message);
  archLabel_->clear();
  accuracy_->clear();
  pinButton_->setEnabled(false);
  pinned_->clear();
  curve_->clear();
  compare_->clear();
  compareBox_->hide();
  error_->hide();
}

bool GeneratePanel::openJob(qint64 id) {
  clearSession(tr("Opening job %1…").arg(id));
  if (!ws_) return showError(tr("No workspace.")), false;
  if (!registry_) return showError(tr("No method registry to open generators with.")), false;
  try {
    auto session = nas::GeneratorSession::open(registry_(), *ws_, id);
    // Estimates arrive on the session's thread; post them here. The destructor joins that
    // thread before `this` goes, so `this` is alive whenever the callback runs.
    const int serial = sessionSerial_;
    session->setEstimateCallback([this, serial](const nas::EstimateResult& r) {
      QMetaObject::invokeMethod(
          this, [this, serial, r] {
            if (serial == sessionSerial_) onEstimate(r);
          },
          Qt::QueuedConnection);
    });
    session_ = std::move(session);
  } catch (const std::exception& e) {
    clearSession(tr("Job %1 has no usable generator.").arg(id));
    showError(errorText(e));
    return false;
  }
  job_ = id;
  const int index = jobPicker_->findData(QVariant::fromValue<qint64>(id));
  if (index >= 0) {
    const QSignalBlocker block(jobPicker_);
    jobPicker_->setCurrentIndex(index);
  }
  buildControls();
  reloadPinned();
  regenerate();
  recomputeCurve();
  return true;
}

void GeneratePanel::buildControls() {
  qDeleteAll(sliders_);
  sliders_.clear();
  for (QLabel* l : std::as_const(costLabels_)) delete l;
  costLabels_.clear();
  {
    const QSignalBlocker block(curveControl_);
    curveControl_->clear();
  }
  if (!session_) {
    controlsBox_->setEnabled(false);
    return;
  }
  controlsBox_->setEnabled(true);
  int row = 0;
  for (const nas::ControlSpec& spec : session_->controls()) {
    auto* s = new ConstraintSlider(spec, controlsBox_);
    controlsLayout_->addWidget(s);
    sliders_ << s;
    // A second constraint starts as don't care: one target is the common request, and two
    // arbitrary targets are often not reachable together. (Before connecting: no request
    // while the rows are being built.)
    if (row > 0) s->setDontCare(true);
    connect(s, &ConstraintSlider::changed, this, &GeneratePanel::regenerate);
    auto* cost = new QLabel(costsBox_);
    cost->setObjectName(QStringLiteral("cost_%1").arg(fromStd(spec.name)));
    cost->setTextFormat(Qt::RichText);
    cost->setWordWrap(true);
    costsLayout_->insertWidget(1 + row, cost);
    costLabels_.insert(fromStd(spec.name), cost);
    curveControl_->addItem(fromStd(spec.label), fromStd(spec.name));
    ++row;
  }
}

nas::Json GeneratePanel::targets() const {
  nas::Json t = nas::Json::object();
  for (const ConstraintSlider* s : sliders_)
    if (!s->isDontCare()) t[s->spec().name] = s->value();
  return t;
}

void GeneratePanel::regenerate() {
  if (!session_) return;
  const nas::Json t = targets();
  if (t.empty()) {
    current_ = nas::Json();
    strip_->clear();
    strip_->setPlaceholder(tr("Every constraint is \"don't care\": give at least one target."));
    pinButton_->setEnabled(false);
    showCosts();
    accuracy_->clear();
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    current_ = session_->generate(t);
  } catch (const std::exception& e) {
    current_ = nas::Json();
    pinButton_->setEnabled(false);
    strip_->setPlaceholder(tr("No architecture for this request."));
    showError(errorText(e));
    return;
  }
  lastGenerateMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  error_->hide();
  const QString arch = fromStd(current_.value("arch", std::string()));
  try {
    strip_->setLayers(LayerStripView::layersFromJson(current_.value("layers", nas::Json::array())));
    strip_->setCaption(arch);
  } catch (const std::exception& e) {
    strip_->setPlaceholder(tr("This generator's architectures are not a chain of layers: %1").arg(errorText(e)));
  }
  // Break points after each layer: the canonical string has no spaces and would otherwise
  // widen the whole column.
  archLabel_->setText(QStringLiteral("<code>%1</code>").arg(arch.toHtmlEscaped().replace(QLatin1Char('|'), QStringLiteral("|&#8203;"))));
  archLabel_->setToolTip(arch);
  pinButton_->setEnabled(ws_ != nullptr);
  showCosts();
  showAccuracy();
  const QString swept = curveControl_->currentData().toString();
  if (const ConstraintSlider* s = slider(swept)) curve_->setMarker(s->isDontCare() ? NAN : s->value());
  Q_EMIT generated();
}

void GeneratePanel::showCosts() {
  for (const ConstraintSlider* s : sliders_) {
    QLabel* label = costLabels_.value(s->name());
    if (!label) continue;
    const QString unit = fromStd(s->spec().unit);
    const double achieved = number(current_, s->spec().name);
    const QString title = fromStd(s->spec().label).toHtmlEscaped();
    if (!std::isfinite(achieved)) {
      label->setText(QStringLiteral("%1: –").arg(title));
      continue;
    }
    const QString got = ConstraintSlider::formatValue(achieved, unit).toHtmlEscaped();
    if (s->isDontCare()) {
      label->setText(tr("%1: <b>%2</b> <span style='color:gray'>(any)</span>").arg(title, got));
      continue;
    }
    const double target = s->value();
    const double err = target != 0 ? 100.0 * (achieved - target) / target : 0.0;
    // Within 5 % is what the SGNAS evaluation counts as meeting a target.
    const QString colour = std::abs(err) <= 5.0 ? QStringLiteral("#1B7F3B") : QStringLiteral("#B35900");
    label->setText(tr("%1: <b>%2</b> for %3 <span style='color:%4'>(%5%6 %)</span>")
                       .arg(title, got, ConstraintSlider::formatValue(target, unit).toHtmlEscaped(), colour,
                            err >= 0 ? QStringLiteral("+") : QString())
                       .arg(err, 0, 'f', 1));
  }
}

void GeneratePanel::showAccuracy() {
  const QString arch = fromStd(current_.value("arch", std::string()));
  if (arch.isEmpty()) {
    accuracy_->clear();
    return;
  }
  if (const auto it = estimates_.constFind(arch); it != estimates_.constEnd()) {
    const double acc = number(*it, "accuracy");
    const int images = static_cast<int>(number(*it, "images", 0));
    const double se = 100.0 * nas::binomialStandardError(acc, images);
    accuracy_->setText(tr("Estimated accuracy: <b>%1 %</b> <span style='color:gray'>(± %2, supernet, %3 held-out "
                          "images)</span>")
                           .arg(100.0 * acc, 0, 'f', 1)
                           .arg(se, 0, 'f', 1)
                           .arg(images));
    return;
  }
  if (const auto it = estimateErrors_.constFind(arch); it != estimateErrors_.constEnd()) {
    accuracy_->setText(tr("Estimated accuracy: unavailable (%1)").arg(it->toHtmlEscaped()));
    return;
  }
  accuracy_->setText(tr("Estimated accuracy: <i>estimating…</i>"));
  session_->requestEstimate(arch.toStdString());
}

void GeneratePanel::onEstimate(const nas::EstimateResult& r) {
  const QString arch = fromStd(r.arch);
  if (r.value) {
    estimates_.insert(arch, *r.value);
    const double acc = number(*r.value, "accuracy");
    if (std::isfinite(acc)) curve_->setAccuracy(arch, acc, static_cast<int>(number(*r.value, "images", 0)));
  } else {
    estimateErrors_.insert(arch, r.error ? fromStd(r.error->what()) : tr("this method has no estimator"));
  }
  if (!current_.is_null() && fromStd(current_.value("arch", std::string())) == arch) showAccuracy();
  Q_EMIT estimateArrived(arch);
}

void GeneratePanel::recomputeCurve() {
  if (!session_ || curveControl_->count() == 0) return;
  const std::string name = curveControl_->currentData().toString().toStdString();
  const nas::ControlSpec* spec = session_->control(name);
  if (!spec) return;
  nas::Json sweep;
  try {
    sweep = session_->sweep(name, curvePoints_, nas::Json::object());
  } catch (const std::exception& e) {
    curve_->clear(tr("No curve: %1").arg(errorText(e)));
    return;
  }
  QVector<double> xs;
  QStringList archs;
  std::vector<std::string> missing;
  for (const auto& row : sweep) {
    xs << number(row, "target");
    archs << fromStd(row.value("arch", std::string()));
    if (!estimates_.contains(archs.back()) && !estimateErrors_.contains(archs.back()) &&
        std::find(missing.begin(), missing.end(), archs.back().toStdString()) == missing.end())
      missing.push_back(archs.back().toStdString());
  }
  curve_->setSweep(fromStd(spec->label), fromStd(spec->unit), xs, archs);
  if (const ConstraintSlider* s = slider(fromStd(name))) curve_->setMarker(s->isDontCare() ? NAN : s->value());
  session_->requestBackgroundEstimates(std::move(missing));
}

void GeneratePanel::pinCurrent() {
  if (!ws_ || !session_ || current_.is_null()) return;
  const QString arch = fromStd(current_.value("arch", std::string()));
  std::optional<nas::Json> estimate;
  if (const auto it = estimates_.constFind(arch); it != estimates_.constEnd()) estimate = *it;
  try {
    const nas::ArchId id = nas::pinArchitecture(*ws_, job_, current_, estimate, session_->method());
    reloadPinned();
    for (int i = 0; i < pinned_->count(); ++i)
      if (pinned_->item(i)->data(Qt::UserRole).toLongLong() == id) pinned_->setCurrentRow(i);
    Q_EMIT pinned(id);
  } catch (const std::exception& e) {
    showError(tr("Could not pin: %1").arg(errorText(e)));
  }
}

void GeneratePanel::reloadPinned() {
  const QSignalBlocker block(pinned_);
  pinned_->clear();
  pins_.clear();
  if (!ws_ || !job_) return;
  try {
    pins_ = nas::pinnedArchitectures(*ws_, job_);
  } catch (const std::exception& e) {
    showError(errorText(e));
    return;
  }
  for (const auto& p : pins_) {
    QString text = QStringLiteral("#%1  %2 MACs · %3 params")
                       .arg(p.arch)
                       .arg(ConstraintSlider::formatValue(p.flops, {}),
                            ConstraintSlider::formatValue(static_cast<double>(p.params), {}));
    if (p.accuracy) text += QStringLiteral(" · %1 %").arg(100.0 * *p.accuracy, 0, 'f', 1);
    auto* item = new QListWidgetItem(text, pinned_);
    item->setData(Qt::UserRole, QVariant::fromValue<qint64>(p.arch));
    item->setToolTip(fromStd(p.canonical));
  }
  compare_->clear();
  compareBox_->hide();
}

void GeneratePanel::onPinnedSelectionChanged() {
  QList<int> rows;
  for (const QListWidgetItem* item : pinned_->selectedItems()) rows << pinned_->row(item);
  std::sort(rows.begin(), rows.end());
  compareBox_->setVisible(rows.size() >= 2);
  if (rows.size() != 2) {
    compare_->clear(rows.size() > 2 ? tr("Select exactly two pinned architectures.") : QString());
    return;
  }
  try {
    compare_->compare(pins_.at(static_cast<size_t>(rows[0])), pins_.at(static_cast<size_t>(rows[1])));
  } catch (const std::exception& e) {
    compare_->clear(tr("Cannot compare: %1").arg(errorText(e)));
  }
}

void GeneratePanel::showError(const QString& message) {
  error_->setText(message);
  error_->show();
}

}  // namespace nas::ui
