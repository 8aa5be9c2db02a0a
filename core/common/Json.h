#pragma once
// JSON for the whole core (nlohmann::json), plus helpers that read a typed value from a
// JSON object and fail with an Error naming the key.

#include <nlohmann/json.hpp>
#include <string>

namespace nas {

using Json = nlohmann::json;

// Parses text, throwing Error(ParseError) with the context and the parser's position.
Json parseJson(const std::string& text, const std::string& context);

// obj[key] converted to T, or fallback when the key is absent; a value of the wrong
// type throws Error(InvalidArgument) naming the key.
template <typename T>
T jsonValue(const Json& obj, const std::string& key, const T& fallback);

}  // namespace nas

#include "common/JsonImpl.h"
