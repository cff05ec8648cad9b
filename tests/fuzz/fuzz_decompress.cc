// Fuzz target: Decompress() (gzip, zstd or pass-through by magic number) on arbitrary bytes,
// then DetectTraceFormat() on what it returns.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/trace_parsers.h"

namespace {
volatile std::uint64_t g_checksum = 0;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::string> out = faultline::internal::Decompress(std::move(bytes), "fuzz.bin");
  if (!out.ok()) return 0;
  std::uint64_t sum = 0;
  for (char c : *out) sum += static_cast<unsigned char>(c);
  g_checksum = g_checksum + sum;
  (void)faultline::internal::DetectTraceFormat(*out, "fuzz.bin");
  return 0;
}
