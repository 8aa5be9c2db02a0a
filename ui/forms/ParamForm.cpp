#include "forms/ParamForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "common/Error.h"
#include "forms/InputChecks.h"

namespace nas::ui {

namespace {

constexpr double kFloatLimit = 1e12;
constexpr int kFloatDecimals = 8;

// A double spin box that shows 0.001 rather than 0.00100000.
class CompactDoubleSpinBox : public QDoubleSpinBox {
 public:
  using QDoubleSpinBox::QDoubleSpinBox;

 protected:
  QString textFromValue(double value) const override {
    QLocale loc = locale();
    loc.setNumberOptions(QLocale::OmitGroupSeparator);
    QString text = loc.toString(value, 'f', decimals());
    const QChar point = loc.decimalPoint().at(0);
    if (text.contains(point)) {
      while (text.endsWith(QLatin1Char('0'))) text.chop(1);
      if (text.endsWith(point)) text.chop(1);
    }
    return text;
  }
};

QString rangeText(const nas::ParamSpec& spec) {
  auto num = [&](double v) {
    return spec.type == nas::ParamType::Int ? QString::number(static_cast<qint64>(v)) : QString::number(v, 'g', 8);
  };
  QString unit = spec.unit.empty() ? QString() : QLatin1Char(' ') + QString::fromStdString(spec.unit);
  if (spec.min && spec.max) return QObject::tr("between %1 and %2%3").arg(num(*spec.min), num(*spec.max), unit);
  if (spec.min) return QObject::tr("at least %1%2").arg(num(*spec.min), unit);
  if (spec.max) return QObject::tr("at most %1%2").arg(num(*spec.max), unit);
  return {};
}

QString jsonText(const nas::Json& v) {
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  return QString::fromStdString(v.dump());
}

}  // namespace

ParamForm::ParamForm(QWidget* parent) : QWidget(parent) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  form_ = new QFormLayout;
  form_->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
  form_->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form_->setHorizontalSpacing(12);
  form_->setVerticalSpacing(8);
  outer->addLayout(form_);
  errorLabel_ = new QLabel(this);
  errorLabel_->setObjectName(QStringLiteral("paramError"));
  errorLabel_->setWordWrap(true);
  errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  errorLabel_->setStyleSheet(QStringLiteral(
      "QLabel#paramError { color: #a4281d; background: #fdecea; border: 1px solid #f3b8b1; border-radius: 4px; "
      "padding: 6px 8px; }"));
  errorLabel_->hide();
  refusedLabel_ = new QLabel(this);
  refusedLabel_->setObjectName(QStringLiteral("paramRefused"));
  refusedLabel_->setWordWrap(true);
  refusedLabel_->setStyleSheet(QStringLiteral(
      "QLabel#paramRefused { color: #7a4b00; background: #fff4dc; border: 1px solid #f0d49a; border-radius: 4px; "
      "padding: 6px 8px; }"));
  refusedLabel_->hide();
  outer->addSpacing(6);
  outer->addWidget(errorLabel_);
  outer->addWidget(refusedLabel_);
  outer->addStretch(1);
}

QString ParamForm::labelOf(const nas::ParamSpec& spec) const {
  if (!spec.label.empty()) return QString::fromStdString(spec.label);
  QString s = QString::fromStdString(spec.name).replace(QLatin1Char('_'), QLatin1Char(' '));
  if (!s.isEmpty()) s[0] = s[0].toUpper();
  return s;
}

void ParamForm::clearEditors() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  editors_.clear();
  labels_.clear();
}

