// Pivoted read-only views over architectures and evaluations, for the architecture table
// (lazy, sorted, filtered) and the scatter plots. The SQL text is assembled only from fixed
// fragments chosen by name; every value (metric, space, filter) is a bound parameter.
#include <algorithm>

#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

// The sort key for an orderBy name; NULL (NaN) values sort last in both directions.
std::string orderFragment(const std::string& orderBy, bool descending, bool hasMetric, const std::string& path) {
  const char* dir = descending ? " DESC" : " ASC";
  std::string key;
  if (orderBy == "value")
    key = hasMetric ? std::string("m.v IS NULL, m.v") + dir : std::string("a.id") + dir;
  else if (orderBy == "flops")
    key = std::string("a.flops") + dir;
  else if (orderBy == "params")
    key = std::string("a.params") + dir;
  else if (orderBy == "canonical")
    key = std::string("a.canonical") + dir;
  else if (orderBy == "id")
    return std::string("a.id") + dir;
  else
    throw Error(ErrorCode::InvalidArgument,
                "cannot sort architectures by '" + orderBy + "' (use value, flops, params, canonical or id)", path);
  return key + ", a.id" + dir;  // ties in a stable order, so pages do not overlap
}

// LIKE pattern matching `text` literally anywhere in the string ('' when there is no filter).
std::string containsPattern(const std::string& text) {
  if (text.empty()) return {};
  std::string p = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') p += '\\';
    p += ch;
  }
  return p + "%";
}

// An evaluation (alias `e`) inside the scope bound as dataset ?D, job ?J.
std::string inScope(const std::string& e, int d, int j) {
  const std::string D = "?" + std::to_string(d), J = "?" + std::to_string(j);
  return "(" + D + " = '' OR " + e + ".dataset = " + D + ") AND (" + J + " = 0 OR " + e + ".job_id = " + J + ")";
}

// The architecture `a` has an evaluation in the scope (always true without one).
std::string hasScopedEvaluation(int d, int j) {
  const std::string D = "?" + std::to_string(d), J = "?" + std::to_string(j);
  return "((" + D + " = '' AND " + J + " = 0) OR EXISTS (SELECT 1 FROM evaluations AS s WHERE s.arch_id = a.id AND " +
         inScope("s", d, j) + "))";
}

// FROM/WHERE shared by the rows and the count. ?1 metric, ?2 space, ?3 LIKE pattern,
// ?6 dataset, ?7 job (?4, ?5: the rows' LIMIT and OFFSET).
std::string fromWhere(bool hasMetric) {
  std::string from = hasMetric
                         ? "FROM (SELECT arch_id, MAX(value) AS v FROM evaluations AS e WHERE metric = ?1 AND " +
                               inScope("e", 6, 7) +
                               " GROUP BY arch_id) AS m "
                               "JOIN architectures AS a ON a.id = m.arch_id "
                         : std::string("FROM architectures AS a ");
  return from + "WHERE (?2 = '' OR a.space = ?2) AND (?3 = '' OR a.canonical LIKE ?3 ESCAPE '\\') AND " +
         hasScopedEvaluation(6, 7) + " ";
}

void bindFilters(store::Statement& s, const std::string& metric, const std::string& space, const std::string& like,
                 const Workspace::EvalScope& scope) {
  if (!metric.empty()) s.bindText(1, metric);
  s.bindText(2, space);
  s.bindText(3, containsPattern(like));
  s.bindText(6, scope.dataset);
  s.bindInt(7, scope.job);
}

// One operand of a scatter view: an architecture column, an evaluation metric, or nothing.
struct Operand {
  enum Kind { None, Column, Metric } kind = None;
  std::string sql;  // fixed fragment: "a.flops", "a.params", "e.m1", "NULL"
};

}  // namespace

