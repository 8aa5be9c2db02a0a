#include "jobs/ParamSchema.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/Error.h"

namespace nas {

const char* paramTypeName(ParamType t) {
  switch (t) {
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::Bool: return "bool";
    case ParamType::String: return "string";
    case ParamType::Choice: return "choice";
    case ParamType::Path: return "path";
  }
  return "?";
}

ParamSpec paramSpec(std::string name, ParamType type, Json defaultValue, std::string label, std::string help) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = type;
  s.defaultValue = std::move(defaultValue);
  s.label = std::move(label);
  s.help = std::move(help);
  return s;
}

ParamSpec withRange(ParamSpec spec, double min, double max, std::string unit) {
  spec.min = min;
  spec.max = max;
  spec.unit = std::move(unit);
  return spec;
}

ParamSpec withChoices(ParamSpec spec, std::vector<std::string> choices) {
  spec.choices = std::move(choices);
  return spec;
}

ParamSchema& ParamSchema::add(ParamSpec spec) {
  specs_.push_back(std::move(spec));
  return *this;
}

const ParamSpec* ParamSchema::find(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {
std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string knownNames(const std::vector<ParamSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.name;
  return out.empty() ? "(none)" : out;
}
}  // namespace

std::string ParamSchema::validate(const ParamSpec& spec, const Json& value) const {
  switch (spec.type) {
    case ParamType::Int:
      if (!value.is_number_integer()) return "expected an integer";
      break;
    case ParamType::Float:
      if (!value.is_number()) return "expected a number";
      if (!std::isfinite(value.get<double>())) return "expected a finite number";
      break;
    case ParamType::Bool:
      if (!value.is_boolean()) return "expected true or false";
      break;
    case ParamType::String:
    case ParamType::Path:
      if (!value.is_string()) return "expected a string";
      break;
    case ParamType::Choice: {
      if (!value.is_string()) return "expected one of the choices";
      auto v = value.get<std::string>();
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        return "'" + v + "' is not one of: " + list;
      }
      break;
    }
  }
  if (spec.type == ParamType::Int || spec.type == ParamType::Float) {
    double v = value.get<double>();
    if (spec.min && v < *spec.min) return formatNumber(v) + " is below the minimum " + formatNumber(*spec.min);
    if (spec.max && v > *spec.max) return formatNumber(v) + " is above the maximum " + formatNumber(*spec.max);
  }
  return {};
}

ParamSchema& ParamSchema::renamed(std::string oldName, std::vector<std::string> replacements) {
  renamed_.push_back({std::move(oldName), std::move(replacements)});
  return *this;
}

Json ParamSchema::upgraded(const Json& given) const {
  if (!given.is_object()) return given;
  Json out = given;
  for (const auto& r : renamed_) {
    if (!out.contains(r.oldName)) continue;
    for (const auto& name : r.replacements) {
      if (given.contains(name))
        throw Error(ErrorCode::InvalidArgument, "replaced by '" + name + "'; give only '" + name + "'",
                    "parameter '" + r.oldName + "'");
      out[name] = given.at(r.oldName);
    }
    out.erase(r.oldName);
  }
  return out;
}

Json ParamSchema::resolve(const Json& givenAsIs) const {
  if (!givenAsIs.is_null() && !givenAsIs.is_object())
    throw Error(ErrorCode::InvalidArgument, "parameters must be a JSON object", "params");
  const Json given = upgraded(givenAsIs);
  Json out = Json::object();
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it)
      if (!find(it.key()))
        throw Error(ErrorCode::InvalidArgument, "unknown parameter; known: " + knownNames(specs_),
                    "parameter '" + it.key() + "'");
  }
  for (const auto& spec : specs_) {
    Json value = (given.is_object() && given.contains(spec.name)) ? given.at(spec.name) : spec.defaultValue;
    if (value.is_null())
      throw Error(ErrorCode::InvalidArgument, "required parameter has no value", "parameter '" + spec.name + "'");
    // An integer given where a float is expected is fine; store it as a float.
    if (spec.type == ParamType::Float && value.is_number_integer()) value = value.get<double>();
    std::string why = validate(spec, value);
    if (!why.empty()) throw Error(ErrorCode::InvalidArgument, why, "parameter '" + spec.name + "'");
    out[spec.name] = value;
  }
  return out;
}

Json ParamSchema::parseValue(const std::string& name, const std::string& text) const {
  const ParamSpec* spec = find(name);
  for (const auto& r : renamed_)  // an old name's text is typed as its (first) replacement's
    if (!spec && r.oldName == name && !r.replacements.empty()) spec = find(r.replacements.front());
  if (!spec)
    throw Error(ErrorCode::InvalidArgument, "unknown parameter; known: " + knownNames(specs_), "parameter '" + name + "'");
  const std::string context = "parameter '" + name + "'";
  try {
    size_t used = 0;
    switch (spec->type) {
      case ParamType::Int: {
        long long v = std::stoll(text, &used);
        if (used != text.size()) break;
        return Json(v);
      }
      case ParamType::Float: {
        double v = std::stod(text, &used);
        if (used != text.size()) break;
        return Json(v);
      }
      case ParamType::Bool:
        if (text == "true" || text == "1" || text == "yes" || text == "on") return Json(true);
        if (text == "false" || text == "0" || text == "no" || text == "off") return Json(false);
        throw Error(ErrorCode::InvalidArgument, "'" + text + "' is not true or false", context);
      case ParamType::String:
      case ParamType::Path:
      case ParamType::Choice:
        return Json(text);
    }
  } catch (const std::invalid_argument&) {
  } catch (const std::out_of_range&) {
    throw Error(ErrorCode::InvalidArgument, "'" + text + "' is out of range", context);
  }
  throw Error(ErrorCode::InvalidArgument,
              "'" + text + "' is not a valid " + std::string(paramTypeName(spec->type)), context);
}

Json ParamSchema::toJson() const {
  Json arr = Json::array();
  for (const auto& s : specs_) {
    Json j{{"name", s.name}, {"type", paramTypeName(s.type)}, {"default", s.defaultValue},
           {"unit", s.unit}, {"label", s.label}, {"help", s.help}};
    if (s.min) j["min"] = *s.min;
    if (s.max) j["max"] = *s.max;
    if (!s.choices.empty()) j["choices"] = s.choices;
    arr.push_back(j);
  }
  return arr;
}

}  // namespace nas
