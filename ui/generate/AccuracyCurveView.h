#pragma once
// Supernet-estimated accuracy against one control's target over its whole range. The
// architectures come from one sweep (one batched generator forward); their accuracies
// arrive one by one from the estimate worker, so points appear as they are known. A
// vertical line marks the slider's current target. Each point carries a bar of ±1 binomial
// standard error of its estimate (a few hundred images: ~2 points), so that a zig-zag between
// neighbouring targets reads as what it is. QCustomPlot, queued replots only, so a slider
// move never waits for a full replot.
#include <QHash>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPErrorBars;
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
  // An estimate arrived: every point whose architecture is `arch` gets it. `images`: how many
  // images it was measured on (0: unknown, no error bar).
  void setAccuracy(const QString& arch, double accuracy, int images = 0);
  void setMarker(double target);  // NaN hides it

  int points() const { return static_cast<int>(targets_.size()); }
  int estimatedPoints() const;
  QCustomPlot* plot() const { return plot_; }

 private:
  void rebuild();

  QCustomPlot* plot_ = nullptr;
  QCPGraph* graph_ = nullptr;
  QCPErrorBars* errorBars_ = nullptr;
  QCPItemStraightLine* marker_ = nullptr;
  QLabel* status_ = nullptr;
  QVector<double> targets_;
  QStringList archs_;
  struct Estimate {
    double accuracy = 0;  // 0..1
    int images = 0;
  };
  QHash<QString, Estimate> accuracy_;  // every estimate seen, so a new sweep reuses them
  double scale_ = 1.0;               // x axis shown in units / scale_ ("M MACs")
};

}  // namespace nas::ui
