// Fuzz target: ParseCsv() on arbitrary bytes, with the default mapping (plus kind and status
// columns, as canonical.csv uses), the Nezha preset and the RCAEval preset.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_sink.h"
#include "ingest/trace_parsers.h"

namespace {

const faultline::CsvMapping& Mapping(int i) {
  static const faultline::CsvMapping kMappings[3] = {
      [] {
        faultline::CsvMapping m;
        m.kind = "kind";
        m.status = "status";
        m.duration_unit = faultline::TimeUnit::kMicroseconds;
        return m;
      }(),
      faultline::CsvMapping::Nezha(),
      faultline::CsvMapping::RcaEval(),
  };
  return kMappings[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 3; ++i) {
    faultline::TraceReport report;
    faultline::internal::ParseContext ctx("fuzz.csv", &report, 4);
    faultline::fuzzing::FuzzSink sink;
    (void)faultline::internal::ParseCsv(bytes, Mapping(i), ctx, sink);
    sink.Check(report);
  }
  return 0;
}
