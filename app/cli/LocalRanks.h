#pragma once
// `--nproc N` of the job commands: starts N copies of this very command line as the ranks of one
// data-parallel job on this machine, the way torchrun does (RANK, LOCAL_RANK, WORLD_SIZE,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in each one's environment).
namespace nas::cli {

// Runs the ranks and waits for them. Rank 0 keeps stdout (the job's result); the others' stdout
// goes to /dev/null, every rank's stderr stays. When a rank fails or dies, the others get
// SIGTERM, and SIGKILL 30 s later, so a job never hangs on a lost rank; ranks still running 20 s
// after rank 0 succeeded are stopped. Returns rank 0's exit code (kExitJobFailed when it died
// by a signal).
int runLocalRanks(int ranks, char** argv);

}  // namespace nas::cli
