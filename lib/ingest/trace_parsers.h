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

// ParseHexId(): a case-insensitive hex id of 1..32 digits into (hi, lo); false otherwise.
bool ParseHexTraceId(std::string_view hex, TraceId* out);
bool ParseHexSpanId(std::string_view hex, std::uint64_t* out);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_TRACE_PARSERS_H_
