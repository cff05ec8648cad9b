// Fuzz target: the log readers (ReadLogs()) on arbitrary bytes, in every format (detected,
// and each one named: OTLP/JSON, OTLP protobuf, CSV with the default mapping and with the
// Nezha preset, plain text with the default regex). Every view a row holds is read (so
// AddressSanitizer sees a dangling one), and the accounting must add up: every record read
// is accepted or rejected.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "faultline/ingest/logs.h"

namespace {

volatile std::size_t g_sink = 0;

void Touch(std::string_view s) {
  std::size_t h = 0;
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  g_sink = g_sink + h;
}

void Run(std::string_view bytes, faultline::LogFormat format, bool nezha) {
  faultline::LogOptions options;
  options.format = format;
  if (nezha) options.csv = faultline::LogCsvMapping::Nezha();
  options.max_error_messages = 4;
  options.miner.max_templates = 64;
  faultline::TemplateMiner miner(options.miner);
  std::uint64_t rows = 0;
  auto batch = faultline::ReadLogs(
      {faultline::InputSource::FromBytes(std::string(bytes), "fuzz.log")}, options, miner,
      [&](const faultline::LogRow& row) {
        ++rows;
        Touch(row.entity);
        Touch(row.message);
        Touch(row.trace_id);
        Touch(row.span_id);
        Touch(row.operation);
        if (row.time_ns <= 0) std::abort();
      });
  if (!batch.ok()) return;
  for (const faultline::LogReport& r : batch->files) {
    if (r.records_read != r.records_accepted + r.rejected_total()) {
      std::fprintf(stderr, "read %llu != accepted %llu + rejected %llu\n",
                   static_cast<unsigned long long>(r.records_read),
                   static_cast<unsigned long long>(r.records_accepted),
                   static_cast<unsigned long long>(r.rejected_total()));
      std::abort();
    }
    if (r.errors.size() > 4) std::abort();
  }
  for (std::uint32_t id = 0; id < miner.size(); ++id) Touch(miner.Template(id));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using faultline::LogFormat;
  Run(bytes, LogFormat::kAuto, false);
  Run(bytes, LogFormat::kOtlpJson, false);
  Run(bytes, LogFormat::kOtlpProto, false);
  Run(bytes, LogFormat::kCsv, false);
  Run(bytes, LogFormat::kCsv, true);
  Run(bytes, LogFormat::kText, false);
  return 0;
}
