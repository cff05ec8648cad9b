// bench/trace_bench.cc
//
// Trace ingestion throughput on one core: 1M spans (bench/synthetic_traces.h) through the
// whole path (format detection, parsing, trace assembly, windowed statistics) into a
// ModelBuilder, for OTLP protobuf and OTLP/JSON, each next to its floor measured in the
// same run on the same bytes:
//   BM_ProtobufParseFloor   protobuf's generated code parsing the OTLP messages (no model)
//   BM_JsonTokenizeFloor    the JSON reader validating every line (no model)
// and the parsers alone into a counting sink (BM_Parse*Only), which splits the cost
// between parsing and assembly; BM_IngestOtlpProtoNoOperations shows what the operation
// subgraph costs.
//
// `faultline_trace_bench --emit-dir=DIR [--emit-spans=N] [--emit-files=K]` writes the
// workload instead (otlp-NN.pb, otlp.jsonl, spans.csv) for bench/trace_compare.py, which
// runs the pandas baseline and the peak-memory measurement.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/model/model_builder.h"
#include "io/json_reader.h"
#include "ingest/trace_parsers.h"
#include "otlp_trace_subset.pb.h"
#include "synthetic_traces.h"

namespace faultline {
namespace {

constexpr std::size_t kSpans = 1 << 20;

const bench::SynthWorkload& Workload() {
  static const auto* w = new bench::SynthWorkload(bench::GenerateWorkload(kSpans));
  return *w;
}
const std::string& ProtoBytes() {
  static const auto* s = new std::string(bench::EncodeOtlpProto(Workload()));
  return *s;
}
const std::string& JsonBytes() {
  static const auto* s = new std::string(bench::EncodeOtlpJson(Workload()));
  return *s;
}

class CountingSink : public SpanSink {
 public:
  std::uint32_t AddResource(const ResourceInfo&) override { return resources_++; }
  void AddSpan(const SpanRecord& s) override {
    ++spans_;
    bytes_ += s.name.size() + static_cast<std::uint64_t>(s.end_ns - s.start_ns > 0);
  }
  std::uint64_t spans() const { return spans_; }

