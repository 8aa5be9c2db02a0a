#pragma once
// The open workspace of a window: the GUI thread's connection (used by the views and for the
// job rules' short writes), the watcher that polls it on a thread of its own, and the wiring
// of the watcher's feed (jobs, log lines, metric rows, architecture changes) to the views.
// Opening another workspace tears the views down from the old one before it closes.

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace nas {
class Workspace;
}

namespace nas::ui {

class CurveView;
class GeneratePanel;
class JobController;
class JobListModel;
class JobsPanel;
class LatencyView;
class ResultsTab;
class SearchProgressPanel;
class HeatMapsPanel;
class WorkspaceWatcher;

class WorkspaceSession : public QObject {
  Q_OBJECT

 public:
  // The views fed by the session; they outlive it.
  struct Views {
    JobListModel* jobs = nullptr;
    JobController* controller = nullptr;
    JobsPanel* panel = nullptr;
    CurveView* curves = nullptr;
    ResultsTab* results = nullptr;
    GeneratePanel* generate = nullptr;
    LatencyView* latency = nullptr;
    SearchProgressPanel* search = nullptr;
    HeatMapsPanel* heatMaps = nullptr;
    std::function<void(const QString& message, int ms)> showStatus;
    std::function<void()> jobsChanged;  // after each snapshot (running label, actions)
  };

  explicit WorkspaceSession(Views views, QObject* parent = nullptr);
  ~WorkspaceSession() override;

  nas::Workspace* workspace() const { return ws_.get(); }
  QString path() const;
  // Opened for browsing only: the file or its folder cannot be written (issue 21).
  bool readOnly() const { return readOnly_; }
  WorkspaceWatcher* watcher() const { return watcher_.get(); }
  void setPollInterval(int ms) { pollIntervalMs_ = ms; }

  // Opens (creating when absent) `absolutePath` and moves every view to it; selects the newest
  // running job (else the newest). On failure the current workspace stays and `error` says why.
  bool open(const QString& absolutePath, QString* error);
  // Stops polling (before the window closes).
  void stopWatching();
  void pollSoon();

 private:
  void setViewsWorkspace(nas::Workspace* ws);
  void startWatcher();

  Views v_;
  std::unique_ptr<nas::Workspace> ws_;
  bool readOnly_ = false;
  std::unique_ptr<WorkspaceWatcher> watcher_;
  int pollIntervalMs_ = 500;
};

}  // namespace nas::ui
