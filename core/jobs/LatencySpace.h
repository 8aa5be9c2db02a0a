#pragma once
// Latency on this machine (issue 6), the torch-free side: a LatencySpace says which lookup-
// table entries a search space has, measures one of them (torch inside, in core/eval or a
// plugin), maps an architecture to the entries it is made of, and measures a whole network
// the same way; LatencyTable turns a device profile's stored entries into predictions.
//
// Predicted latency of an architecture = sum over its terms of count x entry median (the
// space includes its fixed parts, stem, reductions and head, as entries), then the profile's
// optional correction for that space: scale x sum + offset, fitted on measured whole networks.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/Json.h"
#include "jobs/LatencyTiming.h"
#include "plugin/NamedRegistry.h"
#include "store/LatencyRecords.h"

namespace nas {

class Workspace;

// The clock profiles are measured with: the thread's CPU time with one intra-op thread
// (robust on a shared machine, see TimingClock), wall time with several;
// NASSTUDIO_LATENCY_CLOCK=wall|thread-cpu overrides it.
TimingClock profileClock(int threads);

// Runs per block of the block-minimum statistics (TimingOptions::blockSize) that profiles
// and validations use.
inline constexpr int kLatencyBlockSize = 5;

struct LatencyOptions {
  int threads = 1;  // intra-op threads, fixed for the whole measurement
  int batch = 1;    // images per forward pass
  TimingOptions timing;
  void validate() const;  // throws InvalidArgument naming the bad field
};

struct LatencyEntrySpec {
  std::string key;    // "s0/nor_conv_3x3"
  std::string shape;  // for people: "16x32x32 -> 16x32x32"
};

// One part of an architecture: `count` times the entry `key`.
struct LatencyTerm {
  std::string key;
  double count = 1;
};

class LatencySpace {
 public:
  virtual ~LatencySpace() = default;
  virtual std::string name() const = 0;  // "nb201", "sgnas:cifar"
  virtual std::string description() const = 0;
  virtual std::vector<LatencyEntrySpec> entries() const = 0;
  // Times one entry with the given options; unknown keys throw NotFound.
  virtual TimingStats measure(const std::string& key, const LatencyOptions& options) const = 0;
  // The architecture (a canonical string of the space, parse errors as ParseError) as terms.
  virtual std::vector<LatencyTerm> entriesOf(const std::string& arch) const = 0;
  // The whole network of `arch`, end to end, timed the same way as the entries.
  virtual TimingStats measureNetwork(const std::string& arch, const LatencyOptions& options) const = 0;
  // The network of `arch` built once, timed by each call with `timing` (threads, batch and
  // clock from `options`): validation interleaves short timings of many networks in rounds, so
  // that drift in the machine's load hits all of them alike. The default rebuilds per call.
  using NetworkTimer = std::function<TimingStats(const TimingOptions& timing)>;
  virtual NetworkTimer prepareNetwork(const std::string& arch, const LatencyOptions& options) const {
    return [this, arch, options](const TimingOptions& timing) {
      LatencyOptions o = options;
      o.timing = timing;
      return measureNetwork(arch, o);
    };
  }
  // A uniformly random architecture of the space, as its canonical string.
  virtual std::string randomArchitecture(std::mt19937_64& rng) const = 0;
  // The library that runs the measurements, for the profile: "1.13.1".
  virtual std::string runtimeVersion() const = 0;
};

// Spaces by name: core's built-ins (nb201) and those plugins add through PluginHost
// (plugin/NamedRegistry.h: duplicates refused, NotFound lists the names).
class LatencySpaceRegistry : public NamedRegistry<LatencySpace> {
 public:
  LatencySpaceRegistry() : NamedRegistry<LatencySpace>("latency space") {}
  using NamedRegistry<LatencySpace>::add;
  void add(std::unique_ptr<LatencySpace> space);  // under its own name; PluginError on a duplicate
};

// A device profile's entries for one space, ready to predict.
class LatencyTable {
 public:
  LatencyTable() = default;
  // Throws NotFound naming the profile, the space and a missing key when the profile lacks
  // any entry of the space (it must be profiled, or its profiling resumed, first).
  static LatencyTable load(const Workspace& ws, const DeviceProfileRecord& profile, const LatencySpace& space);
  // From plain values (tests, import): every key of `space` must be in `medians`.
  LatencyTable(std::string space, std::map<std::string, double> medians,
               std::optional<LatencyCorrectionRecord> correction = std::nullopt);

  const std::string& space() const { return space_; }
  const std::map<std::string, double>& medians() const { return medians_; }
  double entry(const std::string& key) const;  // NotFound naming the key
  // Sum of count x median; no correction.
  double lutSum(const std::vector<LatencyTerm>& terms) const;
  // With the correction when there is one.
  double predict(const std::vector<LatencyTerm>& terms) const;
  double correct(double lutSumMs) const;
  const std::optional<LatencyCorrectionRecord>& correction() const { return correction_; }
  void setCorrection(std::optional<LatencyCorrectionRecord> c) { correction_ = std::move(c); }

 private:
  std::string space_;
  std::map<std::string, double> medians_;
  std::optional<LatencyCorrectionRecord> correction_;
};

// The profile named `name`, else (empty name) the workspace's latest profile with entries of
// `space`; nullopt when there is none and no name was given. A given name that does not
// exist throws NotFound listing the profiles.
std::optional<DeviceProfileRecord> resolveDeviceProfile(const Workspace& ws, const std::string& name,
                                                        const std::string& space);

// This machine: CPU model from /proc/cpuinfo ("unknown CPU" elsewhere).
std::string cpuModelName();

// Export/import of a device profile as JSON, so that a profile measured on a target device
// with the CLI can be used on a workstation:
// {"format": "nasstudio-device-profile", "version": 1, "name", "cpu", "threads", "batch",
//  "torch_version", "created", "spaces": {space: {"entries": [{"key", "median_ms", "iqr_ms",
//  "repeats"}], "correction": {"scale", "offset_ms", "samples"} (optional)}}}
Json exportDeviceProfile(const Workspace& ws, const std::string& name);
// Creates the profile (named `rename` when given, else by its "name"); an existing profile of
// that name throws InvalidArgument; a malformed document throws ParseError naming the field.
// Returns the new profile.
DeviceProfileRecord importDeviceProfile(Workspace& ws, const Json& doc, const std::string& rename = {});

}  // namespace nas
