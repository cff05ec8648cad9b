// Metric ingestion benchmarks: a Prometheus query_range response (500 series x 2000
// samples, half of them counters) read into a model, against the JSON reader alone walking
// the same bytes, measured in the same run. The argument is the query step in seconds:
// 15 (a common step: with the default 10 s buckets every sample opens a bucket of its own)
// and 1 (ten samples a bucket).
//
//   cmake --preset release && cmake --build --preset release --target faultline_metrics_bench
//   build/bench-release/bench/faultline_metrics_bench
//
// BM_AddMetricsQueryRange   AddMetrics(): parse, resolve, rates, model buckets (the
//                           builder's destruction is not timed)
// BM_ParseQueryRangeOnly    the parser and the rate conversion, points discarded
// BM_JsonReaderWalk         internal::JsonReader reading every value of the same bytes
//                           (typed: numbers as text, strings as views), the floor
// BM_JsonReaderSkip         internal::JsonReader validating the same bytes (Skip())
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "faultline/ingest/metric_types.h"
#include "faultline/ingest/metrics.h"
#include "faultline/model/model_builder.h"
#include "ingest/metrics/metric_sink.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

constexpr int kSeries = 500;
constexpr int kSamples = 2000;

std::string MakeQueryRange(int step) {
  std::string out = R"({"status":"success","data":{"resultType":"matrix","result":[)";
  char buf[128];
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int s = 0; s < kSeries; ++s) {
    if (s > 0) out += ',';
    const bool counter = s % 2 == 1;
    const int service = s % 50;
    std::snprintf(buf, sizeof buf,
                  R"({"metric":{"__name__":"%s","container":"app","namespace":"shop",)",
                  counter ? "container_cpu_usage_seconds_total"
                          : "container_memory_working_set_bytes");
    out += buf;
    std::snprintf(buf, sizeof buf,
                  R"("node":"node-%d","pod":"svc%d-7d4b9c8f5-%05d"},"values":[)", s % 20,
                  service, s);
    out += buf;
    double total = 0;
    for (int i = 0; i < kSamples; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const double noise = static_cast<double>(state >> 40) / static_cast<double>(1 << 24);
      double value;
      if (counter) {
        total += 0.05 + 0.1 * noise;
        value = total;
      } else {
        value = 1.0e8 + 1.0e6 * noise;
      }
      std::snprintf(buf, sizeof buf, R"(%s[%d.%03d,"%.10g"])", i > 0 ? "," : "",
                    1700000000 + step * i, (s * 7) % 1000, value);
      out += buf;
    }
    out += "]}";
  }
  out += "]}}";
  return out;
}

const std::string& QueryRangeBytes(int step = 15) {
  static const std::string step15 = MakeQueryRange(15);
  static const std::string step1 = MakeQueryRange(1);
  return step == 1 ? step1 : step15;
}

constexpr std::int64_t kTotalSamples = std::int64_t{kSeries} * kSamples;

void BM_AddMetricsQueryRange(benchmark::State& state) {
  const std::string& bytes = QueryRangeBytes(static_cast<int>(state.range(0)));
  const InputSource source = InputSource::FromBytes(bytes, "bench.json");
  for (auto _ : state) {
    auto builder = std::make_unique<ModelBuilder>();
    absl::StatusOr<MetricReport> report = AddMetrics(*builder, source);
    if (!report.ok() || report->samples_accepted != static_cast<std::uint64_t>(kTotalSamples)) {
      state.SkipWithError("AddMetrics did not accept every sample");
      return;
    }
    benchmark::DoNotOptimize(builder->entity_count());
    state.PauseTiming();
    builder.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kTotalSamples);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_AddMetricsQueryRange)->Arg(15)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

class DiscardOutput : public internal::PointOutput {
 public:
  absl::StatusOr<std::uint32_t> Declare(const ResolvedEntity&, std::string_view,
                                        std::string_view) override {
    return 0u;
  }
  void Point(std::uint32_t, std::int64_t time_ns, double value) override {
    sum_ += value + static_cast<double>(time_ns & 1);
  }
  double sum_ = 0;
};

void BM_ParseQueryRangeOnly(benchmark::State& state) {
  const std::string& bytes = QueryRangeBytes();
  const MetricOptions options;
  const MetricTypeTable types = MetricTypeTable::BuiltIn();
  for (auto _ : state) {
    MetricReport report;
    internal::MetricContext ctx("bench", &report, 10);
    DiscardOutput out;
    internal::MetricAccumulator acc(options, types, &out);
    benchmark::DoNotOptimize(internal::ParsePrometheusJson(bytes, ctx, acc));
    benchmark::DoNotOptimize(out.sum_);
  }
  state.SetItemsProcessed(state.iterations() * kTotalSamples);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_ParseQueryRangeOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// Reads every value: objects by key, arrays by element, numbers as text, strings as views.
std::size_t Walk(internal::JsonReader& r) {
  using internal::JsonType;
  std::size_t n = 0;
  switch (r.Peek()) {
    case JsonType::kObject: {
      r.BeginObject();
      std::string_view key;
      while (r.NextKey(&key)) n += Walk(r);
      return n + 1;
    }
    case JsonType::kArray:
      r.BeginArray();
      while (r.NextElement()) n += Walk(r);
      return n + 1;
    case JsonType::kString: {
      std::string_view s;
      r.ReadString(&s);
      return s.size();
    }
    case JsonType::kNumber: {
      std::string_view s;
      r.ReadNumberText(&s);
      return s.size();
    }
    default:
      r.Skip();
      return 1;
  }
}

void BM_JsonReaderWalk(benchmark::State& state) {
  const std::string& bytes = QueryRangeBytes();
  internal::JsonReader reader;
  for (auto _ : state) {
    reader.Reset(bytes);
    benchmark::DoNotOptimize(Walk(reader));
    if (!reader.ok()) {
      state.SkipWithError("the JSON reader rejected the input");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kTotalSamples);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_JsonReaderWalk)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_JsonReaderSkip(benchmark::State& state) {
  const std::string& bytes = QueryRangeBytes();
  internal::JsonReader reader;
  for (auto _ : state) {
    reader.Reset(bytes);
    if (!reader.Skip()) {
      state.SkipWithError("the JSON reader rejected the input");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kTotalSamples);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_JsonReaderSkip)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace faultline

BENCHMARK_MAIN();
