#include "store/Records.h"

#include "common/Error.h"

namespace nas {

const char* jobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::Queued: return "queued";
    case JobStatus::Running: return "running";
    case JobStatus::Done: return "done";
    case JobStatus::Failed: return "failed";
    case JobStatus::Cancelled: return "cancelled";
  }
  return "?";
}

JobStatus jobStatusFromName(const std::string& s) {
  for (JobStatus st : {JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed, JobStatus::Cancelled})
    if (s == jobStatusName(st)) return st;
  throw Error(ErrorCode::ParseError, "unknown job status '" + s + "'");
}

}  // namespace nas
