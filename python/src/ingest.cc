// python/src/ingest.cc: bindings of the ingesters.
#include "ingest.h"

#include <optional>
#include <string>
#include <utility>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "absl/strings/str_cat.h"
#include "faultline/io/source.h"
#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_plan.h"
#include "faultline/ingest/topology.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/ingest/traces.h"
#include "faultline/model/model_builder.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

// An InputSource from bytes (named `name`) or from a str / os.PathLike path.
InputSource SourceFromPy(const py::object& source, const std::optional<std::string>& name) {
  if (py::isinstance<py::bytes>(source) || py::isinstance<py::bytearray>(source)) {
    std::string bytes = py::isinstance<py::bytes>(source)
                            ? source.cast<std::string>()
                            : std::string(py::reinterpret_borrow<py::bytearray>(source));
    return InputSource::FromBytes(std::move(bytes), name.value_or("<bytes>"));
  }
  py::object path = py::module_::import("os").attr("fspath")(source);
  if (!py::isinstance<py::str>(path)) {
    throw py::type_error("source must be bytes, str or os.PathLike[str]");
  }
  return InputSource::FromFile(path.cast<std::string>());
}

py::dict ReportToDict(const TopologyReport& r) {
  py::dict d;
  d["subgraph"] = r.subgraph;
  d["services"] = r.services;
  d["entities"] = r.entities;
  d["edges"] = r.edges;
  d["implicit_zones"] = r.implicit_zones;
  d["warnings"] = r.warnings;
  return d;
}

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

py::dict TraceReportToDict(const TraceReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(TraceFormatName(r.format));
  d["spans_read"] = r.spans_read;
  d["spans_accepted"] = r.spans_accepted;
  py::dict rejected;
  for (const auto& [reason, count] : r.rejected) rejected[py::str(reason)] = count;
  d["rejected"] = rejected;
  d["errors"] = r.errors;
  return d;
}

py::dict TerraformReportToDict(const TerraformReport& r) {
  py::dict d;
  d["stack"] = r.stack;
  d["subgraph"] = r.subgraph;
  d["serial"] = r.serial;
  d["previous_serial"] = r.previous_serial;
  d["resources"] = r.resources;
  d["data_sources"] = r.data_sources;
  d["instances"] = r.instances;
  d["modules"] = r.modules;
  d["dependency_edges"] = r.dependency_edges;
  d["transitive_dependencies_removed"] = r.transitive_dependencies_removed;
  d["placement_edges"] = r.placement_edges;
  d["remote_state_links"] = r.remote_state_links;
  d["dangling_dependencies"] = r.dangling_dependencies;
  d["unresolved_remote_states"] = r.unresolved_remote_states;
  py::list changes;
  for (const ResourceChange& c : r.changes) {
    py::dict change;
    change["kind"] = c.kind == ResourceChange::Kind::kAdded     ? "added"
                     : c.kind == ResourceChange::Kind::kRemoved ? "removed"
                                                                : "changed";
    change["address"] = c.address;
    change["attributes"] = c.attributes;
    changes.append(change);
  }
  d["changes"] = changes;
  d["attributes_dropped"] = r.attributes_dropped;
  d["sensitive_attributes_dropped"] = r.sensitive_attributes_dropped;
  d["warnings"] = r.warnings;
  return d;
}

py::dict TerraformPlanReportToDict(const TerraformPlanReport& r) {
  py::dict d;
  d["stack"] = r.stack;
  d["subgraph"] = r.subgraph;
  d["creates"] = r.creates;
  d["updates"] = r.updates;
  d["deletes"] = r.deletes;
  d["replaces"] = r.replaces;
  d["skipped"] = r.skipped;
  d["references_added"] = r.references_added;
  d["attributes_dropped"] = r.attributes_dropped;
  d["warnings"] = r.warnings;
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

}  // namespace

