// python/src/snapshot_columns.cc: a Snapshot as columns for pandas.
#include "snapshot_columns.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "convert.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

template <typename T>
py::array_t<T> ToArray(const std::vector<T>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  if (!values.empty()) std::memcpy(out.mutable_data(), values.data(), values.size() * sizeof(T));
  return out;
}

// One Python str per distinct kind and subgraph name, shared by every row.
struct NameCache {
  explicit NameCache(const Snapshot& snapshot) {
    for (int k = 0; k < kEntityKindCount; ++k) {
      entity_kinds.push_back(ToPy(EntityKindName(static_cast<EntityKind>(k))));
    }
    for (int k = 0; k < kEdgeKindCount; ++k) {
      edge_kinds.push_back(ToPy(EdgeKindName(static_cast<EdgeKind>(k))));
    }
    for (SubgraphId s = 0; s < snapshot.subgraph_count(); ++s) {
      subgraphs.push_back(ToPy(snapshot.Subgraph(s).name));
    }
  }
  py::object Subgraph(SubgraphId s) const {
    if (s == kNoSubgraph || s >= subgraphs.size()) return py::none();
    return subgraphs[s];
  }
  std::vector<py::object> entity_kinds;
  std::vector<py::object> edge_kinds;
  std::vector<py::object> subgraphs;
};

// Per-edge statistics, computed without the GIL.
struct EdgeStatColumns {
  std::vector<std::uint64_t> requests, errors;
  std::vector<double> error_rate, p50_ms, p99_ms, mean_ms, client_p50_ms, client_p99_ms;
};

EdgeStatColumns ComputeEdgeStats(const Snapshot& snapshot, std::optional<std::int64_t> begin_ns,
                                 std::optional<std::int64_t> end_ns) {
  const std::size_t n = snapshot.edge_count();
  EdgeStatColumns c;
  c.requests.assign(n, 0);
  c.errors.assign(n, 0);
  c.error_rate.assign(n, kNan);
  c.p50_ms.assign(n, kNan);
  c.p99_ms.assign(n, kNan);
  c.mean_ms.assign(n, kNan);
  c.client_p50_ms.assign(n, kNan);
  c.client_p99_ms.assign(n, kNan);
  for (EdgeIndex e = 0; e < n; ++e) {
    const WindowedStats* stats = snapshot.EdgeStats(e);
    if (stats == nullptr) continue;
    BucketStats b = Window(*stats, begin_ns, end_ns);
    c.requests[e] = b.requests;
    c.errors[e] = b.errors;
    if (b.requests > 0) c.error_rate[e] = b.error_rate();
    if (!b.latency.empty()) {
      c.p50_ms[e] = b.latency.Quantile(0.5) / 1e6;
      c.p99_ms[e] = b.latency.Quantile(0.99) / 1e6;
      c.mean_ms[e] = b.latency.mean_ns() / 1e6;
    }
    if (!b.client_latency.empty()) {
      c.client_p50_ms[e] = b.client_latency.Quantile(0.5) / 1e6;
      c.client_p99_ms[e] = b.client_latency.Quantile(0.99) / 1e6;
    }
  }
  return c;
}

}  // namespace

BucketStats Window(const WindowedStats& stats, std::optional<std::int64_t> begin_ns,
                   std::optional<std::int64_t> end_ns) {
  if (!begin_ns && !end_ns) return stats.Total();
  return stats.Aggregate(begin_ns.value_or(std::numeric_limits<std::int64_t>::min()),
                         end_ns.value_or(std::numeric_limits<std::int64_t>::max()));
}

py::dict EntityColumns(const Snapshot& snapshot) {
  const std::size_t n = snapshot.entity_count();
  NameCache names(snapshot);
  py::list id(n), kind(n), subgraph(n), attributes(n);
  for (EntityId e = 0; e < n; ++e) {
    id[e] = ToPy(snapshot.EntityIdString(e));
    kind[e] = names.entity_kinds[static_cast<int>(snapshot.Kind(e))];
    subgraph[e] = names.Subgraph(snapshot.HomeSubgraph(e));
    attributes[e] = AttributesToPy(snapshot.EntityAttributes(e));
  }
  py::dict out;
  out["id"] = id;
  out["kind"] = kind;
  out["subgraph"] = subgraph;
  out["attributes"] = attributes;
  return out;
}

