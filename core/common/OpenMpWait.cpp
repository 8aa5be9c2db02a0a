#include "common/OpenMpWait.h"

#include <unistd.h>

#include <cstdlib>

namespace nas {

void preferPassiveOpenMpWait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (::setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) return;
  // Same pid, same arguments; only the environment differs. On failure we simply go on.
  ::execv("/proc/self/exe", argv);
}

}  // namespace nas
