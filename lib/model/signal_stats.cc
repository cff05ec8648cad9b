// SeriesStats, LogStats, severities, alerts and change events (model/signal_stats.h).
#include "faultline/model/signal_stats.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "faultline/internal/str_cat.h"

namespace faultline {
namespace {

// Floor division, also for times before the epoch.
std::int64_t FloorIndex(std::int64_t time_ns, std::int64_t width) {
  std::int64_t q = time_ns / width;
  if (time_ns % width != 0 && time_ns < 0) --q;
  return q;
}

// The first bucket index whose start is at or after `time_ns`.
std::int64_t FirstIndexAtOrAfter(std::int64_t time_ns, std::int64_t width) {
  const std::int64_t q = FloorIndex(time_ns, width);
  return time_ns % width == 0 ? q : q + 1;
}

absl::Status WidthMismatch(std::int64_t other, std::int64_t mine) {
  return absl::InvalidArgumentError(internal::StrCat(
      "cannot merge signals with bucket width ", other, " ns into signals with bucket width ",
      mine, " ns"));
}

// Merges the buckets of `map` whose start lies in [begin_ns, end_ns) into `out`.
template <typename Map, typename Bucket>
void AggregateInto(const Map& map, std::int64_t width, std::int64_t begin_ns,
                   std::int64_t end_ns, Bucket* out) {
  if (end_ns <= begin_ns) return;
  for (auto it = map.lower_bound(FirstIndexAtOrAfter(begin_ns, width)); it != map.end(); ++it) {
    if (it->first >= FirstIndexAtOrAfter(end_ns, width)) break;
    out->Merge(it->second);
  }
}

bool SameDouble(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

// --- SeriesBucket / SeriesStats ----------------------------------------------------------

void SeriesBucket::Add(std::int64_t time_ns, double value) {
  ++count;
  min = std::min(min, value);
  max = std::max(max, value);
  sum += value;
  if (time_ns > last_ns || (time_ns == last_ns && !(value <= last))) {
    last_ns = time_ns;
    last = value;
  }
}

void SeriesBucket::Merge(const SeriesBucket& o) {
  if (o.count == 0) return;
  count += o.count;
  min = std::min(min, o.min);
  max = std::max(max, o.max);
  sum += o.sum;
  if (o.last_ns > last_ns || (o.last_ns == last_ns && !(o.last <= last))) {
    last_ns = o.last_ns;
    last = o.last;
  }
}

bool SeriesBucket::operator==(const SeriesBucket& o) const {
  return count == o.count && min == o.min && max == o.max && sum == o.sum &&
         SameDouble(last, o.last) && last_ns == o.last_ns;
}

SeriesStats::SeriesStats(std::int64_t bucket_width_ns)
    : bucket_width_ns_(bucket_width_ns > 0 ? bucket_width_ns : kDefaultBucketWidthNs) {}

std::int64_t SeriesStats::BucketIndex(std::int64_t time_ns) const {
  return FloorIndex(time_ns, bucket_width_ns_);
}

void SeriesStats::Record(std::int64_t time_ns, double value) {
  buckets_[BucketIndex(time_ns)].Add(time_ns, value);
}

void SeriesStats::MergeBucket(std::int64_t bucket_index, const SeriesBucket& bucket) {
  buckets_[bucket_index].Merge(bucket);
}

absl::Status SeriesStats::Merge(const SeriesStats& other) {
  if (other.bucket_width_ns_ != bucket_width_ns_) {
    return WidthMismatch(other.bucket_width_ns_, bucket_width_ns_);
  }
  for (const auto& [index, bucket] : other.buckets_) buckets_[index].Merge(bucket);
  return absl::OkStatus();
}

SeriesBucket SeriesStats::Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const {
  SeriesBucket out;
  AggregateInto(buckets_, bucket_width_ns_, begin_ns, end_ns, &out);
  return out;
}

void SeriesStats::DropBefore(std::int64_t time_ns) {
  buckets_.erase(buckets_.begin(),
                 buckets_.lower_bound(FirstIndexAtOrAfter(time_ns, bucket_width_ns_)));
}

// --- Severities ----------------------------------------------------------------------------

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kTrace: return "trace";
    case Severity::kDebug: return "debug";
    case Severity::kInfo: return "info";
    case Severity::kWarn: return "warn";
    case Severity::kError: return "error";
    case Severity::kFatal: return "fatal";
    case Severity::kUnspecified: break;
  }
  return "unspecified";
}

Severity SeverityFromNumber(int number) {
  if (number < 1 || number > 24) return Severity::kUnspecified;
  return static_cast<Severity>(1 + (number - 1) / 4);
}

Severity SeverityFromText(std::string_view text) {
  std::string t;
  t.reserve(text.size());
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  // Trailing digits as in OpenTelemetry's "ERROR2", "WARN4".
  while (!t.empty() && std::isdigit(static_cast<unsigned char>(t.back()))) t.pop_back();
  if (t == "trace" || t == "finest" || t == "finer") return Severity::kTrace;
  if (t == "debug" || t == "dbg" || t == "fine" || t == "verbose") return Severity::kDebug;
  if (t == "info" || t == "information" || t == "informational" || t == "notice" || t == "i") {
    return Severity::kInfo;
  }
  if (t == "warn" || t == "warning" || t == "w") return Severity::kWarn;
  if (t == "error" || t == "err" || t == "severe" || t == "e") return Severity::kError;
  if (t == "fatal" || t == "critical" || t == "crit" || t == "panic" || t == "emerg" ||
      t == "emergency" || t == "alert" || t == "f") {
    return Severity::kFatal;
  }
  return Severity::kUnspecified;
}

// --- LogBucket / LogStats ------------------------------------------------------------------

std::uint64_t LogBucket::total() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : by_severity) n += c;
  return n;
}

