#pragma once
// Peak resident memory of a phase of this process (Linux): VmHWM is reset through
// /proc/self/clear_refs ("5") at the start of the phase and read at its end. Host memory only
// (on CUDA the device allocator's peak is not in it).
namespace nas::entrannas {

class PeakResident {
 public:
  PeakResident();               // resets the high-water mark, notes the resident size now
  double peakMb() const;        // VmHWM now, MiB (the phase's peak, everything resident included)
  double startMb() const { return startKb_ / 1024.0; }
  bool resetWorked() const { return reset_; }

 private:
  double startKb_ = 0;
  bool reset_ = false;
};

}  // namespace nas::entrannas
