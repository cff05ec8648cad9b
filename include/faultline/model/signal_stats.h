// faultline/model/signal_stats.h
//
// The signals beside traces, as the model keeps them: metric series, log counts, alerts
// and change events, each attached to an entity. Like the trace statistics they are
// aggregated into time buckets (the builder's bucket width) and mergeable, so the model
// never holds raw samples or log lines: memory is bounded by entities x buckets x signals.
//
// - SeriesStats: one metric of one entity; per bucket the count, min, max, sum and last
//   value of its samples (already rates for counters: readers convert).
// - LogStats: one entity's log records; per bucket the count per severity and per log
//   template (templates are interned by the builder, ids stable within one model).
// - Alert / ChangeEvent: timed records on an entity (alerts are symptoms with an onset,
//   change events are deploys, config changes, restarts, OOM kills and the like).
#ifndef FAULTLINE_MODEL_SIGNAL_STATS_H_
#define FAULTLINE_MODEL_SIGNAL_STATS_H_

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "faultline/model/entity.h"
#include "faultline/model/windowed_stats.h"

namespace faultline {

// --- Metric series ---------------------------------------------------------------------

// SeriesBucket: the samples of one series in one bucket.
struct SeriesBucket {
  std::uint64_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  double last = std::numeric_limits<double>::quiet_NaN();
  // Time of `last`: merging keeps the later one (ties: the larger value, so merging is
  // order-independent).
  std::int64_t last_ns = std::numeric_limits<std::int64_t>::min();

  // Add(): one sample. NaN and infinite values are the caller's to reject.
  void Add(std::int64_t time_ns, double value);
  void Merge(const SeriesBucket& other);
  double mean() const {
    return count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / count;
  }
  bool operator==(const SeriesBucket& o) const;
  bool operator!=(const SeriesBucket& o) const { return !(*this == o); }
};

// SeriesStats
//
// One metric of one entity, bucketed like WindowedStats (index = floor(t / width)). Not
// thread-safe for writes.
class SeriesStats {
 public:
  explicit SeriesStats(std::int64_t bucket_width_ns = kDefaultBucketWidthNs);

  // Record(): one sample at `time_ns`. O(log buckets).
  void Record(std::int64_t time_ns, double value);
  // MergeBucket(): merges `bucket` into bucket `bucket_index`.
  void MergeBucket(std::int64_t bucket_index, const SeriesBucket& bucket);
  // Merge(): merges every bucket of `other`; kInvalidArgument when the widths differ.
  absl::Status Merge(const SeriesStats& other);
  // Aggregate(): the merged buckets whose start lies in [begin_ns, end_ns).
  SeriesBucket Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const;
  // DropBefore(): removes the buckets that end at or before `time_ns`.
  void DropBefore(std::int64_t time_ns);

  std::int64_t bucket_width_ns() const { return bucket_width_ns_; }
  std::int64_t BucketIndex(std::int64_t time_ns) const;
  std::int64_t BucketStart(std::int64_t index) const { return index * bucket_width_ns_; }
  const absl::btree_map<std::int64_t, SeriesBucket>& buckets() const { return buckets_; }
  bool empty() const { return buckets_.empty(); }
  bool operator==(const SeriesStats& o) const {
    return bucket_width_ns_ == o.bucket_width_ns_ && buckets_ == o.buckets_;
  }
  bool operator!=(const SeriesStats& o) const { return !(*this == o); }

 private:
  std::int64_t bucket_width_ns_;
  absl::btree_map<std::int64_t, SeriesBucket> buckets_;
};

// --- Logs ------------------------------------------------------------------------------

// Severity: OpenTelemetry's severity ranges (SeverityNumber 1-4 trace, 5-8 debug, 9-12 info,
// 13-16 warn, 17-20 error, 21-24 fatal; 0 unspecified).
enum class Severity : std::uint8_t {
  kUnspecified = 0,
  kTrace,
  kDebug,
  kInfo,
  kWarn,
  kError,
  kFatal,
};
inline constexpr int kSeverityCount = 7;

// SeverityName(): "unspecified", "trace", "debug", "info", "warn", "error", "fatal".
std::string_view SeverityName(Severity severity);
// SeverityFromNumber(): the range an OTLP SeverityNumber falls in (out of 1..24:
// unspecified).
Severity SeverityFromNumber(int number);
// SeverityFromText(): a severity word, case-insensitive, with the usual spellings
// ("warning", "err", "critical", "panic", "notice", ...); unspecified when unknown.
Severity SeverityFromText(std::string_view text);

// LogBucket: the records of one entity in one bucket.
struct LogBucket {
  std::array<std::uint64_t, kSeverityCount> by_severity{};
  // (template id, count), sorted by template id, ids unique.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> by_template;

