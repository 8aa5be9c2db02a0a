#pragma once
// The "Search" tab (issue 5): how a search job ("agnet", "tabular-search") progresses.
//
//   job picker (newest by default) ──> nas::loadSearchRun (core, no Qt) ──> SearchPlotData
//     ├─ latent map: ScatterView fed with the samples of rounds <= the round slider, the
//     │   current round prominent and earlier ones faded, coloured by predicted or (where
//     │   queried) true accuracy; axes and colour scale fixed over all rounds, because the
//     │   producer's 2D projection is the same for every round
//     └─ Pareto view: accuracy against cost of every queried architecture, the front
//         highlighted and dominated points faded
//   live: the main window forwards the workspace watcher's polls; a poll that touches the
//   shown job reloads it (coalesced, deferred while the tab is hidden), keeping the user's
//   zoom and keeping the slider on the latest round when it was there.
//
// Hover shows a sample; click emits archActivated(architecture id). Errors (a job that went,
// malformed payloads) are shown in the panel; nothing is thrown through a slot.
#include <QWidget>
#include <cstdint>
#include <vector>

#include "engine/SearchSamples.h"
#include "search/SearchPlotData.h"
#include "store/Workspace.h"

class QComboBox;
class QLabel;
class QSlider;

namespace nas::ui {

class VisibleReload;

class ScatterView;

class SearchProgressPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SearchProgressPanel(QWidget* parent = nullptr);
  ~SearchProgressPanel() override;

  // The GUI thread's workspace (not owned); nullptr clears the views.
  void setWorkspace(nas::Workspace* ws);
  // Re-reads the search jobs; keeps the shown job while listed, else shows the newest.
  void refreshJobs();
  // Shows job `id`; false with the reason shown in the panel.
  bool openJob(qint64 id);
  qint64 currentJob() const { return job_; }

  void setColourSource(ColourSource source);
  ColourSource colourSource() const;
  int currentRound() const;  // the slider's round; -1 when the map has no rounds
  std::int64_t currentSeed() const;

  const nas::SearchRun& run() const { return run_; }
  ScatterView* latentView() const { return latent_; }
  ScatterView* paretoView() const { return pareto_; }
  QComboBox* jobPicker() const { return jobPicker_; }
  QComboBox* seedPicker() const { return seedPicker_; }
  QComboBox* colourPicker() const { return colourPicker_; }
  QSlider* roundSlider() const { return roundSlider_; }
  QLabel* latentMessage() const { return latentMessage_; }
  QLabel* problemLabel() const { return problems_; }
  int reloadCount() const { return reloads_; }  // how often the views were rebuilt (tests)

 public Q_SLOTS:
  void reload();          // re-reads the shown job now
  void scheduleReload();  // coalesced; while hidden, on showing
  // Live updates from the workspace watcher (see MainWindow).
  void onJobsPolled(const std::vector<nas::JobRecord>& jobs);
  void onMetricsPolled(const std::vector<nas::Workspace::MetricRow>& rows);

 Q_SIGNALS:
  void archActivated(qint64 archId);

 private:
  void showRun();      // rebuilds both views from run_
  void showLatent();   // the latent map for the slider's round
  void updateRoundLabel();
  void clearViews(const QString& message);
  // Shows lines under the views (red), with a heading; no lines hides it.
  void showProblems(const QString& heading, const QStringList& lines);

  nas::Workspace* ws_ = nullptr;
  qint64 job_ = 0;
  bool userPicked_ = false;  // the user chose a job: do not follow newer ones
  nas::SearchRun run_;
  QString fingerprint_;      // what run_ was built from: skip rebuilding when unchanged
  double jobUpdatedAt_ = 0;  // of the shown job, from the last poll
  QString jobsKey_;          // ids and statuses of the listed jobs
  QString loadError_;        // why the last reload failed, empty when it did not
  int reloads_ = 0;

  QComboBox* jobPicker_ = nullptr;
  QComboBox* seedPicker_ = nullptr;
  QLabel* seedLabel_ = nullptr;
  QComboBox* colourPicker_ = nullptr;
  QSlider* roundSlider_ = nullptr;
  QLabel* roundLabel_ = nullptr;
  QLabel* latentMessage_ = nullptr;
  QLabel* paretoMessage_ = nullptr;
  QLabel* problems_ = nullptr;
  ScatterView* latent_ = nullptr;
  ScatterView* pareto_ = nullptr;
  VisibleReload* reloader_ = nullptr;  // reload when visible, at most every so often
};

}  // namespace nas::ui
