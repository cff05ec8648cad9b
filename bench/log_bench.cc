// Log benchmarks: template mining (TemplateMiner) on real log lines, and the log readers
// with and without the model.
//
// Lines: the messages of the three Nezha log minutes (../shared/datasets/nezha-online-
// boutique/*/log/*.csv.gz, 20,395 records), expanded to about 1M lines by copies whose
// digits are rotated (copy k adds k to every digit, mod 10), so identifiers differ between
// copies while the message shapes stay those of the capture. FAULTLINE_LOG_BENCH_DIR
// overrides the dataset folder.
//
//   build/bench/faultline_log_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "faultline/ingest/log_templates.h"
#include "faultline/ingest/logs.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "ingest/trace_parsers.h"

namespace {

constexpr int kCopies = 50;

std::string DatasetDir() {
  if (const char* dir = std::getenv("FAULTLINE_LOG_BENCH_DIR")) return dir;
  return std::string(FAULTLINE_SHARED_DATASETS_DIR) + "/nezha-online-boutique";
}

std::vector<faultline::InputSource> NezhaSources() {
  const std::string dir = DatasetDir();
  std::vector<faultline::InputSource> out;
  for (const char* file : {"/2022-08-22/log/05_19_log.csv.gz", "/2022-08-22/log/05_20_log.csv.gz",
                           "/2022-08-23/log/13_29_log.csv.gz"}) {
    // Read and decompressed once: the benchmarks measure parsing, not gunzip or the disk.
    auto bytes = faultline::ReadFileToString(dir + file);
    if (bytes.ok()) bytes = faultline::internal::Decompress(*std::move(bytes), dir + file);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s\n", std::string(bytes.status().message()).c_str());
      std::exit(1);
    }
    out.push_back(faultline::InputSource::FromBytes(*std::move(bytes), dir + file));
  }
  return out;
}

const std::vector<std::string>& BaseMessages() {
  static const std::vector<std::string>* messages = [] {
    auto* out = new std::vector<std::string>();
    faultline::TemplateMiner miner;
    auto batch = faultline::ReadLogs(NezhaSources(), {}, miner, [&](const faultline::LogRow& row) {
      out->emplace_back(row.message);
    });
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", std::string(batch.status().message()).c_str());
      std::exit(1);
    }
    return out;
  }();
  return *messages;
}

const std::vector<std::string>& Lines() {
  static const std::vector<std::string>* lines = [] {
    auto* out = new std::vector<std::string>();
    const auto& base = BaseMessages();
    out->reserve(base.size() * kCopies);
    for (int k = 0; k < kCopies; ++k) {
      for (const std::string& m : base) {
        std::string line = m;
        for (char& c : line) {
          if (c >= '0' && c <= '9') c = static_cast<char>('0' + (c - '0' + k) % 10);
        }
        out->push_back(std::move(line));
      }
    }
    return out;
  }();
  return *lines;
}

void BM_MineTemplates(benchmark::State& state) {
  const auto& lines = Lines();
  std::size_t templates = 0;
  std::size_t bytes = 0;
  for (const std::string& l : lines) bytes += l.size();
  for (auto _ : state) {
    faultline::TemplateMiner miner;
    for (const std::string& line : lines) benchmark::DoNotOptimize(miner.Add(line));
    templates = miner.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["lines"] = static_cast<double>(lines.size());
  state.counters["templates"] = static_cast<double>(templates);
}
BENCHMARK(BM_MineTemplates)->Unit(benchmark::kMillisecond)->UseRealTime();

// The three Nezha files (CSV, Docker envelopes, inner JSON) read into rows, templates mined.
void BM_ReadLogsNezha(benchmark::State& state) {
  const auto sources = NezhaSources();
  std::size_t rows = 0;
  for (auto _ : state) {
    faultline::TemplateMiner miner;
    rows = 0;
    auto batch = faultline::ReadLogs(sources, {}, miner, [&](const faultline::LogRow&) { ++rows; });
    if (!batch.ok()) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  std::size_t bytes = 0;
  for (const auto& s : sources) bytes += s.ReadAll()->size();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_ReadLogsNezha)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same into a model: entities, per-bucket counts by severity and template.
void BM_AddLogsNezha(benchmark::State& state) {
  const auto sources = NezhaSources();
  std::uint64_t records = 0;
  for (auto _ : state) {
    faultline::ModelBuilder builder;
    auto batch = faultline::AddLogs(builder, sources);
    if (!batch.ok()) {
      state.SkipWithError("add failed");
      break;
    }
    records = 0;
    for (const auto& f : batch->files) records += f.records_accepted;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * records));
}
BENCHMARK(BM_AddLogsNezha)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