  std::uint64_t total() const;
  // Count of records of `severity` or worse (e.g. kError: error + fatal).
  std::uint64_t AtLeast(Severity severity) const;
  // Count of template `id` (0 when absent). O(log templates).
  std::uint64_t TemplateCount(std::uint32_t id) const;
  void Add(Severity severity, std::uint32_t template_id, std::uint64_t count);
  void Merge(const LogBucket& other);
  bool operator==(const LogBucket& o) const {
    return by_severity == o.by_severity && by_template == o.by_template;
  }
  bool operator!=(const LogBucket& o) const { return !(*this == o); }
};

// kNoTemplate: a record counted by severity only (no template mined or given).
inline constexpr std::uint32_t kNoTemplate = std::numeric_limits<std::uint32_t>::max();

// LogStats: one entity's log counts, bucketed like WindowedStats.
class LogStats {
 public:
  explicit LogStats(std::int64_t bucket_width_ns = kDefaultBucketWidthNs);

  // Record(): `count` records of `severity` and template `template_id` (kNoTemplate: by
  // severity only) at `time_ns`. O(log buckets + log templates in the bucket).
  void Record(std::int64_t time_ns, Severity severity, std::uint32_t template_id,
              std::uint64_t count = 1);
  void MergeBucket(std::int64_t bucket_index, const LogBucket& bucket);
  absl::Status Merge(const LogStats& other);
  LogBucket Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const;
  void DropBefore(std::int64_t time_ns);

  std::int64_t bucket_width_ns() const { return bucket_width_ns_; }
  std::int64_t BucketIndex(std::int64_t time_ns) const;
  std::int64_t BucketStart(std::int64_t index) const { return index * bucket_width_ns_; }
  const absl::btree_map<std::int64_t, LogBucket>& buckets() const { return buckets_; }
  bool empty() const { return buckets_.empty(); }
  bool operator==(const LogStats& o) const {
    return bucket_width_ns_ == o.bucket_width_ns_ && buckets_ == o.buckets_;
  }
  bool operator!=(const LogStats& o) const { return !(*this == o); }

 private:
  std::int64_t bucket_width_ns_;
  absl::btree_map<std::int64_t, LogBucket> buckets_;
};

// --- Alerts and change events ----------------------------------------------------------

// Alert: one alert on an entity. A symptom with an onset time, never proof of a cause.
struct Alert {
  std::string name;      // alertname
  std::string severity;  // the alert's severity label, as given ("critical", "warning")
  std::string state;     // "firing", "resolved", "pending"
  std::int64_t starts_ns = 0;
  std::int64_t ends_ns = 0;  // 0: still open
  Attributes labels;         // the labels that made the entity match, sorted by key
  std::string summary;       // the summary or description annotation, if any
  std::string source;        // the file or stream it came from
  bool operator==(const Alert& o) const;
};

// ChangeEvent: something that changed or happened to an entity at a time.
struct ChangeEvent {
  std::int64_t time_ns = 0;      // first occurrence
  std::int64_t last_ns = 0;      // last occurrence (== time_ns for a single one)
  // What kind of change, lower_snake_case: "deploy", "config_change", "iac_change",
  // "restart", "oom_killed", "backoff", "killing", "failed_scheduling", "node_not_ready",
  // "evicted", "unhealthy", "scaling", or the reason itself, lowercased, for others.
  std::string kind;
  std::string reason;            // as given ("OOMKilling", "BackOff")
  std::string detail;            // message, version or diff summary
  bool warning = false;          // Kubernetes type Warning (or an error-level change)
  std::uint64_t count = 1;       // occurrences folded into this record
  std::string source;
  bool operator==(const ChangeEvent& o) const;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_SIGNAL_STATS_H_
