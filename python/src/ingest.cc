// python/src/ingest.cc: bindings of the ingest module: ModelBuilder.add_traces() and
// ModelBuilder.add_topology().
//
// Each input call returns plain data, one dict per file read (add_traces: the files and
// the summary of the stream); faultline.ModelBuilder wraps it in a report object
// (python/faultline/_reports.py).
#include "ingest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "absl/strings/str_cat.h"
#include "convert.h"
#include "faultline/io/source.h"
#include "faultline/ingest/topology.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/ingest/traces.h"
#include "faultline/model/model_builder.h"
#include "io.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

// --- reports -----------------------------------------------------------------------------

py::dict TopologyReportToDict(const TopologyReport& r, const std::string& source) {
  py::dict d;
  d["source"] = source;
  d["subgraph"] = r.subgraph;
  d["services"] = r.services;
  d["entities"] = r.entities;
  d["edges"] = r.edges;
  d["implicit_zones"] = r.implicit_zones;
  d["warnings"] = r.warnings;
  return d;
}

py::dict TraceReportToDict(const TraceReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(TraceFormatName(r.format));
  d["spans_read"] = r.spans_read;
  d["spans_accepted"] = r.spans_accepted;
  d["rejected"] = CountsToPy(r.rejected);
  d["errors"] = r.errors;
  return d;
}

py::dict SummaryToDict(const TraceSummary& s) {
  py::dict d;
  d["traces"] = s.traces;
  d["spans"] = s.spans;
  d["paired_calls"] = s.paired_calls;
  d["unkinded_calls"] = s.unkinded_calls;
  d["link_edges"] = s.link_edges;
  d["virtual_peers"] = s.virtual_peers;
  d["unpaired_client_spans"] = s.unpaired_client_spans;
  d["orphan_spans"] = s.orphan_spans;
  d["clock_skew_adjusted"] = s.clock_skew_adjusted;
  d["duplicate_spans"] = s.duplicate_spans;
  d["split_traces"] = s.split_traces;
  d["dropped_links"] = s.dropped_links;
  d["unresolved_links"] = s.unresolved_links;
  d["capped_operation_spans"] = s.capped_operation_spans;
  return d;
}

// --- options -----------------------------------------------------------------------------

TimeUnit ParseUnit(const std::string& unit, const char* key) {
  if (unit == "ns") return TimeUnit::kNanoseconds;
  if (unit == "us" || unit == "µs") return TimeUnit::kMicroseconds;
  if (unit == "ms") return TimeUnit::kMilliseconds;
  if (unit == "s") return TimeUnit::kSeconds;
  throw py::value_error(absl::StrCat("mapping['", key, "']: unknown time unit '", unit,
                                     "'; expected ns, us, ms or s"));
}

// Applies a dict of CsvMapping fields (column names, units, root_parent_value) to `m`.
void ApplyMapping(const py::dict& mapping, CsvMapping& m) {
  for (const auto& [k, v] : mapping) {
    const std::string key = py::str(k);
    const std::string value = v.is_none() ? std::string() : std::string(py::str(v));
    if (key == "trace_id") m.trace_id = value;
    else if (key == "span_id") m.span_id = value;
    else if (key == "parent_span_id") m.parent_span_id = value;
    else if (key == "service") m.service = value;
    else if (key == "pod") m.pod = value;
    else if (key == "operation") m.operation = value;
    else if (key == "start") m.start = value;
    else if (key == "end") m.end = value;
    else if (key == "duration") m.duration = value;
    else if (key == "kind") m.kind = value;
    else if (key == "status") m.status = value;
    else if (key == "root_parent_value") m.root_parent_value = value;
    else if (key == "start_unit") m.start_unit = ParseUnit(value, "start_unit");
    else if (key == "duration_unit") m.duration_unit = ParseUnit(value, "duration_unit");
    else
      throw py::value_error(absl::StrCat(
          "mapping: unknown key '", key, "'; expected trace_id, span_id, parent_span_id, "
          "service, pod, operation, start, end, duration, kind, status, root_parent_value, "
          "start_unit, duration_unit"));
  }
}

}  // namespace

