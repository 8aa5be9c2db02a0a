#include "search/SearchProgressPanel.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "views/ScatterView.h"
#include "widgets/Plural.h"
#include "widgets/VisibleReload.h"

namespace nas::ui {

namespace {

constexpr int kReloadIntervalMs = 1000;
constexpr int kProblemLinesShown = 3;

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

QLabel* noteLabel(QWidget* parent) {
  auto* l = new QLabel(parent);
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  l->setForegroundRole(QPalette::PlaceholderText);
  return l;
}

// ScatterView keeps a selection list beside its plot; two views side by side need the width
// for the plots, so the list starts collapsed (its splitter handle still opens it).
void collapseSelectionList(ScatterView* view) {
  if (auto* split = view->findChild<QSplitter*>()) split->setSizes({1, 0});
}

}  // namespace

SearchProgressPanel::SearchProgressPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("searchProgressPanel"));
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(6, 6, 6, 6);

  auto* bar = new QHBoxLayout;
  jobPicker_ = new QComboBox(this);
  jobPicker_->setObjectName(QStringLiteral("searchJobPicker"));
  jobPicker_->setToolTip(tr("Search jobs of this workspace (agnet, tabular-search); the newest is shown until you pick one"));
  jobPicker_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  jobPicker_->setMinimumContentsLength(22);
  seedLabel_ = new QLabel(tr("Seed"), this);
  seedPicker_ = new QComboBox(this);
  seedPicker_->setObjectName(QStringLiteral("searchSeedPicker"));
  seedPicker_->setToolTip(tr("Each seed is a search of its own, with its own latent space"));
  colourPicker_ = new QComboBox(this);
  colourPicker_->setObjectName(QStringLiteral("searchColourPicker"));
  colourPicker_->addItem(tr("predicted accuracy"), static_cast<int>(ColourSource::Predicted));
  colourPicker_->addItem(tr("true accuracy (where queried)"), static_cast<int>(ColourSource::True));
  colourPicker_->setToolTip(tr("Predicted: the surrogate's estimate. True: the queried value; grey where not queried"));
  bar->addWidget(new QLabel(tr("Search job"), this));
  bar->addWidget(jobPicker_);
  bar->addSpacing(12);
  bar->addWidget(seedLabel_);
  bar->addWidget(seedPicker_);
  bar->addSpacing(12);
  bar->addWidget(new QLabel(tr("Colour by"), this));
  bar->addWidget(colourPicker_);
  bar->addStretch(1);
  root->addLayout(bar);

  auto* split = new QSplitter(Qt::Horizontal, this);
  split->setObjectName(QStringLiteral("searchSplitter"));
  split->setChildrenCollapsible(false);

  auto* latentBox = new QGroupBox(tr("Latent space (one fixed 2D map for all rounds)"), split);
  auto* latentLayout = new QVBoxLayout(latentBox);
  latentMessage_ = noteLabel(latentBox);
  latentMessage_->setObjectName(QStringLiteral("latentMessage"));
  latent_ = new ScatterView(latentBox);
  latent_->setObjectName(QStringLiteral("latentMap"));
  latent_->setMetricPickersVisible(false);
  latent_->setParetoVisible(false);  // a map, not a trade-off
  latent_->setParetoControlsVisible(false);
  latent_->setPointSize(8);  // the current round stands out from the faded earlier ones
  collapseSelectionList(latent_);
  auto* roundRow = new QHBoxLayout;
  roundSlider_ = new QSlider(Qt::Horizontal, latentBox);
  roundSlider_->setObjectName(QStringLiteral("roundSlider"));
  roundSlider_->setTickPosition(QSlider::TicksBelow);
  roundSlider_->setPageStep(1);
  roundSlider_->setToolTip(tr("Show the samples up to this round; the round itself is drawn prominently"));
  roundLabel_ = new QLabel(latentBox);
  roundLabel_->setObjectName(QStringLiteral("roundLabel"));
  roundLabel_->setMinimumWidth(roundLabel_->fontMetrics().horizontalAdvance(QStringLiteral("Round 888 of 888 · 8888 new")));
  roundRow->addWidget(new QLabel(tr("Round"), latentBox));
  roundRow->addWidget(roundSlider_, 1);
  roundRow->addWidget(roundLabel_);
  latentLayout->addWidget(latentMessage_);
  latentLayout->addWidget(latent_, 1);
  latentLayout->addLayout(roundRow);

  auto* paretoBox = new QGroupBox(tr("Pareto front (accuracy against cost, queried architectures)"), split);
  auto* paretoLayout = new QVBoxLayout(paretoBox);
  paretoMessage_ = noteLabel(paretoBox);
  paretoMessage_->setObjectName(QStringLiteral("paretoMessage"));
  pareto_ = new ScatterView(paretoBox);
  pareto_->setObjectName(QStringLiteral("paretoView"));
  pareto_->setMetricPickersVisible(false);
  pareto_->setFadeDominated(true);
  pareto_->setPointSize(7);
  collapseSelectionList(pareto_);
  paretoLayout->addWidget(paretoMessage_);
  paretoLayout->addWidget(pareto_, 1);

  split->addWidget(latentBox);
  split->addWidget(paretoBox);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  root->addWidget(split, 1);

  problems_ = new QLabel(this);
  problems_->setObjectName(QStringLiteral("searchProblems"));
  problems_->setWordWrap(true);
  problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problems_->setStyleSheet(QStringLiteral("color: #B00020;"));
  problems_->hide();
  root->addWidget(problems_);

  reloader_ = new VisibleReload(this, kReloadIntervalMs, [this] { reload(); });

  connect(jobPicker_, &QComboBox::activated, this, [this](int index) {
    const qint64 id = jobPicker_->itemData(index).toLongLong();
    if (id <= 0) return;
    userPicked_ = true;
    if (id != job_) openJob(id);
  });
  connect(seedPicker_, &QComboBox::activated, this, [this] {
    // Another seed has other rounds: start it at its latest.
    roundSlider_->setValue(roundSlider_->maximum());
    showRun();
  });
  connect(colourPicker_, &QComboBox::currentIndexChanged, this, [this] { showLatent(); });
  connect(roundSlider_, &QSlider::valueChanged, this, [this] { showLatent(); });

  // The latent map's points are samples: open the architecture behind one.
  auto openSample = [this](qint64 sampleId) {
    for (const auto& s : run_.samples)
      if (s.sampleId == sampleId) {
        if (s.archId > 0) emit archActivated(s.archId);
        return;
      }
  };
  connect(latent_, &ScatterView::archActivated, this, openSample);
  connect(pareto_, &ScatterView::archActivated, this, &SearchProgressPanel::archActivated);
  auto showError = [this](const QString& message) { showProblems(QString(), {message}); };
  connect(latent_, &ScatterView::errorOccurred, this, showError);
  connect(pareto_, &ScatterView::errorOccurred, this, showError);

  clearViews(tr("No workspace."));
}

