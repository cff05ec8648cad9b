// Private: what every metric parser writes to. Parsers turn their format into series (a
// label set, a metric name, a sample kind) and samples; the MetricAccumulator does the rest
// once for all formats: entity resolution, name qualification, signal types, counter to
// rate conversion, rejection of non-finite and out-of-order samples, and the accounting.
// Points go to a PointOutput: the model (BuilderOutput) or a list (CollectOutput).
#ifndef FAULTLINE_LIB_INGEST_METRICS_METRIC_SINK_H_
#define FAULTLINE_LIB_INGEST_METRICS_METRIC_SINK_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/ingest/metric_types.h"
#include "faultline/ingest/metrics.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/signal_stats.h"

namespace faultline::internal {

// SampleKind: how a series' values become points.
enum class SampleKind : std::uint8_t {
  kGauge,    // kept as it is
  kCounter,  // cumulative and monotonic: per-second rate between samples, resets from zero
  kDelta,    // the increase over [start, time]: value / interval, per second
};

// IsCounterName(): a Prometheus counter name (ending _total, _count, _sum or _bucket).
bool IsCounterName(std::string_view metric);

// MetricContext: the source name and its accounting.
class MetricContext {
 public:
  MetricContext(std::string_view name, MetricReport* report, std::size_t max_messages)
      : name_(name), report_(report), max_messages_(max_messages) {}
  std::string_view name() const { return name_; }
  MetricReport& report() { return *report_; }
  void Read(std::uint64_t n = 1) { report_->samples_read += n; }
  // Reject(): `count` samples skipped for `reason`; `where` ("line 12", "offset 40") goes
  // into the first few error messages. An empty `where` counts without a message.
  void Reject(std::string_view reason, std::string_view where, std::uint64_t count = 1);
  // WantsMessage(): another error message would be kept (compute `where` only then).
  bool WantsMessage() const { return report_->errors.size() < max_messages_; }
  // Note(): an error message that is not a rejected sample (the first few kept).
  void Note(std::string message);
  std::size_t max_messages() const { return max_messages_; }

 private:
  std::string name_;
  MetricReport* report_;
  std::size_t max_messages_;
};

// PointOutput: where the points of resolved series go.
class PointOutput {
 public:
  virtual ~PointOutput() = default;
  // Declare(): a new output series; its handle, or an error that rejects the series.
  virtual absl::StatusOr<std::uint32_t> Declare(const ResolvedEntity& entity,
                                                std::string_view metric,
                                                std::string_view type) = 0;
  virtual void Point(std::uint32_t handle, std::int64_t time_ns, double value) = 0;
  // Finish(): flushes what is buffered.
  virtual void Finish() {}
};

// BuilderOutput: points into a ModelBuilder's metric series. Samples of one bucket are
// summed up in a pending SeriesBucket and merged into the model when the series moves to
// another bucket or at Finish(): one model write per series and bucket.
class BuilderOutput : public PointOutput {
 public:
  BuilderOutput(ModelBuilder& builder, SubgraphId subgraph)
      : builder_(builder), subgraph_(subgraph) {}
  ~BuilderOutput() override { Finish(); }
  absl::StatusOr<std::uint32_t> Declare(const ResolvedEntity& entity, std::string_view metric,
                                        std::string_view type) override;
  void Point(std::uint32_t handle, std::int64_t time_ns, double value) override {
    Pending& p = pending_[handle];
    const std::int64_t index = p.series->BucketIndex(time_ns);
    if (index != p.index) {
      if (p.bucket.count != 0) p.series->MergeBucket(p.index, p.bucket);
      p.bucket = SeriesBucket();
      p.index = index;
    }
    p.bucket.Add(time_ns, value);
  }
  void Finish() override;

 private:
  struct Pending {
    SeriesStats* series = nullptr;
    std::int64_t index = std::numeric_limits<std::int64_t>::min();
    SeriesBucket bucket;
  };
  ModelBuilder& builder_;
  SubgraphId subgraph_;
  std::vector<Pending> pending_;
  absl::flat_hash_map<std::string, std::uint32_t> handles_;  // entity id + '\0' + metric
  absl::flat_hash_map<std::string, bool> typed_;
};

// CollectOutput: points into a MetricPoints (long form).
class CollectOutput : public PointOutput {
 public:
  explicit CollectOutput(MetricPoints* out) : out_(out) {}
  absl::StatusOr<std::uint32_t> Declare(const ResolvedEntity& entity, std::string_view metric,
                                        std::string_view type) override;
  void Point(std::uint32_t handle, std::int64_t time_ns, double value) override {
    const Handle& h = handles_[handle];
    out_->time_ns.push_back(time_ns);
    out_->entity.push_back(h.entity);
    out_->metric.push_back(h.metric);
    out_->value.push_back(value);
  }