py::dict EdgeColumns(const Snapshot& snapshot, std::optional<std::int64_t> begin_ns,
                     std::optional<std::int64_t> end_ns) {
  const std::size_t n = snapshot.edge_count();
  NameCache names(snapshot);
  py::list source(n), target(n), kind(n), subgraph(n), link_set(n), link_rule(n),
      link_detail(n);
  std::vector<std::uint32_t> source_index(n), target_index(n);
  for (EdgeIndex e = 0; e < n; ++e) {
    EdgeView v = snapshot.Edge(e);
    source_index[e] = v.source;
    target_index[e] = v.target;
    source[e] = ToPy(snapshot.EntityIdString(v.source));
    target[e] = ToPy(snapshot.EntityIdString(v.target));
    kind[e] = names.edge_kinds[static_cast<int>(v.kind)];
    subgraph[e] = names.Subgraph(v.subgraph);
    std::optional<CrossLinkInfo> link = snapshot.CrossLinkOf(e);
    if (link) {
      link_set[e] = ToPy(link->link_set);
      link_rule[e] = ToPy(link->rule);
      link_detail[e] = ToPy(link->detail);
    } else {
      link_set[e] = py::none();
      link_rule[e] = py::none();
      link_detail[e] = py::none();
    }
  }
  py::dict out;
  out["source"] = source;
  out["target"] = target;
  out["kind"] = kind;
  out["subgraph"] = subgraph;
  out["link_set"] = link_set;
  out["link_rule"] = link_rule;
  out["link_detail"] = link_detail;
  out["source_index"] = ToArray(source_index);
  out["target_index"] = ToArray(target_index);
  if (snapshot.has_statistics()) {
    EdgeStatColumns c;
    {
      py::gil_scoped_release release;
      c = ComputeEdgeStats(snapshot, begin_ns, end_ns);
    }
    out["requests"] = ToArray(c.requests);
    out["errors"] = ToArray(c.errors);
    out["error_rate"] = ToArray(c.error_rate);
    out["latency_p50_ms"] = ToArray(c.p50_ms);
    out["latency_p99_ms"] = ToArray(c.p99_ms);
    out["latency_mean_ms"] = ToArray(c.mean_ms);
    out["client_latency_p50_ms"] = ToArray(c.client_p50_ms);
    out["client_latency_p99_ms"] = ToArray(c.client_p99_ms);
  }
  return out;
}

py::dict SubgraphColumns(const Snapshot& snapshot) {
  const std::size_t n = snapshot.subgraph_count();
  std::vector<std::uint64_t> edge_counts(n, 0);
  {
    py::gil_scoped_release release;
    for (EdgeIndex e = 0; e < snapshot.edge_count(); ++e) {
      SubgraphId s = snapshot.EdgeSubgraph(e);
      if (s != kNoSubgraph && s < n) ++edge_counts[s];
    }
  }
  NameCache names(snapshot);
  py::list id(n), kind(n), parent(n), attributes(n);
  std::vector<std::uint64_t> version(n), members(n);
  for (SubgraphId s = 0; s < n; ++s) {
    SubgraphInfo info = snapshot.Subgraph(s);
    id[s] = names.subgraphs[s];
    kind[s] = ToPy(info.kind);
    parent[s] = names.Subgraph(info.parent);
    version[s] = info.version;
    members[s] = snapshot.SubgraphMembers(s).size();
    attributes[s] = info.attributes ? AttributesToPy(*info.attributes) : py::dict();
  }
  py::dict out;
  out["id"] = id;
  out["kind"] = kind;
  out["parent"] = parent;
  out["version"] = ToArray(version);
  out["members"] = ToArray(members);
  out["edges"] = ToArray(edge_counts);
  out["attributes"] = attributes;
  return out;
}

}  // namespace faultline::python
