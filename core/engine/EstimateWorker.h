#pragma once
// One background thread answering a live generator's slow estimate() calls, so that a
// slider move (generate(), milliseconds) never waits for an accuracy estimate (tenths of a
// second). Two queues:
//   - the current request: latest wins; a request made while another is being computed
//     replaces any request still waiting, so a dragged slider costs one estimate in flight
//     plus one for where it stopped;
//   - background requests (e.g. the points of an accuracy curve): answered in order when no
//     current request waits; a new list replaces the old one.
// Results go to the callback ON THE WORKER THREAD (a GUI posts them to its own thread). No
// exception leaves the thread: an estimator's throw becomes EstimateResult::error.
// Torch-free, Qt-free.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/Error.h"
#include "common/Json.h"

namespace nas {

struct EstimateResult {
  std::string arch;
  std::optional<Json> value;   // the estimate; empty on error or when the method has none
  std::optional<Error> error;  // why not
  bool background = false;     // answered a background request
};

class EstimateWorker {
 public:
  using Estimator = std::function<std::optional<Json>(const std::string& arch)>;
  using Callback = std::function<void(const EstimateResult&)>;

  // The thread starts here. `estimate` runs on it only; `done` is called on it.
  EstimateWorker(Estimator estimate, Callback done);
  // Drops waiting requests and joins; an estimate in progress is finished first (torch has
  // no way to interrupt one), its result is not delivered.
  ~EstimateWorker();
  EstimateWorker(const EstimateWorker&) = delete;
  EstimateWorker& operator=(const EstimateWorker&) = delete;

  void request(const std::string& arch);
  void requestBackground(std::vector<std::string> archs);
  void clearBackground();
  // True when nothing waits and nothing is being computed (tests, benchmarks).
  bool idle() const;
  // Estimates computed so far (tests: a latest-wins queue computes fewer than requested).
  long computed() const;

 private:
  void loop();

  Estimator estimate_;
  Callback done_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::string> current_;
  std::deque<std::string> background_;
  bool busy_ = false, stop_ = false;
  long computed_ = 0;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace nas
