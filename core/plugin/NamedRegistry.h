#pragma once
// The one implementation of "components by name" behind every registry of the engine:
// methods (jobs/Method.h), latency spaces (jobs/LatencySpace.h) and query strategies
// (search/QueryStrategy.cpp). A name is registered once: a duplicate is refused with
// PluginError, and a lookup of an unknown name throws NotFound listing the known ones.
// Plugins add to these registries through PluginHost, which stages everything a plugin adds
// and commits it only when the plugin's register function returned (all or nothing).
//
// Not synchronised: a registry is filled while plugins load, before any reader runs.

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/Error.h"

namespace nas {

template <class T>
class NamedRegistry {
 public:
  // `kind` names what is registered in messages: "method", "latency space".
  explicit NamedRegistry(std::string kind) : kind_(std::move(kind)) {}

  // Throws PluginError for an empty name, a null item or a name already registered.
  void add(const std::string& name, std::unique_ptr<T> item) {
    if (name.empty()) throw Error(ErrorCode::PluginError, "a " + kind_ + " needs a name");
    if (!item) throw Error(ErrorCode::PluginError, "null " + kind_ + " registered", kind_ + " '" + name + "'");
    if (find(name))
      throw Error(ErrorCode::PluginError, "a " + kind_ + " with this name is already registered",
                  kind_ + " '" + name + "'");
    items_.emplace_back(name, std::move(item));
  }
  // Takes back what add() registered (a rollback); false when the name is not registered.
  bool remove(const std::string& name) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& e) { return e.first == name; });
    if (it == items_.end()) return false;
    items_.erase(it);
    return true;
  }

  const T* find(const std::string& name) const {
    for (const auto& [n, item] : items_)
      if (n == name) return item.get();
    return nullptr;
  }
  // Throws NotFound: "unknown <kind>; known: a, b" with the context "<kind> '<name>'".
  const T& get(const std::string& name) const {
    if (const T* item = find(name)) return *item;
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::NotFound, "unknown " + kind_ + "; known: " + (known.empty() ? std::string("(none)") : known),
                kind_ + " '" + name + "'");
  }
  bool contains(const std::string& name) const { return find(name) != nullptr; }

  std::vector<std::string> names() const {  // sorted
    std::vector<std::string> out;
    for (const auto& e : items_) out.push_back(e.first);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> namesInOrder() const {  // in registration order
    std::vector<std::string> out;
    for (const auto& e : items_) out.push_back(e.first);
    return out;
  }
  std::vector<const T*> all() const {  // sorted by name
    std::vector<std::pair<std::string, const T*>> sorted;
    for (const auto& [n, item] : items_) sorted.emplace_back(n, item.get());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const T*> out;
    for (const auto& e : sorted) out.push_back(e.second);
    return out;
  }
  std::size_t size() const { return items_.size(); }
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::vector<std::pair<std::string, std::unique_ptr<T>>> items_;  // registration order
};

}  // namespace nas
