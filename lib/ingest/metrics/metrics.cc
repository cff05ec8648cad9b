// AddMetrics() and ReadMetrics(): format detection and the per-source driver over the
// parsers of lib/ingest/metrics/.
#include "faultline/ingest/metrics.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/ingest/metric_types.h"
#include "faultline/internal/str_cat.h"
#include "ingest/metrics/metric_sink.h"
#include "ingest/trace_parsers.h"

namespace faultline {

std::string_view MetricFormatName(MetricFormat format) {
  switch (format) {
    case MetricFormat::kAuto:
      return "auto";
    case MetricFormat::kPrometheusJson:
      return "prometheus";
    case MetricFormat::kOtlpJson:
      return "otlp-json";
    case MetricFormat::kOtlpProto:
      return "otlp-proto";
    case MetricFormat::kLongCsv:
      return "csv";
    case MetricFormat::kWideCsv:
      return "wide-csv";
  }
  return "auto";
}

absl::StatusOr<MetricFormat> ParseMetricFormat(std::string_view name) {
  if (name == "auto") return MetricFormat::kAuto;
  if (name == "prometheus" || name == "query_range" || name == "query") {
    return MetricFormat::kPrometheusJson;
  }
  if (name == "otlp-json") return MetricFormat::kOtlpJson;
  if (name == "otlp-proto") return MetricFormat::kOtlpProto;
  if (name == "csv" || name == "long-csv") return MetricFormat::kLongCsv;
  if (name == "wide-csv") return MetricFormat::kWideCsv;
  return absl::InvalidArgumentError(internal::StrCat(
      "unknown metric format \"", name,
      "\" (known: auto, prometheus, query_range, query, otlp-json, otlp-proto, csv, "
      "long-csv, wide-csv, and the wide CSV presets nezha, rcaeval)"));
}

absl::StatusOr<WideCsvMapping> ParseMetricPreset(std::string_view name) {
  if (name == "nezha") return WideCsvMapping::Nezha();
  if (name == "rcaeval") return WideCsvMapping::RcaEval();
  return absl::InvalidArgumentError(
      internal::StrCat("unknown metric preset \"", name, "\" (known: nezha, rcaeval)"));
}

namespace internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> SplitHeader(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    std::string_view f = line.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                            : comma - start);
    while (!f.empty() && (f.front() == ' ' || f.front() == '"')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '"' || f.back() == '\r')) {
      f.remove_suffix(1);
    }
    out.emplace_back(f);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string Describe(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, 24)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (u < 0x20 || u >= 0x7f) out += "?";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

absl::StatusOr<DetectedMetricFormat> DetectMetricFormat(std::string_view bytes,
                                                        std::string_view name) {
  DetectedMetricFormat out;
  if (bytes.empty()) {
    out.format = MetricFormat::kLongCsv;  // nothing to read: any reader reads nothing
    return out;
  }
  if (bytes[0] == '\0') {
    out.format = MetricFormat::kOtlpProto;
    return out;
  }
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 64); ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if ((u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f) {
      out.format = MetricFormat::kOtlpProto;
      return out;
    }
  }
  std::size_t i = bytes.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' ||
                              bytes[i] == '\r')) {
    ++i;
  }
  const std::string_view head = bytes.substr(i, 16384);
  if (!head.empty() && head[0] == '{') {
    if (head.find("\"resourceMetrics\"") != std::string_view::npos ||
        head.find("\"resource_metrics\"") != std::string_view::npos) {
      out.format = MetricFormat::kOtlpJson;
      return out;
    }
    if (head.find("\"resultType\"") != std::string_view::npos ||
        (head.find("\"result\"") != std::string_view::npos &&
         head.find("\"data\"") != std::string_view::npos)) {
      out.format = MetricFormat::kPrometheusJson;
      return out;
    }
    std::string what = "a JSON object that is neither a Prometheus query response (no "
                       "\"resultType\") nor OTLP metrics (no \"resourceMetrics\")";
    if (head.find("\"resourceSpans\"") != std::string_view::npos) {
      what = "OTLP traces, not metrics";
    } else if (head.find("\"resourceLogs\"") != std::string_view::npos) {
      what = "OTLP logs, not metrics";
    }
    return absl::InvalidArgumentError(StrCat(name, ": cannot tell the metric format: ", what,
                                             "; name the format"));
  }
  const std::size_t eol = head.find('\n');
  const std::string_view first_line = head.substr(0, eol);
  if (first_line.find(',') != std::string_view::npos && head[0] != '[') {
    const std::vector<std::string> header = SplitHeader(first_line);
    auto has = [&](std::initializer_list<std::string_view> names) {
      for (const std::string& h : header) {
        const std::string l = Lower(h);
        for (std::string_view n : names) {
          if (l == n) return true;
        }
      }
      return false;
    };
    auto exact = [&](std::string_view n) {
      return std::find(header.begin(), header.end(), n) != header.end();
    };
    if (has({"timestamp", "time", "ts", "time_ns", "time_unix_nano"}) &&
        has({"metric", "name", "__name__", "metric_name"}) && has({"value", "val"})) {
      out.format = MetricFormat::kLongCsv;
      return out;
    }
    if (exact("Time") && exact("PodName")) {
      out.format = MetricFormat::kWideCsv;
      out.has_preset = true;
      out.preset = WideCsvMapping::Nezha();
      return out;
    }
    if (exact("time")) {
      bool all_split = header.size() > 1;
      for (const std::string& h : header) {
        if (h == "time" || h.empty()) continue;
        const std::size_t sep = h.find('_');
        if (sep == std::string::npos || sep == 0 || sep + 1 >= h.size()) all_split = false;
      }
      if (all_split) {
        out.format = MetricFormat::kWideCsv;
        out.has_preset = true;
        out.preset = WideCsvMapping::RcaEval();
        return out;
      }
    }
    out.format = MetricFormat::kWideCsv;  // needs a mapping
    return out;
  }
  // A headerless long CSV.
  if (first_line.find(',') != std::string_view::npos) {
    out.format = MetricFormat::kLongCsv;
    return out;
  }
  return absl::InvalidArgumentError(
      StrCat(name, ": cannot tell the metric format from its start (\"", Describe(head),
             "\"): expected a Prometheus query response, OTLP metrics (JSON or protobuf) or a "
             "metric CSV; name the format"));
}

