// faultline/ingest/metrics.h
//
// Metric readers: time series from Prometheus, OpenTelemetry and CSV files into the model's
// metric series (model/signal_stats.h), attached to the entities their labels name.
//
// Formats (detected from the content when MetricOptions::format is kAuto):
//   kPrometheusJson  /api/v1/query_range (resultType "matrix": "values") and /api/v1/query
//                    (resultType "vector": "value") responses, or their "data" object alone.
//                    Timestamps are unix seconds (fractions allowed); values are strings
//                    ("NaN", "+Inf" included).
//   kOtlpJson        OTLP metrics as JSON: one ExportMetricsServiceRequest / MetricsData per
//                    line (the collector's file exporter) or one document.
//   kOtlpProto       OTLP metrics as protobuf: one message, or messages each preceded by a
//                    4-byte big-endian length (the collector's file exporter).
//   kLongCsv         header `timestamp,entity,metric,value` (also `time`/`ts`, `labels`/
//                    `series`, `name`/`__name__`), one sample per row. The entity cell is a
//                    canonical id ("service:cart"), a label set `k=v,k=v`, or `{k="v",...}`.
//   kWideCsv         one row per time, one column per series (MetricOptions::wide names the
//                    columns; presets WideCsvMapping::Nezha() and RcaEval()).
// Timestamps in CSV cells are unix seconds, milliseconds, microseconds or nanoseconds (told
// apart by magnitude: < 1e11 seconds, < 1e14 ms, < 1e17 us, else ns; fractions allowed), or
// dates: RFC 3339 ("2022-08-22T03:51:19.6Z", "+02:00") and the Go time.String() form
// ("2022-08-22 03:51:19.607158889 +0000 UTC m=+0.11").
//
// Semantics:
// - Counters become per-second rates, as PromQL rate() does between consecutive samples:
//   a decrease is a reset and the increase counts from zero; the first sample of a counter
//   series is its base (accepted, no point). Counters are Prometheus names ending in _total,
//   _count, _sum or _bucket, OTLP monotonic cumulative sums (a new start time is a reset)
//   and the count of OTLP histograms. OTLP delta sums become value / interval.
// - Gauges are kept as they are (also OTLP non-monotonic cumulative sums).
// - OTLP histograms give NAME_p50, NAME_p90 and NAME_p99 (linear interpolation inside the
//   bucket, as histogram_quantile; over the interval since the previous point for
//   cumulative ones) and NAME_rate (requests per second).
// - NaN and infinite samples are rejected ("non-finite"); so are samples of a counter
//   series at or before its previous time ("out of order").
// - Labels map to entities only through ResolveEntity() (ingest/entity_labels.h) with
//   MetricOptions::mapping; a series that maps to nothing is counted ("unmapped") and its
//   label set listed in the report. Labels named in MetricOptions::qualifier_labels (mode,
//   le, code, container...) qualify the metric name: node_cpu_seconds_total{mode="idle"}.
//   Series that map to the same entity and (qualified) name share one SeriesStats.
// - Each metric's signal type (ingest/metric_types.h) is recorded with SetMetricType().
//
// Memory: the model keeps per entity, metric and bucket one SeriesBucket; the reader keeps
// per series its identity and last sample (and a histogram's last bucket counts), never
// the samples themselves.
#ifndef FAULTLINE_INGEST_METRICS_H_
#define FAULTLINE_INGEST_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// MetricFormat
enum class MetricFormat : std::uint8_t {
  kAuto = 0,
  kPrometheusJson,
  kOtlpJson,
  kOtlpProto,
  kLongCsv,
  kWideCsv,
};

// MetricFormatName(): "prometheus", "otlp-json", "otlp-proto", "csv", "wide-csv" ("auto").
std::string_view MetricFormatName(MetricFormat format);

// ParseMetricFormat(): the inverse of MetricFormatName(), also "query_range"/"query"
// (prometheus), "long-csv" (csv); kInvalidArgument naming the accepted names otherwise.
// The preset names "nezha" and "rcaeval" are not formats: see ParseMetricPreset().
absl::StatusOr<MetricFormat> ParseMetricFormat(std::string_view name);

// WideCsvMapping: which columns of a wide CSV hold what.
struct WideCsvMapping {
  // The time column (a timestamp as described above).
  std::string time = "time";
  // Columns whose cells are labels of the row's series (the column name is the label key).
  std::vector<std::string> labels;
  // Value columns -> metric names. Empty: every column that is not time, a label or
  // ignored is a value column named as its header.
  std::vector<std::pair<std::string, std::string>> values;
  // Columns to leave out (when `values` is empty).
  std::vector<std::string> ignore;
  // Labels every row carries (e.g. {"service", "cart"} for a one-service file).
  Attributes constant_labels;
  // When non-empty, a value column named "X<separator>Y" is metric Y of the series whose
  // label `split_label` is X (split at the first separator): RCAEval's {service}_{metric}.
  std::string split_separator;
  std::string split_label = "service";

