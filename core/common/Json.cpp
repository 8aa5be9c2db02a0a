#include "common/Json.h"

namespace nas {

Json parseJson(const std::string& text, const std::string& context) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::ParseError, std::string("invalid JSON: ") + e.what(), context);
  }
}

}  // namespace nas
