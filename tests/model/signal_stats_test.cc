// Signals in the model: metric series, log counts, alerts and change events, from the
// builder through Freeze() to a snapshot file and back.
#include "faultline/model/signal_stats.h"

#include <cmath>
#include <string>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(SeriesBucketTest, MergeIsOrderIndependentAndKeepsTheLatestLast) {
  SeriesBucket a, b;
  a.Add(10, 5.0);
  a.Add(30, 1.0);
  b.Add(20, 9.0);
  SeriesBucket ab = a, ba = b;
  ab.Merge(b);
  ba.Merge(a);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(ab.count, 3u);
  EXPECT_EQ(ab.min, 1.0);
  EXPECT_EQ(ab.max, 9.0);
  EXPECT_DOUBLE_EQ(ab.mean(), 5.0);
  EXPECT_EQ(ab.last, 1.0);  // the sample at t=30
  EXPECT_EQ(ab.last_ns, 30);
}

TEST(SeriesStatsTest, AggregatesTheBucketsStartingInTheWindow) {
  SeriesStats s(10 * kSecond);
  s.Record(5 * kSecond, 1.0);    // bucket [0, 10)
  s.Record(15 * kSecond, 3.0);   // bucket [10, 20)
  s.Record(25 * kSecond, 100.0); // bucket [20, 30)
  const SeriesBucket w = s.Aggregate(10 * kSecond, 30 * kSecond);
  EXPECT_EQ(w.count, 2u);
  EXPECT_DOUBLE_EQ(w.sum, 103.0);
  EXPECT_EQ(s.Aggregate(11 * kSecond, 20 * kSecond).count, 0u);  // no bucket starts there
  EXPECT_TRUE(std::isnan(s.Aggregate(40 * kSecond, 50 * kSecond).mean()));
  s.DropBefore(20 * kSecond);
  EXPECT_EQ(s.buckets().size(), 1u);
  SeriesStats other(5 * kSecond);
  EXPECT_EQ(s.Merge(other).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SeverityTest, OtlpNumbersAndCommonWords) {
  EXPECT_EQ(SeverityFromNumber(0), Severity::kUnspecified);
  EXPECT_EQ(SeverityFromNumber(4), Severity::kTrace);
  EXPECT_EQ(SeverityFromNumber(9), Severity::kInfo);
  EXPECT_EQ(SeverityFromNumber(13), Severity::kWarn);
  EXPECT_EQ(SeverityFromNumber(17), Severity::kError);
  EXPECT_EQ(SeverityFromNumber(24), Severity::kFatal);
  EXPECT_EQ(SeverityFromNumber(25), Severity::kUnspecified);
  EXPECT_EQ(SeverityFromText("WARNING"), Severity::kWarn);
  EXPECT_EQ(SeverityFromText("Error2"), Severity::kError);
  EXPECT_EQ(SeverityFromText("critical"), Severity::kFatal);
  EXPECT_EQ(SeverityFromText("chatty"), Severity::kUnspecified);
  EXPECT_EQ(SeverityName(Severity::kWarn), "warn");
}

TEST(LogBucketTest, CountsBySeverityAndTemplateAndMerges) {
  LogBucket a, b;
  a.Add(Severity::kInfo, 3, 2);
  a.Add(Severity::kError, 1, 1);
  b.Add(Severity::kFatal, 3, 4);
  b.Add(Severity::kInfo, kNoTemplate, 5);
  a.Merge(b);
  EXPECT_EQ(a.total(), 12u);
  EXPECT_EQ(a.AtLeast(Severity::kError), 5u);
  EXPECT_EQ(a.TemplateCount(3), 6u);
  EXPECT_EQ(a.TemplateCount(1), 1u);
  EXPECT_EQ(a.TemplateCount(7), 0u);
  ASSERT_EQ(a.by_template.size(), 2u);
  EXPECT_LT(a.by_template[0].first, a.by_template[1].first);
}

// A builder holding one signal of each kind on two entities in two subgraphs.
ModelBuilder BuilderWithSignals() {
  ModelBuilder b;
  const SubgraphId metrics = *b.AddSubgraph("metrics/default", {"", "metrics"});
  const SubgraphId other = *b.AddSubgraph("metrics/other", {"", "metrics"});
  const EntityId pod = *b.AddEntity(metrics, EntityKind::kInstance, "instance:cart/cart-0");
  const EntityId node = *b.AddEntity(metrics, EntityKind::kNode, "node:n1");
  b.MetricSeries(metrics, pod, "cpu").Record(10 * kSecond, 0.5);
  b.MetricSeries(other, pod, "cpu").Record(12 * kSecond, 0.7);  // merged with the above
  b.MetricSeries(metrics, node, "memory").Record(10 * kSecond, 2e9);
  b.SetMetricType("cpu", "cpu");
  b.SetMetricType("memory", "memory");
  const std::uint32_t t = b.InternLogTemplate("connection refused to <*>");
  EXPECT_EQ(b.InternLogTemplate("connection refused to <*>"), t);
  b.EntityLogs(metrics, pod).Record(10 * kSecond, Severity::kError, t, 3);
  Alert alert;
  alert.name = "HighCPU";
  alert.severity = "critical";
  alert.state = "firing";
  alert.starts_ns = 11 * kSecond;
  alert.labels = {{"pod", "cart-0"}};
  EXPECT_TRUE(b.AddAlert(metrics, pod, alert).ok());
  ChangeEvent event;
  event.time_ns = 9 * kSecond;
  event.kind = "oom_killed";
  event.reason = "OOMKilling";
  event.warning = true;
  EXPECT_TRUE(b.AddEvent(other, node, event).ok());
  return b;
}

TEST(SignalSnapshotTest, FreezeMergesSeriesAndIndexesRecords) {
  ModelBuilder b = BuilderWithSignals();
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok()) << snap.status();
  const EntityId pod = *snap->Find("instance:cart/cart-0");
  const EntityId node = *snap->Find("node:n1");
  ASSERT_EQ(snap->MetricNames(pod), std::vector<std::string_view>{"cpu"});
  const SeriesStats* cpu = snap->MetricSeries(pod, "cpu");
  ASSERT_NE(cpu, nullptr);
  const SeriesBucket all = cpu->Aggregate(0, 60 * kSecond);
  EXPECT_EQ(all.count, 2u);
  EXPECT_DOUBLE_EQ(all.max, 0.7);
  EXPECT_EQ(snap->MetricSeries(pod, "memory"), nullptr);
  EXPECT_EQ(snap->MetricType("memory"), "memory");
  EXPECT_EQ(snap->MetricType("disk"), "");
  EXPECT_EQ(snap->EntitiesWithMetrics().size(), 2u);
  const LogStats* logs = snap->EntityLogs(pod);
  ASSERT_NE(logs, nullptr);
  EXPECT_EQ(logs->Aggregate(0, 60 * kSecond).AtLeast(Severity::kError), 3u);
  ASSERT_EQ(snap->log_template_count(), 1u);
  EXPECT_EQ(snap->LogTemplate(0), "connection refused to <*>");
  ASSERT_EQ(snap->Alerts().size(), 1u);
  EXPECT_EQ(snap->Alerts()[0].entity, pod);
  EXPECT_EQ(snap->Alerts()[0].alert.name, "HighCPU");
  ASSERT_EQ(snap->AlertsOf(pod).size(), 1u);
  EXPECT_TRUE(snap->AlertsOf(node).empty());
  ASSERT_EQ(snap->EventsOf(node).size(), 1u);
  EXPECT_EQ(snap->Events()[snap->EventsOf(node)[0]].event.kind, "oom_killed");
  EXPECT_TRUE(snap->has_signals());
}

