#pragma once
// "New Job": the methods of the engine's registry (title and description) on the left, the
// parameter form generated from the chosen method's schema on the right, the job spec as it
// will be submitted underneath. Start is enabled only while the form is valid. The values last
// used for each method are remembered (QSettings "newJob/<method>").

#include <QDialog>

#include "common/Json.h"

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
  QPlainTextEdit* specView_ = nullptr;
  QToolButton* specToggle_ = nullptr;
  QPushButton* startButton_ = nullptr;
  QPushButton* resetButton_ = nullptr;
};

}  // namespace nas::ui