namespace {

absl::Status ReadSource(const InputSource& source, const MetricOptions& options,
                        MetricAccumulator& acc, MetricReport* report) {
  report->source = source.name();
  absl::StatusOr<std::string> raw = source.ReadAll();
  if (!raw.ok()) return raw.status();
  absl::StatusOr<std::string> bytes = Decompress(std::move(*raw), source.name());
  if (!bytes.ok()) return bytes.status();
  const std::string_view text = *bytes;
  MetricContext ctx(source.name(), report, options.max_error_messages);

  MetricFormat format = options.format;
  WideCsvMapping wide = options.wide;
  bool have_wide = options.wide_set;
  if (format == MetricFormat::kAuto || (format == MetricFormat::kWideCsv && !have_wide)) {
    absl::StatusOr<DetectedMetricFormat> detected = DetectMetricFormat(text, source.name());
    if (!detected.ok()) return detected.status();
    if (format == MetricFormat::kAuto) {
      format = detected->format;
      if (have_wide && (format == MetricFormat::kLongCsv || format == MetricFormat::kWideCsv)) {
        format = MetricFormat::kWideCsv;  // a mapping given: the file is wide
      }
    }
    if (format == MetricFormat::kWideCsv && !have_wide && detected->has_preset) {
      wide = detected->preset;
      have_wide = true;
    }
  }
  report->format = format;
  switch (format) {
    case MetricFormat::kPrometheusJson:
      return ParsePrometheusJson(text, ctx, acc);
    case MetricFormat::kOtlpJson:
      return ParseOtlpMetricsJson(text, ctx, acc);
    case MetricFormat::kOtlpProto:
      return ParseOtlpMetricsProto(text, ctx, acc);
    case MetricFormat::kLongCsv:
      return ParseLongCsv(text, ctx, acc);
    case MetricFormat::kWideCsv:
      if (!have_wide) {
        return absl::InvalidArgumentError(StrCat(
            source.name(), ":1: a wide metric CSV (one column per series) needs a column "
            "mapping or a preset (nezha, rcaeval); its header is not one a preset reads"));
      }
      return ParseWideCsv(text, wide, ctx, acc);
    case MetricFormat::kAuto:
      break;
  }
  return absl::InvalidArgumentError(StrCat(source.name(), ": no metric format"));
}

}  // namespace

absl::StatusOr<MetricTypeTable> LoadMetricTypes(const MetricOptions& options) {
  if (options.type_rules_path.empty()) return MetricTypeTable::BuiltIn();
  return MetricTypeTable::FromRulesFile(options.type_rules_path);
}

absl::Status ReadMetricSources(const std::vector<InputSource>& sources,
                               const MetricOptions& options, MetricAccumulator& acc,
                               std::vector<MetricReport>* reports) {
  for (const InputSource& source : sources) {
    reports->emplace_back();
    absl::Status s = ReadSource(source, options, acc, &reports->back());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<MetricPoints> ReadMetrics(const std::vector<InputSource>& sources,
                                         const MetricOptions& options,
                                         std::vector<MetricReport>* reports) {
  absl::StatusOr<MetricTypeTable> types = internal::LoadMetricTypes(options);
  if (!types.ok()) return types.status();
  MetricPoints points;
  internal::CollectOutput output(&points);
  internal::MetricAccumulator acc(options, *types, &output);
  std::vector<MetricReport> local;
  const absl::Status s = internal::ReadMetricSources(sources, options, acc, reports ? reports : &local);
  if (!s.ok()) return s;
  return points;
}

}  // namespace faultline
