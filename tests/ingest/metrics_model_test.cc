// The metric readers into the model: the same signal in every format gives the same
// SeriesStats (golden), counters become rates across a reset, series accumulate across
// calls and files, and the model keeps buckets, not samples.
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/ingest/metrics.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline {
namespace {

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kT0 = 1700000000;
constexpr char kPod[] = "instance:cart/cart-7d4b9c8f5-abcde";
constexpr char kMem[] = "container_memory_working_set_bytes";
constexpr char kCpu[] = "container_cpu_usage_seconds_total";

std::string DataPath(const std::string& name) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/metrics/" + name;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

MetricOptions WideOptions() {
  MetricOptions options;
  options.format = MetricFormat::kWideCsv;
  options.wide_set = true;
  options.wide.time = "time";
  options.wide.labels = {"pod"};
  return options;
}

struct Model {
  Snapshot snapshot;
  MetricReport report;
};

Model Load(const std::vector<InputSource>& sources, const MetricOptions& options = {}) {
  ModelBuilder builder;
  absl::StatusOr<std::vector<MetricReport>> reports = AddMetrics(builder, sources, options);
  EXPECT_TRUE(reports.ok()) << reports.status();
  absl::StatusOr<Snapshot> snapshot = builder.Freeze();
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  Model m{std::move(*snapshot), {}};
  if (reports.ok()) m.report = reports->front();
  return m;
}

const SeriesStats* Series(const Snapshot& s, const std::string& metric) {
  absl::StatusOr<EntityId> id = s.Lookup(kPod);
  if (!id.ok()) return nullptr;
  return s.MetricSeries(*id, metric);
}

TEST(MetricsGolden, EveryFormatGivesTheSameSeries) {
  const Model reference =
      Load({InputSource::FromFile(DataPath("canonical.query_range.json"))});
  const SeriesStats* mem = Series(reference.snapshot, kMem);
  const SeriesStats* cpu = Series(reference.snapshot, kCpu);
  ASSERT_NE(mem, nullptr);
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(reference.report.samples_read, 24u);
  EXPECT_EQ(reference.report.samples_accepted, 24u);
  EXPECT_EQ(reference.report.points, 23u);

  // The reference itself, from the fixture's definition (README): 10 s buckets.
  ASSERT_EQ(mem->buckets().size(), 6u);
  const SeriesBucket& m0 = mem->buckets().at(kT0 / 10);
  EXPECT_EQ(m0.count, 2u);
  EXPECT_EQ(m0.min, 100000000);
  EXPECT_EQ(m0.max, 100262345);
  EXPECT_EQ(m0.last, 100262345);
  EXPECT_EQ(m0.last_ns, (kT0 + 5) * kS);
  ASSERT_EQ(cpu->buckets().size(), 6u);
  const SeriesBucket& c0 = cpu->buckets().at(kT0 / 10);  // the base sample gives no rate
  EXPECT_EQ(c0.count, 1u);
  EXPECT_DOUBLE_EQ(c0.last, 0.1);
  const SeriesBucket& c3 = cpu->buckets().at(kT0 / 10 + 3);  // i = 6, 7: the reset
  EXPECT_EQ(c3.count, 2u);
  EXPECT_DOUBLE_EQ(c3.min, 0.125 / 5);  // counted from zero
  EXPECT_DOUBLE_EQ(c3.max, 0.05);
  EXPECT_DOUBLE_EQ(c3.last, 0.125 / 5);
  EXPECT_EQ(reference.snapshot.MetricType(kCpu), "cpu");
  EXPECT_EQ(reference.snapshot.MetricType(kMem), "memory");

  struct Case {
    const char* file;
    MetricOptions options;
  };
  const std::vector<Case> cases = {
      {"canonical.long.csv", {}},
      {"canonical.wide.csv", WideOptions()},
      {"canonical.otlp.jsonl", {}},
      {"canonical.otlp.pb", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const Model m = Load({InputSource::FromFile(DataPath(c.file))}, c.options);
    EXPECT_EQ(m.report.samples_read, 24u);
    EXPECT_EQ(m.report.samples_accepted, 24u);
    EXPECT_EQ(m.report.points, 23u);
    EXPECT_TRUE(m.report.rejected.empty());
    const SeriesStats* other_mem = Series(m.snapshot, kMem);
    const SeriesStats* other_cpu = Series(m.snapshot, kCpu);
    ASSERT_NE(other_mem, nullptr);
    ASSERT_NE(other_cpu, nullptr);
    EXPECT_EQ(*other_mem, *mem);
    EXPECT_EQ(*other_cpu, *cpu);
    absl::StatusOr<EntityId> id = m.snapshot.Lookup(kPod);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(m.snapshot.MetricNames(*id).size(), 2u);
    EXPECT_EQ(m.snapshot.MetricType(kCpu), "cpu");
  }
}

TEST(MetricsModel, CounterContinuesAcrossFilesOfOneCall) {
  // The long CSV split in two files: the counter's last sample carries over.
  const std::string text = ReadBytes(DataPath("canonical.long.csv"));
  const std::size_t header = text.find('\n') + 1;
  std::size_t cut = header;
  for (int rows = 0; rows < 11; ++rows) cut = text.find('\n', cut) + 1;
  const std::string first = text.substr(0, cut);
  const std::string second = text.substr(0, header) + text.substr(cut);
  const Model split = Load({InputSource::FromBytes(first, "a.csv"),
                            InputSource::FromBytes(second, "b.csv")});
  const Model whole = Load({InputSource::FromFile(DataPath("canonical.long.csv"))});
  ASSERT_NE(Series(split.snapshot, kCpu), nullptr);
  EXPECT_EQ(*Series(split.snapshot, kCpu), *Series(whole.snapshot, kCpu));
  EXPECT_EQ(*Series(split.snapshot, kMem), *Series(whole.snapshot, kMem));
}

TEST(MetricsModel, CallsAccumulateInTheMetricsSubgraph) {
  ModelBuilder builder;
  MetricOptions options;
  ASSERT_TRUE(AddMetrics(builder,
                         InputSource::FromBytes("timestamp,entity,metric,value\n"
                                                "1700000000,service:cart,up,1\n"))
                  .ok());
  ASSERT_TRUE(AddMetrics(builder,
                         InputSource::FromBytes("timestamp,entity,metric,value\n"
                                                "1700000001,service:cart,up,0\n"
                                                "1700000001,service:web,up,1\n"))
                  .ok());
  options.subgraph = "metrics/other";
  ASSERT_TRUE(AddMetrics(builder,
                         InputSource::FromBytes("timestamp,entity,metric,value\n"
                                                "1700000002,service:cart,up,5\n"),
                         options)
                  .ok());
  EXPECT_TRUE(builder.FindSubgraph("metrics/default").has_value());
  EXPECT_TRUE(builder.FindSubgraph("metrics/other").has_value());
  absl::StatusOr<Snapshot> s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  absl::StatusOr<EntityId> cart = s->Lookup("service:cart");
  ASSERT_TRUE(cart.ok());
  const SeriesStats* up = s->MetricSeries(*cart, "up");
  ASSERT_NE(up, nullptr);
  const SeriesBucket b = up->Aggregate(0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(b.count, 3u);  // both calls and both subgraphs, merged at Freeze()
  EXPECT_EQ(b.max, 5);
  EXPECT_EQ(b.last, 5);
  EXPECT_EQ(s->EntitiesWithMetrics().size(), 2u);
}

TEST(MetricsModel, PodsJoinTheirServiceAndNode) {
  ModelBuilder builder;
  ASSERT_TRUE(AddMetrics(builder, InputSource::FromBytes(
                                      R"({"data":{"resultType":"vector","result":[{"metric":{
      "__name__":"container_memory_working_set_bytes","pod":"cart-7d4b9c8f5-abcde",
      "node":"ip-10-0-0-1"},"value":[1700000000,"1"]}]}})"))
                  .ok());
  absl::StatusOr<Snapshot> s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Lookup("service:cart").ok());
  EXPECT_TRUE(s->Lookup(kPod).ok());
  EXPECT_TRUE(s->Lookup("node:ip-10-0-0-1").ok());
}

