// faultline/model/windowed_stats.h
//
// WindowedStats: request count, error count and a latency sketch per fixed-width time
// bucket, for one edge or one entity. Memory is bounded by the buckets kept, not by the
// requests recorded. Merging is exact: merging two containers equals building one from
// the union of their data.
#ifndef FAULTLINE_MODEL_WINDOWED_STATS_H_
#define FAULTLINE_MODEL_WINDOWED_STATS_H_

#include <cstdint>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "faultline/model/latency_sketch.h"

namespace faultline {

// The default bucket width: 10 seconds.
inline constexpr std::int64_t kDefaultBucketWidthNs = 10'000'000'000;

// BucketStats: what happened in one time bucket.
//
// On an edge: the requests across it, failed requests, the callee-observed (server) latency
// and the caller-observed (client) latency. On an entity: the requests it served, failed
// ones, their latency, its exclusive (self) time, and the failures that originated there
// (a failed span with no failed dependency) rather than arriving from a dependency.
struct BucketStats {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t errors_originated = 0;
  LatencySketch latency;
  LatencySketch client_latency;
  LatencySketch self_time;

  void Merge(const BucketStats& other) {
    requests += other.requests;
    errors += other.errors;
    errors_originated += other.errors_originated;
    latency.Merge(other.latency);
    client_latency.Merge(other.client_latency);
    self_time.Merge(other.self_time);
  }
  double error_rate() const {
    return requests == 0 ? 0.0 : static_cast<double>(errors) / requests;
  }
  bool operator==(const BucketStats& o) const {
    return requests == o.requests && errors == o.errors &&
           errors_originated == o.errors_originated && latency == o.latency &&
           client_latency == o.client_latency && self_time == o.self_time;
  }
  bool operator!=(const BucketStats& o) const { return !(*this == o); }
};

// WindowedStats
//
// Buckets are keyed by index = floor(time_unix_ns / bucket_width_ns), so two containers
// with the same width agree on bucket boundaries. Not thread-safe for writes.
class WindowedStats {
 public:
  // Requires bucket_width_ns > 0 (a non-positive width is replaced by the default).
  explicit WindowedStats(std::int64_t bucket_width_ns = kDefaultBucketWidthNs);
  WindowedStats(const WindowedStats& o) : bucket_width_ns_(o.bucket_width_ns_), buckets_(o.buckets_) {}
  WindowedStats& operator=(const WindowedStats& o) {
    bucket_width_ns_ = o.bucket_width_ns_;
    buckets_ = o.buckets_;
    last_ = nullptr;
    return *this;
  }
  WindowedStats(WindowedStats&& o) noexcept
      : bucket_width_ns_(o.bucket_width_ns_), buckets_(std::move(o.buckets_)) {
    o.last_ = nullptr;
  }
  WindowedStats& operator=(WindowedStats&& o) noexcept {
    bucket_width_ns_ = o.bucket_width_ns_;
    buckets_ = std::move(o.buckets_);
    last_ = nullptr;
    o.last_ = nullptr;
    return *this;
  }

  // Record()
  //
  // Records one request that started at `time_unix_ns`, failed or not, and took
  // `latency_ns` (negative is recorded as 0). O(log buckets + bins).
  void Record(std::int64_t time_unix_ns, bool error, std::int64_t latency_ns);

  // Bucket()
  //
  // The mutable bucket holding `time_unix_ns`, created empty when absent: for recorders
  // that fill several fields at once. O(log buckets).
  // Records arrive mostly in time order, so the last bucket used is checked first.
  BucketStats& Bucket(std::int64_t time_unix_ns) {
    // Unsigned difference: no overflow however far apart the two times are.
    if (last_ != nullptr && time_unix_ns >= last_start_ &&
        static_cast<std::uint64_t>(time_unix_ns) - static_cast<std::uint64_t>(last_start_) <
            static_cast<std::uint64_t>(bucket_width_ns_)) {
      return *last_;
    }
    const std::int64_t index = BucketIndex(time_unix_ns);
    last_ = &buckets_[index];
    last_start_ = BucketStart(index);
    return *last_;
  }

  // CachedBucket()
  //
  // The bucket of `time_unix_ns` if it is the one Bucket() returned last, else null. Never
  // inserts; for prefetching ahead of Bucket().
  const BucketStats* CachedBucket(std::int64_t time_unix_ns) const {
    if (last_ != nullptr && time_unix_ns >= last_start_ &&
        static_cast<std::uint64_t>(time_unix_ns) - static_cast<std::uint64_t>(last_start_) <
            static_cast<std::uint64_t>(bucket_width_ns_)) {
      return last_;
    }
    return nullptr;
  }

  // MergeBucket()
  //
  // Adds `stats` to the bucket with index `bucket_index`. O(log buckets + bins).
  void MergeBucket(std::int64_t bucket_index, const BucketStats& stats);

  // Merge()
  //
  // Adds everything in `other`. Returns kInvalidArgument (and changes nothing) when the
  // bucket widths differ. O(buckets * bins).
  absl::Status Merge(const WindowedStats& other);

  // Aggregate()
  //
  // The merged statistics of every bucket whose start lies in [begin_ns, end_ns).
  // O(log buckets + buckets in range * bins).
  BucketStats Aggregate(std::int64_t begin_ns, std::int64_t end_ns) const;

  // Total()
  //
  // The merged statistics of all buckets.
  BucketStats Total() const;

  // DropBefore()
  //
  // Forgets every bucket that starts before `time_unix_ns`: bounds memory on long runs.
  void DropBefore(std::int64_t time_unix_ns);

  std::int64_t bucket_width_ns() const { return bucket_width_ns_; }
  std::int64_t BucketIndex(std::int64_t time_unix_ns) const;
  std::int64_t BucketStart(std::int64_t bucket_index) const {
    return bucket_index * bucket_width_ns_;
  }
  const absl::btree_map<std::int64_t, BucketStats>& buckets() const { return buckets_; }
  bool empty() const { return buckets_.empty(); }

  bool operator==(const WindowedStats& o) const {
    return bucket_width_ns_ == o.bucket_width_ns_ && buckets_ == o.buckets_;
  }
  bool operator!=(const WindowedStats& o) const { return !(*this == o); }

 private:
  std::int64_t bucket_width_ns_;
  absl::btree_map<std::int64_t, BucketStats> buckets_;
  // The bucket Bucket() returned last; every other insertion or erasure resets it, since
  // btree insertions move elements.
  BucketStats* last_ = nullptr;
  std::int64_t last_start_ = 0;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_WINDOWED_STATS_H_