SearchProgressPanel::~SearchProgressPanel() = default;

void SearchProgressPanel::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  job_ = 0;
  userPicked_ = false;
  jobsKey_.clear();
  fingerprint_.clear();
  run_ = {};
  if (!ws_) {
    const QSignalBlocker block(jobPicker_);
    jobPicker_->clear();
    clearViews(tr("No workspace."));
    return;
  }
  refreshJobs();
}

void SearchProgressPanel::refreshJobs() {
  std::vector<nas::JobRecord> jobs;
  if (ws_) {
    try {
      jobs = nas::searchJobs(*ws_);
    } catch (const std::exception& e) {
      showProblems(QString(), {errorText(e)});
      return;
    }
  }
  QString key;
  {
    const QSignalBlocker block(jobPicker_);
    jobPicker_->clear();
    for (const auto& j : jobs) {
      jobPicker_->addItem(tr("#%1 %2 (%3)")
                              .arg(j.id)
                              .arg(QString::fromStdString(j.method), QString::fromLatin1(nas::jobStatusName(j.status))),
                          QVariant::fromValue<qint64>(j.id));
      key += QStringLiteral("%1:%2;").arg(j.id).arg(static_cast<int>(j.status));
    }
    if (jobs.empty()) jobPicker_->addItem(tr("No search job"), QVariant::fromValue<qint64>(0));
  }
  jobsKey_ = key;
  if (jobs.empty()) {
    job_ = 0;
    run_ = {};
    fingerprint_.clear();
    clearViews(tr("No search job in this workspace: run one with New Job… (method agnet or tabular-search)."));
    return;
  }
  const bool listed = std::any_of(jobs.begin(), jobs.end(), [this](const nas::JobRecord& j) { return j.id == job_; });
  // Follow the newest search until the person picks one; a picked job that went falls back too.
  const qint64 show = (listed && (userPicked_ || job_ == jobs.front().id)) ? job_ : jobs.front().id;
  if (!listed) userPicked_ = false;
  jobPicker_->setCurrentIndex(std::max(0, jobPicker_->findData(QVariant::fromValue<qint64>(show))));
  if (show != job_) openJob(show);
}

