#include "views/ScatterMouse.h"

#include <QMouseEvent>
#include <QToolTip>

#include "views/ScatterPlot.h"

namespace nas::ui {

ScatterMouse::ScatterMouse(ScatterPlot* plot, std::function<QString(int)> tooltip, QObject* parent)
    : QObject(parent), plot_(plot), tooltip_(std::move(tooltip)) {
  plot_->installEventFilter(this);
  connect(plot_, &QCustomPlot::mouseMove, this, &ScatterMouse::onMove);
  connect(plot_, &QCustomPlot::mousePress, this, &ScatterMouse::onPress);
  connect(plot_, &QCustomPlot::mouseRelease, this, &ScatterMouse::onRelease);
  connect(plot_, &QCustomPlot::mouseWheel, this, [this] { plot_->setUserZoomed(true); });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { plot_->resetZoom(); });
  connect(plot_->selectionRect(), &QCPSelectionRect::accepted, this,
          [this](const QRect& rect, QMouseEvent*) { onRubberBand(rect); });
}

void ScatterMouse::setSelectTool(bool on) {
  selectTool_ = on;
  plot_->setSelectionRectMode(on ? QCP::srmCustom : QCP::srmNone);
}

// Slots of Qt signals: nothing may escape (errorOccurred instead).
void ScatterMouse::onMove(QMouseEvent* event) {
  try {
    if (event->buttons() != Qt::NoButton) {
      QToolTip::hideText();
      return;
    }
    const int i = plot_->pointAt(event->position(), 8);
    if (i == plot_->hovered()) return;
    plot_->setHovered(i);
    if (i < 0)
      QToolTip::hideText();
    else
      QToolTip::showText(event->globalPosition().toPoint(), tooltip_(i), plot_);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterMouse::onPress(QMouseEvent* event) {
  pressPos_ = event->pos();
  pressed_ = event->button() == Qt::LeftButton;
}

void ScatterMouse::onRelease(QMouseEvent* event) {
  try {
    if (!pressed_) return;
    pressed_ = false;
    const QPoint d = event->pos() - pressPos_;
    if (d.manhattanLength() > 3) {
      if (!selectTool_ && !shiftSelecting_) plot_->setUserZoomed(true);  // the user dragged the view
      return;
    }
    const int i = plot_->pointAt(event->position(), 8);
    if (i >= 0) emit pointActivated(plot_->points()[i].id);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterMouse::onRubberBand(const QRect& rect) {
  try {
    if (shiftSelecting_) {
      shiftSelecting_ = false;
      if (!selectTool_) plot_->setSelectionRectMode(QCP::srmNone);
    }
    if (rect.normalized().width() < 3 && rect.normalized().height() < 3) return;
    emit rectPicked(plot_->pointsIn(rect.normalized()));
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

// Shift+press starts a rubber band before QCustomPlot sees the press; leaving the plot drops
// the hover ring.
bool ScatterMouse::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::MouseButtonPress) {
    auto* me = static_cast<QMouseEvent*>(event);
    if (!selectTool_ && me->button() == Qt::LeftButton && (me->modifiers() & Qt::ShiftModifier)) {
      shiftSelecting_ = true;
      plot_->setSelectionRectMode(QCP::srmCustom);
    }
  }
  if (watched == plot_ && event->type() == QEvent::Leave && plot_->hovered() >= 0) plot_->setHovered(-1);
  return QObject::eventFilter(watched, event);
}

}  // namespace nas::ui
