// python/src/alerts_events.cc: bindings of the alert and change-event readers.
#include "alerts_events.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "absl/strings/str_cat.h"
#include "faultline/ingest/alerts.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/ingest/events.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

InputSource Source(const py::object& source, const std::optional<std::string>& name) {
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

std::vector<std::string> KeyList(const py::handle& value, const std::string& key) {
  if (py::isinstance<py::str>(value)) return {value.cast<std::string>()};
  try {
    return value.cast<std::vector<std::string>>();
  } catch (const py::cast_error&) {
    throw py::value_error(absl::StrCat("mapping['", key, "']: expected a str or a list of str"));
  }
}

// A label mapping from a dict of LabelMapping fields: each a label key or a list of them
// (replacing the defaults); "entity" a single key.
LabelMapping ToLabelMapping(const std::optional<py::dict>& mapping) {
  LabelMapping m;
  if (!mapping) return m;
  for (const auto& [k, v] : *mapping) {
    const std::string key = py::str(k);
    if (key == "entity") {
      m.entity = v.is_none() ? std::string() : std::string(py::str(v));
      continue;
    }
    std::vector<std::string>* field =
        key == "pod"                                          ? &m.pod
        : key == "service_instance"                           ? &m.service_instance
        : key == "service"                                    ? &m.service
        : key == "namespace" || key == "k8s_namespace"        ? &m.k8s_namespace
        : key == "database"                                   ? &m.database
        : key == "queue"                                      ? &m.queue
        : key == "node"                                       ? &m.node
        : key == "weak_service"                               ? &m.weak_service
        : key == "weak_node"                                  ? &m.weak_node
        : key == "zone"                                       ? &m.zone
        : key == "region"                                     ? &m.region
                                                              : nullptr;
    if (field == nullptr) {
      throw py::value_error(absl::StrCat(
          "mapping: unknown key '", key, "'; expected entity, pod, service_instance, service, "
          "namespace, database, queue, node, weak_service, weak_node, zone, region"));
    }
    *field = v.is_none() ? std::vector<std::string>() : KeyList(v, key);
  }
  return m;
}

EventFields ToEventFields(const std::optional<py::dict>& fields) {
  EventFields f;
  if (!fields) return f;
  for (const auto& [k, v] : *fields) {
    const std::string key = py::str(k);
    const std::string value = v.is_none() ? std::string() : std::string(py::str(v));
    std::string* field = key == "time"      ? &f.time
                         : key == "end"     ? &f.end
                         : key == "entity"  ? &f.entity
                         : key == "service" ? &f.service
                         : key == "labels"  ? &f.labels
                         : key == "kind"    ? &f.kind
                         : key == "reason"  ? &f.reason
                         : key == "detail"  ? &f.detail
                         : key == "count"   ? &f.count
                         : key == "warning" ? &f.warning
                                            : nullptr;
    if (field == nullptr) {
      throw py::value_error(absl::StrCat("fields: unknown key '", key,
                                         "'; expected time, end, entity, service, labels, "
                                         "kind, reason, detail, count, warning"));
    }
    *field = value;
  }
  return f;
}

AlertOptions ToAlertOptions(const std::optional<std::string>& format,
                            const std::optional<py::dict>& mapping,
                            const std::optional<std::string>& subgraph) {
  AlertOptions o;
  if (format) o.format = ValueOrThrow(ParseAlertFormat(*format));
  o.labels = ToLabelMapping(mapping);
  if (subgraph) o.subgraph = *subgraph;
  return o;
}

EventOptions ToEventOptions(const std::optional<std::string>& format,
                            const std::optional<py::dict>& fields,
                            const std::optional<py::dict>& mapping,
                            const std::optional<std::string>& default_kind,
                            const std::optional<std::string>& subgraph) {
  EventOptions o;
  if (format) o.format = ValueOrThrow(ParseEventFormat(*format));
  o.fields = ToEventFields(fields);
  o.labels = ToLabelMapping(mapping);
  if (default_kind) o.default_kind = *default_kind;
  if (subgraph) o.subgraph = *subgraph;
  return o;
}

py::dict Counts(const std::map<std::string, std::uint64_t>& counts) {
  py::dict d;
  for (const auto& [k, v] : counts) d[py::str(k)] = v;
  return d;
}

py::dict AlertReportToDict(const AlertReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(AlertFormatName(r.format));
  d["subgraph"] = r.subgraph;
  d["documents"] = r.documents;
  d["read"] = r.read;
  d["accepted"] = r.accepted;
  d["merged"] = r.merged;
  d["rejected"] = Counts(r.rejected);
  d["errors"] = r.errors;
  d["unmapped"] = r.unmapped;
  return d;
}

py::dict EventReportToDict(const EventReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(EventFormatName(r.format));
  d["subgraph"] = r.subgraph;
  d["read"] = r.read;
  d["accepted"] = r.accepted;
  d["rejected"] = Counts(r.rejected);
  d["by_kind"] = Counts(r.by_kind);
  d["errors"] = r.errors;
  d["unmapped"] = r.unmapped;
  return d;
}

py::dict AttributesToDict(const Attributes& attrs) {
  py::dict d;
  for (const auto& [k, v] : attrs) d[py::str(k)] = v;
  return d;
}

py::object EntityOf(const Attributes& labels, const LabelMapping& mapping) {
  auto resolved = ResolveEntity(labels, mapping);
  if (!resolved) return py::none();
  return py::str(resolved->id);
}

// The entity filter of a snapshot query: every entity (nullopt) or one.
std::optional<EntityId> EntityFilter(const Snapshot& snap, const py::object& entity) {
  if (entity.is_none()) return std::nullopt;
  if (py::isinstance<py::int_>(entity)) {
    const auto id = entity.cast<std::int64_t>();
    if (id < 0 || static_cast<std::size_t>(id) >= snap.entity_count()) {
      throw py::key_error(absl::StrCat("no entity with index ", id));
    }
    return static_cast<EntityId>(id);
  }
  const std::string id = py::str(entity);
  auto found = snap.Find(id);
  if (!found) throw py::key_error(absl::StrCat("unknown entity '", id, "'"));
  return *found;
}

}  // namespace

