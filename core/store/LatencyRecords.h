#pragma once
// Rows of the latency tables (issue 6): a device profile (where and how latencies were
// measured), its lookup-table entries per search space, a learned correction per space, and
// the predicted/measured pairs of the last validation. No sqlite, no torch, no Qt.
#include <cstdint>
#include <string>

namespace nas {

struct DeviceProfileRecord {
  std::int64_t id = 0;
  std::string name;          // unique in the workspace: "this-laptop", "jetson-nano"
  std::string cpu;           // CPU model as /proc/cpuinfo names it
  int threads = 1;           // intra-op threads the entries were measured with
  int batch = 1;             // images per forward pass
  std::string torchVersion;  // "1.13.1"
  double createdAt = 0;      // unix seconds
};

struct LatencyEntryRecord {
  std::string space;        // "nb201", "sgnas:cifar"
  std::string key;          // the space's entry key: "s0/nor_conv_3x3"
  double medianMs = 0;      // median of the timed repeats
  double iqrMs = 0;         // interquartile range of them
  std::int64_t repeats = 0; // timed repeats (after warm-up)
  double createdAt = 0;
};

// measured ~= scale * lookup-table sum + offsetMs, fitted on whole networks (samples of them).
struct LatencyCorrectionRecord {
  std::string space;
  double scale = 1.0;
  double offsetMs = 0.0;
  std::int64_t samples = 0;  // 0: no correction fitted
  double createdAt = 0;
};

struct LatencyValidationRecord {
  std::string space;
  std::string arch;          // canonical string in the space
  double predictedMs = 0;    // lookup-table sum (what the profile predicts, before correction)
  double correctedMs = 0;    // after the correction (== predictedMs without one)
  double measuredMs = 0;     // whole network, end to end, median
  double iqrMs = 0;          // of the measured repeats
  double createdAt = 0;
};

}  // namespace nas
