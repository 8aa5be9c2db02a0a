#pragma once
// The "Heat Maps" tab: how a search's architecture weights evolve, for any method whose
// samples carry heat grids or drawings (engine/GridSamples.h): DARTS/EnTranNAS edge weights,
// RepNAS branch choices (layers x branches), NAS-LID similarity matrices.
//
//   job picker (newest by default) ──> nas::loadGridRun (core, no Qt)
//     ├─ frame slider (epochs); "follow" keeps it on the newest frame while the job runs
//     ├─ one HeatGridView per grid of the frame
//     ├─ one CellGraphView per drawing of the frame (a block before / after merging, the
//     │   derived normal and reduction cells)
//     ├─ the frame's table (accuracy and latency of both forms, say)
//     └─ its result drawings: curves, scatters, trees (FrameChartsArea)
//   live: the main window forwards the watcher's polls; a change reloads at most every 1.5 s
//   and only while the tab is visible (it catches up when shown).
#include <QWidget>

#include "engine/GridSamples.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSlider;
class QTableWidget;

namespace nas {
class Workspace;
}

namespace nas::ui {

class VisibleReload;

class CellGraphView;
class FrameChartsArea;
class HeatGridView;

class HeatMapsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit HeatMapsPanel(QWidget* parent = nullptr);

  void setWorkspace(nas::Workspace* ws);  // the GUI thread's workspace, not owned
  bool openJob(qint64 id);                // false with the reason shown in the panel
  qint64 currentJob() const { return job_; }
  int currentFrame() const;               // index into run().frames; -1 when none
  void showFrame(int index);
  const nas::GridRun& run() const { return run_; }

  QComboBox* jobPicker() const { return jobPicker_; }
  QSlider* frameSlider() const { return frameSlider_; }
  QCheckBox* stretchBox() const { return stretch_; }
  QLabel* message() const { return message_; }
  QList<HeatGridView*> gridViews() const { return gridViews_; }
  QList<CellGraphView*> graphViews() const { return graphViews_; }
  QTableWidget* table() const { return table_; }
  FrameChartsArea* charts() const { return charts_; }

 public Q_SLOTS:
  void reload();          // re-reads the job list and the shown job now
  void scheduleReload();  // coalesced; while hidden, on showing
  void onJobsPolled();    // something in the workspace's jobs changed

 private:
  void refreshJobs();
  void clearFrame(const QString& message);

  nas::Workspace* ws_ = nullptr;
  qint64 job_ = 0;
  bool userPicked_ = false;
  nas::GridRun run_;

  QComboBox* jobPicker_ = nullptr;
  QSlider* frameSlider_ = nullptr;
  QLabel* frameLabel_ = nullptr;
  QCheckBox* follow_ = nullptr;
  QCheckBox* stretch_ = nullptr;
  QLabel* message_ = nullptr;
  QLabel* problems_ = nullptr;
  QGridLayout* gridLayout_ = nullptr;
  QGridLayout* graphLayout_ = nullptr;
  QList<HeatGridView*> gridViews_;
  QList<CellGraphView*> graphViews_;
  QTableWidget* table_ = nullptr;
  FrameChartsArea* charts_ = nullptr;
  VisibleReload* reloader_ = nullptr;  // reload when visible, at most every so often
};

}  // namespace nas::ui
