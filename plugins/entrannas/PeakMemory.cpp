#include "PeakMemory.h"

#include <malloc.h>

#include <fstream>
#include <string>

namespace nas::entrannas {

namespace {

double statusKb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1));
  return 0.0;
}

}  // namespace

PeakResident::PeakResident() {
  malloc_trim(0);  // freed memory of an earlier phase back to the system, so it cannot hide this phase's
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  reset_ = static_cast<bool>(out);
  startKb_ = statusKb("VmRSS");
}

double PeakResident::peakMb() const { return statusKb("VmHWM") / 1024.0; }

}  // namespace nas::entrannas
