#include "common/Error.h"

namespace nas {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return "invalid";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::ParseError: return "parse_error";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::IoError: return "io_error";
    case ErrorCode::CorruptData: return "corrupt_data";
    case ErrorCode::WorkspaceLocked: return "workspace_locked";
    case ErrorCode::WorkspaceCorrupt: return "workspace_corrupt";
    case ErrorCode::WorkspaceTooNew: return "workspace_too_new";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::PluginError: return "plugin_error";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Internal: return "internal";
  }
  return "unknown";
}

Error::Error(ErrorCode code, std::string message, std::string context)
    : code_(code), message_(std::move(message)), context_(std::move(context)) {
  what_ = context_.empty() ? message_ : context_ + ": " + message_;
}

Error toError(const std::exception& e) {
  if (auto* err = dynamic_cast<const Error*>(&e)) return *err;
  return Error(ErrorCode::Internal, e.what());
}

}  // namespace nas