void RegisterIngest(py::module_& m) {
  py::class_<TopologyReport>(m, "TopologyReport", "What add_topology() read and built.")
      .def_readonly("subgraph", &TopologyReport::subgraph, "The subgraph id written.")
      .def_readonly("services", &TopologyReport::services)
      .def_readonly("entities", &TopologyReport::entities,
                    "Entities in the subgraph, all kinds.")
      .def_readonly("edges", &TopologyReport::edges, "Edges in the subgraph.")
      .def_readonly("implicit_zones", &TopologyReport::implicit_zones,
                    "Zones referenced without being declared.")
      .def_readonly("warnings", &TopologyReport::warnings, "Non-fatal findings.")
      .def("to_dict", &ReportToDict)
      .def("__repr__", [](const TopologyReport& r) {
        return absl::StrCat("<faultline.TopologyReport subgraph='", r.subgraph,
                            "' services=", r.services, " entities=", r.entities,
                            " edges=", r.edges, " warnings=", r.warnings.size(), ">");
      });

  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "add_topology",
      [](ModelBuilder& b, const py::object& source, std::optional<std::string> subgraph,
         std::optional<std::string> name) {
        InputSource input = SourceFromPy(source, name);
        TopologyOptions options;
        if (subgraph) options.subgraph = *subgraph;
        py::gil_scoped_release release;
        return ValueOrThrow(AddTopology(b, input, options));
      },
      py::arg("source"), py::arg("subgraph") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads a topology JSON document and replaces its subgraph with it.

`source` is a path or the document's bytes (`name` names them in errors). The subgraph
defaults to "topology/" + the document's name (or the file's stem).)doc");

  builder.def(
      "add_terraform_state",
      [](ModelBuilder& b, const py::object& source, std::optional<std::string> stack,
         std::optional<std::string> backend, std::optional<std::int64_t> seen_at_ns,
         std::optional<std::string> name) {
        InputSource input = SourceFromPy(source, name);
        TerraformOptions options;
        if (stack) options.stack = *stack;
        if (backend) options.backend = *backend;
        if (seen_at_ns) options.seen_at_ns = *seen_at_ns;
        TerraformReport report;
        {
          py::gil_scoped_release release;
          report = ValueOrThrow(AddTerraformState(b, input, options));
        }
        return TerraformReportToDict(report);
      },
      py::arg("source"), py::arg("stack") = py::none(), py::arg("backend") = py::none(),
      py::arg("seen_at_ns") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads a Terraform/OpenTofu state (raw v4 or `terraform show -json`) as the stack
subgraph "iac/<stack>" (default: the file's stem), replacing an earlier load of it.

`backend` is where the state is stored, as other stacks' terraform_remote_state read it
("s3://bucket/key", "gcs://bucket/prefix", ...), so those reads become links. Secrets never
enter the model. Returns what was built, including the changes since the previous serial.)doc");

  builder.def(
      "add_terraform_plan",
      [](ModelBuilder& b, const py::object& source, std::optional<std::string> stack,
         std::optional<std::string> name) {
        InputSource input = SourceFromPy(source, name);
        TerraformOptions options;
        if (stack) options.stack = *stack;
        TerraformPlanReport report;
        {
          py::gil_scoped_release release;
          report = ValueOrThrow(AddTerraformPlan(b, input, options));
        }
        return TerraformPlanReportToDict(report);
      },
      py::arg("source"), py::arg("stack") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads plan JSON (`terraform show -json PLANFILE`, format 1.x) for what-if analysis
as the subgraph "plan/<stack>" (default: the file's stem), replacing an earlier load of it.

Each planned create, update, delete or replacement becomes the stack's entity
"tf:<stack>:<address>" with attributes "plan.actions", "plan.changed" and the planned values;
the configuration's references between planned resources become depends_on edges. Secrets
never enter the model. Returns the counts of each kind of change.)doc");

  builder.def(
      "link_infrastructure",
      [](ModelBuilder& b) {
        LinkReport report;
        {
          py::gil_scoped_release release;
          report = LinkInfrastructure(b);
        }
        py::dict d;
        py::dict by_rule;
        for (const auto& [rule, count] : report.links_by_rule) by_rule[py::str(rule)] = count;
        d["links_by_rule"] = by_rule;
        d["unlinked_traced"] = report.unlinked_traced;
        d["unlinked_infrastructure"] = report.unlinked_infrastructure;
        return d;
      },
      R"doc(Links traced services, databases, queues and instances to the IaC resources that
serve them (rules: endpoint, k8s, label, queue, host; see include/faultline/iac/linker.h),
replacing earlier rule links. Returns links per rule and what stayed unlinked on both
sides.)doc");

  builder.def(
      "add_links",
      [](ModelBuilder& b, const py::object& links) {
        std::vector<MappingLink> out;
        if (py::isinstance<py::str>(links) || py::hasattr(links, "__fspath__")) {
          const std::string path = py::str(py::module_::import("os").attr("fspath")(links));
          out = ValueOrThrow(ReadLinkMapping(InputSource::FromFile(path)));
          ThrowIfError(AddLinks(b, out));
          return;
        }
        for (const py::handle& item : links) {
          const py::dict d = py::reinterpret_borrow<py::dict>(item);
          MappingLink l;
          l.from = d.contains("from") ? py::str(d["from"]).cast<std::string>() : "";
          l.to = d.contains("to") ? py::str(d["to"]).cast<std::string>() : "";
          if (d.contains("kind")) l.kind = py::str(d["kind"]).cast<std::string>();
          if (d.contains("detail")) l.detail = py::str(d["detail"]).cast<std::string>();
          out.push_back(std::move(l));
        }
        ThrowIfError(AddLinks(b, out));
      },
      py::arg("links"),
      R"doc(Explicit links for what rules cannot infer: a list of {"from": id, "to": id,
"kind": "runs_on" (default) | "uses" | ..., "detail": text}, or the path of a JSON file
holding such a list (or {"links": [...]}).)doc");

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
        std::vector<InputSource> inputs;
        const bool many = py::isinstance<py::list>(sources) || py::isinstance<py::tuple>(sources);
        if (many) {
          for (const py::handle& s : sources) {
            inputs.push_back(SourceFromPy(py::reinterpret_borrow<py::object>(s), name));
          }
        } else {
          inputs.push_back(SourceFromPy(sources, name));
        }
        TraceBatchReport batch;
        {
          py::gil_scoped_release release;
          batch = ValueOrThrow(AddTraces(b, inputs, options));
        }
        const std::vector<TraceReport>& reports = batch.files;
        const TraceSummary& summary = batch.summary;
        py::dict out = TraceReportToDict(reports.front());
        if (many) {
          py::list files;
          for (const TraceReport& r : reports) files.append(TraceReportToDict(r));
          out = py::dict();
          out["files"] = files;
        }
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

Returns the accounting: spans_read, spans_accepted, rejected (reason -> count), errors (the
first few, with file and line or offset), and a summary of what the traces became; for a
list, one such report per file under "files".)doc");
}

}  // namespace faultline::python
