// Private: the trace parsers. Each translates one format into SpanRecords for a SpanSink;
// none decides what a span means for the graph (the TraceAssembler does).
//
// Contract shared by every parser:
// - The input is the whole (already decompressed) content of one source.
// - A record that cannot be used (missing ids, bad timestamps, wrong types) is skipped
//   and counted with ParseContext::Reject(reason, where): the rest is still used.
// - A source that is not what its format says (not JSON at all, not a protobuf message,
//   a CSV without the mapped columns) returns kInvalidArgument naming the source and the
//   byte offset or line; spans already passed to the sink stay passed.
// - Never crashes, loops forever or allocates without bound on any input (fuzzed).
#ifndef FAULTLINE_LIB_INGEST_TRACE_PARSERS_H_
#define FAULTLINE_LIB_INGEST_TRACE_PARSERS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/ingest/span.h"
#include "faultline/ingest/traces.h"

namespace faultline::internal {

// ParseContext: the source name and its accounting.
class ParseContext {
 public:
  ParseContext(std::string_view name, TraceReport* report, std::size_t max_messages)
      : name_(name), report_(report), max_messages_(max_messages) {}

  std::string_view name() const { return name_; }

  // One span read (call once per span record encountered, before accepting or rejecting).
  void Read() { ++report_->spans_read; }
  // One span passed to the sink.
  void Accept() { ++report_->spans_accepted; }
  // One span skipped: `reason` is a short stable key ("missing trace id", "bad timestamp"),
  // `where` locates it ("line 12", "offset 4711", "resourceSpans[0].scopeSpans[1].spans[3]").
  void Reject(std::string_view reason, std::string_view where);

 private:
  std::string name_;
  TraceReport* report_;
  std::size_t max_messages_;
};

// OTLP protobuf: one ExportTraceServiceRequest / TracesData message, or a sequence of
// messages each preceded by a 4-byte big-endian length (the collector file exporter; chosen
// when the input starts with a 0 byte or the lengths exactly tile it). A framed record that
// cannot be read is skipped; after all readable records the call returns kInvalidArgument
// naming the first bad record's offset and how many were unreadable.
absl::Status ParseOtlpProto(std::string_view bytes, ParseContext& ctx, SpanSink& sink);

// OTLP/JSON: one TracesData (or ExportTraceServiceRequest) per line, or one document.
absl::Status ParseOtlpJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink);

// Jaeger JSON: {"data": [trace...]} or one trace object or an array of traces.
absl::Status ParseJaegerJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink);

// Zipkin v2 JSON: an array of spans (also one per line).
absl::Status ParseZipkinJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink);

// CSV with a header row, columns named by `mapping`.
absl::Status ParseCsv(std::string_view bytes, const CsvMapping& mapping, ParseContext& ctx,
                      SpanSink& sink);

// DetectTraceFormat(): the format of decompressed `bytes` from their first bytes (and the
// source name's extension as a tie-breaker); kInvalidArgument when none fits.
absl::StatusOr<TraceFormat> DetectTraceFormat(std::string_view bytes, std::string_view name);

// LooksCompressed(): `bytes` start with the gzip or zstd magic number.
inline bool LooksCompressed(std::string_view bytes) {
  return (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
          static_cast<unsigned char>(bytes[1]) == 0x8b) ||
         (bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0x28 &&
          static_cast<unsigned char>(bytes[1]) == 0xb5 &&
          static_cast<unsigned char>(bytes[2]) == 0x2f &&
          static_cast<unsigned char>(bytes[3]) == 0xfd);
}

// Decompress(): `bytes` unchanged, or gunzipped / zstd-decompressed by their magic number.
// kDataLoss naming the source and offset for a corrupt or truncated stream.
absl::StatusOr<std::string> Decompress(std::string bytes, std::string_view name);

namespace hex_detail {

// value[c]: the value of hex digit c, or 0xF0 for any other byte.
struct HexTable {
  std::uint8_t value[256];
  constexpr HexTable() : value() {
    for (int i = 0; i < 256; ++i) value[i] = 0xF0;
    for (int i = 0; i < 10; ++i) value['0' + i] = static_cast<std::uint8_t>(i);
    for (int i = 0; i < 6; ++i) {
      value['a' + i] = static_cast<std::uint8_t>(10 + i);
      value['A' + i] = static_cast<std::uint8_t>(10 + i);
    }
  }
};
inline constexpr HexTable kHex{};

// Up to 16 hex digits into *out; false when any byte is not a hex digit. Branch-free per
// digit: ids are parsed two or three times per span.
inline bool HexToUint64(const char* p, std::size_t n, std::uint64_t* out) {
  std::uint64_t v = 0;
  std::uint8_t invalid = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t d = kHex.value[static_cast<unsigned char>(p[i])];
    invalid |= d;
    v = (v << 4) | (d & 0x0F);
  }
  *out = v;
  return (invalid & 0xF0) == 0;
}

}  // namespace hex_detail

// ParseHexTraceId() / ParseHexSpanId(): 1..32 / 1..16 case-insensitive hex digits into an
// id; false (and *out unchanged) otherwise. Shorter ids fill the low bits.
inline bool ParseHexTraceId(std::string_view hex, TraceId* out) {
  if (hex.empty() || hex.size() > 32) return false;
  const std::size_t lo_digits = hex.size() < 16 ? hex.size() : 16;
  const std::size_t hi_digits = hex.size() - lo_digits;
  TraceId id;
  if (!hex_detail::HexToUint64(hex.data(), hi_digits, &id.hi) ||
      !hex_detail::HexToUint64(hex.data() + hi_digits, lo_digits, &id.lo)) {
    return false;
  }
  *out = id;
  return true;
}

inline bool ParseHexSpanId(std::string_view hex, std::uint64_t* out) {
  if (hex.empty() || hex.size() > 16) return false;
  std::uint64_t v;
  if (!hex_detail::HexToUint64(hex.data(), hex.size(), &v)) return false;
  *out = v;
  return true;
}

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_TRACE_PARSERS_H_