 private:
  struct Handle {
    std::uint32_t entity;
    std::uint32_t metric;
  };
  MetricPoints* out_;
  std::vector<Handle> handles_;
  absl::flat_hash_map<std::string, std::uint32_t> entities_;
  absl::flat_hash_map<std::string, std::uint32_t> metrics_;
};

// MetricAccumulator
//
// Series and samples from every parser of one call (several sources share it, so a counter
// continued in the next file keeps its last sample). Memory: one SeriesState per series.
class MetricAccumulator {
 public:
  MetricAccumulator(const MetricOptions& options, const MetricTypeTable& types,
                    PointOutput* output)
      : options_(options), types_(types), output_(output) {}

  // kNoSeries: a series whose samples are all rejected (unmapped, or refused by the output).
  static constexpr std::uint32_t kNoSeries = std::numeric_limits<std::uint32_t>::max();

  // Series(): the handle of the series (labels, metric, kind); the same handle for the same
  // key within this accumulator. `labels` need not be sorted. Counts a new series (and an
  // unmapped one) in ctx's report.
  // `type` overrides the table's signal type when non-empty.
  std::uint32_t Series(Attributes labels, std::string_view metric, SampleKind kind,
                       MetricContext& ctx, std::string_view type = {});

  // Sample(): one sample of `series` (a handle from Series()). `start_ns` is the start of a
  // cumulative or delta OTLP point (0: none). Returns nullptr when accepted, or the reason
  // it is rejected ("non-finite", "out of order", "unmapped", ...); the caller counts a
  // rejection with ctx.Reject(reason, where). Accepted samples are counted here unless
  // `counted` is false (points derived from a sample counted elsewhere).
  const char* Sample(std::uint32_t series, std::int64_t time_ns, double value,
                     std::int64_t start_ns, MetricContext& ctx, bool counted = true) {
    if (series == kNoSeries) return "unmapped";
    if (!(value - value == 0.0)) return "non-finite";  // NaN or +-Inf
    SeriesState& s = series_[series];
    if (s.output == kNoSeries) return s.reject_reason;
    ctx.report().samples_accepted += counted;
    switch (s.kind) {
      case SampleKind::kGauge:
        break;
      case SampleKind::kCounter: {
        if (s.prev_ns == kNoTime) {
          s.prev_ns = time_ns;
          s.prev_value = value;
          s.prev_start = start_ns;
          return nullptr;
        }
        if (time_ns <= s.prev_ns) {
          ctx.report().samples_accepted -= counted;
          return time_ns == s.prev_ns ? "duplicate timestamp" : "out of order";
        }
        const bool reset = value < s.prev_value || (start_ns != s.prev_start && start_ns != 0 &&
                                                    s.prev_start != 0);
        const double increase = reset ? value : value - s.prev_value;
        const double seconds = static_cast<double>(time_ns - s.prev_ns) * 1e-9;
        s.prev_ns = time_ns;
        s.prev_value = value;
        s.prev_start = start_ns;
        value = increase / seconds;
        break;
      }
      case SampleKind::kDelta: {
        std::int64_t from = start_ns;
        if (from == 0 || from >= time_ns) from = s.prev_ns;
        s.prev_ns = time_ns;
        if (from == kNoTime || from >= time_ns) return nullptr;  // the base: no interval yet
        value = value / (static_cast<double>(time_ns - from) * 1e-9);
        break;
      }
    }
    ++ctx.report().points;
    output_->Point(s.output, time_ns, value);
    return nullptr;
  }

  const MetricTypeTable& types() const { return types_; }
  const MetricOptions& options() const { return options_; }

 private:
  static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
  struct SeriesState {
    SampleKind kind = SampleKind::kGauge;
    std::uint32_t output = kNoSeries;
    const char* reject_reason = "unmapped";
    std::int64_t prev_ns = kNoTime;
    double prev_value = 0.0;
    std::int64_t prev_start = 0;
  };
  const MetricOptions& options_;
  const MetricTypeTable& types_;
  PointOutput* output_;
  std::vector<SeriesState> series_;
  absl::flat_hash_map<std::string, std::uint32_t> index_;  // series key -> handle
};


// ParseLabelSet(): a label cell "k=v,k=v" or "{k="v",...}" (values may be quoted with
// '"', with \" \\ \n escapes) into `labels`; false when malformed.
bool ParseLabelSet(std::string_view text, Attributes* labels);

// --- time and numbers ---------------------------------------------------------------------

// ParseDecimalTime(): a decimal number of `unit_ns` units ("1700000000.123") as
// nanoseconds, exactly for up to 9 fraction digits; exponents through double. False when
// not a number or out of range.
bool ParseDecimalTime(std::string_view text, std::int64_t unit_ns, std::int64_t* ns);
// ParseTimestamp(): a CSV time cell: a unix time in s/ms/us/ns told apart by magnitude, or
// a date (RFC 3339, Go time.String()). False when none fits.
bool ParseTimestamp(std::string_view text, std::int64_t* ns);
// ParseValue(): a sample value: a decimal or exponent number, "NaN", "+Inf", "-Inf",
// "Inf" (any case). False when not a number.
bool ParseValue(std::string_view text, double* value);

// FastDecimal(): the common case of ParseValue(): [-]digits[.digits] with at most 15
// significant digits, as mantissa / 10^k, which is correctly rounded (both exact in a
// double, one division), so it equals ParseValue(). False (nothing set) for anything else.
inline bool FastDecimal(const char* p, const char* end, double* value) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction = 0;
  const char* start = p;
  while (p < end && static_cast<unsigned>(*p - '0') < 10) {
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    ++p;
  }
  digits = static_cast<int>(p - start);
  if (digits == 0) return false;
  if (p < end && *p == '.') {
    ++p;
    const char* frac_start = p;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
      ++p;
    }
    fraction = static_cast<int>(p - frac_start);
    if (fraction == 0) return false;
    digits += fraction;
  }
  if (p != end || digits > 15) return false;
  double v = static_cast<double>(mantissa);
  if (fraction > 0) v /= kPow10[fraction];
  *value = negative ? -v : v;
  return true;
}