TEST(MetricsModel, UnmappedSeriesListedAndNothingStored) {
  ModelBuilder builder;
  absl::StatusOr<MetricReport> r = AddMetrics(
      builder, InputSource::FromBytes(R"({"data":{"result":[
        {"metric":{"__name__":"g","something":"x"},"values":[[1,"1"],[2,"2"]]}]}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unmapped_series, 1u);
  ASSERT_EQ(r->unmapped.size(), 1u);
  EXPECT_EQ(r->unmapped[0], "g{something=\"x\"}");
  EXPECT_EQ(r->rejected.at("unmapped"), 2u);
  EXPECT_EQ(builder.entity_count(), 0u);
}

TEST(MetricsModel, ModelHoldsBucketsNotSamples) {
  // 100000 samples one every 10 ms over 1000 s: 100 buckets of 10 s, whatever the count.
  std::string text = "timestamp,entity,metric,value\n";
  for (int i = 0; i < 100000; ++i) {
    text += std::to_string((kT0 * 1000) + 10 * i) + ",service:cart,queue_size," +
            std::to_string(i % 7) + "\n";
  }
  ModelBuilder builder;
  absl::StatusOr<MetricReport> r = AddMetrics(builder, InputSource::FromBytes(text));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->points, 100000u);
  absl::StatusOr<Snapshot> s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  const SeriesStats* q = s->MetricSeries(*s->Lookup("service:cart"), "queue_size");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->buckets().size(), 100u);
  EXPECT_EQ(q->buckets().begin()->second.count, 1000u);
  EXPECT_EQ(s->MetricType("queue_size"), "queue_depth");
}

TEST(MetricsModel, OtlpHistogramSeriesInTheModel) {
  const std::string line1 =
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},"scopeMetrics":[{"metrics":[{"name":"rpc.server.duration","histogram":{"dataPoints":[{"timeUnixNano":"1700000000000000000","count":"4","bucketCounts":["4","0"],"explicitBounds":[0.1]}],"aggregationTemporality":1}}]}]}]})";
  ModelBuilder builder;
  ASSERT_TRUE(AddMetrics(builder, InputSource::FromBytes(line1 + "\n")).ok());
  absl::StatusOr<Snapshot> s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  const EntityId cart = *s->Lookup("service:cart");
  // Delta without a start time: the first point is the rate's base; quantiles are direct.
  ASSERT_NE(s->MetricSeries(cart, "rpc.server.duration_p50"), nullptr);
  EXPECT_DOUBLE_EQ(s->MetricSeries(cart, "rpc.server.duration_p50")->buckets().begin()->second.last,
                   0.05);
  EXPECT_EQ(s->MetricType("rpc.server.duration_p99"), "latency");
  EXPECT_EQ(s->MetricType("rpc.server.duration_rate"), "throughput");
}

}  // namespace
}  // namespace faultline
