#include "common/Json.h"

namespace nas {

Json parseJson(const std::string& text, const std::string& context) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number beyond double ("1e999"), found by fuzzing.
    throw Error(ErrorCode::ParseError, std::string("invalid JSON: ") + e.what(), context);
  }
}

}  // namespace nas
