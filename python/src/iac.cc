// python/src/iac.cc: bindings of the iac module: ModelBuilder.add_terraform_state(),
// add_terraform_plan(), link_infrastructure() and add_links(), and read_link_mapping().
//
// Each input call returns plain data, one dict per file read; faultline.ModelBuilder wraps
// it in a report object (python/faultline/_reports.py).
#include "iac.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "convert.h"
#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_plan.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "io.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

// --- reports -----------------------------------------------------------------------------

const char* ChangeKindName(ResourceChange::Kind kind) {
  switch (kind) {
    case ResourceChange::Kind::kAdded:
      return "added";
    case ResourceChange::Kind::kRemoved:
      return "removed";
    default:
      return "changed";
  }
}

py::dict TerraformReportToDict(const TerraformReport& r, const std::string& source) {
  py::dict d;
  d["source"] = source;
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
    change["kind"] = ChangeKindName(c.kind);
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

py::dict TerraformPlanReportToDict(const TerraformPlanReport& r, const std::string& source) {
  py::dict d;
  d["source"] = source;
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

py::dict LinkReportToDict(const LinkReport& r) {
  py::dict d;
  d["links_by_rule"] = CountsToPy(r.links_by_rule);
  d["unlinked_traced"] = r.unlinked_traced;
  d["unlinked_infrastructure"] = r.unlinked_infrastructure;
  return d;
}

py::dict MappingLinkToPy(const MappingLink& link) {
  py::dict d;
  d["from"] = link.from;
  d["to"] = link.to;
  d["kind"] = link.kind;
  d["detail"] = link.detail;
  return d;
}

// A MappingLink from a mapping with "from", "to" and optionally "kind" and "detail".
MappingLink MappingLinkFromPy(const py::handle& item) {
  if (!py::hasattr(item, "keys")) {
    throw py::type_error("links: expected a mapping with \"from\" and \"to\" per link");
  }
  const py::dict d(py::reinterpret_borrow<py::object>(item));
  MappingLink link;
  link.from = d.contains("from") ? py::str(d["from"]).cast<std::string>() : "";
  link.to = d.contains("to") ? py::str(d["to"]).cast<std::string>() : "";
  if (d.contains("kind")) link.kind = py::str(d["kind"]).cast<std::string>();
  if (d.contains("detail")) link.detail = py::str(d["detail"]).cast<std::string>();
  return link;
}

// Whether `links` is a list of links (mappings) rather than a source or a list of sources.
bool IsLinkList(const py::handle& links) {
  if (!IsSourceList(links)) return false;
  for (const py::handle& item : links) return py::hasattr(item, "keys");
  return true;  // an empty list adds no links
}

}  // namespace

void RegisterIac(py::module_& m) {
  m.def(
      "read_link_mapping",
      [](const py::object& source, std::optional<std::string> name) {
        const InputSource input = SourceFromPy(source, name);
        std::vector<MappingLink> links;
        {
          py::gil_scoped_release release;
          links = ValueOrThrow(ReadLinkMapping(input));
        }
        py::list out;
        for (const MappingLink& link : links) out.append(MappingLinkToPy(link));
        return out;
      },
      py::arg("source"), py::arg("name") = py::none(),
      R"doc(Reads an explicit link mapping: a JSON array of {"from": id, "to": id, "kind":
edge kind (default "runs_on"), "detail": text}, or an object holding it under "links".

`source` is a path or the file's bytes (`name` names them in errors). Returns the links
as dicts with all four keys.)doc");

  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "add_terraform_state",
      [](ModelBuilder& b, const py::object& sources, const py::object& stack,
         const py::object& backend, std::optional<std::int64_t> seen_at_ns,
         const py::object& name) {
        const std::size_t count = SourceCount(sources);
        const auto stacks = PerSource(stack, count, "stack");
        const auto backends = PerSource(backend, count, "backend");
        const std::vector<InputSource> inputs =
            SourcesFromPy(sources, PerSource(name, count, "name"));
        py::list files;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const InputSource& input = inputs[i];
          TerraformOptions options;
          if (stacks[i]) options.stack = *stacks[i];
          if (backends[i]) options.backend = *backends[i];
          if (seen_at_ns) options.seen_at_ns = *seen_at_ns;
          TerraformReport report;
          {
            py::gil_scoped_release release;
            report = ValueOrThrow(AddTerraformState(b, input, options));
          }
          files.append(TerraformReportToDict(report, input.name()));
        }
        return files;
      },
      py::arg("source"), py::arg("stack") = py::none(), py::arg("backend") = py::none(),
      py::arg("seen_at_ns") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads Terraform/OpenTofu states (raw v4 or `terraform show -json`), each as the