bool SearchProgressPanel::openJob(qint64 id) {
  job_ = id;
  fingerprint_.clear();
  jobUpdatedAt_ = 0;
  {
    const QSignalBlocker block(roundSlider_);
    roundSlider_->setValue(roundSlider_->maximum());  // a new job starts at its latest round
  }
  const int index = jobPicker_->findData(QVariant::fromValue<qint64>(id));
  if (index >= 0) jobPicker_->setCurrentIndex(index);
  reload();
  return loadError_.isEmpty();
}

void SearchProgressPanel::reload() {
  reloader_->done();
  if (!ws_ || job_ <= 0) return;
  loadError_.clear();
  try {
    nas::SearchRun run = nas::loadSearchRun(*ws_, job_);
    std::int64_t last = 0;
    for (const auto& s : run.samples) last = std::max(last, s.sampleId);
    const QString fingerprint = QStringLiteral("%1|%2|%3|%4|%5|%6")
                                    .arg(job_)
                                    .arg(run.samples.size())
                                    .arg(last)
                                    .arg(QString::fromStdString(run.costName), QString::fromStdString(run.metric))
                                    .arg(run.problems.size());
    if (fingerprint == fingerprint_) return;  // nothing new: keep the plots as they are
    fingerprint_ = fingerprint;
    run_ = std::move(run);
    ++reloads_;
    showRun();
  } catch (const std::exception& e) {
    run_ = {};
    fingerprint_.clear();
    loadError_ = tr("Cannot read job %1: %2").arg(job_).arg(errorText(e));
    clearViews(loadError_);
  }
}

void SearchProgressPanel::scheduleReload() { reloader_->request(); }

void SearchProgressPanel::onJobsPolled(const std::vector<nas::JobRecord>& jobs) {
  try {
    QString key;
    for (const auto& j : jobs) {
      if (nas::isSearchJob(j) == false) continue;  // unknown (an older spec) counts
      key += QStringLiteral("%1:%2;").arg(j.id).arg(static_cast<int>(j.status));
      // Progress, a status change or the final result: samples may have come with it.
      if (j.id == job_ && j.updatedAt != jobUpdatedAt_) {
        jobUpdatedAt_ = j.updatedAt;
        scheduleReload();
      }
    }
    if (key != jobsKey_) refreshJobs();
  } catch (const std::exception& e) {
    showProblems(QString(), {errorText(e)});
  }
}

void SearchProgressPanel::onMetricsPolled(const std::vector<nas::Workspace::MetricRow>& rows) {
  if (std::any_of(rows.begin(), rows.end(), [this](const auto& r) { return r.job == job_; })) scheduleReload();
}

void SearchProgressPanel::setColourSource(ColourSource source) {
  colourPicker_->setCurrentIndex(std::max(0, colourPicker_->findData(static_cast<int>(source))));
}

ColourSource SearchProgressPanel::colourSource() const {
  return static_cast<ColourSource>(colourPicker_->currentData().toInt());
}

int SearchProgressPanel::currentRound() const { return roundSlider_->isEnabled() ? roundSlider_->value() : -1; }

