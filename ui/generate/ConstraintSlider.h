#pragma once
// One control of a live generator as a row of widgets: "FLOPs  [don't care]", a slider over
// the control's reachable range, and the value with its unit. Built from a ControlSpec only,
// so a control the panel has never heard of (a latency constraint) gets its row unchanged.
// The slider has kSteps integer positions mapped linearly onto [min, max].
#include <QWidget>

#include "jobs/Method.h"

class QCheckBox;
class QLabel;
class QSlider;

namespace nas::ui {

class ConstraintSlider : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kSteps = 1000;

  explicit ConstraintSlider(const nas::ControlSpec& spec, QWidget* parent = nullptr);

  const nas::ControlSpec& spec() const { return spec_; }
  QString name() const { return QString::fromStdString(spec_.name); }
  double value() const;          // in the control's unit
  void setValue(double v);       // clamped to the range; emits changed() when it moves
  bool isDontCare() const;
  void setDontCare(bool on);

  QSlider* slider() const { return slider_; }
  QCheckBox* dontCareBox() const { return dontCare_; }
  QLabel* valueLabel() const { return value_; }

  // "4.21 M MACs": SI prefixes keep FLOPs and parameter counts readable.
  static QString formatValue(double v, const QString& unit);

 Q_SIGNALS:
  void changed();  // value moved or don't-care toggled

 private:
  void updateValueLabel();

  nas::ControlSpec spec_;
  QSlider* slider_ = nullptr;
  QCheckBox* dontCare_ = nullptr;
  QLabel* value_ = nullptr;
};

}  // namespace nas::ui
