#pragma once
// `--nproc N` of the job commands: starts N copies of this very command line as the ranks of one
// data-parallel job on this machine, the way torchrun does (RANK, LOCAL_RANK, WORLD_SIZE,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in each one's environment).
#include <functional>

#include "jobs/JobRunner.h"

namespace nas::cli {

// Runs the ranks and waits for them. Rank 0 keeps stdout (the job's result); the others' stdout
// goes to /dev/null, every rank's stderr stays. When a rank fails or dies, the others get
// SIGTERM, and SIGKILL 30 s later, so a job never hangs on a lost rank; ranks still running 20 s
// after rank 0 succeeded are stopped. Returns rank 0's exit code (kExitJobFailed when it died
// by a signal).
int runLocalRanks(int ranks, char** argv);

// `worker --nproc N` (WorkerOptions::aroundJob): the worker claims each job as always and runs it
// itself as rank 0 (heartbeats, cancel, outcome as for any job). When the job first asks for its
// process group (a method that trains data-parallel), N-1 other ranks are started:
// `run-job --job ID` with torchrun's environment, which follow rank 0 and never touch the
// workspace; a job that never asks starts none. After the outcome is recorded the ranks are
// waited for (done, or stopped with rank 0's cancel) or stopped (SIGTERM, SIGKILL 30 s later).
// They get SIGKILL when the worker dies, whose job is re-queued as any dead worker's.
std::function<std::function<void(const JobOutcome&)>(const JobRecord&)> workerRanks(int ranks,
                                                                                    std::string workspace);

}  // namespace nas::cli
