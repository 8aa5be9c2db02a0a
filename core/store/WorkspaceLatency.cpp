// Device profiles and latency lookup tables (schema 2): see LatencyRecords.h.
#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

DeviceProfileRecord profileAt(const store::Statement& q) {
  DeviceProfileRecord p;
  p.id = q.intAt(0);
  p.name = q.textAt(1);
  p.cpu = q.textAt(2);
  p.threads = static_cast<int>(q.intAt(3));
  p.batch = static_cast<int>(q.intAt(4));
  p.torchVersion = q.textAt(5);
  p.createdAt = q.realAt(6);
  return p;
}

constexpr const char* kProfileColumns = "SELECT id, name, cpu, threads, batch, torch_version, created_at FROM device_profiles ";

}  // namespace

std::int64_t Workspace::ensureDeviceProfile(const DeviceProfileRecord& p) {
  if (p.name.empty()) throw Error(ErrorCode::InvalidArgument, "a device profile needs a name", d_->path);
  if (p.threads < 1 || p.batch < 1)
    throw Error(ErrorCode::InvalidArgument, "threads and batch must be >= 1", "device profile '" + p.name + "'");
  std::int64_t id = 0;
  d_->transaction([&] {
    if (auto existing = findDeviceProfile(p.name)) {
      if (existing->threads != p.threads || existing->batch != p.batch)
        throw Error(ErrorCode::InvalidArgument,
                    "exists with threads " + std::to_string(existing->threads) + " and batch " +
                        std::to_string(existing->batch) + ", not " + std::to_string(p.threads) + " and " +
                        std::to_string(p.batch) + "; choose another profile name",
                    "device profile '" + p.name + "'");
      id = existing->id;
      return;
    }
    auto q = d_->query(
        "INSERT INTO device_profiles(name, cpu, threads, batch, torch_version, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    q->bindText(1, p.name);
    q->bindText(2, p.cpu);
    q->bindInt(3, p.threads);
    q->bindInt(4, p.batch);
    q->bindText(5, p.torchVersion);
    q->bindReal(6, p.createdAt > 0 ? p.createdAt : store::nowSeconds());
    q->run();
    id = d_->lastInsertId();
  });
  return id;
}

std::optional<DeviceProfileRecord> Workspace::findDeviceProfile(const std::string& name) const {
  auto q = d_->query(std::string(kProfileColumns) + "WHERE name = ?1");
  q->bindText(1, name);
  if (!q->step()) return std::nullopt;
  return profileAt(*q);
}

DeviceProfileRecord Workspace::deviceProfile(const std::string& name) const {
  if (auto p = findDeviceProfile(name)) return *p;
  std::string known;
  for (const auto& p : deviceProfiles()) known += (known.empty() ? "" : ", ") + p.name;
  throw Error(ErrorCode::NotFound,
              "no such device profile (known: " + (known.empty() ? std::string("none; run `latency profile`") : known) + ")",
              "device profile '" + name + "'");
}

std::vector<DeviceProfileRecord> Workspace::deviceProfiles() const {
  auto q = d_->query(std::string(kProfileColumns) + "ORDER BY id");
  std::vector<DeviceProfileRecord> out;
  while (q->step()) out.push_back(profileAt(*q));
  return out;
}

void Workspace::deleteDeviceProfile(const std::string& name) {
  const auto p = deviceProfile(name);
  d_->transaction([&] {
    auto q = d_->query("DELETE FROM device_profiles WHERE id = ?1");
    q->bindInt(1, p.id);
    q->run();
  });
}

std::optional<DeviceProfileRecord> Workspace::latestDeviceProfile(const std::string& space) const {
  auto q = d_->query(
      "SELECT p.id, p.name, p.cpu, p.threads, p.batch, p.torch_version, p.created_at FROM device_profiles p "
      "JOIN latency_entries e ON e.profile_id = p.id WHERE e.space = ?1 "
      "GROUP BY p.id ORDER BY MAX(e.created_at) DESC, p.id DESC LIMIT 1");
  q->bindText(1, space);
  if (!q->step()) return std::nullopt;
  return profileAt(*q);
}

void Workspace::putLatencyEntry(std::int64_t profileId, const LatencyEntryRecord& e) { putLatencyEntries(profileId, {e}); }

void Workspace::putLatencyEntries(std::int64_t profileId, const std::vector<LatencyEntryRecord>& es) {
  d_->transaction([&] {
    for (const auto& e : es) {
      if (e.space.empty() || e.key.empty())
        throw Error(ErrorCode::InvalidArgument, "latency entry needs a space and a key", d_->path);
      auto q = d_->query(
          "INSERT INTO latency_entries(profile_id, space, key, median_ms, iqr_ms, repeats, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(profile_id, space, key) DO UPDATE SET "
          "median_ms = excluded.median_ms, iqr_ms = excluded.iqr_ms, repeats = excluded.repeats, "
          "created_at = excluded.created_at");
      q->bindInt(1, profileId);
      q->bindText(2, e.space);
      q->bindText(3, e.key);
      q->bindReal(4, e.medianMs);
      q->bindReal(5, e.iqrMs);
      q->bindInt(6, e.repeats);
      q->bindReal(7, e.createdAt > 0 ? e.createdAt : store::nowSeconds());
      q->run();
    }
  });
}

std::vector<LatencyEntryRecord> Workspace::latencyEntries(std::int64_t profileId, const std::string& space) const {
  auto q = d_->query(
      "SELECT space, key, median_ms, iqr_ms, repeats, created_at FROM latency_entries WHERE profile_id = ?1 "
      "AND (?2 = '' OR space = ?2) ORDER BY space, key");
  q->bindInt(1, profileId);
  q->bindText(2, space);
  std::vector<LatencyEntryRecord> out;
  while (q->step()) {
    LatencyEntryRecord e;
    e.space = q->textAt(0);
    e.key = q->textAt(1);
    e.medianMs = q->realAt(2);
    e.iqrMs = q->realAt(3);
    e.repeats = q->intAt(4);
    e.createdAt = q->realAt(5);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> Workspace::latencySpaces(std::int64_t profileId) const {
  auto q = d_->query("SELECT DISTINCT space FROM latency_entries WHERE profile_id = ?1 ORDER BY space");
  q->bindInt(1, profileId);
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->textAt(0));
  return out;
}

void Workspace::putLatencyCorrection(std::int64_t profileId, const LatencyCorrectionRecord& c) {
  d_->transaction([&] {
    auto q = d_->query(
        "INSERT INTO latency_corrections(profile_id, space, scale, offset_ms, samples, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(profile_id, space) DO UPDATE SET scale = excluded.scale, "
        "offset_ms = excluded.offset_ms, samples = excluded.samples, created_at = excluded.created_at");
    q->bindInt(1, profileId);
    q->bindText(2, c.space);
    q->bindReal(3, c.scale);
    q->bindReal(4, c.offsetMs);
    q->bindInt(5, c.samples);
    q->bindReal(6, c.createdAt > 0 ? c.createdAt : store::nowSeconds());
    q->run();
  });
}

std::optional<LatencyCorrectionRecord> Workspace::latencyCorrection(std::int64_t profileId,
                                                                    const std::string& space) const {
  auto q = d_->query(
      "SELECT space, scale, offset_ms, samples, created_at FROM latency_corrections WHERE profile_id = ?1 AND space = ?2");
  q->bindInt(1, profileId);
  q->bindText(2, space);
  if (!q->step()) return std::nullopt;
  LatencyCorrectionRecord c;
  c.space = q->textAt(0);
  c.scale = q->realAt(1);
  c.offsetMs = q->realAt(2);
  c.samples = q->intAt(3);
  c.createdAt = q->realAt(4);
  return c;
}

void Workspace::clearLatencyCorrection(std::int64_t profileId, const std::string& space) {
  d_->transaction([&] {
    auto q = d_->query("DELETE FROM latency_corrections WHERE profile_id = ?1 AND space = ?2");
    q->bindInt(1, profileId);
    q->bindText(2, space);
    q->run();
  });
}

void Workspace::replaceLatencyValidations(std::int64_t profileId, const std::string& space,
                                          const std::vector<LatencyValidationRecord>& pairs) {
  d_->transaction([&] {
    {
      auto q = d_->query("DELETE FROM latency_validations WHERE profile_id = ?1 AND space = ?2");
      q->bindInt(1, profileId);
      q->bindText(2, space);
      q->run();
    }
    const double now = store::nowSeconds();
    for (const auto& v : pairs) {
      auto q = d_->query(
          "INSERT INTO latency_validations(profile_id, space, arch, predicted_ms, corrected_ms, measured_ms, iqr_ms, "
          "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      q->bindInt(1, profileId);
      q->bindText(2, space);
      q->bindText(3, v.arch);
      q->bindReal(4, v.predictedMs);
      q->bindReal(5, v.correctedMs);
      q->bindReal(6, v.measuredMs);
      q->bindReal(7, v.iqrMs);
      q->bindReal(8, v.createdAt > 0 ? v.createdAt : now);
      q->run();
    }
  });
}

std::vector<LatencyValidationRecord> Workspace::latencyValidations(std::int64_t profileId,
                                                                   const std::string& space) const {
  auto q = d_->query(
      "SELECT space, arch, predicted_ms, corrected_ms, measured_ms, iqr_ms, created_at FROM latency_validations "
      "WHERE profile_id = ?1 AND (?2 = '' OR space = ?2) ORDER BY id");
  q->bindInt(1, profileId);
  q->bindText(2, space);
  std::vector<LatencyValidationRecord> out;
  while (q->step()) {
    LatencyValidationRecord v;
    v.space = q->textAt(0);
    v.arch = q->textAt(1);
    v.predictedMs = q->realAt(2);
    v.correctedMs = q->realAt(3);
    v.measuredMs = q->realAt(4);
    v.iqrMs = q->realAt(5);
    v.createdAt = q->realAt(6);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace nas
