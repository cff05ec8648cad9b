// python/src/snapshot_columns.h
//
// A Snapshot as columns for pandas: one list or numpy array per column, one row per
// entity, edge or subgraph (Snapshot._entity_columns() and friends), and the statistics
// window every statistics query uses.
#ifndef FAULTLINE_PYTHON_SRC_SNAPSHOT_COLUMNS_H_
#define FAULTLINE_PYTHON_SRC_SNAPSHOT_COLUMNS_H_

#include <cstdint>
#include <optional>

#include <pybind11/pybind11.h>

#include "faultline/model/snapshot.h"
#include "faultline/model/windowed_stats.h"

namespace faultline::python {

// Window(): the statistics of [begin_ns, end_ns), or of all buckets when both are unset.
BucketStats Window(const WindowedStats& stats, std::optional<std::int64_t> begin_ns,
                   std::optional<std::int64_t> end_ns);

// EntityColumns(): id, kind, subgraph (home) and attributes of every entity.
pybind11::dict EntityColumns(const Snapshot& snapshot);

// EdgeColumns(): source, target, kind, subgraph, link_set, link_rule, link_detail,
// source_index and target_index of every edge and, when the snapshot has statistics, the
// statistics over [begin_ns, end_ns) (computed without the GIL).
pybind11::dict EdgeColumns(const Snapshot& snapshot, std::optional<std::int64_t> begin_ns,
                           std::optional<std::int64_t> end_ns);

// SubgraphColumns(): id, kind, parent, version, members, edges and attributes of every
// subgraph.
pybind11::dict SubgraphColumns(const Snapshot& snapshot);

}  // namespace faultline::python

#endif  // FAULTLINE_PYTHON_SRC_SNAPSHOT_COLUMNS_H_
