#pragma once
// Supernet-estimated accuracy against one control's target over its whole range. The
// architectures come from one sweep (one batched generator forward); their accuracies
// arrive one by one from the estimate worker, so points appear as they are known. A
// vertical line marks the slider's current target. QCustomPlot, queued replots only, so a
// slider move never waits for a full replot.
#include <QHash>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QLabel;

namespace nas::ui {

class AccuracyCurveView : public QWidget {
  Q_OBJECT

 public:
  explicit AccuracyCurveView(QWidget* parent = nullptr);

  // A new sweep: x = targets (in `unit`), archs[i] the architecture generated for targets[i].
  // Accuracies already known (cached from earlier) are plotted at once.
  void setSweep(const QString& label, const QString& unit, const QVector<double>& targets, const QStringList& archs);
  void clear(const QString& message = {});
  // An estimate arrived: every point whose architecture is `arch` gets it.
  void setAccuracy(const QString& arch, double accuracy);
  void setMarker(double target);  // NaN hides it

  int points() const { return static_cast<int>(targets_.size()); }
  int estimatedPoints() const;
  QCustomPlot* plot() const { return plot_; }

 private:
  void rebuild();

  QCustomPlot* plot_ = nullptr;
  QCPGraph* graph_ = nullptr;
  QCPItemStraightLine* marker_ = nullptr;
  QLabel* status_ = nullptr;
  QVector<double> targets_;
  QStringList archs_;
  QHash<QString, double> accuracy_;  // every estimate seen, so a new sweep reuses them
  double scale_ = 1.0;               // x axis shown in units / scale_ ("M MACs")
};

}  // namespace nas::ui
