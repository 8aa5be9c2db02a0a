// `workspace merge FROM INTO`: another workspace's jobs (with metrics, log, samples, artifacts,
// evaluations), architectures and evaluations brought into this one, in one transaction. The
// other file is ATTACHed, so rows go across in INSERT ... SELECT without passing through C++.
// Identity across files: jobs by uid, architectures by (space, canonical), evaluations without
// a job by all their fields, so that merging twice is the same as merging once.
#include <sys/stat.h>

#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

bool sameFile(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The architecture of `main` that src architecture `expr` (a src.architectures id) is.
constexpr const char* kMapArch =
    "(SELECT m.id FROM main.architectures m JOIN src.architectures a ON a.space = m.space AND "
    "a.canonical = m.canonical WHERE a.id = %s)";

std::string mapArch(const char* srcIdExpr) {
  std::string s = kMapArch;
  return s.replace(s.find("%s"), 2, srcIdExpr);
}

constexpr const char* kJobCopyColumns =
    "method, spec_json, status, progress, stage, error, result_json, cancel_requested, pid, created_at, started_at, "
    "finished_at, updated_at, worker, host, heartbeat_at, attempts, uid, first_started_at, earlier_runs_seconds";

std::int64_t run(store::Connection& c, const std::string& sql, std::int64_t a = 0, std::int64_t b = 0) {
  auto q = c.query(sql);
  if (sql.find("?1") != std::string::npos) q->bindInt(1, a);
  if (sql.find("?2") != std::string::npos) q->bindInt(2, b);
  q->run();
  return c.changes();
}

// Copies the rows that belong to src job `from` to main job `to`.
void copyJobRows(store::Connection& c, JobId from, JobId to, Workspace::MergeReport& r) {
  r.metricsCopied += run(c,
                         "INSERT INTO main.metrics(job_id, series, step, value) SELECT ?2, series, step, value "
                         "FROM src.metrics WHERE job_id = ?1 ORDER BY id",
                         from, to);
  r.logLinesCopied += run(c,
                          "INSERT INTO main.job_log(job_id, at, line) SELECT ?2, at, line FROM src.job_log "
                          "WHERE job_id = ?1 ORDER BY id",
                          from, to);
  r.samplesCopied += run(c,
                         "INSERT INTO main.samples(job_id, round, arch_id, payload_json) SELECT ?2, round, " +
                             mapArch("s.arch_id") + ", payload_json FROM src.samples s WHERE job_id = ?1 ORDER BY id",
                         from, to);
  r.artifactsCopied += run(c,
                           "INSERT INTO main.artifacts(job_id, kind, name, bytes, size, created_at) SELECT ?2, kind, "
                           "name, bytes, size, created_at FROM src.artifacts WHERE job_id = ?1",
                           from, to);
  r.evaluationsAdded += run(c,
                            "INSERT INTO main.evaluations(arch_id, job_id, source, dataset, metric, value, created_at) "
                            "SELECT " + mapArch("e.arch_id") +
                                ", ?2, source, dataset, metric, value, created_at FROM src.evaluations e "
                                "WHERE job_id = ?1 ORDER BY id",
                            from, to);
}

void removeJobRows(store::Connection& c, JobId job) {
  for (const char* sql : {"DELETE FROM main.metrics WHERE job_id = ?1", "DELETE FROM main.job_log WHERE job_id = ?1",
                          "DELETE FROM main.samples WHERE job_id = ?1", "DELETE FROM main.artifacts WHERE job_id = ?1",
                          "DELETE FROM main.evaluations WHERE job_id = ?1"})
    run(c, sql, job);
}

}  // namespace

Workspace::MergeReport Workspace::mergeFrom(const std::string& fromPath) {
  if (d_->mode == Mode::ReadOnly) throw Error(ErrorCode::InvalidArgument, "cannot merge into a read-only workspace", d_->path);
  if (sameFile(fromPath, d_->path))
    throw Error(ErrorCode::InvalidArgument, "cannot merge a workspace into itself", fromPath);
  if (d_->txDepth > 0) throw Error(ErrorCode::Internal, "merge cannot run inside a transaction", d_->path);
  // Validates the other file (not found, not a workspace, too new, network file system) and
  // brings an older one to this schema; closed again before SQLite attaches it.
  openForReading(fromPath);

  {
    auto attach = d_->query("ATTACH DATABASE ?1 AS src");
    attach->bindText(1, fromPath);
    attach->run();
  }
  struct Detach {
    store::Connection& c;
    ~Detach() {
      c.cache.clear();  // statements naming src must go before the detach
      try {
        c.exec("DETACH DATABASE src", "detaching the merged workspace");
      } catch (const std::exception&) {
        // Nothing to do: the connection closes with the workspace.
      }
    }
  } detach{*d_};

  MergeReport r;
  d_->transaction([&] {
    store::Connection& c = *d_;
    r.architecturesAdded = run(c,
                               "INSERT INTO main.architectures(space, canonical, flops, params, created_at) "
                               "SELECT space, canonical, flops, params, created_at FROM src.architectures s "
                               "WHERE NOT EXISTS (SELECT 1 FROM main.architectures m WHERE m.space = s.space AND "
                               "m.canonical = s.canonical) ORDER BY id");

    struct SrcJob {
      JobId id;
      std::string uid;
      double updatedAt;
    };
    std::vector<SrcJob> jobs;
    {
      auto q = c.query("SELECT id, uid, updated_at FROM src.jobs ORDER BY id");
      while (q->step()) jobs.push_back({q->intAt(0), q->textAt(1), q->realAt(2)});
    }
    for (const SrcJob& j : jobs) {
      std::optional<std::pair<JobId, double>> here;
      {
        auto q = c.query("SELECT id, updated_at FROM main.jobs WHERE uid = ?1");
        q->bindText(1, j.uid);
        if (q->step()) here = std::make_pair(q->intAt(0), q->realAt(1));
      }
      if (!here) {
        run(c, std::string("INSERT INTO main.jobs(") + kJobCopyColumns + ") SELECT " + kJobCopyColumns +
                   " FROM src.jobs WHERE id = ?1",
            j.id);
        copyJobRows(c, j.id, c.lastInsertId(), r);
        ++r.jobsAdded;
      } else if (here->second < j.updatedAt) {
        // The other copy went on after an earlier merge: it replaces this one.
        run(c, std::string("UPDATE main.jobs SET (") + kJobCopyColumns + ") = (SELECT " + kJobCopyColumns +
                   " FROM src.jobs WHERE id = ?1) WHERE id = ?2",
            j.id, here->first);
        removeJobRows(c, here->first);
        copyJobRows(c, j.id, here->first, r);
        ++r.jobsUpdated;
      } else {
        ++r.jobsUnchanged;
      }
    }
    // Evaluations that belong to no job (imported tables, say): added unless an identical one
    // is here. `IS` compares NULL (a NaN value) as equal.
    r.evaluationsAdded += run(c,
                              "INSERT INTO main.evaluations(arch_id, job_id, source, dataset, metric, value, created_at) "
                              "SELECT " + mapArch("e.arch_id") +
                                  ", NULL, source, dataset, metric, value, created_at FROM src.evaluations e "
                                  "WHERE e.job_id IS NULL AND NOT EXISTS (SELECT 1 FROM main.evaluations m WHERE "
                                  "m.job_id IS NULL AND m.arch_id = " + mapArch("e.arch_id") +
                                  " AND m.source = e.source AND m.dataset = e.dataset AND m.metric = e.metric AND "
                                  "m.value IS e.value AND m.created_at = e.created_at) ORDER BY e.id");
  });
  return r;
}

}  // namespace nas