void ParamForm::setSchema(const nas::ParamSchema& schema) {
  building_ = true;
  clearEditors();
  schema_ = schema;
  for (const auto& spec : schema_.specs()) {
    QWidget* field = makeEditor(spec);
    QString tip = QString::fromStdString(spec.help);
    const QString range = rangeText(spec);
    if (!range.isEmpty()) tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Allowed: %1.").arg(range);
    if (!spec.defaultValue.is_null())
      tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Default: %1").arg(jsonText(spec.defaultValue));
    else
      tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Required.");
    tip += QStringLiteral("\n") + tr("Key: %1").arg(QString::fromStdString(spec.name));
    field->setToolTip(tip);
    if (QWidget* ed = editors_.value(QString::fromStdString(spec.name)); ed && ed != field) ed->setToolTip(tip);
    if (spec.type == nas::ParamType::Bool) {
      form_->addRow(QString(), field);
    } else {
      auto* label = new QLabel(labelOf(spec) + (spec.defaultValue.is_null() ? QStringLiteral(" *") : QString()), this);
      label->setToolTip(tip);
      label->setBuddy(editors_.value(QString::fromStdString(spec.name)));
      labels_.insert(QString::fromStdString(spec.name), label);
      form_->addRow(label, field);
    }
  }
  building_ = false;
  refused_.clear();
  refusedLabel_->hide();
  revalidate();
}

void ParamForm::setInlineMessages(bool on) {
  inlineMessages_ = on;
  errorLabel_->setVisible(on && !error_.isEmpty());
  refusedLabel_->setVisible(on && !refused_.isEmpty());
}

QWidget* ParamForm::makeEditor(const nas::ParamSpec& spec) {
  const QString name = QString::fromStdString(spec.name);
  const QString suffix = spec.unit.empty() ? QString() : QLatin1Char(' ') + QString::fromStdString(spec.unit);
  auto onChange = [this] {
    if (building_) return;
    refused_.clear();
    refusedLabel_->hide();
    revalidate();
    Q_EMIT changed();
  };
  QWidget* field = nullptr;
  switch (spec.type) {
    case nas::ParamType::Int: {
      auto* sb = new QSpinBox(this);
      constexpr double lo = std::numeric_limits<int>::min(), hi = std::numeric_limits<int>::max();
      sb->setRange(static_cast<int>(std::max(lo, spec.min.value_or(lo))),
                   static_cast<int>(std::min(hi, spec.max.value_or(hi))));
      sb->setSuffix(suffix);
      sb->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
      sb->setMinimumWidth(160);
      sb->setAccelerated(true);
      if (spec.defaultValue.is_number()) sb->setValue(static_cast<int>(spec.defaultValue.get<double>()));
      // The spin box signals only acceptable values; its line edit also reports an emptied
      // or out-of-range text, which must turn the form invalid.
      if (auto* le = sb->findChild<QLineEdit*>()) connect(le, &QLineEdit::textChanged, this, onChange);
      field = sb;
      break;
    }
    case nas::ParamType::Float: {
      auto* sb = new CompactDoubleSpinBox(this);
      sb->setDecimals(kFloatDecimals);
      sb->setRange(spec.min.value_or(-kFloatLimit), spec.max.value_or(kFloatLimit));
      sb->setSuffix(suffix);
      sb->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
      sb->setMinimumWidth(160);
      if (spec.defaultValue.is_number()) sb->setValue(spec.defaultValue.get<double>());
      if (auto* le = sb->findChild<QLineEdit*>()) connect(le, &QLineEdit::textChanged, this, onChange);
      field = sb;
      break;
    }
    case nas::ParamType::Bool: {
      auto* cb = new QCheckBox(labelOf(spec), this);
      if (spec.defaultValue.is_boolean()) cb->setChecked(spec.defaultValue.get<bool>());
      connect(cb, &QCheckBox::toggled, this, onChange);
      field = cb;
      break;
    }
    case nas::ParamType::Choice: {
      auto* combo = new QComboBox(this);
      for (const auto& c : spec.choices) combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
      if (spec.defaultValue.is_string()) {
        int i = combo->findData(QString::fromStdString(spec.defaultValue.get<std::string>()));
        if (i >= 0) combo->setCurrentIndex(i);
      }
      combo->setMinimumWidth(160);
      connect(combo, &QComboBox::currentIndexChanged, this, onChange);
      field = combo;
      break;
    }
    case nas::ParamType::String: {
      auto* le = new QLineEdit(this);
      if (spec.defaultValue.is_string()) le->setText(QString::fromStdString(spec.defaultValue.get<std::string>()));
      le->setCursorPosition(0);
      if (spec.defaultValue.is_null()) le->setPlaceholderText(tr("required"));
      le->setClearButtonEnabled(true);
      connect(le, &QLineEdit::textChanged, this, onChange);
      field = le;
      break;
    }
    case nas::ParamType::Path: {
      auto* box = new QWidget(this);
      auto* h = new QHBoxLayout(box);
      h->setContentsMargins(0, 0, 0, 0);
      h->setSpacing(4);
      auto* le = new QLineEdit(box);
      if (spec.defaultValue.is_string()) le->setText(QString::fromStdString(spec.defaultValue.get<std::string>()));
      le->setPlaceholderText(spec.defaultValue.is_null() ? tr("required: a file or folder") : tr("a file or folder"));
      le->setClearButtonEnabled(true);
      auto* browse = new QToolButton(box);
      browse->setText(tr("Browse…"));
      const bool wantsDir = name.contains(QLatin1String("dir"), Qt::CaseInsensitive) ||
                            labelOf(spec).contains(QLatin1String("folder"), Qt::CaseInsensitive);
      connect(browse, &QToolButton::clicked, this, [this, le, wantsDir, spec] {
        const QString title = labelOf(spec);
        const QString start = le->text();
        const QString chosen = wantsDir ? QFileDialog::getExistingDirectory(this, title, start)
                                        : QFileDialog::getOpenFileName(this, title, start);
        if (!chosen.isEmpty()) le->setText(chosen);
      });
      connect(le, &QLineEdit::textChanged, this, onChange);
      h->addWidget(le, 1);
      h->addWidget(browse);
      editors_.insert(name, le);
      return box;
    }
  }
  field->setObjectName(QStringLiteral("param_") + name);
  editors_.insert(name, field);
  return field;
}

