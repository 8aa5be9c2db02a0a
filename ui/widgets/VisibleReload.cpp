#include "widgets/VisibleReload.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>

namespace nas::ui {

VisibleReload::VisibleReload(QWidget* panel, int minIntervalMs, std::function<void()> reload)
    : QObject(panel), panel_(panel), timer_(new QTimer(this)), reload_(std::move(reload)) {
  timer_->setSingleShot(true);
  timer_->setInterval(minIntervalMs);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (stale_) request();
  });
  panel_->installEventFilter(this);
}

void VisibleReload::request() {
  stale_ = true;
  if (!panel_->isVisible()) return;  // on showing
  if (timer_->isActive()) return;    // coalesced until the interval is over
  stale_ = false;
  reload_();
  timer_->start();
}

bool VisibleReload::eventFilter(QObject* watched, QEvent* event) {
  // Queued: the panel finishes showing (and laying out) before it reads.
  if (watched == panel_ && event->type() == QEvent::Show && stale_)
    QMetaObject::invokeMethod(this, [this] { request(); }, Qt::QueuedConnection);
  return QObject::eventFilter(watched, event);
}

}  // namespace nas::ui