  // Nezha pod metric files (<pod>_metric.csv): `Time` (Go time.String() dates; `TimeStamp`
  // is offset by +200,000,000 s in the public capture and is ignored), `PodName` as the
  // pod label, every other column a metric (CpuUsage(m), PodSuccessRate(%), ...).
  static WideCsvMapping Nezha();
  // RCAEval data.csv: `time` in unix seconds, one `{service}_{metric}` column per series.
  static WideCsvMapping RcaEval();
};

// ParseMetricPreset(): "nezha" / "rcaeval" -> the wide CSV preset; kInvalidArgument else.
absl::StatusOr<WideCsvMapping> ParseMetricPreset(std::string_view name);

// MetricOptions
struct MetricOptions {
  MetricFormat format = MetricFormat::kAuto;
  // Used for kWideCsv (and for a detected wide CSV when `wide_set` is true); a detected
  // Nezha or RCAEval header uses its preset otherwise.
  WideCsvMapping wide;
  bool wide_set = false;
  // Labels -> entity (ingest/entity_labels.h).
  LabelMapping mapping;
  // Labels that qualify the metric name rather than the entity (when present and non-empty).
  std::vector<std::string> qualifier_labels = {
      "mode",   "le",    "quantile", "code",      "status_code", "http.response.status_code",
      "method", "state", "direction", "container", "device",      "interface", "condition",
      "status", "reason", "resource"};
  // Labels dropped before resolution and qualification (never an entity).
  std::vector<std::string> ignored_labels = {"__name__"};
  // A JSON file {"rules": [{"match": "...", "type": "..."}]} of metric-type rules tried
  // before the built-in table (ingest/metric_types.h); empty: built-in table only.
  std::string type_rules_path;
  // Subgraph the series go to ("metrics/default"), created (kind "metrics") when absent;
  // series accumulate across calls.
  std::string subgraph = "metrics/default";
  // How many error messages and unmapped label sets a report keeps verbatim (all counted).
  std::size_t max_error_messages = 10;
};

// MetricReport: the accounting of one source (or of several, merged).
struct MetricReport {
  std::string source;
  MetricFormat format = MetricFormat::kAuto;  // as detected
  std::uint64_t samples_read = 0;
  std::uint64_t samples_accepted = 0;   // used: recorded, or the base of a counter series
  std::uint64_t points = 0;             // values recorded (rates for counters)
  std::uint64_t series = 0;             // distinct series seen (labels + metric)
  std::uint64_t unmapped_series = 0;    // series that map to no entity
  std::vector<std::string> unmapped;    // the first few of their label sets, {k="v",...}
  std::map<std::string, std::uint64_t> rejected;  // reason -> samples
  std::vector<std::string> errors;      // the first few, with file and line or offset
  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : rejected) n += count;
    return n;
  }
};

// AddMetrics()
//
// Reads one source (gzip/zstd transparently) into options.subgraph. Returns its
// accounting. Errors: those of InputSource; kInvalidArgument for an undetectable format,
// a malformed type-rules file, a CSV without the needed columns, or input that is not
// what its format says (naming the source and line or offset; samples read before the
// error stay in the model). Bad records inside an otherwise readable source are counted
// and skipped, not errors. O(size of the source).
absl::StatusOr<MetricReport> AddMetrics(ModelBuilder& builder, const InputSource& source,
                                        const MetricOptions& options = {});

// AddMetrics() (several sources)
//
// Reads `sources` in order as one stream: a counter series continued in the next file keeps
// its last sample. Returns one report per source. The first source that fails ends the call
// with its error; what was read before stays in the model.
absl::StatusOr<std::vector<MetricReport>> AddMetrics(ModelBuilder& builder,
                                                     const std::vector<InputSource>& sources,
                                                     const MetricOptions& options = {});

// MetricPoints: what a source reads as, in long form, after rate conversion (for tools
// and the Python read_metrics()): one row per recorded point, in input order.
struct MetricPoints {
  std::vector<std::string> entities;  // canonical ids, indexed by `entity`
  std::vector<std::string> metrics;   // (qualified) names, indexed by `metric`
  std::vector<std::string> types;     // signal type of each metric
  std::vector<std::int64_t> time_ns;
  std::vector<std::uint32_t> entity;
  std::vector<std::uint32_t> metric;
  std::vector<double> value;
};

// ReadMetrics()
//
// The points `sources` give, without a model (entities resolved as AddMetrics() would,
// unmapped series counted and left out). Errors as AddMetrics(). O(size of the sources +
// points).
absl::StatusOr<MetricPoints> ReadMetrics(const std::vector<InputSource>& sources,
                                         const MetricOptions& options = {},
                                         std::vector<MetricReport>* reports = nullptr);

}  // namespace faultline

#endif  // FAULTLINE_INGEST_METRICS_H_
