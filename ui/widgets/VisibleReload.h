#pragma once
// "Reload when visible, at most every N ms", for panels that read the workspace again whenever
// the poller says their data may have changed (Search Progress, Heat Maps). A hidden panel
// only remembers that it is stale and reloads when it is shown; a visible one reloads at once
// unless it did within the last N ms, and then once when they are over, however many requests
// came meanwhile. Reloading runs on the GUI thread: `reload` must be quick.
#include <QObject>
#include <functional>

class QTimer;
class QWidget;

namespace nas::ui {

class VisibleReload : public QObject {
  Q_OBJECT
 public:
  // `panel`: whose visibility counts (watched for being shown); also the parent.
  VisibleReload(QWidget* panel, int minIntervalMs, std::function<void()> reload);

  // The data may have changed.
  void request();
  // The panel reloaded by itself (a job was picked): nothing is pending.
  void done() { stale_ = false; }
  bool stale() const { return stale_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QWidget* panel_;
  QTimer* timer_;
  std::function<void()> reload_;
  bool stale_ = false;
};

}  // namespace nas::ui
