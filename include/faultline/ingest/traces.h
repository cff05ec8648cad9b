// faultline/ingest/traces.h
//
// Trace ingestion options, formats and the per-source accounting. ModelBuilder::AddTraces()
// and TraceIngestor (model/trace_ingestor.h) use them.
//
// What traces become (subgraph "traces/ENV", nested "traces/ENV/operations" and
// "traces/ENV/placement"):
//   service:NAME -calls/async-> service:NAME     a paired client/server (producer/consumer)
//                                                span, a cross-service parent/child without
//                                                kinds, or a span link
//   service:NAME -uses/calls/async-> database:/queue:/external:...   uninstrumented peers
//   external:(user) -calls-> entry_point:SERVICE/OP -calls-> service:NAME   root spans
//   operation:SERVICE/OP -calls-> operation:SERVICE/OP
//   service -runs_on-> instance -runs_on-> node -runs_on-> zone -runs_on-> region
#ifndef FAULTLINE_INGEST_TRACES_H_
#define FAULTLINE_INGEST_TRACES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace faultline {

// TraceFormat
enum class TraceFormat : std::uint8_t {
  kAuto = 0,
  kOtlpProto,  // ExportTraceServiceRequest / TracesData, or length-prefixed messages
  kOtlpJson,   // one TracesData per line, or one JSON document
  kJaeger,     // /api/traces response {"data": [...]} or plain trace objects
  kZipkin,     // Zipkin v2 JSON list of spans
  kCsv,        // one span per row, columns named by a CsvMapping
};

// TraceFormatName(): "otlp-proto", "otlp-json", "jaeger", "zipkin", "csv" ("auto").
std::string_view TraceFormatName(TraceFormat format);

// TimeUnit of a CSV time column.
enum class TimeUnit : std::uint8_t { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

// CsvMapping: which column holds what. Empty column names are absent columns.
struct CsvMapping {
  std::string trace_id = "trace_id";
  std::string span_id = "span_id";
  std::string parent_span_id = "parent_span_id";
  std::string service = "service";      // service name column
  std::string pod;                      // pod name column (service = its Deployment)
  std::string operation = "operation";
  std::string start = "start";
  std::string end;                      // end time column; else start + duration
  std::string duration = "duration";
  // Optional columns: used when the header has them.
  std::string kind = "kind";            // span kind column (SERVER/CLIENT/... or 0..5)
  std::string status = "status";        // status column (ERROR/OK/2/500...)
  TimeUnit start_unit = TimeUnit::kNanoseconds;
  TimeUnit duration_unit = TimeUnit::kNanoseconds;
  // The parent value that marks a root span besides the empty string ("root" for Nezha).
  std::string root_parent_value;

  // Nezha (FSE 2023) layout: TraceID,SpanID,ParentID,PodName,OperationName,
  // StartTimeUnixNano,EndTimeUnixNano,Duration (µs); ParentID "root" for roots.
  static CsvMapping Nezha();
  // RCAEval traces.csv: traceID,spanID,parentSpanID,serviceName,operationName,methodName,
  // startTime (µs),duration (µs), and statusCode when present.
  static CsvMapping RcaEval();
};

// TraceOptions
struct TraceOptions {
  TraceFormat format = TraceFormat::kAuto;
  CsvMapping csv;
  // Environment of the "traces/ENV" subgraph. Empty: the resource's
  // deployment.environment.name, else "default".
  std::string environment;
  // A trace is analysed once no span of it has been seen for this long, in event time
  // (span end times), or when the input ends. Pairs still open then are unpaired.
  std::int64_t pairing_horizon_ns = 30'000'000'000;
  // Traces held in memory at once before the oldest are analysed early (bounds memory).
  std::size_t max_pending_traces = 100'000;
  // A trace with more spans than this is analysed in parts (bounds memory; counted).
  std::size_t max_spans_per_trace = 100'000;
  // Statistics buckets older than this, behind the newest span seen, are dropped while
  // streaming (bounds memory on long inputs); 0 keeps every bucket.
  std::int64_t retention_ns = 0;
  // Span names become operations (and entry points) after identifiers in their paths are
  // replaced by "{id}" ("GET /users/123" -> "GET /users/{id}"). Beyond this many names per
  // service, further names are counted as the operation "(other)".
  std::size_t max_operations_per_service = 1000;
  bool operations = true;  // build the operation subgraph
  bool placement = true;   // build the placement subgraph
  // How many error messages a report keeps verbatim (all are counted).
  std::size_t max_error_messages = 10;
};

// TraceReport: the accounting of one source.
struct TraceReport {
  std::string source;
  TraceFormat format = TraceFormat::kAuto;  // as detected
  std::uint64_t spans_read = 0;
  std::uint64_t spans_accepted = 0;
  std::map<std::string, std::uint64_t> rejected;  // reason -> count
  std::vector<std::string> errors;                // the first few, with file and line/offset
  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : rejected) n += count;
    return n;
  }
};

// TraceSummary: what the assembler made of all spans so far (cumulative).
struct TraceSummary {
  std::uint64_t traces = 0;
  std::uint64_t spans = 0;
  std::uint64_t paired_calls = 0;          // client/server or producer/consumer pairs
  std::uint64_t unkinded_calls = 0;        // cross-service parent/child without kinds
  std::uint64_t link_edges = 0;            // async edges from span links
  std::uint64_t virtual_peers = 0;         // client spans resolved to an uninstrumented peer
  std::uint64_t unpaired_client_spans = 0; // client spans with no server and no peer name
  std::uint64_t orphan_spans = 0;          // parent named but never seen
  std::uint64_t clock_skew_adjusted = 0;   // negative durations clamped
  std::uint64_t duplicate_spans = 0;
  std::uint64_t split_traces = 0;          // traces analysed in parts (max_spans_per_trace)
  std::uint64_t dropped_links = 0;         // span links beyond the per-target bound
  std::uint64_t unresolved_links = 0;      // span links whose target span never came (by
                                           // the end of the input, as producer or client)
  std::uint64_t capped_operation_spans = 0; // spans counted as "(other)" (operation cap)
};

}  // namespace faultline

#endif  // FAULTLINE_INGEST_TRACES_H_