 private:
  std::uint32_t resources_ = 0;
  std::uint64_t spans_ = 0;
  std::uint64_t bytes_ = 0;
};

void Ingest(benchmark::State& state, const std::string& bytes, TraceFormat format,
            bool operations = true) {
  const InputSource source = InputSource::FromBytes(bytes, "bench");
  TraceOptions options;
  options.format = format;
  options.operations = operations;
  std::uint64_t edges = 0;
  for (auto _ : state) {
    ModelBuilder builder;
    TraceIngestor ingestor(&builder, options);
    auto report = ingestor.Add(source);
    if (!report.ok() || report->spans_accepted != Workload().spans.size()) {
      state.SkipWithError(report.ok() ? "not every span was accepted"
                                      : std::string(report.status().message()).c_str());
      return;
    }
    ingestor.Finish();
    edges = builder.edge_count();
    benchmark::DoNotOptimize(edges);
  }
  state.SetItemsProcessed(state.iterations() * Workload().spans.size());
  state.SetBytesProcessed(state.iterations() * bytes.size());
  state.counters["edges"] = static_cast<double>(edges);
}

void BM_IngestOtlpProto(benchmark::State& state) {
  Ingest(state, ProtoBytes(), TraceFormat::kAuto);
}
BENCHMARK(BM_IngestOtlpProto)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same without the operation subgraph (TraceOptions::operations = false).
void BM_IngestOtlpProtoNoOperations(benchmark::State& state) {
  Ingest(state, ProtoBytes(), TraceFormat::kAuto, /*operations=*/false);
}
BENCHMARK(BM_IngestOtlpProtoNoOperations)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseOtlpProtoOnly(benchmark::State& state) {
  const std::string& bytes = ProtoBytes();
  for (auto _ : state) {
    TraceReport report;
    internal::ParseContext ctx("bench", &report, 10);
    CountingSink sink;
    benchmark::DoNotOptimize(internal::ParseOtlpProto(bytes, ctx, sink));
    benchmark::DoNotOptimize(sink.spans());
  }
  state.SetItemsProcessed(state.iterations() * Workload().spans.size());
  state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_ParseOtlpProtoOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ProtobufParseFloor(benchmark::State& state) {
  const std::string& bytes = ProtoBytes();
  bench::otlp::ExportTraceServiceRequest request;
  std::uint64_t spans = 0;
  for (auto _ : state) {
    spans = 0;
    std::size_t pos = 0;
    while (pos + 4 <= bytes.size()) {
      const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + pos);
      const std::size_t n = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                            (std::size_t{p[2]} << 8) | p[3];
      if (!request.ParseFromArray(bytes.data() + pos + 4, static_cast<int>(n))) {
        state.SkipWithError("protobuf could not parse a message");
        return;
      }
      for (const auto& rs : request.resource_spans()) {
        for (const auto& ss : rs.scope_spans()) spans += ss.spans_size();
      }
      pos += 4 + n;
    }
    benchmark::DoNotOptimize(spans);
  }
  if (spans != Workload().spans.size()) state.SkipWithError("span count differs");
  state.SetItemsProcessed(state.iterations() * Workload().spans.size());
  state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_ProtobufParseFloor)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_IngestOtlpJson(benchmark::State& state) {
  Ingest(state, JsonBytes(), TraceFormat::kAuto);
}
BENCHMARK(BM_IngestOtlpJson)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseOtlpJsonOnly(benchmark::State& state) {
  const std::string& bytes = JsonBytes();
  for (auto _ : state) {
    TraceReport report;
    internal::ParseContext ctx("bench", &report, 10);
    CountingSink sink;
    benchmark::DoNotOptimize(internal::ParseOtlpJson(bytes, ctx, sink));
    benchmark::DoNotOptimize(sink.spans());
  }
  state.SetItemsProcessed(state.iterations() * Workload().spans.size());
  state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_ParseOtlpJsonOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_JsonTokenizeFloor(benchmark::State& state) {
  const std::string& bytes = JsonBytes();
  internal::JsonReader reader;
  for (auto _ : state) {
    std::size_t pos = 0, lines = 0;
    while (pos < bytes.size()) {
      std::size_t end = bytes.find('\n', pos);
      if (end == std::string::npos) end = bytes.size();
      reader.Reset(bytes, pos, end);
      if (!reader.Skip()) {
        state.SkipWithError("the JSON reader rejected a line");
        return;
      }
      ++lines;
      pos = end + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetItemsProcessed(state.iterations() * Workload().spans.size());
  state.SetBytesProcessed(state.iterations() * bytes.size());
}
BENCHMARK(BM_JsonTokenizeFloor)->Unit(benchmark::kMillisecond)->UseRealTime();

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

// --emit-dir: writes the workload for the pandas baseline and the memory measurement.
int Emit(const std::string& dir, std::size_t spans, std::size_t files) {
  const bench::SynthWorkload w = bench::GenerateWorkload(spans);
  const std::size_t per_file = (w.spans.size() + files - 1) / files;
  for (std::size_t f = 0; f < files; ++f) {
    bench::SynthWorkload part;
    part.services = w.services;
    const std::size_t begin = f * per_file;
    const std::size_t end = std::min(w.spans.size(), begin + per_file);
    if (begin >= end) break;
    part.spans.assign(w.spans.begin() + begin, w.spans.begin() + end);
    char name[64];
    std::snprintf(name, sizeof(name), "/otlp-%02zu.pb", f);
    if (!WriteFile(dir + name, bench::EncodeOtlpProto(part))) return 1;
  }
  if (files == 1) {
    if (!WriteFile(dir + "/otlp.jsonl", bench::EncodeOtlpJson(w))) return 1;
    if (!WriteFile(dir + "/spans.csv", bench::EncodeCsv(w))) return 1;
  }
  std::printf("%zu spans in %zu file(s) written to %s\n", w.spans.size(), files, dir.c_str());
  return 0;
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  std::string emit_dir;
  std::size_t emit_spans = faultline::kSpans, emit_files = 1;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--emit-dir=", 11) == 0) {
      emit_dir = argv[i] + 11;
    } else if (std::strncmp(argv[i], "--emit-spans=", 13) == 0) {
      emit_spans = std::strtoull(argv[i] + 13, nullptr, 10);
    } else if (std::strncmp(argv[i], "--emit-files=", 13) == 0) {
      emit_files = std::max<std::size_t>(1, std::strtoull(argv[i] + 13, nullptr, 10));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!emit_dir.empty()) return faultline::Emit(emit_dir, emit_spans, emit_files);
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
