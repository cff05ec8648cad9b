// python/src/signals.cc: bindings of faultline/signals (see signals.h).
#include "signals.h"

#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "faultline/model/edge.h"
#include "faultline/model/snapshot.h"
#include "faultline/signals/trace_signals.h"
#include "convert.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

template <typename T, typename F>
py::array_t<T> Column(const std::vector<EntityAnomaly>& rows, F field) {
  py::array_t<T> out(static_cast<py::ssize_t>(rows.size()));
  auto view = out.template mutable_unchecked<1>();
  for (std::size_t i = 0; i < rows.size(); ++i) view(static_cast<py::ssize_t>(i)) = field(rows[i]);
  return out;
}

}  // namespace

void RegisterSignals(py::module_& m) {
  m.def(
      "trace_anomalies",
      [](const Snapshot& snapshot, std::int64_t begin_ns, std::int64_t end_ns,
         std::int64_t baseline_begin_ns, std::int64_t baseline_end_ns) {
        std::vector<EntityAnomaly> rows;
        {
          py::gil_scoped_release release;
          rows = ScoreEntities(snapshot, {begin_ns, end_ns},
                               {baseline_begin_ns, baseline_end_ns});
        }
        py::list entity, kind;
        for (const EntityAnomaly& a : rows) {
          entity.append(py::str(std::string(snapshot.EntityIdString(a.entity))));
          kind.append(py::str(std::string(EntityKindName(snapshot.Kind(a.entity)))));
        }
        py::dict out;
        out["entity"] = entity;
        out["kind"] = kind;
        out["score"] = Column<double>(rows, [](const EntityAnomaly& a) { return a.score; });
        out["requests"] =
            Column<std::uint64_t>(rows, [](const EntityAnomaly& a) { return a.window.requests; });
        out["error_rate"] =
            Column<double>(rows, [](const EntityAnomaly& a) { return a.window.error_rate; });
        out["latency_p90_ms"] =
            Column<double>(rows, [](const EntityAnomaly& a) { return a.window.latency_p90_ms; });
        out["self_time_p50_ms"] = Column<double>(
            rows, [](const EntityAnomaly& a) { return a.window.self_time_p50_ms; });
        out["baseline_requests"] = Column<std::uint64_t>(
            rows, [](const EntityAnomaly& a) { return a.baseline.requests; });
        out["baseline_error_rate"] =
            Column<double>(rows, [](const EntityAnomaly& a) { return a.baseline.error_rate; });
        out["baseline_latency_p90_ms"] = Column<double>(
            rows, [](const EntityAnomaly& a) { return a.baseline.latency_p90_ms; });
        out["baseline_self_time_p50_ms"] = Column<double>(
            rows, [](const EntityAnomaly& a) { return a.baseline.self_time_p50_ms; });
        return out;
      },
      py::arg("snapshot"), py::arg("begin_ns"), py::arg("end_ns"), py::arg("baseline_begin_ns"),
      py::arg("baseline_end_ns"),
      "Trace anomaly of every entity with statistics in [begin_ns, end_ns) against "
      "[baseline_begin_ns, baseline_end_ns), as columns (see signals/trace_signals.h).");
  m.def(
      "edge_propagation",
      [](const std::string& kind) {
        const Propagation p = PropagationOf(ParseEdgeKindOrThrow(kind));
        py::dict out;
        out["errors"] = p.errors;
        out["latency"] = p.latency;
        out["backlog"] = p.backlog;
        out["availability"] = p.availability;
        out["configuration"] = p.configuration;
        out["weighted_by_traffic"] = p.weighted_by_traffic;
        out["propagates"] = Propagates(ParseEdgeKindOrThrow(kind));
        return out;
      },
      py::arg("kind"),
      "What a fault of the dependency does to the dependent across an edge of `kind`.");
}

}  // namespace faultline::python
