#pragma once
// The one error type of the core: a code, a message for people, and the context it
// happened in (a file, an architecture string, a job id). Core code throws it; every
// boundary (CLI main, job worker, Qt slot, thread entry) catches it and turns it into
// an exit code, a job status or a message box, so no exception crosses those lines.

#include <exception>
#include <string>

namespace nas {

enum class ErrorCode {
  Invalid = 0,       // never used: 0 is not a valid code
  InvalidArgument,   // a parameter or option outside its range
  ParseError,        // malformed text: architecture strings, CSV, JSON
  NotFound,          // a file, job, architecture or method that does not exist
  IoError,           // read/write failed
  CorruptData,       // a file exists but its content is wrong or truncated
  WorkspaceLocked,   // another process holds the workspace
  WorkspaceCorrupt,  // not a NAS Studio workspace, or damaged
  WorkspaceTooNew,   // written by a newer version: never touched
  Cancelled,         // the user or the job asked to stop
  PluginError,       // a plugin failed to load or registered nonsense
  Unsupported,       // valid request this build cannot do
  Internal,          // a bug: an invariant broke
};

// Short stable name of a code ("parse_error"), used in JSON output and logs.
const char* errorCodeName(ErrorCode code);

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message, std::string context = {});

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& context() const noexcept { return context_; }
  // "context: message", or the message alone when there is no context.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  ErrorCode code_;
  std::string message_;
  std::string context_;
  std::string what_;
};

// Wraps any exception into an Error at a boundary (c10::Error, std::bad_alloc, ...).
Error toError(const std::exception& e);

}  // namespace nas
