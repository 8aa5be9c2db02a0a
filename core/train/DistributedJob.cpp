#include "train/DistributedJob.h"

#include <map>
#include <mutex>

#include "common/Error.h"
#include "common/Log.h"
#include "train/DistGroup.h"

namespace nas {
namespace {

std::mutex& registryMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, DistributedFollower>& registry() {
  static auto* r = new std::map<std::string, DistributedFollower>();  // plugins may outlive statics
  return *r;
}

std::function<void()>& pluginLoader() {
  static auto* loader = new std::function<void()>();
  return *loader;
}

}  // namespace

void setDistributedPluginLoader(std::function<void()> loader) {
  std::lock_guard<std::mutex> lock(registryMutex());
  pluginLoader() = std::move(loader);
}

void registerDistributedFollower(const std::string& method, DistributedFollower follower) {
  std::lock_guard<std::mutex> lock(registryMutex());
  registry()[method] = std::move(follower);
}

DistributedFollower distributedFollower(const std::string& method) {
  std::lock_guard<std::mutex> lock(registryMutex());
  const auto it = registry().find(method);
  return it == registry().end() ? nullptr : it->second;
}

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

bool followDistributedPhases(const Json& first, const std::shared_ptr<DistGroup>& group) {
  const std::string method = jsonValue<std::string>(first, "method", "");
  DistributedFollower follower = distributedFollower(method);
  if (!follower) {
    std::function<void()> load;
    {
      std::lock_guard<std::mutex> lock(registryMutex());
      load = pluginLoader();
    }
    if (load) load();
    follower = distributedFollower(method);
  }
  if (!follower) return false;
  Json message = first;
  while (!jsonValue<bool>(message, "done", false)) {
    follower(message, group);
    if (jsonValue<bool>(message, "last", false)) break;
    message = parseJson(group->broadcastBytes({}), "rank 0's next phase");
  }
  return true;
}

}  // namespace nas
