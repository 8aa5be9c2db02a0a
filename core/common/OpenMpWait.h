#pragma once
// LibTorch's CPU kernels run on OpenMP (libgomp on Debian), whose idle threads spin-wait by
// default. On a 2-core machine that is also compiling or running another job, a spinning
// thread steals the core its partner needs, and every parallel region waits for a thread
// that is not scheduled: measured here, an SGNAS supernet training at 2 threads under load
// ran at 6 steps/min with the default policy and 30 steps/min with OMP_WAIT_POLICY=PASSIVE.
//
// libgomp reads its environment when it is loaded, before main(), so setting the variable
// from inside the process is too late; the process re-executes itself once with it set.
// A user's own OMP_WAIT_POLICY is left as it is.

namespace nas {

// Call first thing in main(). Returns normally when the policy is already chosen (by the
// user or by the re-executed process) or when re-execution fails (then nothing changes).
void preferPassiveOpenMpWait(char** argv);

}  // namespace nas
