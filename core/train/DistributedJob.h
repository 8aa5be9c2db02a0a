#pragma once
// Jobs other than `train` with a data-parallel phase (issue 18: the NB201 supernet of the agnet
// job's supernet source, SGNAS' supernet). Only rank 0 runs the job itself (reads and writes
// the workspace, queries, searches); the other ranks run just the phases it announces:
//   rank 0:   DistributedPhases phases(group, "agnet");  ... phases.announce({{"phase", "supernet"}, ...});
//             then the phase's collectives; phases.finish() (or its destructor) says "done".
//   rank > 0: followDistributedJob() (TrainMethod.h) receives each announcement and hands it to
//             the method's followDataParallelPhase() (jobs/Method.h), found in the engine's
//             method registry, until "done" or a phase marked last.
// Say "done" as soon as the last data-parallel phase is over: the other ranks wait in a
// collective meanwhile, which fails after the group's timeout (NAS_DIST_TIMEOUT_S).
// The `train` job sends one message of its own and no "done" (TrainMethod.cpp).
#include <memory>
#include <string>

#include "common/Json.h"

namespace nas {

class DistGroup;
class Method;

// Rank 0's side. With a null group (one process) everything is a no-op.
class DistributedPhases {
 public:
  DistributedPhases(std::shared_ptr<DistGroup> group, std::string method);
  // Tells the other ranks the job has no more phases (also when it failed: they return
  // instead of waiting for a collective until the timeout). A failure to send is swallowed:
  // the other ranks then fail by their collective timeout, as on any lost rank.
  ~DistributedPhases();
  DistributedPhases(const DistributedPhases&) = delete;
  DistributedPhases& operator=(const DistributedPhases&) = delete;

  const std::shared_ptr<DistGroup>& group() const { return group_; }
  // Sends `message` (an object; "method" and "last" are added) to every other rank. After a
  // `last` phase the other ranks return (finish() then sends nothing).
  void announce(Json message, bool last);
  // Tells the other ranks there are no more phases (once; later calls do nothing).
  void finish();

 private:
  std::shared_ptr<DistGroup> group_;
  std::string method_;
  bool finished_ = false;
};

// A rank > 0's loop after rank 0's first message `first`: hands the announced phases to
// `method` (the one `first` names) until "done" or one marked last. Returns false when the
// method has no data-parallel phases.
bool followDistributedPhases(const Json& first, const std::shared_ptr<DistGroup>& group, const Method& method);

}  // namespace nas
