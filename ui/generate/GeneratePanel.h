#pragma once
// The "Generate" tab: live constraint sliders over a job's trained generator (SGNAS).
//
//   job picker ──> nas::GeneratorSession (core facade: no torch, no Qt)
//   sliders (one per ControlSpec, built from controls()) ── every move ──> generate() on
//     this thread (~1 ms) ──> layer strip, achieved cost against target, accuracy
//   accuracy: cached estimate, or "estimating…" and a request to the session's estimate
//     thread (latest wins); answers are posted back to this thread
//   accuracy-vs-target curve: one sweep (one batched forward) over a chosen control's
//     range; its points' accuracies come from the same estimate thread, in the background
//   Pin: writes the current architecture into the workspace (PinnedArchitectures.h);
//     selecting two pins compares them side by side.
//
// The panel knows no method: a control the generator adds (latency) gets a slider, a cost
// row and a curve option without a change here. Errors are shown in the panel; nothing is
// thrown through a slot.
#include <QElapsedTimer>
#include <QHash>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>

#include "common/Json.h"
#include "engine/PinnedArchitectures.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QVBoxLayout;

namespace nas {
class GeneratorSession;
class MethodRegistry;
class Workspace;
struct EstimateResult;
}  // namespace nas

namespace nas::ui {

class AccuracyCurveView;
class ConstraintSlider;
class LayerStripView;
class PinnedCompareView;

class GeneratePanel : public QWidget {
  Q_OBJECT

 public:
  // The registry is asked for lazily (loading plugins takes a moment): only when a job is
  // opened. It may throw; the panel shows the error.
  using RegistryProvider = std::function<const nas::MethodRegistry&()>;

  explicit GeneratePanel(QWidget* parent = nullptr);
  ~GeneratePanel() override;

  void setRegistryProvider(RegistryProvider provider) { registry_ = std::move(provider); }
  // The GUI thread's workspace (not owned); nullptr closes the session.
  void setWorkspace(nas::Workspace* ws);
  // Re-reads the jobs that have a trained generator (a job may have finished); keeps the
  // open session when its job is still listed.
  void refreshJobs();
  // Opens job `id`'s generator; false with the reason shown in the panel.
  bool openJob(qint64 id);
  qint64 currentJob() const { return job_; }

  QList<ConstraintSlider*> sliders() const { return sliders_; }
  ConstraintSlider* slider(const QString& name) const;
  LayerStripView* strip() const { return strip_; }
  AccuracyCurveView* curve() const { return curve_; }
  PinnedCompareView* compareView() const { return compare_; }
  QListWidget* pinnedList() const { return pinned_; }
  QPushButton* pinButton() const { return pinButton_; }
  QComboBox* jobPicker() const { return jobPicker_; }
  QLabel* costLabel(const QString& control) const { return costLabels_.value(control); }
  QLabel* accuracyLabel() const { return accuracy_; }
  QLabel* errorLabel() const { return error_; }
  const nas::Json& current() const { return current_; }  // the last generate() answer
  nas::GeneratorSession* session() const { return session_.get(); }
  double lastGenerateMs() const { return lastGenerateMs_; }

  // Number of sweep points of the accuracy curve.
  void setCurvePoints(int n) { curvePoints_ = n; }

 public Q_SLOTS:
  void regenerate();  // runs the generator for the sliders' current targets
  void pinCurrent();
  void recomputeCurve();

 Q_SIGNALS:
  void generated();  // after each successful generate() and redraw request
  void estimateArrived(const QString& arch);
  void pinned(qint64 archId);

 private:
  // The first generator job is opened when the tab is first shown, not at workspace open:
  // that loads the plugins and the generator, which a person who never looks need not wait for.
  void showEvent(QShowEvent* event) override;
  void buildControls();
  void clearSession(const QString& message);
  nas::Json targets() const;
  void showCosts();
  void showAccuracy();
  void onEstimate(const nas::EstimateResult& r);
  void reloadPinned();
  void onPinnedSelectionChanged();
  void showError(const QString& message);

  RegistryProvider registry_;
  nas::Workspace* ws_ = nullptr;
  std::unique_ptr<nas::GeneratorSession> session_;
  qint64 job_ = 0;
  // Bumped whenever the session goes: an estimate posted by an earlier session (already in
  // the event queue) is dropped, so another job's answer never lands in this cache.
  int sessionSerial_ = 0;
  nas::Json current_;
  QHash<QString, nas::Json> estimates_;  // arch -> estimate() answer
  QHash<QString, QString> estimateErrors_;
  std::vector<nas::PinnedArchitecture> pins_;
  int curvePoints_ = 12;
  double lastGenerateMs_ = 0;

  QComboBox* jobPicker_ = nullptr;
  QWidget* controlsBox_ = nullptr;
  QVBoxLayout* controlsLayout_ = nullptr;
  QList<ConstraintSlider*> sliders_;
  QWidget* costsBox_ = nullptr;
  QVBoxLayout* costsLayout_ = nullptr;
  QHash<QString, QLabel*> costLabels_;
  QLabel* archLabel_ = nullptr;
  QLabel* accuracy_ = nullptr;
  QLabel* error_ = nullptr;
  QPushButton* pinButton_ = nullptr;
  QListWidget* pinned_ = nullptr;
  QComboBox* curveControl_ = nullptr;
  LayerStripView* strip_ = nullptr;
  AccuracyCurveView* curve_ = nullptr;
  PinnedCompareView* compare_ = nullptr;
  QWidget* compareBox_ = nullptr;  // hidden until two pins are selected
};

}  // namespace nas::ui
