#include "PeakMemory.h"

#include <malloc.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace nas::naslid {
namespace {

double statusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k = std::string(key) + ":";
  while (std::getline(in, line))
    if (line.rfind(k, 0) == 0) return std::stod(line.substr(k.size()));
  return 0;
}

bool resetHighWaterMark() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  return static_cast<bool>(out.flush());
}

}  // namespace

PeakMemoryProbe::PeakMemoryProbe() {
  malloc_trim(0);
  resetHighWaterMark();
  startKb_ = statusKb("VmRSS");
}

double PeakMemoryProbe::peakMb() const { return std::max(0.0, statusKb("VmHWM") - startKb_) / 1024.0; }

bool PeakMemoryProbe::supported() { return resetHighWaterMark(); }

void preferMmapForLargeAllocations() { mallopt(M_MMAP_THRESHOLD, 256 * 1024); }

}  // namespace nas::naslid
