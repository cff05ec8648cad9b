#include "stats_batch.h"

namespace faultline::internal {

namespace {

inline void Prefetch(const void* p) {
  if (p != nullptr) __builtin_prefetch(p, /*rw=*/1, /*locality=*/3);
}

inline void PrefetchBin(const LatencySketch& sketch, const SketchValue& v) {
  if (v.present()) Prefetch(sketch.BinAddress(v.bin));
}

inline void AddTo(LatencySketch& sketch, const SketchValue& v) {
  if (v.present()) sketch.AddToBin(v.bin, v.ns);
}

}  // namespace

void StatsBatch::Apply() {
  // Stage 1: the containers (their current-bucket cache).
  for (const StatsUpdate& u : updates_) {
    Prefetch(u.stats);
    Prefetch(reinterpret_cast<const char*>(u.stats) + sizeof(WindowedStats) - 1);
  }
  // Stage 2: the current buckets, where the container already has one for the time.
  for (const StatsUpdate& u : updates_) {
    if (const BucketStats* b = u.stats->CachedBucket(u.time_ns)) {
      Prefetch(b);
      if (u.latency.present()) Prefetch(&b->latency);
      if (u.client_latency.present()) Prefetch(&b->client_latency);
      if (u.self_time.present()) Prefetch(&b->self_time);
    }
  }
  // Stage 3: the sketch bins.
  for (const StatsUpdate& u : updates_) {
    if (const BucketStats* b = u.stats->CachedBucket(u.time_ns)) {
      PrefetchBin(b->latency, u.latency);
      PrefetchBin(b->client_latency, u.client_latency);
      PrefetchBin(b->self_time, u.self_time);
    }
  }
  // Stage 4: the updates themselves, in order.
  for (const StatsUpdate& u : updates_) {
    BucketStats& b = u.stats->Bucket(u.time_ns);
    ++b.requests;
    b.errors += u.error;
    b.errors_originated += u.originated;
    AddTo(b.latency, u.latency);
    AddTo(b.client_latency, u.client_latency);
    AddTo(b.self_time, u.self_time);
  }
  updates_.clear();
}

}  // namespace faultline::internal
