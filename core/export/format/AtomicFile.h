#pragma once
// Writing export files safely: never over an existing file unless asked, and atomically (a
// temporary file in the same folder, flushed, then renamed over the target), so a reader never
// sees half a file and a failed export leaves nothing behind. No torch, no Qt.
#include <string>
#include <vector>

namespace nas {

struct FileToWrite {
  std::string path;
  std::string bytes;
};

// Writes all files or none: every target is checked first (exists and !force -> InvalidArgument
// naming it and --force; its folder missing or not writable -> IoError naming the folder), then
// each is written to a temporary sibling and renamed into place. A failure removes the
// temporaries and any target already renamed in this call. Returns the bytes written.
// The checks alone (before expensive work): the same errors, nothing written.
void checkFilesWritable(const std::vector<std::string>& paths, bool force);
std::int64_t writeFilesAtomically(const std::vector<FileToWrite>& files, bool force);

}  // namespace nas
