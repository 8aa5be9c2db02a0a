#pragma once
// Template bodies of Json.h.
#include "common/Error.h"

namespace nas {

template <typename T>
T jsonValue(const Json& obj, const std::string& key, const T& fallback) {
  if (!obj.is_object()) return fallback;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("wrong type: ") + e.what(), "parameter '" + key + "'");
  }
}

}  // namespace nas
