#pragma once
// A method describes its parameters as data (OBS "properties" style): the CLI validates
// `--param k=v` against it and the GUI builds its form from it, so methods ship no widgets.

#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas {

enum class ParamType { Int, Float, Bool, String, Choice, Path };
const char* paramTypeName(ParamType t);

struct ParamSpec {
  std::string name;   // key in the job's params object: "epochs"
  ParamType type = ParamType::String;
  Json defaultValue;  // null when required
  std::optional<double> min, max;    // for Int and Float, inclusive
  std::vector<std::string> choices;  // for Choice
  std::string unit;   // "epochs", "images", "MFLOPs"
  std::string label;  // "Epochs"
  std::string help;   // one sentence shown as a tooltip / in --help
};

// Builders for the usual shapes of a spec, so that a method declares each parameter in one
// statement: paramSpec(...), then withRange(...) for numbers or withChoices(...) for a Choice.
ParamSpec paramSpec(std::string name, ParamType type, Json defaultValue, std::string label, std::string help);
ParamSpec withRange(ParamSpec spec, double min, double max, std::string unit = {});
ParamSpec withChoices(ParamSpec spec, std::vector<std::string> choices);

class ParamSchema {
 public:
  ParamSchema() = default;
  explicit ParamSchema(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {}

  ParamSchema& add(ParamSpec spec);
  // A parameter an earlier version had, replaced by `replacements`: jobs stored with it (and
  // job files written for it) still resolve, its value given to each replacement not given
  // itself. Giving it together with a replacement is an error.
  ParamSchema& renamed(std::string oldName, std::vector<std::string> replacements);
  const std::vector<ParamSpec>& specs() const { return specs_; }
  const ParamSpec* find(const std::string& name) const;

  // `given` completed with defaults and checked: unknown keys, missing required values,
  // wrong types and out-of-range values throw Error(InvalidArgument) naming the parameter.
  Json resolve(const Json& given) const;
  // Converts a "key=value" text (from the CLI) to a typed JSON value using the spec.
  Json parseValue(const std::string& name, const std::string& text) const;
  // Checks one value; returns an empty string when valid, else the reason.
  std::string validate(const ParamSpec& spec, const Json& value) const;

  Json toJson() const;

 private:
  struct Renamed {
    std::string oldName;
    std::vector<std::string> replacements;
  };
  // `given` with renamed parameters replaced.
  Json upgraded(const Json& given) const;

  std::vector<ParamSpec> specs_;
  std::vector<Renamed> renamed_;
};

}  // namespace nas
