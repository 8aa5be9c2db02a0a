#include "train/DistributedJob.h"

#include "common/Error.h"
#include "common/Log.h"
#include "jobs/Method.h"
#include "train/DistGroup.h"

namespace nas {

DistributedPhases::DistributedPhases(std::shared_ptr<DistGroup> group, std::string method)
    : group_(std::move(group)), method_(std::move(method)) {}

DistributedPhases::~DistributedPhases() {
  try {
    finish();
  } catch (const std::exception& e) {
    log::warn(std::string("data-parallel job: could not tell the other ranks it ended: ") + e.what());
  }
}

void DistributedPhases::announce(Json message, bool last) {
  if (!group_ || finished_) return;
  message["method"] = method_;
  message["last"] = last;
  finished_ = last;
  group_->broadcastBytes(message.dump());
}

void DistributedPhases::finish() {
  if (!group_ || finished_) return;
  finished_ = true;
  group_->broadcastBytes(Json{{"method", method_}, {"done", true}}.dump());
}

bool followDistributedPhases(const Json& first, const std::shared_ptr<DistGroup>& group, const Method& method) {
  Json message = first;
  while (!jsonValue<bool>(message, "done", false)) {
    if (!method.followDataParallelPhase(message)) return false;
    if (jsonValue<bool>(message, "last", false)) break;
    message = parseJson(group->broadcastBytes({}), "rank 0's next phase");
  }
  return true;
}

}  // namespace nas