void RegisterIngest(py::module_& m) {
  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "add_topology",
      [](ModelBuilder& b, const py::object& sources, const py::object& subgraph,
         const py::object& name) {
        const std::size_t count = SourceCount(sources);
        const auto subgraphs = PerSource(subgraph, count, "subgraph");
        const std::vector<InputSource> inputs =
            SourcesFromPy(sources, PerSource(name, count, "name"));
        py::list files;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const InputSource& input = inputs[i];
          TopologyOptions options;
          if (subgraphs[i]) options.subgraph = *subgraphs[i];
          TopologyReport report;
          {
            py::gil_scoped_release release;
            report = ValueOrThrow(AddTopology(b, input, options));
          }
          files.append(TopologyReportToDict(report, input.name()));
        }
        return files;
      },
      py::arg("source"), py::arg("subgraph") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads topology JSON documents, each replacing its subgraph.

`source` is a path, the document's bytes (`name` names them in errors), or a list of
them; `subgraph` and `name` are then lists with one value (or None) per source. A
subgraph defaults to "topology/" + the document's name (or the file's stem). Returns one
dict per source: source, subgraph, services, entities, edges, implicit_zones, warnings.)doc");

  builder.def(
      "add_traces",
      [](ModelBuilder& b, const py::object& sources, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<std::string> environment,
         std::optional<double> pairing_horizon_s, bool operations, bool placement,
         std::optional<std::string> name, std::optional<double> retention_s,
         std::optional<std::size_t> max_operations_per_service) {
        TraceOptions options;
        if (format) {
          options.format = ValueOrThrow(ParseTraceFormat(*format, &options.csv));
        }
        if (mapping) {
          if (options.format == TraceFormat::kAuto) options.format = TraceFormat::kCsv;
          ApplyMapping(*mapping, options.csv);
        }
        if (environment) options.environment = *environment;
        if (pairing_horizon_s) {
          options.pairing_horizon_ns = static_cast<std::int64_t>(*pairing_horizon_s * 1e9);
        }
        options.operations = operations;
        options.placement = placement;
        if (retention_s) options.retention_ns = static_cast<std::int64_t>(*retention_s * 1e9);
        if (max_operations_per_service) {
          options.max_operations_per_service = *max_operations_per_service;
        }
        const std::vector<InputSource> inputs =
            SourcesFromPy(sources, std::vector(SourceCount(sources), name));
        TraceBatchReport batch;
        {
          py::gil_scoped_release release;
          batch = ValueOrThrow(AddTraces(b, inputs, options));
        }
        const std::vector<TraceReport>& reports = batch.files;
        const TraceSummary& summary = batch.summary;
        py::list files;
        for (const TraceReport& r : reports) files.append(TraceReportToDict(r));
        py::dict out;
        out["files"] = files;
        out["summary"] = SummaryToDict(summary);
        return out;
      },
      py::arg("source"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("environment") = py::none(), py::arg("pairing_horizon_s") = py::none(),
      py::arg("operations") = true, py::arg("placement") = true, py::arg("name") = py::none(),
      py::arg("retention_s") = py::none(), py::arg("max_operations_per_service") = py::none(),
      R"doc(Reads trace files (or bytes) into the "traces/ENV" subgraphs.

`source` is a path, bytes, or a list of them read as one stream (traces may span files).
`format`: None (detect), "otlp-proto", "otlp-json", "jaeger", "zipkin", "csv", "nezha" or
"rcaeval"; gzip and zstd are read transparently. `mapping` names CSV columns (keys of
CsvMapping: trace_id, span_id, parent_span_id, service, pod, operation, start, end,
duration, kind, status, root_parent_value, start_unit/duration_unit in ns/us/ms/s).
`retention_s` drops statistics buckets older than that, behind the newest span, while
reading (None keeps every bucket). Span names become operations with identifiers in their
paths replaced by "{id}"; beyond `max_operations_per_service` names (default 1000) a
service's further names count as "(other)".

Returns {"files": [one dict per source: source, format, spans_read, spans_accepted,
rejected (reason -> count), errors (the first few, with file and line or offset)],
"summary": what the traces became}.)doc");
}

}  // namespace faultline::python
