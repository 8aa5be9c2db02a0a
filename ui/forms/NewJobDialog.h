#pragma once
// "New Job": the methods of the engine's registry (title and description) on the left, the
// parameter form generated from the chosen method's schema on the right, the job spec as it
// will be submitted underneath. Start is enabled only while the form is valid. The values last
// used for each method are remembered (QSettings "newJob/<method>").

#include <QDialog>
#include <vector>

#include "common/Json.h"
#include "store/Records.h"

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace nas {
class MethodRegistry;
class Method;
}  // namespace nas

namespace nas::ui {

class ParamForm;

class NewJobDialog : public QDialog {
  Q_OBJECT

 public:
  explicit NewJobDialog(const nas::MethodRegistry& registry, QWidget* parent = nullptr);

  bool selectMethod(const QString& name);
  QString methodName() const;
  ParamForm* form() const { return form_; }
  // {"method": name, "params": {...resolved...}}; null while the form is invalid.
  nas::Json spec() const;
  // The workspace's jobs: finished ones of the chosen method calibrate the run-time estimate
  // shown under the form (jobs/RunTimeEstimate.h).
  void setPastJobs(std::vector<nas::JobRecord> jobs);
  QString estimateText() const;

  void accept() override;

 private:
  void onMethodChanged();
  void updateState();

  const nas::MethodRegistry& registry_;
  QListWidget* methods_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* description_ = nullptr;
  ParamForm* form_ = nullptr;
  QLabel* message_ = nullptr;
  QLabel* estimate_ = nullptr;
  std::vector<nas::JobRecord> pastJobs_;
  QPlainTextEdit* specView_ = nullptr;
  QToolButton* specToggle_ = nullptr;
  QPushButton* startButton_ = nullptr;
  QPushButton* resetButton_ = nullptr;
};

}  // namespace nas::ui