std::vector<ArchMetricRow> Workspace::archMetricRows(const std::string& metric, const std::string& space,
                                                     const std::string& orderBy, bool descending, std::int64_t limit,
                                                     std::int64_t offset, const std::string& canonicalLike,
                                                     const EvalScope& scope) const {
  const bool hasMetric = !metric.empty();
  const std::string sql = std::string("SELECT a.id, a.canonical, a.flops, a.params, ") + (hasMetric ? "m.v " : "NULL ") +
                          fromWhere(hasMetric) + "ORDER BY " + orderFragment(orderBy, descending, hasMetric, d_->path) +
                          " LIMIT ?4 OFFSET ?5";
  auto q = d_->query(sql);
  bindFilters(*q, metric, space, canonicalLike, scope);
  q->bindInt(4, limit < 0 ? -1 : limit);  // SQLite: a negative LIMIT means no limit
  q->bindInt(5, offset < 0 ? 0 : offset);
  std::vector<ArchMetricRow> out;
  while (q->step()) {
    ArchMetricRow r;
    r.archId = q->intAt(0);
    r.canonical = q->textAt(1);
    r.flops = q->realAt(2);
    r.params = q->intAt(3);
    r.value = q->realAt(4);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t Workspace::archMetricRowCount(const std::string& metric, const std::string& space,
                                           const std::string& canonicalLike, const EvalScope& scope) const {
  auto q = d_->query("SELECT count(*) " + fromWhere(!metric.empty()));
  bindFilters(*q, metric, space, canonicalLike, scope);
  q->step();
  return q->intAt(0);
}

std::vector<Workspace::ArchPoint> Workspace::archPoints(const std::string& x, const std::string& y,
                                                        const std::string& color, const std::string& space,
                                                        const EvalScope& scope, const std::string& canonicalLike) const {
  if (x.empty() || y.empty())
    throw Error(ErrorCode::InvalidArgument, "a scatter view needs both an x and a y metric", d_->path);

  // Distinct metric names become parameters ?1..?3 and aggregate columns e.m1..e.m3.
  std::vector<std::string> metrics;
  auto operand = [&](const std::string& name) {
    if (name.empty()) return Operand{Operand::None, "NULL"};
    if (name == "flops" || name == "params") return Operand{Operand::Column, "a." + name};
    std::size_t i = 0;
    while (i < metrics.size() && metrics[i] != name) ++i;
    if (i == metrics.size()) metrics.push_back(name);
    return Operand{Operand::Metric, "e.m" + std::to_string(i + 1)};
  };
  const Operand ox = operand(x), oy = operand(y), oc = operand(color);

  std::string sql = "SELECT a.id, " + ox.sql + ", " + oy.sql + ", " + oc.sql + " FROM architectures AS a ";
  if (!metrics.empty()) {
    // One pass over the evaluations of the wanted metrics (through the (metric, arch_id,
    // value) index), pivoted by conditional aggregation, then joined by primary key.
    std::string cols, in;
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const std::string p = "?" + std::to_string(i + 1);
      cols += ", MAX(CASE WHEN metric = " + p + " THEN value END) AS m" + std::to_string(i + 1);
      in += (i ? ", " : "") + p;
    }
    // Inner join when x or y is a metric (points need both); LEFT when only the color is.
    const bool needRow = ox.kind == Operand::Metric || oy.kind == Operand::Metric;
    sql += std::string(needRow ? "JOIN " : "LEFT JOIN ") + "(SELECT arch_id" + cols +
           " FROM evaluations AS v WHERE metric IN (" + in + ") AND " + inScope("v", 5, 6) +
           " GROUP BY arch_id) AS e ON e.arch_id = a.id ";
  }
  sql += "WHERE (?4 = '' OR a.space = ?4) AND (?7 = '' OR a.canonical LIKE ?7 ESCAPE '\\') AND " +
         hasScopedEvaluation(5, 6) + " AND " + ox.sql + " IS NOT NULL AND " + oy.sql + " IS NOT NULL";

  auto q = d_->query(sql);
  for (std::size_t i = 0; i < metrics.size(); ++i) q->bindText(static_cast<int>(i + 1), metrics[i]);
  q->bindText(4, space);
  q->bindText(5, scope.dataset);
  q->bindInt(6, scope.job);
  q->bindText(7, containsPattern(canonicalLike));
  std::vector<ArchPoint> out;
  while (q->step()) out.push_back(ArchPoint{q->intAt(0), q->realAt(1), q->realAt(2), q->realAt(3)});
  // Ordered by id for callers that diff or select by index. The rows nearly always arrive
  // in id order already (the aggregate is grouped by arch_id), so checking and, rarely,
  // sorting here is cheaper than an ORDER BY, which makes SQLite sort through a temp b-tree.
  auto byId = [](const ArchPoint& l, const ArchPoint& r) { return l.id < r.id; };
  if (!std::is_sorted(out.begin(), out.end(), byId)) std::sort(out.begin(), out.end(), byId);
  return out;
}

std::vector<std::string> Workspace::evaluationDatasets() const {
  auto q = d_->query("SELECT DISTINCT dataset FROM evaluations ORDER BY dataset");
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->textAt(0));
  return out;
}

std::vector<JobId> Workspace::evaluationJobs() const {
  auto q = d_->query("SELECT DISTINCT job_id FROM evaluations WHERE job_id IS NOT NULL ORDER BY job_id");
  std::vector<JobId> out;
  while (q->step()) out.push_back(q->intAt(0));
  return out;
}

}  // namespace nas
