// WindowedStats.
#include "faultline/model/windowed_stats.h"

#include "faultline/internal/str_cat.h"

namespace faultline {

WindowedStats::WindowedStats(std::int64_t bucket_width_ns)
    : bucket_width_ns_(bucket_width_ns > 0 ? bucket_width_ns : kDefaultBucketWidthNs) {}

std::int64_t WindowedStats::BucketIndex(std::int64_t time_unix_ns) const {
  // Floor division, also for times before the epoch.
  std::int64_t q = time_unix_ns / bucket_width_ns_;
  if (time_unix_ns % bucket_width_ns_ != 0 && time_unix_ns < 0) --q;
  return q;
}

void WindowedStats::Record(std::int64_t time_unix_ns, bool error, std::int64_t latency_ns) {
  BucketStats& b = Bucket(time_unix_ns);
  ++b.requests;
  if (error) ++b.errors;
  b.latency.Add(latency_ns);
}

void WindowedStats::MergeBucket(std::int64_t bucket_index, const BucketStats& stats) {
  last_ = nullptr;
  buckets_[bucket_index].Merge(stats);
}

absl::Status WindowedStats::Merge(const WindowedStats& other) {
  if (other.bucket_width_ns_ != bucket_width_ns_) {
    return absl::InvalidArgumentError(
        internal::StrCat("cannot merge statistics with bucket width ", other.bucket_width_ns_,
                     " ns into statistics with bucket width ", bucket_width_ns_, " ns"));
  }
  last_ = nullptr;
  for (const auto& [index, stats] : other.buckets_) buckets_[index].Merge(stats);
  return absl::OkStatus();
}

BucketStats WindowedStats::Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const {
  BucketStats out;
  if (end_ns <= begin_ns) return out;
  // Buckets whose start lies in [begin_ns, end_ns): index i with i*w >= begin, i*w < end.
  const std::int64_t first = BucketIndex(begin_ns) + (BucketStart(BucketIndex(begin_ns)) < begin_ns);
  for (auto it = buckets_.lower_bound(first); it != buckets_.end(); ++it) {
    if (BucketStart(it->first) >= end_ns) break;
    out.Merge(it->second);
  }
  return out;
}

BucketStats WindowedStats::Total() const {
  BucketStats out;
  for (const auto& [index, stats] : buckets_) out.Merge(stats);
  return out;
}

void WindowedStats::DropBefore(std::int64_t time_unix_ns) {
  const std::int64_t first = BucketIndex(time_unix_ns) +
                             (BucketStart(BucketIndex(time_unix_ns)) < time_unix_ns);
  last_ = nullptr;
  buckets_.erase(buckets_.begin(), buckets_.lower_bound(first));
}

}  // namespace faultline