TEST(SignalSnapshotTest, ReplacingASubgraphDropsItsSignals) {
  ModelBuilder b = BuilderWithSignals();
  ASSERT_TRUE(b.ReplaceSubgraph("metrics/other").ok());
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  const EntityId pod = *snap->Find("instance:cart/cart-0");
  EXPECT_EQ(snap->MetricSeries(pod, "cpu")->Aggregate(0, 60 * kSecond).count, 1u);
  EXPECT_TRUE(snap->Events().empty());
  EXPECT_EQ(snap->Alerts().size(), 1u);
}

TEST(SignalSnapshotTest, SignalsRoundTripThroughTheFileFormatByteForByte) {
  auto snap = BuilderWithSignals().Freeze();
  ASSERT_TRUE(snap.ok());
  const std::string bytes = snap->Serialize();
  auto loaded = Snapshot::Deserialize(bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Serialize(), bytes);
  const EntityId pod = *loaded->Find("instance:cart/cart-0");
  EXPECT_EQ(*loaded->MetricSeries(pod, "cpu"), *snap->MetricSeries(pod, "cpu"));
  EXPECT_EQ(*loaded->EntityLogs(pod), *snap->EntityLogs(pod));
  EXPECT_EQ(loaded->Alerts()[0].alert, snap->Alerts()[0].alert);
  EXPECT_EQ(loaded->Events()[0].event, snap->Events()[0].event);
}

TEST(SignalSnapshotTest, RecordsNeedALiveSubgraphAndAKnownEntity) {
  ModelBuilder b;
  const SubgraphId sg = *b.AddSubgraph("alerts/default");
  EXPECT_EQ(b.AddAlert(sg + 7, 0, Alert{}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(b.AddAlert(sg, 42, Alert{}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(b.AddEvent(sg, 42, ChangeEvent{}).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
