#pragma once
// The mouse on a ScatterPlot: hovering shows a point's tooltip and rings it; a click (press
// and release within 3 px) activates the point under it; a plain drag pans the plot (and
// marks it zoomed by the user, so reloads keep the view); a Shift+drag, or any drag while the
// select tool is on, draws a rubber band whose points are picked. ScatterView owns one and
// turns its signals into archActivated and a selection.
#include <QList>
#include <QObject>
#include <QPoint>
#include <QRect>
#include <QString>
#include <functional>

class QMouseEvent;

namespace nas::ui {

class ScatterPlot;

class ScatterMouse : public QObject {
  Q_OBJECT
 public:
  // `tooltip(index)`: the hover text (HTML) of points()[index] of the plot.
  ScatterMouse(ScatterPlot* plot, std::function<QString(int)> tooltip, QObject* parent = nullptr);

  void setSelectTool(bool on);
  bool selectTool() const { return selectTool_; }

 signals:
  void pointActivated(qint64 id);
  void rectPicked(const QList<qint64>& ids);
  void errorOccurred(const QString& message);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void onMove(QMouseEvent* event);
  void onPress(QMouseEvent* event);
  void onRelease(QMouseEvent* event);
  void onRubberBand(const QRect& rect);

  ScatterPlot* plot_;
  std::function<QString(int)> tooltip_;
  bool shiftSelecting_ = false;
  bool selectTool_ = false;
  QPoint pressPos_;
  bool pressed_ = false;
};

}  // namespace nas::ui
