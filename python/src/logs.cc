// python/src/logs.cc: bindings of the log readers, the template miner and the snapshot's
// log counts (see logs.h). The DataFrames are made in python/faultline/_logs.py.
#include "logs.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "absl/strings/str_cat.h"
#include "faultline/ingest/log_templates.h"
#include "faultline/ingest/logs.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "status.h"

namespace py = pybind11;

namespace faultline::python {
namespace {

InputSource LogSourceFromPy(const py::handle& source, const std::optional<std::string>& name) {
  if (py::isinstance<py::bytes>(source)) {
    return InputSource::FromBytes(source.cast<std::string>(), name.value_or("<bytes>"));
  }
  py::object path = py::module_::import("os").attr("fspath")(source);
  if (!py::isinstance<py::str>(path)) {
    throw py::type_error("source must be bytes, str or os.PathLike[str]");
  }
  return InputSource::FromFile(path.cast<std::string>());
}

std::vector<InputSource> LogSourcesFromPy(const py::object& sources,
                                          const std::optional<std::string>& name, bool* many) {
  std::vector<InputSource> out;
  *many = py::isinstance<py::list>(sources) || py::isinstance<py::tuple>(sources);
  if (*many) {
    for (const py::handle& s : sources) out.push_back(LogSourceFromPy(s, name));
  } else {
    out.push_back(LogSourceFromPy(sources, name));
  }
  return out;
}

TimeUnit ParseTimeUnit(const std::string& unit) {
  if (unit == "ns") return TimeUnit::kNanoseconds;
  if (unit == "us" || unit == "µs") return TimeUnit::kMicroseconds;
  if (unit == "ms") return TimeUnit::kMilliseconds;
  if (unit == "s") return TimeUnit::kSeconds;
  throw py::value_error(absl::StrCat("unknown time unit '", unit, "'; expected ns, us, ms or s"));
}

LogOptions LogOptionsFromPy(const std::optional<std::string>& format,
                            const std::optional<py::dict>& mapping,
                            const std::optional<std::string>& regex,
                            const std::optional<py::dict>& labels,
                            const std::optional<std::string>& subgraph,
                            const std::optional<double>& similarity,
                            const std::optional<int>& depth,
                            const std::optional<std::size_t>& max_children, bool templates,
                            const std::optional<std::string>& time_unit) {
  LogOptions options;
  if (format) options.format = ValueOrThrow(ParseLogFormat(*format, &options.csv));
  if (mapping) {
    if (options.format == LogFormat::kAuto) options.format = LogFormat::kCsv;
    for (const auto& [k, v] : *mapping) {
      const std::string key = py::str(k);
      auto text = [&]() { return v.is_none() ? std::string() : std::string(py::str(v)); };
      if (key == "time") options.csv.time = text();
      else if (key == "severity") options.csv.severity = text();
      else if (key == "message") options.csv.message = text();
      else if (key == "trace_id") options.csv.trace_id = text();
      else if (key == "span_id") options.csv.span_id = text();
      else if (key == "labels") {
        options.csv.labels.clear();
        if (!v.is_none()) {
          for (const py::handle& item : v) options.csv.labels.push_back(py::str(item));
        }
      } else if (key == "time_unit") {
        if (!v.is_none()) options.csv.time_unit = ParseTimeUnit(text());
      } else if (key == "docker_envelope") {
        options.csv.docker_envelope = v.cast<bool>();
      } else {
        throw py::value_error(absl::StrCat(
            "mapping: unknown key '", key,
            "'; expected time, severity, message, trace_id, span_id, labels, time_unit, "
            "docker_envelope"));
      }
    }
  }
  if (regex) {
    if (options.format == LogFormat::kAuto) options.format = LogFormat::kText;
    options.text.regex = *regex;
  }
  if (time_unit) {
    options.csv.time_unit = ParseTimeUnit(*time_unit);
    options.text.time_unit = options.csv.time_unit;
  }
  if (labels) {
    for (const auto& [k, v] : *labels) {
      options.labels.emplace_back(std::string(py::str(k)), std::string(py::str(v)));
    }
  }
  if (subgraph) options.subgraph = *subgraph;
  if (similarity) options.miner.similarity = *similarity;
  if (depth) options.miner.depth = *depth;
  if (max_children) options.miner.max_children = *max_children;
  options.templates = templates;
  return options;
}

py::dict LogReportToDict(const LogReport& r) {
  py::dict d;
  d["source"] = r.source;
  d["format"] = std::string(LogFormatName(r.format));
  d["records_read"] = r.records_read;
  d["records_accepted"] = r.records_accepted;
  py::dict rejected;
  for (const auto& [reason, count] : r.rejected) rejected[py::str(reason)] = count;
  d["rejected"] = rejected;
  d["errors"] = r.errors;
  d["unmapped_labels"] = r.unmapped_labels;
  py::dict severities;
  for (int s = 0; s < kSeverityCount; ++s) {
    severities[py::str(std::string(SeverityName(static_cast<Severity>(s))))] = r.by_severity[s];
  }
  d["by_severity"] = severities;
  d["untemplated"] = r.untemplated;
  d["records_with_span"] = r.records_with_span;
  d["operation_records"] = r.operation_records;
  return d;
}

py::dict BatchToDict(const LogBatchReport& batch, bool many) {
  py::dict out;
  if (many) {
    py::list files;
    for (const LogReport& r : batch.files) files.append(LogReportToDict(r));
    out["files"] = files;
  } else {
    out = LogReportToDict(batch.files.front());
  }
  out["templates"] = batch.templates;
  out["template_ids"] = batch.template_ids;
  out["template_overflow"] = batch.template_overflow;
  out["entities"] = batch.entities;
  return out;
}

std::vector<EntityId> EntitiesOf(const Snapshot& snapshot, const py::object& entity,
                                 bool logs_only) {
  if (entity.is_none()) {
    auto all = snapshot.EntitiesWithLogs();
    return std::vector<EntityId>(all.begin(), all.end());
  }
  if (py::isinstance<py::int_>(entity)) {
    const auto index = entity.cast<std::int64_t>();
    if (index < 0 || static_cast<std::size_t>(index) >= snapshot.entity_count()) {
      throw py::index_error(absl::StrCat("entity index ", index, " out of range"));
    }
    return {static_cast<EntityId>(index)};
  }
  return {ValueOrThrow(snapshot.Lookup(entity.cast<std::string>()))};
}

}  // namespace

void RegisterLogs(py::module_& m) {
  auto builder = py::reinterpret_borrow<py::class_<ModelBuilder>>(m.attr("ModelBuilder"));
  builder.def(
      "add_logs",
      [](ModelBuilder& b, const py::object& source, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<std::string> regex,
         std::optional<py::dict> labels, std::optional<std::string> subgraph,
         std::optional<std::string> name, std::optional<double> similarity,
         std::optional<int> depth, std::optional<std::size_t> max_children, bool templates,
         std::optional<std::string> time_unit) {
        const LogOptions options =
            LogOptionsFromPy(format, mapping, regex, labels, subgraph, similarity, depth,
                             max_children, templates, time_unit);
        bool many = false;
        std::vector<InputSource> inputs = LogSourcesFromPy(source, name, &many);
        LogBatchReport batch;
        {
          py::gil_scoped_release release;
          batch = ValueOrThrow(AddLogs(b, inputs, options));
        }
        return BatchToDict(batch, many);
      },
      py::arg("source"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("regex") = py::none(), py::arg("labels") = py::none(),
      py::arg("subgraph") = py::none(), py::arg("name") = py::none(),
      py::arg("similarity") = py::none(), py::arg("depth") = py::none(),
      py::arg("max_children") = py::none(), py::arg("templates") = true,
      py::arg("time_unit") = py::none(),
      R"doc(Reads log files (or bytes) into per-entity log counts (subgraph "logs/default").

`source` is a path, bytes, or a list of them (one template miner for all). `format`: None
(detect), "otlp-json", "otlp-proto", "csv", "text" or "nezha"; gzip and zstd are read
transparently. `mapping` names CSV columns (time, severity, message, trace_id, span_id,
labels, time_unit, docker_envelope); `regex` reads plain text lines (named groups time,
severity, message, and labels); `labels` are added to every record. Returns the accounting
as a dict (records read / accepted, rejected by reason, unmapped label sets, errors).)doc");

  auto snapshot = py::reinterpret_borrow<py::class_<Snapshot>>(m.attr("Snapshot"));
  snapshot.def(
      "_log_counts",
      [](const Snapshot& s, const py::object& entity, std::optional<std::int64_t> begin_ns,
         std::optional<std::int64_t> end_ns) {
        py::list entities, starts, totals;
        std::vector<py::list> severities(kSeverityCount);
        for (EntityId e : EntitiesOf(s, entity, true)) {
          const LogStats* logs = s.EntityLogs(e);
          if (logs == nullptr) continue;
          const std::string id(s.EntityIdString(e));
          for (const auto& [index, bucket] : logs->buckets()) {
            const std::int64_t start = logs->BucketStart(index);
            if (begin_ns && start < *begin_ns) continue;
            if (end_ns && start >= *end_ns) continue;
            entities.append(id);
            starts.append(start);
            totals.append(bucket.total());
            for (int k = 0; k < kSeverityCount; ++k) severities[k].append(bucket.by_severity[k]);
          }
        }
        py::dict out;
        out["entity"] = entities;
        out["bucket_start_ns"] = starts;
        out["total"] = totals;
        for (int k = 0; k < kSeverityCount; ++k) {
          out[py::str(std::string(SeverityName(static_cast<Severity>(k))))] = severities[k];
        }
        return out;
      },
      py::arg("entity") = py::none(), py::arg("begin_ns") = py::none(),
      py::arg("end_ns") = py::none(),
      "Per entity and bucket: the log count per severity, as columns.");
  snapshot.def(
      "_log_template_counts",
      [](const Snapshot& s, const py::object& entity, std::optional<std::int64_t> begin_ns,
         std::optional<std::int64_t> end_ns) {
        py::list entities, starts, ids, counts;
        for (EntityId e : EntitiesOf(s, entity, true)) {
          const LogStats* logs = s.EntityLogs(e);
          if (logs == nullptr) continue;
          const std::string id(s.EntityIdString(e));
          for (const auto& [index, bucket] : logs->buckets()) {
            const std::int64_t start = logs->BucketStart(index);
            if (begin_ns && start < *begin_ns) continue;
            if (end_ns && start >= *end_ns) continue;
            for (const auto& [template_id, count] : bucket.by_template) {
              entities.append(id);
              starts.append(start);
              ids.append(template_id);
              counts.append(count);
            }
          }
        }
        py::dict out;
        out["entity"] = entities;
        out["bucket_start_ns"] = starts;
        out["template_id"] = ids;
        out["count"] = counts;
        return out;
      },
      py::arg("entity") = py::none(), py::arg("begin_ns") = py::none(),
      py::arg("end_ns") = py::none(),
      "Per entity, bucket and log template: the count, as columns.");
  snapshot.def(
      "_log_template_texts",
      [](const Snapshot& s) {
        std::vector<std::string> out;
        out.reserve(s.log_template_count());
        for (std::uint32_t id = 0; id < s.log_template_count(); ++id) {
          out.emplace_back(s.LogTemplate(id));
        }
        return out;
      },
      "The log template texts, by id.");

  m.def(
      "_read_logs",
      [](const py::object& source, std::optional<std::string> format,
         std::optional<py::dict> mapping, std::optional<std::string> regex,
         std::optional<py::dict> labels, std::optional<std::string> name,
         std::optional<double> similarity, std::optional<int> depth,
         std::optional<std::size_t> max_children, bool templates,
         std::optional<std::string> time_unit) {
        const LogOptions options =
            LogOptionsFromPy(format, mapping, regex, labels, std::nullopt, similarity, depth,
                             max_children, templates, time_unit);
        bool many = false;
        std::vector<InputSource> inputs = LogSourcesFromPy(source, name, &many);
        std::vector<std::int64_t> times;
        std::vector<std::string> entities, messages, traces, spans, operations;
        std::vector<std::uint8_t> severities;
        std::vector<std::uint32_t> ids;
        TemplateMiner miner(options.miner);
        LogBatchReport batch;
        {
          py::gil_scoped_release release;
          batch = ValueOrThrow(ReadLogs(inputs, options, miner, [&](const LogRow& row) {
            times.push_back(row.time_ns);
            entities.emplace_back(row.entity);
            severities.push_back(static_cast<std::uint8_t>(row.severity));
            ids.push_back(row.template_id);
            messages.emplace_back(row.message);
            traces.emplace_back(row.trace_id);
            spans.emplace_back(row.span_id);
            operations.emplace_back(row.operation);
          }));
        }
        std::vector<std::string> texts(miner.size());
        for (std::uint32_t i = 0; i < texts.size(); ++i) texts[i] = miner.Template(i);
        py::list entity, severity, template_id, template_text, trace, span, operation;
        for (std::size_t i = 0; i < times.size(); ++i) {
          entity.append(entities[i].empty() ? py::object(py::none()) : py::str(entities[i]));
          severity.append(py::str(std::string(SeverityName(static_cast<Severity>(severities[i])))));
          const bool none = ids[i] >= texts.size();
          template_id.append(none ? py::object(py::none()) : py::int_(ids[i]));
          template_text.append(none ? py::object(py::none()) : py::str(texts[ids[i]]));
          trace.append(traces[i].empty() ? py::object(py::none()) : py::str(traces[i]));
          span.append(spans[i].empty() ? py::object(py::none()) : py::str(spans[i]));
          operation.append(operations[i].empty() ? py::object(py::none()) : py::str(operations[i]));
        }
        py::dict columns;
        columns["time_ns"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(times.size()),
                                                       times.data());
        columns["entity"] = entity;
        columns["severity"] = severity;
        columns["template_id"] = template_id;
        columns["template"] = template_text;
        columns["message"] = messages;
        columns["trace_id"] = trace;
        columns["span_id"] = span;
        columns["operation"] = operation;
        py::dict out;
        out["columns"] = columns;
        out["report"] = BatchToDict(batch, many);
        return out;
      },
      py::arg("source"), py::arg("format") = py::none(), py::arg("mapping") = py::none(),
      py::arg("regex") = py::none(), py::arg("labels") = py::none(), py::arg("name") = py::none(),
      py::arg("similarity") = py::none(), py::arg("depth") = py::none(),
      py::arg("max_children") = py::none(), py::arg("templates") = true,
      py::arg("time_unit") = py::none(),
      "Reads log records without a model; columns and the accounting (see faultline.read_logs).");

  m.def(
      "_mine_log_templates",
      [](const std::vector<std::string>& lines, int depth, double similarity,
         std::size_t max_children, bool mask_digits, std::string extra_delimiters) {
        TemplateMinerOptions options;
        options.depth = depth;
        options.similarity = similarity;
        options.max_children = max_children;
        options.mask_digits = mask_digits;
        options.extra_delimiters = std::move(extra_delimiters);
        options.max_templates = 0;
        options.max_tokens = 0;
        std::vector<std::uint32_t> ids(lines.size());
        TemplateMiner miner(options);
        double seconds = 0;
        {
          py::gil_scoped_release release;
          const auto start = std::chrono::steady_clock::now();
          for (std::size_t i = 0; i < lines.size(); ++i) ids[i] = miner.Add(lines[i]);
          seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        std::vector<std::string> texts(miner.size());
        for (std::uint32_t i = 0; i < texts.size(); ++i) texts[i] = miner.Template(i);
        py::dict out;
        out["ids"] = py::array_t<std::uint32_t>(static_cast<py::ssize_t>(ids.size()), ids.data());
        out["templates"] = texts;
        out["seconds"] = seconds;
        return out;
      },
      py::arg("lines"), py::arg("depth") = 4, py::arg("similarity") = 0.4,
      py::arg("max_children") = 100, py::arg("mask_digits") = true,
      py::arg("extra_delimiters") = "",
      "Mines `lines` with one TemplateMiner: ids per line, the final template texts, and the "
      "seconds spent mining (not converting).");
}

}  // namespace faultline::python
