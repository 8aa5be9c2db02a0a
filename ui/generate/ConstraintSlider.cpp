#include "generate/ConstraintSlider.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace nas::ui {

ConstraintSlider::ConstraintSlider(const nas::ControlSpec& spec, QWidget* parent) : QWidget(parent), spec_(spec) {
  setObjectName(QStringLiteral("control_%1").arg(QString::fromStdString(spec.name)));
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 2, 0, 2);
  grid->setVerticalSpacing(2);

  auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(QString::fromStdString(spec.label).toHtmlEscaped()), this);
  dontCare_ = new QCheckBox(tr("don't care"), this);
  dontCare_->setToolTip(tr("Leave this constraint out of the request: the generator may pick any value"));
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kSteps);
  slider_->setSingleStep(5);
  slider_->setPageStep(50);
  slider_->setObjectName(QStringLiteral("slider_%1").arg(QString::fromStdString(spec.name)));
  const QString unit = QString::fromStdString(spec.unit);
  auto* range = new QLabel(tr("%1 … %2").arg(formatValue(spec.min, unit), formatValue(spec.max, unit)), this);
  range->setForegroundRole(QPalette::PlaceholderText);
  range->setToolTip(tr("Reachable range: the smallest and the largest architecture of the space"));
  value_ = new QLabel(this);
  value_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  value_->setMinimumWidth(value_->fontMetrics().horizontalAdvance(QStringLiteral("000.00 M params")));

  grid->addWidget(title, 0, 0);
  grid->addWidget(dontCare_, 0, 1, Qt::AlignRight);
  grid->addWidget(slider_, 1, 0);
  grid->addWidget(value_, 1, 1);
  grid->addWidget(range, 2, 0, 1, 2);
  grid->setColumnStretch(0, 1);

  setValue(spec.defaultValue);
  updateValueLabel();
  connect(slider_, &QSlider::valueChanged, this, [this] {
    updateValueLabel();
    if (!isDontCare()) Q_EMIT changed();
  });
  connect(dontCare_, &QCheckBox::toggled, this, [this](bool on) {
    slider_->setEnabled(!on);
    updateValueLabel();
    Q_EMIT changed();
  });
}

double ConstraintSlider::value() const {
  return spec_.min + (spec_.max - spec_.min) * slider_->value() / static_cast<double>(kSteps);
}

void ConstraintSlider::setValue(double v) {
  const double span = spec_.max - spec_.min;
  const double t = span > 0 ? (v - spec_.min) / span : 0.0;
  slider_->setValue(static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSteps)));
}

bool ConstraintSlider::isDontCare() const { return dontCare_->isChecked(); }
void ConstraintSlider::setDontCare(bool on) { dontCare_->setChecked(on); }

void ConstraintSlider::updateValueLabel() {
  value_->setText(isDontCare() ? tr("any") : formatValue(value(), QString::fromStdString(spec_.unit)));
}

QString ConstraintSlider::formatValue(double v, const QString& unit) {
  const double a = std::abs(v);
  QString num;
  if (a >= 1e9)
    num = QStringLiteral("%1 G").arg(v / 1e9, 0, 'f', 2);
  else if (a >= 1e6)
    num = QStringLiteral("%1 M").arg(v / 1e6, 0, 'f', 2);
  else if (a >= 1e4)
    num = QStringLiteral("%1 k").arg(v / 1e3, 0, 'f', 1);
  else
    num = QString::number(v, 'g', 4) + (unit.isEmpty() ? QString() : QStringLiteral(" "));
  return unit.isEmpty() ? num.trimmed() : num + unit;
}

}  // namespace nas::ui
