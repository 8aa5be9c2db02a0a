#pragma once
// Where the agnet job's values come from (param `source`): the table is wired here; the
// supernet and scratch sources come from the ml room's torch-free factory (see the marked
// place in AgnetJobSource.cpp).
#include <memory>
#include <optional>
#include <string>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "search/QuerySearch.h"
#include "search/TabularBenchmark.h"

namespace nas {
class DistGroup;
class DistributedPhases;
class JobContext;
class Workspace;
}

namespace nas::agnet {

struct JobSource {
  std::unique_ptr<QuerySource> source;
  std::shared_ptr<const TabularBenchmark> table;  // source=table only
  std::string tablePath;                          // source=table only
  bool cheap = false;  // a query costs microseconds: a resumed job may simply replay it
  // source=table: the search and report columns and, in words, the protocol they make
  // (whether it is the paper's: search on validation, report test).
  std::string signalColumn, reportColumn, protocol;
};

// The source the job's resolved params ask for. InvalidArgument names an unknown source; a
// table's or data set's load errors pass through. source=table: the search reads
// `signal_column` (empty: the table's validation column, else the report column) and results
// report `report_column` of the best-by-signal cell; NotFound names a column the table lacks. source=supernet trains the supernet first
// (progress and cancel through ctx; its checkpoint and final state are artifacts of the job,
// kind "checkpoint" / "model", name "supernet", so a killed job resumes its training), or
// takes the state of job `supernet_from_job`. In a data-parallel job (`phases` with a group),
// the supernet's training is the one phase every rank runs (followAgnetJob); the sources'
// networks run on params' `device` (train/Device.h's rule).
JobSource makeJobSource(const Json& params, JobContext& ctx, DistributedPhases* phases = nullptr);

// A rank > 0's part of an agnet job (AgnetMethod::followDataParallelPhase): trains its share of
// the supernet announced by rank 0.
void followAgnetJob(const Json& message, const std::shared_ptr<DistGroup>& group);

// The objectives for `source` from params objective2 / limit / latency_profile (latency
// needs the workspace's device profile; NotFound says how to measure one). Sets
// `latencyProfile` to the profile used, if any.
SearchObjectives makeJobObjectives(const JobSource& source, const Json& params, const Workspace& ws,
                                   std::string& latencyProfile);

// The hypervolume box: the table's bounds for a table; none (the queried range) otherwise.
std::optional<ParetoBounds> jobParetoBounds(const JobSource& source, const SearchObjectives& objectives);

}  // namespace nas::agnet
