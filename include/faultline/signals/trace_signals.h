// faultline/signals/trace_signals.h
//
// Evidence from trace statistics: what an entity's or edge's requests looked like over a
// time window, and how much worse that is than a baseline window. These are the signals
// every ranker reads (the causal engine and the reference rankers of the accuracy
// harness alike), so they are computed once, here, from the snapshot's windowed
// statistics.
#ifndef FAULTLINE_SIGNALS_TRACE_SIGNALS_H_
#define FAULTLINE_SIGNALS_TRACE_SIGNALS_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "faultline/model/entity.h"
#include "faultline/model/snapshot.h"
#include "faultline/model/windowed_stats.h"

namespace faultline {

// TimeWindow: the half-open interval [begin_ns, end_ns) in Unix nanoseconds. The default
// covers all time.
struct TimeWindow {
  std::int64_t begin_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t end_ns = std::numeric_limits<std::int64_t>::max();
};

// StatsSummary: the figures of one statistics container over one window. Quantities that
// need data the window lacks are NaN (error_rate without requests, quantiles without
// latency samples), so "no data" is never mistaken for "zero".
struct StatsSummary {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t errors_originated = 0;
  double error_rate = std::numeric_limits<double>::quiet_NaN();
  double latency_p50_ms = std::numeric_limits<double>::quiet_NaN();
  double latency_p90_ms = std::numeric_limits<double>::quiet_NaN();
  double latency_p99_ms = std::numeric_limits<double>::quiet_NaN();
  double latency_mean_ms = std::numeric_limits<double>::quiet_NaN();
  double latency_max_ms = std::numeric_limits<double>::quiet_NaN();
  double client_latency_p99_ms = std::numeric_limits<double>::quiet_NaN();
  double self_time_p50_ms = std::numeric_limits<double>::quiet_NaN();
  double self_time_p99_ms = std::numeric_limits<double>::quiet_NaN();
};

// Summarize()
//
// The figures of `stats` over `window` (the buckets whose start lies in it). O(buckets in
// the window x sketch bins).
StatsSummary Summarize(const WindowedStats& stats, TimeWindow window = {});

// TraceAnomaly()
//
// How much worse `window` is than `baseline` for the same entity, >= 0: the log-ratio of
// p90 latency, half the log-ratio of median self (exclusive) time, and five times the
// rise in error rate. Latency terms need both windows to have latency; without a
// baseline error rate the rise is measured from zero. A window without requests scores 0.
double TraceAnomaly(const StatsSummary& window, const StatsSummary& baseline);

// EntityAnomaly: one entity's trace anomaly in an incident window against a baseline.
struct EntityAnomaly {
  EntityId entity = 0;
  double score = 0.0;
  StatsSummary window;
  StatsSummary baseline;
};

// ScoreEntities()
//
// TraceAnomaly() of every entity of `snapshot` that has statistics, in `window` against
// `baseline`, ascending by entity id. Entities with statistics but no buckets in the
// window are included with score 0 and an empty window summary. O(entities with
// statistics x buckets).
std::vector<EntityAnomaly> ScoreEntities(const Snapshot& snapshot, TimeWindow window,
                                         TimeWindow baseline);

}  // namespace faultline

#endif  // FAULTLINE_SIGNALS_TRACE_SIGNALS_H_