std::optional<nas::Json> ParamForm::editorValue(const nas::ParamSpec& spec, QString* problem) const {
  QWidget* ed = editors_.value(QString::fromStdString(spec.name));
  if (!ed) return std::nullopt;
  auto outOfRange = [&] {
    if (problem) {
      const QString range = rangeText(spec);
      *problem = range.isEmpty() ? tr("%1: enter a number.").arg(labelOf(spec))
                                 : tr("%1: enter a value %2.").arg(labelOf(spec), range);
    }
    return std::nullopt;
  };
  switch (spec.type) {
    case nas::ParamType::Int: {
      auto* sb = static_cast<QSpinBox*>(ed);
      if (!sb->hasAcceptableInput()) return outOfRange();
      return nas::Json(static_cast<std::int64_t>(sb->value()));
    }
    case nas::ParamType::Float: {
      auto* sb = static_cast<QDoubleSpinBox*>(ed);
      if (!sb->hasAcceptableInput()) return outOfRange();
      return nas::Json(sb->value());
    }
    case nas::ParamType::Bool: return nas::Json(static_cast<QCheckBox*>(ed)->isChecked());
    case nas::ParamType::Choice: {
      auto* combo = static_cast<QComboBox*>(ed);
      if (combo->currentIndex() < 0) return std::nullopt;
      return nas::Json(combo->currentData().toString().toStdString());
    }
    case nas::ParamType::String:
    case nas::ParamType::Path: {
      const QString text = static_cast<QLineEdit*>(ed)->text();
      if (text.isEmpty() && spec.defaultValue.is_null()) return std::nullopt;  // required: resolve reports it
      return nas::Json(text.toStdString());
    }
  }
  return std::nullopt;
}

nas::Json ParamForm::values() const {
  nas::Json out = nas::Json::object();
  for (const auto& spec : schema_.specs()) {
    if (auto v = editorValue(spec, nullptr)) out[spec.name] = *v;
  }
  return out;
}

std::optional<nas::Json> ParamForm::params(QString* error) const {
  for (const auto& spec : schema_.specs()) {
    QString problem;
    if (!editorValue(spec, &problem) && !problem.isEmpty()) {
      if (error) *error = problem;
      return std::nullopt;
    }
  }
  try {
    nas::Json resolved = schema_.resolve(values());
    // What the schema cannot see: missing files, architecture strings the parser rejects.
    const QString problem = checkJobInputs(schema_, resolved);
    if (!problem.isEmpty()) {
      if (error) *error = problem;
      return std::nullopt;
    }
    return resolved;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(nas::toError(e).what());
    return std::nullopt;
  }
}

