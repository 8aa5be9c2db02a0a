#include "forms/InputChecks.h"

#include <QDir>
#include <QFileInfo>

#include "common/Error.h"
#include "jobs/ParamSchema.h"
#include "searchspace/Nb201Cell.h"

namespace nas::ui {

namespace {

QString labelOf(const nas::ParamSpec& spec) {
  return QString::fromStdString(spec.label.empty() ? spec.name : spec.label);
}

// A Path parameter names an existing file or folder (empty: the method's default).
QString checkPath(const nas::ParamSpec& spec, const std::string& value) {
  if (value.empty()) return {};
  const QFileInfo info(QDir::cleanPath(QString::fromStdString(value)));
  if (!info.exists()) return QObject::tr("%1: no such file or folder: %2").arg(labelOf(spec), info.filePath());
  if (!info.isReadable()) return QObject::tr("%1: cannot be read: %2").arg(labelOf(spec), info.filePath());
  return {};
}

// The architecture string of a method whose "space" parameter says which parser reads it.
QString checkArchitecture(const nas::ParamSpec& spec, const std::string& value, const std::string& space) {
  if (space != "nb201") return {};  // no torch-free parser for the other spaces' strings here
  try {
    (void)nas::Nb201Cell::parse(value);
  } catch (const std::exception& e) {
    return QObject::tr("%1: %2").arg(labelOf(spec), QString::fromUtf8(nas::toError(e).what()));
  }
  return {};
}

}  // namespace

QString checkJobInputs(const nas::ParamSchema& schema, const nas::Json& params) {
  if (!params.is_object()) return {};
  const std::string space = params.contains("space") && params["space"].is_string() ? params["space"].get<std::string>()
                                                                                    : std::string();
  for (const nas::ParamSpec& spec : schema.specs()) {
    if (!params.contains(spec.name) || !params[spec.name].is_string()) continue;
    const std::string value = params[spec.name].get<std::string>();
    QString problem;
    if (spec.type == nas::ParamType::Path)
      problem = checkPath(spec, value);
    else if (spec.name == "arch" && !value.empty())
      problem = checkArchitecture(spec, value, space);
    if (!problem.isEmpty()) return problem;
  }
  return {};
}

}  // namespace nas::ui
