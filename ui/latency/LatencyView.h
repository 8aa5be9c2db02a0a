#pragma once
// Latency on this machine (issue 6): the workspace's device profiles (CPU, threads, batch,
// LibTorch, entries per space), the last validation of the selected profile and space as a
// table (architecture, predicted, measured, error) and a predicted-vs-measured scatter with
// the y = x line, and its MAPE and Kendall tau. Profiles are measured and validated with
// `nasstudio-cli latency profile|validate` (the profile job also from New Job…); this view reads.
#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace nas {
class Workspace;
}

namespace nas::ui {

class ScatterView;

class LatencyView : public QWidget {
  Q_OBJECT
 public:
  explicit LatencyView(QWidget* parent = nullptr);
  void setWorkspace(nas::Workspace* workspace);  // not owned; may be null
  void refresh();                                // re-reads profiles and the validation

  QTableWidget* profileTable() const { return profiles_; }
  QTableWidget* validationTable() const { return validation_; }
  ScatterView* scatter() const { return scatter_; }
  QString summaryText() const;

 private:
  void showValidation();
  QString selectedProfile() const;

  nas::Workspace* ws_ = nullptr;
  QTableWidget* profiles_ = nullptr;
  QComboBox* space_ = nullptr;
  QTableWidget* validation_ = nullptr;
  ScatterView* scatter_ = nullptr;
  QLabel* summary_ = nullptr;
};

}  // namespace nas::ui
