// Fuzz target: ParseOtlpJson() on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_sink.h"
#include "ingest/trace_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  faultline::TraceReport report;
  faultline::internal::ParseContext ctx("fuzz", &report, 4);
  faultline::fuzzing::FuzzSink sink;
  (void)faultline::internal::ParseOtlpJson(bytes, ctx, sink);
  sink.Check(report);
  return 0;
}
