// Summarize(), TraceAnomaly() and ScoreEntities(): trace evidence per window.
#include "faultline/signals/trace_signals.h"

#include <algorithm>
#include <cmath>

namespace faultline {
namespace {

constexpr double kNsPerMs = 1e6;

bool Known(double v) { return !std::isnan(v); }

}  // namespace

StatsSummary Summarize(const WindowedStats& stats, TimeWindow window) {
  const BucketStats b = stats.Aggregate(window.begin_ns, window.end_ns);
  StatsSummary s;
  s.requests = b.requests;
  s.errors = b.errors;
  s.errors_originated = b.errors_originated;
  if (b.requests > 0) s.error_rate = b.error_rate();
  if (!b.latency.empty()) {
    s.latency_p50_ms = b.latency.Quantile(0.5) / kNsPerMs;
    s.latency_p90_ms = b.latency.Quantile(0.9) / kNsPerMs;
    s.latency_p99_ms = b.latency.Quantile(0.99) / kNsPerMs;
    s.latency_mean_ms = b.latency.mean_ns() / kNsPerMs;
    s.latency_max_ms = static_cast<double>(b.latency.max_ns()) / kNsPerMs;
  }
  if (!b.client_latency.empty()) {
    s.client_latency_p99_ms = b.client_latency.Quantile(0.99) / kNsPerMs;
  }
  if (!b.self_time.empty()) {
    s.self_time_p50_ms = b.self_time.Quantile(0.5) / kNsPerMs;
    s.self_time_p99_ms = b.self_time.Quantile(0.99) / kNsPerMs;
  }
  return s;
}

double TraceAnomaly(const StatsSummary& window, const StatsSummary& baseline) {
  if (window.requests == 0) return 0.0;
  double score = 0.0;
  if (Known(window.latency_p90_ms) && Known(baseline.latency_p90_ms)) {
    score += std::max(0.0, std::log((window.latency_p90_ms + 1.0) /
                                    (baseline.latency_p90_ms + 1.0)));
  }
  if (Known(window.self_time_p50_ms) && Known(baseline.self_time_p50_ms)) {
    score += 0.5 * std::max(0.0, std::log((window.self_time_p50_ms + 0.5) /
                                          (baseline.self_time_p50_ms + 0.5)));
  }
  if (Known(window.error_rate)) {
    const double before = Known(baseline.error_rate) ? baseline.error_rate : 0.0;
    score += 5.0 * std::max(0.0, window.error_rate - before);
  }
  return score;
}

std::vector<EntityAnomaly> ScoreEntities(const Snapshot& snapshot, TimeWindow window,
                                         TimeWindow baseline) {
  std::vector<EntityAnomaly> out;
  const EntityId n = static_cast<EntityId>(snapshot.entity_count());
  for (EntityId e = 0; e < n; ++e) {
    const WindowedStats* stats = snapshot.EntityStats(e);
    if (stats == nullptr) continue;
    EntityAnomaly a;
    a.entity = e;
    a.window = Summarize(*stats, window);
    a.baseline = Summarize(*stats, baseline);
    a.score = TraceAnomaly(a.window, a.baseline);
    out.push_back(a);
  }
  return out;
}

}  // namespace faultline
