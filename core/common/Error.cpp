#include "common/Error.h"

#include <cstddef>

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

namespace {

// A parser names its input in the error; an input of 100 MB (a pasted file, a hostile import)
// must not become a 100 MB message copied into every log line and dialog. Long texts keep
// their start and say how long they were; the cut never splits a UTF-8 sequence.
std::string abbreviated(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit - 80;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const std::size_t total = text.size();
  text.resize(cut);
  text += "... (" + std::to_string(total) + " bytes in all)";
  return text;
}

constexpr std::size_t kMaxContext = 2048;
constexpr std::size_t kMaxMessage = 8192;

}  // namespace

Error::Error(ErrorCode code, std::string message, std::string context)
    : code_(code),
      message_(abbreviated(std::move(message), kMaxMessage)),
      context_(abbreviated(std::move(context), kMaxContext)) {
  what_ = context_.empty() ? message_ : context_ + ": " + message_;
}

Error toError(const std::exception& e) {
  if (auto* err = dynamic_cast<const Error*>(&e)) return *err;
  return Error(ErrorCode::Internal, e.what());
}

}  // namespace nas
