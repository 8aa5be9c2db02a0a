// libFuzzer driver: one executable per target, the target's name compiled in
// (NAS_FUZZ_TARGET), so each keeps its own corpus and coverage.
#include "FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const nas::fuzz::Entry entry = nas::fuzz::targetEntry(NAS_FUZZ_TARGET);
  entry(data, size);
  return 0;
}
