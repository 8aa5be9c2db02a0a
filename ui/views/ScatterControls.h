#pragma once
// The controls above a ScatterView's plot: the X / Y / Colour metric pickers, a min/max button
// per axis (for the Pareto front), the Pareto checkbox, the Select tool and Reset zoom. Only
// widgets: the view decides what a change means.

#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QToolButton;

namespace nas::ui {

class ScatterControls : public QWidget {
  Q_OBJECT

 public:
  explicit ScatterControls(QWidget* parent = nullptr);

  // Fills the pickers with `metrics` and selects x, y and colour ("" = none), without signals.
  // `titles[i]` is what the pickers show for `metrics[i]` (the metric name stays the item's data).
  void setMetrics(const QStringList& metrics, const QStringList& titles, const QString& x, const QString& y,
                  const QString& color);
  QString x() const;
  QString y() const;
  QString color() const;
  void showDirections(bool maximizeX, bool maximizeY);
  bool paretoChecked() const;
  void setParetoChecked(bool on);  // emits paretoToggled when it changes
  void setSelectToolChecked(bool on);
  void setPickersVisible(bool on);
  void setParetoControlsVisible(bool on);

 Q_SIGNALS:
  void axesPicked();  // the user picked another X or Y metric
  void colorPicked();
  void xDirectionClicked();
  void yDirectionClicked();
  void paretoToggled(bool on);
  void selectToolToggled(bool on);
  void resetZoomClicked();

 private:
  QComboBox* xCombo_;
  QComboBox* yCombo_;
  QComboBox* cCombo_;
  QToolButton* xDir_;
  QToolButton* yDir_;
  QCheckBox* pareto_;
  QToolButton* selectButton_;
  QList<QWidget*> pickerWidgets_;
  bool filling_ = false;
};

}  // namespace nas::ui
