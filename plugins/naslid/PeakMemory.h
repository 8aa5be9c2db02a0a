#pragma once
// Peak resident memory of a phase of this process (Linux): the high-water mark (VmHWM) is reset
// through /proc/self/clear_refs before the phase and read after it, relative to the resident
// size at its start. glibc is first asked to hand freed memory back (malloc_trim), so that a
// phase does not look cheap because an earlier phase left pages resident for it to reuse.
// This is host memory: on CUDA it is not the device allocator's peak.
namespace nas::naslid {

class PeakMemoryProbe {
 public:
  PeakMemoryProbe();            // trims, resets the mark, notes the current resident size
  double peakMb() const;        // max(0, VmHWM - resident size at construction), MiB
  static bool supported();      // false where /proc/self/clear_refs cannot be written

 private:
  double startKb_ = 0;
};

// Makes large allocations come from mmap, so freeing them returns them to the system and the
// probes of later phases start from a clean slate. Call once, early (the bench does).
void preferMmapForLargeAllocations();

}  // namespace nas::naslid