void ParamForm::revalidate() {
  QString err;
  const bool wasValid = error_.isEmpty();
  params(&err);
  error_ = err;
  errorLabel_->setText(err.isEmpty() ? QString() : QStringLiteral("⚠  ") + err);
  errorLabel_->setVisible(inlineMessages_ && !err.isEmpty());
  // Mark the label of the parameter the message is about.
  for (auto it = labels_.begin(); it != labels_.end(); ++it) {
    const nas::ParamSpec* spec = schema_.find(it.key().toStdString());
    const bool bad = !err.isEmpty() && spec &&
                     (err.contains(QLatin1Char('\'') + it.key() + QLatin1Char('\'')) ||
                      err.contains(QLatin1Char('"') + it.key() + QLatin1Char('"')) ||
                      err.startsWith(labelOf(*spec) + QLatin1Char(':')) || err.startsWith(it.key() + QLatin1Char(':')) ||
                      err.contains(it.key() + QLatin1Char(' ')));
    it.value()->setStyleSheet(bad ? QStringLiteral("color: #a4281d; font-weight: 600;") : QString());
  }
  if (wasValid != err.isEmpty()) Q_EMIT validityChanged(err.isEmpty());
}

bool ParamForm::applyValue(const nas::ParamSpec& spec, const nas::Json& value) {
  QWidget* ed = editors_.value(QString::fromStdString(spec.name));
  if (!ed) return false;
  switch (spec.type) {
    case nas::ParamType::Int:
      if (!value.is_number()) return false;
      static_cast<QSpinBox*>(ed)->setValue(static_cast<int>(value.get<double>()));
      return true;
    case nas::ParamType::Float:
      if (!value.is_number()) return false;
      static_cast<QDoubleSpinBox*>(ed)->setValue(value.get<double>());
      return true;
    case nas::ParamType::Bool:
      if (!value.is_boolean()) return false;
      static_cast<QCheckBox*>(ed)->setChecked(value.get<bool>());
      return true;
    case nas::ParamType::Choice: {
      if (!value.is_string()) return false;
      auto* combo = static_cast<QComboBox*>(ed);
      const int i = combo->findData(QString::fromStdString(value.get<std::string>()));
      if (i < 0) return false;
      combo->setCurrentIndex(i);
      return true;
    }
    case nas::ParamType::String:
    case nas::ParamType::Path:
      if (!value.is_string()) return false;
      static_cast<QLineEdit*>(ed)->setText(QString::fromStdString(value.get<std::string>()));
      static_cast<QLineEdit*>(ed)->setCursorPosition(0);
      return true;
  }
  return false;
}

bool ParamForm::setValues(const nas::Json& values, QString* error) {
  QStringList refused;
  if (values.is_object()) {
    building_ = true;
    for (auto it = values.begin(); it != values.end(); ++it) {
      const nas::ParamSpec* spec = schema_.find(it.key());
      if (!spec) {
        refused << tr("%1: not a parameter of this method").arg(QString::fromStdString(it.key()));
        continue;
      }
      std::string why;
      try {
        why = schema_.validate(*spec, it.value());
      } catch (const std::exception& e) {
        why = nas::toError(e).what();
      }
      if (!why.empty()) {
        refused << tr("%1: %2").arg(labelOf(*spec), QString::fromStdString(why));
        continue;
      }
      if (!applyValue(*spec, it.value())) refused << tr("%1: cannot show this value").arg(labelOf(*spec));
    }
    building_ = false;
  } else if (!values.is_null()) {
    refused << tr("parameters must be a JSON object");
  }
  refused_ = refused.isEmpty() ? QString()
                               : tr("Not applied:") + QStringLiteral("\n• ") + refused.join(QStringLiteral("\n• "));
  refusedLabel_->setText(refused_);
  refusedLabel_->setVisible(inlineMessages_ && !refused_.isEmpty());
  revalidate();
  Q_EMIT changed();
  if (error) *error = refused.join(QLatin1Char('\n'));
  return refused.isEmpty();
}

void ParamForm::resetToDefaults() { setSchema(nas::ParamSchema(schema_.specs())); }

}  // namespace nas::ui