void RegisterAlertsEvents(py::module_& m) {
  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "_add_alerts",
      [](ModelBuilder& b, const py::object& sources, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<std::string> subgraph,
         std::optional<std::string> name) {
        const AlertOptions options = ToAlertOptions(format, mapping, subgraph);
        std::vector<InputSource> inputs;
        for (const py::handle& s : sources) {
          inputs.push_back(Source(py::reinterpret_borrow<py::object>(s), name));
        }
        std::vector<AlertReport> reports;
        {
          py::gil_scoped_release release;
          reports = ValueOrThrow(AddAlerts(b, inputs, options));
        }
        py::list out;
        for (const AlertReport& r : reports) out.append(AlertReportToDict(r));
        return out;
      },
      py::arg("sources"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("subgraph") = py::none(), py::arg("name") = py::none(),
      "Reads alert sources (paths or bytes) into the model; one report dict per source.");

  builder.def(
      "_add_events",
      [](ModelBuilder& b, const py::object& sources, std::optional<std::string> format,
         std::optional<py::dict> fields, std::optional<py::dict> mapping,
         std::optional<std::string> default_kind, std::optional<std::string> subgraph,
         std::optional<std::string> name) {
        const EventOptions options =
            ToEventOptions(format, fields, mapping, default_kind, subgraph);
        std::vector<InputSource> inputs;
        for (const py::handle& s : sources) {
          inputs.push_back(Source(py::reinterpret_borrow<py::object>(s), name));
        }
        std::vector<EventReport> reports;
        {
          py::gil_scoped_release release;
          reports = ValueOrThrow(AddEvents(b, inputs, options));
        }
        py::list out;
        for (const EventReport& r : reports) out.append(EventReportToDict(r));
        return out;
      },
      py::arg("sources"), py::arg("format") = py::none(), py::arg("fields") = py::none(),
      py::arg("mapping") = py::none(), py::arg("default_kind") = py::none(),
      py::arg("subgraph") = py::none(), py::arg("name") = py::none(),
      "Reads change-event sources (paths or bytes) into the model; one report dict per source.");

  m.def(
      "_read_alerts",
      [](const py::object& source, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<std::string> name) {
        const AlertOptions options = ToAlertOptions(format, mapping, std::nullopt);
        const InputSource input = Source(source, name);
        AlertReport report;
        std::vector<ParsedAlert> alerts;
        {
          py::gil_scoped_release release;
          alerts = ValueOrThrow(ReadAlerts(input, options, &report));
        }
        py::list entity, alert_name, severity, state, starts, ends, summary, labels,
            annotations, fingerprint, line;
        for (const ParsedAlert& a : alerts) {
          entity.append(EntityOf(a.labels, options.labels));
          alert_name.append(a.name);
          severity.append(a.severity);
          state.append(a.state);
          starts.append(a.starts_ns);
          ends.append(a.ends_ns == 0 ? py::object(py::none()) : py::int_(a.ends_ns));
          summary.append(a.summary);
          labels.append(AttributesToDict(a.labels));
          annotations.append(AttributesToDict(a.annotations));
          fingerprint.append(a.fingerprint);
          line.append(a.line);
        }
        py::dict columns;
        columns["entity"] = entity;
        columns["name"] = alert_name;
        columns["severity"] = severity;
        columns["state"] = state;
        columns["starts_ns"] = starts;
        columns["ends_ns"] = ends;
        columns["summary"] = summary;
        columns["labels"] = labels;
        columns["annotations"] = annotations;
        columns["fingerprint"] = fingerprint;
        columns["line"] = line;
        return py::make_tuple(columns, AlertReportToDict(report));
      },
      py::arg("source"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("name") = py::none());

  m.def(
      "_read_events",
      [](const py::object& source, std::optional<std::string> format,
         std::optional<py::dict> fields, std::optional<py::dict> mapping,
         std::optional<std::string> default_kind, std::optional<std::string> name) {
        const EventOptions options =
            ToEventOptions(format, fields, mapping, default_kind, std::nullopt);
        const InputSource input = Source(source, name);
        EventReport report;
        std::vector<ParsedEvent> events;
        {
          py::gil_scoped_release release;
          events = ValueOrThrow(ReadEvents(input, options, &report));
        }
        py::list entity, time, last, kind, reason, detail, warning, count, labels, object, line;
        for (const ParsedEvent& e : events) {
          entity.append(EntityOf(e.labels, options.labels));
          time.append(e.event.time_ns);
          last.append(e.event.last_ns);
          kind.append(e.event.kind);
          reason.append(e.event.reason);
          detail.append(e.event.detail);
          warning.append(e.event.warning);
          count.append(e.event.count);
          labels.append(AttributesToDict(e.labels));
          object.append(e.object.empty() ? py::object(py::none()) : py::str(e.object));
          line.append(e.line);
        }
        py::dict columns;
        columns["entity"] = entity;
        columns["time_ns"] = time;
        columns["last_ns"] = last;
        columns["kind"] = kind;
        columns["reason"] = reason;
        columns["detail"] = detail;
        columns["warning"] = warning;
        columns["count"] = count;
        columns["labels"] = labels;
        columns["object"] = object;
        columns["line"] = line;
        return py::make_tuple(columns, EventReportToDict(report));
      },
      py::arg("source"), py::arg("format") = py::none(), py::arg("fields") = py::none(),
      py::arg("mapping") = py::none(), py::arg("default_kind") = py::none(),
      py::arg("name") = py::none());

  auto snapshot = py::reinterpret_borrow<py::class_<Snapshot>>(m.attr("Snapshot"));
  snapshot.def(
      "_alert_columns",
      [](const Snapshot& snap, const py::object& entity, std::optional<std::int64_t> begin_ns,
         std::optional<std::int64_t> end_ns) {
        const std::optional<EntityId> only = EntityFilter(snap, entity);
        py::list ids, name, severity, state, starts, ends, summary, labels, source;
        auto visit = [&](const Snapshot::AlertRecord& r) {
          const Alert& a = r.alert;
          // Active in [begin, end): started before the end, not over before the begin.
          if (end_ns && a.starts_ns >= *end_ns) return;
          if (begin_ns && a.ends_ns != 0 && a.ends_ns < *begin_ns) return;
          ids.append(std::string(snap.EntityIdString(r.entity)));
          name.append(a.name);
          severity.append(a.severity);
          state.append(a.state);
          starts.append(a.starts_ns);
          ends.append(a.ends_ns == 0 ? py::object(py::none()) : py::int_(a.ends_ns));
          summary.append(a.summary);
          labels.append(AttributesToDict(a.labels));
          source.append(a.source);
        };
        if (only) {
          for (std::uint32_t i : snap.AlertsOf(*only)) visit(snap.Alerts()[i]);
        } else {
          for (const Snapshot::AlertRecord& r : snap.Alerts()) visit(r);
        }
        py::dict columns;
        columns["entity"] = ids;
        columns["name"] = name;
        columns["severity"] = severity;
        columns["state"] = state;
        columns["starts_ns"] = starts;
        columns["ends_ns"] = ends;
        columns["summary"] = summary;
        columns["labels"] = labels;
        columns["source"] = source;
        return columns;
      },
      py::arg("entity") = py::none(), py::arg("begin_ns") = py::none(),
      py::arg("end_ns") = py::none());

  snapshot.def(
      "_event_columns",
      [](const Snapshot& snap, const py::object& entity, std::optional<std::int64_t> begin_ns,
         std::optional<std::int64_t> end_ns) {
        const std::optional<EntityId> only = EntityFilter(snap, entity);
        py::list ids, time, last, kind, reason, detail, warning, count, source;
        auto visit = [&](const Snapshot::EventRecord& r) {
          const ChangeEvent& e = r.event;
          // Overlapping [begin, end): first occurrence before the end, last not before begin.
          if (end_ns && e.time_ns >= *end_ns) return;
          if (begin_ns && e.last_ns < *begin_ns) return;
          ids.append(std::string(snap.EntityIdString(r.entity)));
          time.append(e.time_ns);
          last.append(e.last_ns);
          kind.append(e.kind);
          reason.append(e.reason);
          detail.append(e.detail);
          warning.append(e.warning);
          count.append(e.count);
          source.append(e.source);
        };
        if (only) {
          for (std::uint32_t i : snap.EventsOf(*only)) visit(snap.Events()[i]);
        } else {
          for (const Snapshot::EventRecord& r : snap.Events()) visit(r);
        }
        py::dict columns;
        columns["entity"] = ids;
        columns["time_ns"] = time;
        columns["last_ns"] = last;
        columns["kind"] = kind;
        columns["reason"] = reason;
        columns["detail"] = detail;
        columns["warning"] = warning;
        columns["count"] = count;
        columns["source"] = source;
        return columns;
      },
      py::arg("entity") = py::none(), py::arg("begin_ns") = py::none(),
      py::arg("end_ns") = py::none());
}

}  // namespace faultline::python