std::int64_t SearchProgressPanel::currentSeed() const {
  return seedPicker_->count() > 0 ? seedPicker_->currentData().toLongLong() : -1;
}

void SearchProgressPanel::showRun() {
  try {
    // Seeds: each has its own projection, so the map shows one at a time.
    const std::int64_t keepSeed = currentSeed();
    std::vector<std::int64_t> seeds;
    for (std::int64_t s : run_.seeds())
      if (!run_.latentRounds(s).empty()) seeds.push_back(s);
    {
      const QSignalBlocker block(seedPicker_);
      seedPicker_->clear();
      for (std::int64_t s : seeds) seedPicker_->addItem(QString::number(s), QVariant::fromValue<qint64>(s));
      seedPicker_->setCurrentIndex(std::max(0, seedPicker_->findData(QVariant::fromValue<qint64>(keepSeed))));
    }
    seedLabel_->setVisible(seeds.size() > 1);
    seedPicker_->setVisible(seeds.size() > 1);

    // The slider: stay on the latest round when it was there, so a live search plays forward.
    const std::vector<int> rounds = run_.latentRounds(seeds.empty() ? -1 : currentSeed());
    {
      const QSignalBlocker block(roundSlider_);
      const bool atEnd = roundSlider_->value() >= roundSlider_->maximum();
      const int old = roundSlider_->value();
      if (rounds.empty()) {
        roundSlider_->setRange(0, 0);
      } else {
        roundSlider_->setRange(rounds.front(), rounds.back());
        roundSlider_->setValue(atEnd ? rounds.back() : std::clamp(old, rounds.front(), rounds.back()));
      }
      roundSlider_->setEnabled(!rounds.empty());
    }
    showLatent();

    // The Pareto view: all seeds' queried architectures.
    const ParetoData d = paretoData(run_);
    QHash<qint64, int> firstOfArch;
    for (int i = 0; i < static_cast<int>(run_.samples.size()); ++i) {
      const auto& s = run_.samples[static_cast<size_t>(i)];
      if (s.archId > 0 && s.queried && !firstOfArch.contains(s.archId)) firstOfArch.insert(s.archId, i);
    }
    auto canonicalOf = [this, firstOfArch](qint64 arch) {
      const int i = firstOfArch.value(arch, -1);
      return i < 0 ? QString() : QString::fromStdString(run_.samples[static_cast<size_t>(i)].canonical);
    };
    int hidden = 0;
    pareto_->setHomeRange(paretoHomeRange(d, &hidden));  // before the points: their reset uses it
    pareto_->setPoints(d.points, d.xTitle, d.yTitle, d.colourTitle, canonicalOf);
    pareto_->setTooltipFunction([this, firstOfArch](qint64 arch) {
      const int i = firstOfArch.value(arch, -1);
      return i < 0 ? QStringLiteral("#%1").arg(arch) : sampleTooltip(run_, run_.samples[static_cast<size_t>(i)]);
    });
    if (pareto_->xDirection() != ScatterView::Direction::Minimize ||
        pareto_->yDirection() != ScatterView::Direction::Maximize)
      pareto_->setDirections(ScatterView::Direction::Minimize, ScatterView::Direction::Maximize);
    QString note;
    if (d.points.empty())
      note = run_.samples.empty() ? tr("No samples yet.") : tr("No queried architecture with a value yet.");
    else if (d.costFromFlops)
      note = tr("Cost: the architectures' FLOPs (this job has no second objective).");
    if (hidden > 0)
      note += (note.isEmpty() ? QString() : QStringLiteral(" ")) +
              tr("%1 far below the rest outside the view: zoom out with the mouse wheel to see them.")
                  .arg(plural(hidden, tr("architecture"), tr("architectures")));
    paretoMessage_->setText(note);
    paretoMessage_->setVisible(!note.isEmpty());

    QStringList lines;
    for (const auto& p : run_.problems) lines << QString::fromStdString(p);
    showProblems(tr("Some samples could not be read and are left out:"), lines);
  } catch (const std::exception& e) {
    showProblems(QString(), {errorText(e)});
  }
}

