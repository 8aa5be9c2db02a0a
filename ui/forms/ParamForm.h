#pragma once
// A parameter form generated from a method's ParamSchema (the OBS "properties view" idea):
// Int -> QSpinBox, Float -> QDoubleSpinBox (ranges and unit suffix from the spec), Bool ->
// QCheckBox, Choice -> QComboBox, String -> QLineEdit, Path -> QLineEdit + "Browse…". The
// help text is the tooltip. Every change is checked with ParamSchema::resolve, the same check
// submitJob applies, and the first problem is shown inline: the form never hands out a
// parameter object the schema rejects (params() returns nothing while invalid).

#include <QHash>
#include <QString>
#include <QWidget>
#include <optional>

#include "common/Json.h"
#include "jobs/ParamSchema.h"

class QFormLayout;
class QLabel;

namespace nas::ui {

class ParamForm : public QWidget {
  Q_OBJECT

 public:
  explicit ParamForm(QWidget* parent = nullptr);

  void setSchema(const nas::ParamSchema& schema);
  const nas::ParamSchema& schema() const { return schema_; }

  // Fills the editors from `values` (unknown keys ignored). A value the schema rejects (wrong
  // type, out of range, not a choice) is refused: the editor keeps its value and the reason is
  // returned and shown inline. Returns true when every value was taken.
  bool setValues(const nas::Json& values, QString* error = nullptr);
  void resetToDefaults();

  // The editors' current values as a JSON object (required fields left empty are omitted).
  nas::Json values() const;
  // values() completed with defaults and validated by the schema; nullopt with the reason
  // when something is invalid.
  std::optional<nas::Json> params(QString* error = nullptr) const;
  bool isValid() const { return error_.isEmpty(); }
  QString errorText() const { return error_; }
  // What the last setValues() refused ("" when everything was taken or the user edited since).
  QString refusedText() const { return refused_; }
  // The form shows the error and the refusals under its fields; a host that scrolls the form
  // turns that off and shows errorText()/refusedText() where they stay visible.
  void setInlineMessages(bool on);

  // The editor of a parameter, for tests and focus handling.
  QWidget* editor(const QString& name) const { return editors_.value(name); }

 Q_SIGNALS:
  void changed();
  void validityChanged(bool valid);

 private:
  void clearEditors();
  QWidget* makeEditor(const nas::ParamSpec& spec);
  bool applyValue(const nas::ParamSpec& spec, const nas::Json& value);
  std::optional<nas::Json> editorValue(const nas::ParamSpec& spec, QString* problem) const;
  void revalidate();
  QString labelOf(const nas::ParamSpec& spec) const;

  nas::ParamSchema schema_;
  QFormLayout* form_ = nullptr;
  QLabel* errorLabel_ = nullptr;
  QLabel* refusedLabel_ = nullptr;
  QHash<QString, QWidget*> editors_;
  QHash<QString, QLabel*> labels_;
  QString error_;
  QString refused_;
  bool inlineMessages_ = true;
  bool building_ = false;
};

}  // namespace nas::ui
