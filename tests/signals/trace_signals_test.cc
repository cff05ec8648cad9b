// Trace signals: window summaries and the window-against-baseline anomaly score.
#include "faultline/signals/trace_signals.h"

#include <cmath>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

TEST(SummarizeTest, EmptyWindowHasNoRatesOrQuantiles) {
  WindowedStats stats;
  stats.Record(100 * kSecond, false, 5 * kMs);
  const StatsSummary s = Summarize(stats, {0, 50 * kSecond});
  EXPECT_EQ(s.requests, 0u);
  EXPECT_TRUE(std::isnan(s.error_rate));
  EXPECT_TRUE(std::isnan(s.latency_p90_ms));
}

TEST(SummarizeTest, CountsErrorsAndLatencyInsideTheWindowOnly) {
  WindowedStats stats;
  for (int i = 0; i < 10; ++i) stats.Record(100 * kSecond, i < 3, 10 * kMs);
  stats.Record(500 * kSecond, true, 900 * kMs);  // outside the window
  const StatsSummary s = Summarize(stats, {100 * kSecond, 200 * kSecond});
  EXPECT_EQ(s.requests, 10u);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_DOUBLE_EQ(s.error_rate, 0.3);
  EXPECT_NEAR(s.latency_p90_ms, 10.0, 0.2);  // the sketch's relative accuracy
  EXPECT_NEAR(s.latency_max_ms, 10.0, 1e-9);
}

TEST(TraceAnomalyTest, NoRequestsInTheWindowScoresZero) {
  StatsSummary window;
  StatsSummary baseline;
  baseline.requests = 10;
  baseline.error_rate = 0.0;
  EXPECT_EQ(TraceAnomaly(window, baseline), 0.0);
}

TEST(TraceAnomalyTest, LatencyRiseIsTheLogRatioOfP90) {
  StatsSummary window, baseline;
  window.requests = baseline.requests = 100;
  window.error_rate = baseline.error_rate = 0.0;
  window.latency_p90_ms = 99.0;
  baseline.latency_p90_ms = 9.0;
  EXPECT_NEAR(TraceAnomaly(window, baseline), std::log(100.0 / 10.0), 1e-12);
  // Faster than the baseline is not an anomaly.
  EXPECT_EQ(TraceAnomaly(baseline, window), 0.0);
}

TEST(TraceAnomalyTest, SelfTimeCountsHalfAndErrorsFiveTimesTheirRise) {
  StatsSummary window, baseline;
  window.requests = baseline.requests = 100;
  window.self_time_p50_ms = 10.5 - 0.5;
  baseline.self_time_p50_ms = 0.5;  // (10 + 0.5) / (0.5 + 0.5) = 10.5
  window.error_rate = 0.25;
  baseline.error_rate = 0.05;
  EXPECT_NEAR(TraceAnomaly(window, baseline), 0.5 * std::log(10.5) + 5.0 * 0.2, 1e-12);
}

TEST(TraceAnomalyTest, MissingBaselineErrorRateCountsFromZero) {
  StatsSummary window, baseline;
  window.requests = 10;
  window.error_rate = 0.5;
  window.latency_p90_ms = 100.0;  // no baseline latency: no latency term
  EXPECT_DOUBLE_EQ(TraceAnomaly(window, baseline), 2.5);
}

TEST(ScoreEntitiesTest, ScoresEveryEntityWithStatisticsAgainstItsOwnBaseline) {
  ModelBuilder builder;
  const SubgraphId sg = *builder.AddSubgraph("traces/test");
  const EntityId healthy = *builder.AddEntity(sg, EntityKind::kService, "service:healthy");
  const EntityId broken = *builder.AddEntity(sg, EntityKind::kService, "service:broken");
  ASSERT_OK(builder.AddEntity(sg, EntityKind::kNode, "node:quiet"));
  for (int i = 0; i < 100; ++i) {
    const std::int64_t before = (i % 60) * kSecond;       // baseline [0, 60 s)
    const std::int64_t during = (60 + i % 60) * kSecond;  // window [60 s, 120 s)
    builder.EntityStats(sg, healthy).Record(before, false, 10 * kMs);
    builder.EntityStats(sg, healthy).Record(during, false, 10 * kMs);
    builder.EntityStats(sg, broken).Record(before, false, 10 * kMs);
    builder.EntityStats(sg, broken).Record(during, i % 2 == 0, 10 * kMs);
  }
  const auto snapshot = builder.Freeze();
  ASSERT_OK(snapshot);
  const auto scores = ScoreEntities(*snapshot, {60 * kSecond, 120 * kSecond}, {0, 60 * kSecond});
  ASSERT_EQ(scores.size(), 2u);  // the node has no statistics
  for (const EntityAnomaly& a : scores) {
    const std::string_view id = snapshot->EntityIdString(a.entity);
    if (id == "service:broken") {
      EXPECT_NEAR(a.score, 5.0 * 0.5, 1e-9);
      EXPECT_EQ(a.window.errors, 50u);
    } else {
      EXPECT_EQ(id, "service:healthy");
      EXPECT_EQ(a.score, 0.0);
      EXPECT_EQ(a.baseline.requests, 100u);
    }
  }
}

}  // namespace
}  // namespace faultline