std::uint64_t LogBucket::AtLeast(Severity severity) const {
  std::uint64_t n = 0;
  for (int s = static_cast<int>(severity); s < kSeverityCount; ++s) n += by_severity[s];
  return n;
}

std::uint64_t LogBucket::TemplateCount(std::uint32_t id) const {
  auto it = std::lower_bound(by_template.begin(), by_template.end(),
                             std::make_pair(id, std::uint64_t{0}));
  return it != by_template.end() && it->first == id ? it->second : 0;
}

void LogBucket::Add(Severity severity, std::uint32_t template_id, std::uint64_t count) {
  by_severity[static_cast<int>(severity)] += count;
  if (template_id == kNoTemplate) return;
  auto it = std::lower_bound(by_template.begin(), by_template.end(),
                             std::make_pair(template_id, std::uint64_t{0}));
  if (it != by_template.end() && it->first == template_id) {
    it->second += count;
  } else {
    by_template.insert(it, {template_id, count});
  }
}

void LogBucket::Merge(const LogBucket& o) {
  for (int s = 0; s < kSeverityCount; ++s) by_severity[s] += o.by_severity[s];
  if (o.by_template.empty()) return;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> merged;
  merged.reserve(by_template.size() + o.by_template.size());
  auto a = by_template.begin();
  auto b = o.by_template.begin();
  while (a != by_template.end() || b != o.by_template.end()) {
    if (b == o.by_template.end() || (a != by_template.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == by_template.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  by_template = std::move(merged);
}

LogStats::LogStats(std::int64_t bucket_width_ns)
    : bucket_width_ns_(bucket_width_ns > 0 ? bucket_width_ns : kDefaultBucketWidthNs) {}

std::int64_t LogStats::BucketIndex(std::int64_t time_ns) const {
  return FloorIndex(time_ns, bucket_width_ns_);
}

void LogStats::Record(std::int64_t time_ns, Severity severity, std::uint32_t template_id,
                      std::uint64_t count) {
  buckets_[BucketIndex(time_ns)].Add(severity, template_id, count);
}

void LogStats::MergeBucket(std::int64_t bucket_index, const LogBucket& bucket) {
  buckets_[bucket_index].Merge(bucket);
}

absl::Status LogStats::Merge(const LogStats& other) {
  if (other.bucket_width_ns_ != bucket_width_ns_) {
    return WidthMismatch(other.bucket_width_ns_, bucket_width_ns_);
  }
  for (const auto& [index, bucket] : other.buckets_) buckets_[index].Merge(bucket);
  return absl::OkStatus();
}

LogBucket LogStats::Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const {
  LogBucket out;
  AggregateInto(buckets_, bucket_width_ns_, begin_ns, end_ns, &out);
  return out;
}

void LogStats::DropBefore(std::int64_t time_ns) {
  buckets_.erase(buckets_.begin(),
                 buckets_.lower_bound(FirstIndexAtOrAfter(time_ns, bucket_width_ns_)));
}

// --- Alerts and change events ----------------------------------------------------------------

bool Alert::operator==(const Alert& o) const {
  return name == o.name && severity == o.severity && state == o.state &&
         starts_ns == o.starts_ns && ends_ns == o.ends_ns && labels == o.labels &&
         summary == o.summary && source == o.source;
}

bool ChangeEvent::operator==(const ChangeEvent& o) const {
  return time_ns == o.time_ns && last_ns == o.last_ns && kind == o.kind && reason == o.reason &&
         detail == o.detail && warning == o.warning && count == o.count && source == o.source;
}

}  // namespace faultline