// --- parsers (each: the whole decompressed content of one source) ---------------------------

absl::Status ParsePrometheusJson(std::string_view text, MetricContext& ctx,
                                 MetricAccumulator& acc);
absl::Status ParseOtlpMetricsJson(std::string_view text, MetricContext& ctx,
                                  MetricAccumulator& acc);
absl::Status ParseOtlpMetricsProto(std::string_view bytes, MetricContext& ctx,
                                   MetricAccumulator& acc);
absl::Status ParseLongCsv(std::string_view text, MetricContext& ctx, MetricAccumulator& acc);
absl::Status ParseWideCsv(std::string_view text, const WideCsvMapping& mapping,
                          MetricContext& ctx, MetricAccumulator& acc);

// What DetectMetricFormat() found; `wide` is set for a Nezha or RCAEval header.
struct DetectedMetricFormat {
  MetricFormat format = MetricFormat::kAuto;
  bool has_preset = false;
  WideCsvMapping preset;
};
// DetectMetricFormat(): from decompressed content; kInvalidArgument naming the source and
// what it starts with when no format fits.
absl::StatusOr<DetectedMetricFormat> DetectMetricFormat(std::string_view bytes,
                                                        std::string_view name);

// --- OTLP histograms ------------------------------------------------------------------------

// HistogramQuantile(): the q-quantile (0 < q < 1) of bucket counts `counts` with upper bounds
// `bounds` (counts.size() == bounds.size() + 1, the last bucket unbounded), interpolated
// linearly inside the bucket as PromQL histogram_quantile: the first bucket starts at 0
// (or at its bound when that is negative), the unbounded bucket answers the largest bound.
// NaN when the counts sum to 0.
double HistogramQuantile(double q, const std::vector<double>& bounds,
                         const std::vector<double>& counts);

// HistogramSeries: a parser's state for one OTLP histogram series.
struct HistogramState {
  std::uint32_t p50 = MetricAccumulator::kNoSeries;
  std::uint32_t p90 = MetricAccumulator::kNoSeries;
  std::uint32_t p99 = MetricAccumulator::kNoSeries;
  std::uint32_t rate = MetricAccumulator::kNoSeries;
  std::vector<double> prev_counts;  // cumulative: the last point's bucket counts
  std::vector<double> prev_bounds;
  std::int64_t prev_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t prev_start = 0;
};

// HistogramPoint: one OTLP histogram data point.
struct HistogramPoint {
  std::int64_t start_ns = 0;
  std::int64_t time_ns = 0;
  double count = 0;
  std::vector<double> counts;
  std::vector<double> bounds;
};

// HistogramSink: the histogram series of one parse, keyed like MetricAccumulator series.
class HistogramSink {
 public:
  explicit HistogramSink(MetricAccumulator& acc) : acc_(acc) {}
  // Point(): records one point of histogram `metric` with `labels`; false with *reason when
  // the point is rejected (counted by the caller, except its quantiles).
  const char* Point(const Attributes& labels, std::string_view metric, bool cumulative,
                    const HistogramPoint& point, MetricContext& ctx);

 private:
  MetricAccumulator& acc_;
  absl::flat_hash_map<std::string, HistogramState> states_;
};

// LoadMetricTypes(): the built-in table, after the rules of options.type_rules_path.
absl::StatusOr<MetricTypeTable> LoadMetricTypes(const MetricOptions& options);
// ReadMetricSources(): reads `sources` in order into `acc`, one report each (appended);
// stops at the first source that fails, with its error.
absl::Status ReadMetricSources(const std::vector<InputSource>& sources,
                               const MetricOptions& options, MetricAccumulator& acc,
                               std::vector<MetricReport>* reports);

// SeriesKeyOf(): a stable key of a label set and a name, for parser-side caches.
std::string SeriesKeyOf(const Attributes& labels, std::string_view metric);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_METRICS_METRIC_SINK_H_
