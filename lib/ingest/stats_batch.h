// lib/ingest/stats_batch.h
//
// StatsBatch: statistics updates collected while a trace is analysed and applied together.
//
// A trace touches a few dozen statistics containers (service, instance, operation and edge
// buckets), each behind a chain of dependent loads: the container, its current bucket, the
// bucket's sketch bins. Applied one by one, each chain stalls on every cache miss in turn.
// Applied as a batch, every stage of every chain is prefetched before the next stage reads
// it, so the misses of one stage overlap. The result is identical to applying the updates
// in order: every statistic they touch is a commutative sum, minimum or maximum.
#ifndef FAULTLINE_LIB_INGEST_STATS_BATCH_H_
#define FAULTLINE_LIB_INGEST_STATS_BATCH_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "faultline/model/latency_sketch.h"
#include "faultline/model/windowed_stats.h"

namespace faultline::internal {

// One latency observation for a sketch, with its bin already computed (the same duration
// often goes to several containers).
struct SketchValue {
  static constexpr std::int32_t kNone = std::numeric_limits<std::int32_t>::min();
  std::int32_t bin = kNone;
  std::int64_t ns = 0;

  static SketchValue Of(std::int64_t ns) { return {LatencySketch::BinIndex(ns), ns}; }
  bool present() const { return bin != kNone; }
};

// One request observed by a container: counted once, with its error flags and up to three
// latencies.
struct StatsUpdate {
  WindowedStats* stats = nullptr;
  std::int64_t time_ns = 0;
  bool error = false;
  bool originated = false;  // the error originated here
  SketchValue latency, client_latency, self_time;

  // StatsUpdate::At(w, t).Error(e).Latency(v)...: one request at `t` in `w`.
  static StatsUpdate At(WindowedStats* w, std::int64_t t) {
    StatsUpdate u;
    u.stats = w;
    u.time_ns = t;
    return u;
  }
  StatsUpdate& Error(bool e) { error = e; return *this; }
  StatsUpdate& Originated(bool o) { originated = o; return *this; }
  StatsUpdate& Latency(SketchValue v) { latency = v; return *this; }
  StatsUpdate& ClientLatency(SketchValue v) { client_latency = v; return *this; }
  StatsUpdate& SelfTime(SketchValue v) { self_time = v; return *this; }
};

class StatsBatch {
 public:
  // Add(): queues `u` (ignored when u.stats is null). Containers must stay alive and
  // unchanged by anything else until Apply().
  void Add(const StatsUpdate& u) {
    if (u.stats != nullptr) updates_.push_back(u);
  }

  // Apply(): applies and clears every queued update.
  void Apply();

  std::size_t size() const { return updates_.size(); }

 private:
  std::vector<StatsUpdate> updates_;
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_STATS_BATCH_H_