void SearchProgressPanel::showLatent() {
  try {
    const std::int64_t seed = seedPicker_->count() > 0 ? currentSeed() : -1;
    const ColourSource source = colourSource();
    const int round = roundSlider_->isEnabled() ? roundSlider_->value() : -1;
    std::vector<ScatterPoint> points;
    if (round >= 0) points = latentPoints(run_, seed, round, source);
    QHash<qint64, int> index;
    for (int i = 0; i < static_cast<int>(run_.samples.size()); ++i) index.insert(run_.samples[static_cast<size_t>(i)].sampleId, i);
    // Fixed over all rounds: set before the points, so their reset shows this range.
    latent_->setHomeRange(latentBounds(run_, seed));
    const auto [lo, hi] = latentColourRange(run_, seed);
    latent_->setColorRange(lo, hi);
    latent_->setTooltipFunction([this, index](qint64 sampleId) {
      const int i = index.value(sampleId, -1);
      return i < 0 ? QString() : sampleTooltip(run_, run_.samples[static_cast<size_t>(i)]);
    });
    latent_->setPoints(points, tr("latent 1"), tr("latent 2"),
                       source == ColourSource::Predicted ? tr("predicted (%)") : tr("true (%)"),
                       [this, index](qint64 sampleId) {
                         const int i = index.value(sampleId, -1);
                         if (i < 0) return QString();
                         const auto& s = run_.samples[static_cast<size_t>(i)];
                         return tr("%1 (round %2)").arg(QString::fromStdString(s.canonical)).arg(s.round);
                       });

    QString message;
    if (points.empty()) {
      if (job_ <= 0)
        message = tr("No search job.");
      else if (run_.samples.empty())
        message = tr("No samples yet: the map fills as the search writes its rounds.");
      else if (run_.method == "tabular-search")
        message = tr("A tabular search queries cells directly and has no latent space; its results are in the "
                     "Pareto view.");
      else
        message = tr("No latent coordinates yet: round 0 holds the initial random queries, the map starts with "
                     "round 1.");
    }
    latentMessage_->setText(message);
    latentMessage_->setVisible(!message.isEmpty());
    updateRoundLabel();
  } catch (const std::exception& e) {
    showProblems(QString(), {errorText(e)});
  }
}

void SearchProgressPanel::updateRoundLabel() {
  if (!roundSlider_->isEnabled()) {
    roundLabel_->setText(tr("no rounds"));
    return;
  }
  const int round = roundSlider_->value();
  const auto counts = run_.latentCountPerRound(seedPicker_->count() > 0 ? currentSeed() : -1);
  const auto it = counts.find(round);
  roundLabel_->setText(tr("Round %1 of %2 \u00b7 %3 new")
                           .arg(round)
                           .arg(roundSlider_->maximum())
                           .arg(it == counts.end() ? 0 : it->second));
}

void SearchProgressPanel::clearViews(const QString& message) {
  {
    const QSignalBlocker block(roundSlider_);
    roundSlider_->setRange(0, 0);
    roundSlider_->setEnabled(false);
  }
  latent_->setPoints({}, tr("latent 1"), tr("latent 2"), tr("predicted (%)"));
  pareto_->setPoints({}, tr("cost"), tr("accuracy (%)"), tr("first round"));
  roundLabel_->setText(tr("no rounds"));
  latentMessage_->setText(message);
  latentMessage_->setVisible(!message.isEmpty());
  paretoMessage_->hide();
  showProblems(QString(), {});
}

void SearchProgressPanel::showProblems(const QString& heading, const QStringList& lines) {
  if (lines.isEmpty()) {
    problems_->clear();
    problems_->hide();
    return;
  }
  QStringList shown = lines.mid(0, kProblemLinesShown);
  if (lines.size() > kProblemLinesShown) shown << tr("… %1 more (see the tooltip)").arg(lines.size() - kProblemLinesShown);
  problems_->setText((heading.isEmpty() ? QString() : heading + QLatin1Char('\n')) + shown.join(QLatin1Char('\n')));
  problems_->setToolTip(lines.join(QLatin1Char('\n')));
  problems_->show();
}

}  // namespace nas::ui
