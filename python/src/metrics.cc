// python/src/metrics.cc: bindings of faultline/ingest/metrics.h (see metrics.h).
#include "metrics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "faultline/ingest/metrics.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

InputSource MetricSource(const py::handle& source, const std::optional<std::string>& name) {
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

std::vector<InputSource> MetricSources(const py::object& sources,
                                       const std::optional<std::string>& name) {
  std::vector<InputSource> out;
  if (py::isinstance<py::list>(sources) || py::isinstance<py::tuple>(sources)) {
    for (const py::handle& s : sources) out.push_back(MetricSource(s, name));
  } else {
    out.push_back(MetricSource(sources, name));
  }
  return out;
}

std::vector<std::string> StringList(const py::handle& value, const char* what) {
  if (py::isinstance<py::str>(value)) return {value.cast<std::string>()};
  std::vector<std::string> out;
  for (const py::handle& v : value) {
    if (!py::isinstance<py::str>(v)) throw py::type_error(std::string(what) + " must hold strings");
    out.push_back(v.cast<std::string>());
  }
  return out;
}

void ApplyLabelMapping(const py::dict& mapping, LabelMapping& m) {
  for (const auto& [k, v] : mapping) {
    const std::string key = py::str(k);
    if (key == "entity") {
      m.entity = py::str(v);
      continue;
    }
    std::vector<std::string>* target = nullptr;
    if (key == "pod") target = &m.pod;
    else if (key == "service_instance") target = &m.service_instance;
    else if (key == "service") target = &m.service;
    else if (key == "namespace" || key == "k8s_namespace") target = &m.k8s_namespace;
    else if (key == "database") target = &m.database;
    else if (key == "queue") target = &m.queue;
    else if (key == "node") target = &m.node;
    else if (key == "weak_service") target = &m.weak_service;
    else if (key == "weak_node") target = &m.weak_node;
    else if (key == "zone") target = &m.zone;
    else if (key == "region") target = &m.region;
    if (target == nullptr) {
      throw py::value_error("unknown mapping key \"" + key +
                            "\" (known: entity, pod, service_instance, service, namespace, "
                            "database, queue, node, weak_service, weak_node, zone, region)");
    }
    *target = StringList(v, "a mapping's key list");
  }
}

void ApplyColumns(const py::dict& columns, WideCsvMapping& w) {
  for (const auto& [k, v] : columns) {
    const std::string key = py::str(k);
    if (key == "time") {
      w.time = py::str(v);
    } else if (key == "labels") {
      w.labels = StringList(v, "columns['labels']");
    } else if (key == "ignore") {
      w.ignore = StringList(v, "columns['ignore']");
    } else if (key == "values") {
      w.values.clear();
      if (py::isinstance<py::dict>(v)) {
        for (const auto& [col, metric] : py::reinterpret_borrow<py::dict>(v)) {
          w.values.emplace_back(py::str(col), py::str(metric));
        }
      } else {
        for (const std::string& col : StringList(v, "columns['values']")) {
          w.values.emplace_back(col, col);
        }
      }
    } else if (key == "constant_labels") {
      w.constant_labels.clear();
      for (const auto& [lk, lv] : py::reinterpret_borrow<py::dict>(v)) {
        w.constant_labels.emplace_back(py::str(lk), py::str(lv));
      }
    } else if (key == "split_separator") {
      w.split_separator = py::str(v);
    } else if (key == "split_label") {
      w.split_label = py::str(v);
    } else {
      throw py::value_error("unknown columns key \"" + key +
                            "\" (known: time, labels, values, ignore, constant_labels, "
                            "split_separator, split_label)");
    }
  }
}

MetricOptions OptionsFromPy(const std::optional<std::string>& format,
                            const std::optional<py::dict>& mapping,
                            const std::optional<py::dict>& columns,
                            const std::optional<std::string>& subgraph,
                            const std::optional<py::object>& type_rules,
                            const std::optional<py::object>& qualifier_labels) {
  MetricOptions options;
  if (format) {
    if (*format == "nezha" || *format == "rcaeval") {
      options.format = MetricFormat::kWideCsv;
      options.wide = ValueOrThrow(ParseMetricPreset(*format));
      options.wide_set = true;
    } else {
      options.format = ValueOrThrow(ParseMetricFormat(*format));
    }
  }
  if (columns) {
    ApplyColumns(*columns, options.wide);
    options.wide_set = true;
    if (options.format == MetricFormat::kAuto) options.format = MetricFormat::kWideCsv;
  }
  if (mapping) ApplyLabelMapping(*mapping, options.mapping);
  if (subgraph) options.subgraph = *subgraph;
  if (type_rules) {
    options.type_rules_path =
        py::str(py::module_::import("os").attr("fspath")(*type_rules)).cast<std::string>();
  }
  if (qualifier_labels) options.qualifier_labels = StringList(*qualifier_labels, "qualifier_labels");
  return options;
}

py::dict ReportToDict(const MetricReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(MetricFormatName(r.format));
  d["samples_read"] = r.samples_read;
  d["samples_accepted"] = r.samples_accepted;
  d["points"] = r.points;
  d["series"] = r.series;
  d["unmapped_series"] = r.unmapped_series;
  d["unmapped"] = r.unmapped;
  d["rejected"] = r.rejected;
  d["errors"] = r.errors;
  return d;
}

template <typename T>
py::array_t<T> ToArray(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  if (!v.empty()) std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace

void RegisterMetrics(py::module_& m) {
  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "_add_metrics",
      [](ModelBuilder& b, const py::object& sources, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<py::dict> columns,
         std::optional<std::string> subgraph, std::optional<py::object> type_rules,
         std::optional<py::object> qualifier_labels, std::optional<std::string> name) {
        const MetricOptions options =
            OptionsFromPy(format, mapping, columns, subgraph, type_rules, qualifier_labels);
        const std::vector<InputSource> inputs = MetricSources(sources, name);
        std::vector<MetricReport> reports;
        {
          py::gil_scoped_release release;
          reports = ValueOrThrow(AddMetrics(b, inputs, options));
        }
        py::list out;
        for (const MetricReport& r : reports) out.append(ReportToDict(r));
        return out;
      },
      py::arg("sources"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("columns") = py::none(), py::arg("subgraph") = py::none(),
      py::arg("type_rules") = py::none(), py::arg("qualifier_labels") = py::none(),
      py::arg("name") = py::none(),
      "Reads metric sources into the model; one report dict per source (see add_metrics).");

  m.def(
      "read_metrics",
      [](const py::object& sources, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<py::dict> columns,
         std::optional<py::object> type_rules, std::optional<py::object> qualifier_labels,
         std::optional<std::string> name) {
        const MetricOptions options =
            OptionsFromPy(format, mapping, columns, std::nullopt, type_rules, qualifier_labels);
        const std::vector<InputSource> inputs = MetricSources(sources, name);
        MetricPoints points;
        std::vector<MetricReport> reports;
        {
          py::gil_scoped_release release;
          points = ValueOrThrow(ReadMetrics(inputs, options, &reports));
        }
        py::list entity, metric, type;
        py::list entity_names, metric_names, type_names;
        for (const std::string& e : points.entities) entity_names.append(py::str(e));
        for (const std::string& n : points.metrics) metric_names.append(py::str(n));
        for (const std::string& t : points.types) type_names.append(py::str(t));
        py::dict out;
        out["time_ns"] = ToArray(points.time_ns);
        out["entity_code"] = ToArray(points.entity);
        out["metric_code"] = ToArray(points.metric);
        out["value"] = ToArray(points.value);
        out["entities"] = entity_names;
        out["metrics"] = metric_names;
        out["types"] = type_names;
        py::list rs;
        for (const MetricReport& r : reports) rs.append(ReportToDict(r));
        out["reports"] = rs;
        return out;
      },
      py::arg("sources"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("columns") = py::none(), py::arg("type_rules") = py::none(),
      py::arg("qualifier_labels") = py::none(), py::arg("name") = py::none(),
      "Reads metric sources without a model: columns of points (see faultline.read_metrics).");

  auto snapshot = py::reinterpret_borrow<py::class_<Snapshot>>(m.attr("Snapshot"));
  snapshot.def(
      "_metric_rows",
      [](const Snapshot& s, const std::string& entity, std::optional<std::int64_t> begin_ns,
         std::optional<std::int64_t> end_ns) {
        const EntityId id = ValueOrThrow(s.Lookup(entity));
        std::vector<std::int64_t> time_ns;
        std::vector<std::uint64_t> count;
        std::vector<double> min, max, mean, last;
        py::list metric, type;
        for (std::string_view name : s.MetricNames(id)) {
          const SeriesStats* series = s.MetricSeries(id, name);
          if (series == nullptr) continue;
          const py::str py_name{std::string(name)};
          const py::str py_type{std::string(s.MetricType(name))};
          for (const auto& [index, bucket] : series->buckets()) {
            const std::int64_t start = series->BucketStart(index);
            if (begin_ns && start < *begin_ns) continue;
            if (end_ns && start >= *end_ns) continue;
            time_ns.push_back(start);
            count.push_back(bucket.count);
            min.push_back(bucket.min);
            max.push_back(bucket.max);
            mean.push_back(bucket.mean());
            last.push_back(bucket.last);
            metric.append(py_name);
            type.append(py_type);
          }
        }
        py::dict out;
        out["time_ns"] = ToArray(time_ns);
        out["metric"] = metric;
        out["type"] = type;
        out["count"] = ToArray(count);
        out["min"] = ToArray(min);
        out["max"] = ToArray(max);
        out["mean"] = ToArray(mean);
        out["last"] = ToArray(last);
        return out;
      },
      py::arg("entity"), py::arg("begin_ns") = py::none(), py::arg("end_ns") = py::none(),
      "Per-bucket summaries of every metric series of `entity` (see Snapshot.metrics).");
}

}  // namespace faultline::python
