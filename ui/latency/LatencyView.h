#pragma once
// Latency on this machine (issue 6): the workspace's device profiles (CPU, threads, batch,
// LibTorch, entries per space), the last validation of the selected profile and space as a
// table (architecture, predicted, measured, error) and a predicted-vs-measured scatter with
// the y = x line, and its MAPE and Kendall tau. Profiles are measured and validated with
// `nasstudio-cli latency profile|validate` (the profile job also from New Job…), and validated
// here too (Validate: whole networks timed on a background thread, issue 21). The view re-reads
// the workspace every few seconds while shown, so a validation run elsewhere appears without a
// restart.
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QThread;
class QTimer;

namespace nas {
class Workspace;
class LatencySpaceRegistry;
class CancelToken;
}

namespace nas::ui {

class ScatterView;

class LatencyView : public QWidget {
  Q_OBJECT
 public:
  explicit LatencyView(QWidget* parent = nullptr);
  void setWorkspace(nas::Workspace* workspace);  // not owned; may be null
  void refresh();                                // re-reads profiles and the validation
  // Where the latency spaces come from (the engine's; loaded on first use). Without one the
  // Validate button stays off.
  using SpacesProvider = std::function<const nas::LatencySpaceRegistry&()>;
  void setSpacesProvider(SpacesProvider provider);
  // Validates the selected profile and space with `samples` networks (a third as many more to
  // fit the correction) on a background thread; false (and why) when it cannot start.
  bool startValidation(int samples, QString* why = nullptr);
  bool validationRunning() const { return validationThread_ != nullptr; }
  void cancelValidation();
  QPushButton* validateButton() const { return validate_; }

  QTableWidget* profileTable() const { return profiles_; }
  QTableWidget* validationTable() const { return validation_; }
  ScatterView* scatter() const { return scatter_; }
  QString summaryText() const;
  ~LatencyView() override;

 Q_SIGNALS:
  void validationFinished(bool ok, const QString& message);

 private:
  void showValidation();
  QString selectedProfile() const;
  void updateValidateButton();
  void pollWorkspace();
  QString workspaceSignature() const;

  nas::Workspace* ws_ = nullptr;
  QTableWidget* profiles_ = nullptr;
  QComboBox* space_ = nullptr;
  QTableWidget* validation_ = nullptr;
  ScatterView* scatter_ = nullptr;
  QLabel* summary_ = nullptr;
  QPushButton* validate_ = nullptr;
  QSpinBox* samples_ = nullptr;
  QLabel* validationStatus_ = nullptr;
  QTimer* poll_ = nullptr;
  QString signature_;
  SpacesProvider spaces_;
  QThread* validationThread_ = nullptr;
  std::shared_ptr<nas::CancelToken> validationCancel_;
};

}  // namespace nas::ui