stack subgraph "iac/<stack>" (default: the file's stem), replacing an earlier load of it.

`source` is a path, bytes or a list of them; `stack`, `backend` and `name` are then lists
with one value (or None) per source. `backend` is where a state is stored, as other
stacks' terraform_remote_state read it ("s3://bucket/key", "gcs://bucket/prefix", ...), so
those reads become links. Secrets never enter the model. Returns one dict per source:
what was built, including the changes since the previous serial.)doc");

  builder.def(
      "add_terraform_plan",
      [](ModelBuilder& b, const py::object& sources, const py::object& stack,
         const py::object& name) {
        const std::size_t count = SourceCount(sources);
        const auto stacks = PerSource(stack, count, "stack");
        const std::vector<InputSource> inputs =
            SourcesFromPy(sources, PerSource(name, count, "name"));
        py::list files;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const InputSource& input = inputs[i];
          TerraformOptions options;
          if (stacks[i]) options.stack = *stacks[i];
          TerraformPlanReport report;
          {
            py::gil_scoped_release release;
            report = ValueOrThrow(AddTerraformPlan(b, input, options));
          }
          files.append(TerraformPlanReportToDict(report, input.name()));
        }
        return files;
      },
      py::arg("source"), py::arg("stack") = py::none(), py::arg("name") = py::none(),
      R"doc(Reads plan JSON (`terraform show -json PLANFILE`, format 1.x) for what-if analysis,
each as the subgraph "plan/<stack>" (default: the file's stem), replacing an earlier load.

Each planned create, update, delete or replacement becomes the stack's entity
"tf:<stack>:<address>" with attributes "plan.actions", "plan.changed" and the planned values;
the configuration's references between planned resources become depends_on edges. Secrets
never enter the model. `source` is a path, bytes or a list of them (`stack` and `name`
then one per source). Returns one dict per source: the counts of each kind of change.)doc");

  builder.def(
      "link_infrastructure",
      [](ModelBuilder& b) {
        LinkReport report;
        {
          py::gil_scoped_release release;
          report = LinkInfrastructure(b);
        }
        return LinkReportToDict(report);
      },
      R"doc(Links traced services, databases, queues and instances to the IaC resources that
serve them (rules: endpoint, k8s, label, queue, host; see include/faultline/iac/linker.h),
replacing earlier rule links. Returns links per rule and what stayed unlinked on both
sides.)doc");

  builder.def(
      "add_links",
      [](ModelBuilder& b, const py::object& links, const py::object& name) {
        py::list files;
        if (IsLinkList(links)) {
          std::vector<MappingLink> out;
          for (const py::handle& item : links) out.push_back(MappingLinkFromPy(item));
          ThrowIfError(AddLinks(b, out));
          py::dict d;
          d["source"] = "<list>";
          d["links"] = out.size();
          files.append(d);
          return files;
        }
        const std::size_t count = SourceCount(links);
        const std::vector<InputSource> inputs =
            SourcesFromPy(links, PerSource(name, count, "name"));
        for (const InputSource& input : inputs) {
          std::vector<MappingLink> out;
          {
            py::gil_scoped_release release;
            out = ValueOrThrow(ReadLinkMapping(input));
          }
          ThrowIfError(AddLinks(b, out));
          py::dict d;
          d["source"] = input.name();
          d["links"] = out.size();
          files.append(d);
        }
        return files;
      },
      py::arg("links"), py::arg("name") = py::none(),
      R"doc(Explicit links for what rules cannot infer: a list of {"from": id, "to": id,
"kind": "runs_on" (default) | "uses" | ..., "detail": text}, or mapping files holding such a
list (or {"links": [...]}): a path, bytes (`name` names them in errors) or a list of them.
Returns one dict per source (source, links added); "<list>" for links given inline.)doc");
}

}  // namespace faultline::python
