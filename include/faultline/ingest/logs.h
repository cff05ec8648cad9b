// faultline/ingest/logs.h
//
// Log records into the model: per entity and time bucket, counts by severity and by log
// template (model/signal_stats.h, LogStats). The model keeps no message and no line: a
// record becomes one count in one bucket.
//
// Formats (detected from the content when LogOptions::format is kAuto):
//   otlp-json   OTLP logs as the collector's file exporter writes them: one
//               ExportLogsServiceRequest (or LogsData) per line, or one document.
//   otlp-proto  the same as protobuf: one message, or messages each preceded by a 4-byte
//               big-endian length (the file exporter's `format: proto`).
//   csv         one record per row, columns named by a LogCsvMapping (the `nezha` preset:
//               Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log, with Log a
//               Docker JSON envelope {"log": "...", "stream", "time"}).
//   text        plain lines read with a regular expression whose named groups give the time,
//               severity and message, and labels (any other group name).
//
// What each record gives:
//   - time: OTLP timeUnixNano, else observedTimeUnixNano; CSV / text: the time column or
//     group (integer epoch in the mapped unit, or by magnitude; or RFC 3339 / "YYYY-MM-DD
//     HH:MM:SS[.frac]" with an optional zone, UTC when none). A record without a usable
//     time is rejected ("missing time" / "bad time").
//   - severity, first found: the record's own (OTLP severityNumber, else severityText; the
//     CSV severity column; the text severity group); then, when the message is a JSON object
//     (LogOptions::json_messages), its "severity" / "level" member; then a level word among
//     the first tokens of the message ("ERROR", "[warn]", "level=info", ...); else
//     unspecified (a Docker stream name says nothing about severity).
//   - message: the OTLP body (a stringValue; other AnyValues rendered as JSON-like text),
//     the CSV message column (unwrapped from its Docker envelope if so mapped), the text
//     message group (the whole line when the regex has none); a JSON-object message with a
//     "message" / "msg" string member is replaced by that member (json_messages).
//   - labels: OTLP resource then record attributes (a record attribute wins over a resource
//     attribute of the same key); the CSV label columns; the text regex's other groups;
//     plus LogOptions::labels for every record. Labels -> entity through ResolveEntity()
//     (ingest/entity_labels.h) only: a record that maps to nothing is rejected as
//     "unmapped", counted, and its label set listed (the first few distinct ones).
//   - trace and span ids: counted (LogReport::records_with_span). The model keeps no span
//     index, so a record cannot be attached to the operation of its span by id. Instead, a
//     record whose attributes name its operation (LogOptions::operation_labels) is also
//     counted on the entity "operation:SERVICE/OP" (created in the logs subgraph, contained
//     by its service, with the operation name normalized as trace readers normalize span
//     names), so error-or-worse records per (service, operation) are in the model.
//
// Templates: one TemplateMiner (ingest/log_templates.h) per AddLogs() / ReadLogs() call,
// shared by its sources. Counts are kept per miner template while reading and written to
// the model when the call ends, each template's FINAL text interned once
// (ModelBuilder::InternLogTemplate()): template ids in the model are ids of texts, stable
// within one model, and two calls that mine the same text share its id. A record with an
// empty message (or beyond TemplateMinerOptions::max_templates) is counted by severity
// only (kNoTemplate).
//
// Graph: entities join the subgraph "logs/default" (LogOptions::subgraph), kind "logs",
// created on first use and accumulated across calls (never replaced); an instance brings
// its service and node as AddResolvedEntity() does.
#ifndef FAULTLINE_INGEST_LOGS_H_
#define FAULTLINE_INGEST_LOGS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/ingest/log_templates.h"
#include "faultline/ingest/traces.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/signal_stats.h"

namespace faultline {

// LogFormat
enum class LogFormat : std::uint8_t {
  kAuto = 0,
  kOtlpJson,
  kOtlpProto,
  kCsv,
  kText,
};

// LogFormatName(): "auto", "otlp-json", "otlp-proto", "csv", "text".
std::string_view LogFormatName(LogFormat format);

// LogCsvMapping: which CSV column holds what. Empty names are absent columns.
struct LogCsvMapping {
  std::string time = "time";          // required
  std::string severity = "severity";  // optional: used when the header has it
  std::string message = "message";    // required
  std::string trace_id = "trace_id";  // optional
  std::string span_id = "span_id";    // optional
  // Label columns. Empty: every column not mapped above is a label.
  std::vector<std::string> labels;
  // The unit of an integer time column; nullopt: by magnitude (< 1e11 seconds, < 1e14
  // milliseconds, < 1e17 microseconds, else nanoseconds).
  std::optional<TimeUnit> time_unit;
  // The message column holds a Docker JSON log envelope {"log": "...", "stream", "time"}:
  // the message is its "log" string (one trailing newline dropped).
  bool docker_envelope = false;

  // Nezha (FSE 2023) logs: time TimeUnixNano (ns), message Log (a Docker envelope), trace
  // and span TraceID / SpanID, labels Node, PodName, Container; no severity column.
  static LogCsvMapping Nezha();
  // Named presets: "nezha". kInvalidArgument otherwise.
  static absl::StatusOr<LogCsvMapping> Preset(std::string_view name);
};

// LogTextFormat: how plain text lines are read.
struct LogTextFormat {
  // A regular expression (ECMAScript syntax, as std::regex) matched against each whole
  // line; named groups `(?P<name>...)` or `(?<name>...)`: time, severity, message,
  // trace_id, span_id, and any other name is a label. Empty: kDefaultRegex.
  std::string regex;
  std::optional<TimeUnit> time_unit;  // as LogCsvMapping::time_unit
  // Lines longer than this are matched on their first max_match_bytes bytes (std::regex
  // recurses per character); a message group that runs to the end of that prefix is
  // extended to the end of the line.
  std::size_t max_match_bytes = 4096;

  // An RFC 3339 or "YYYY-MM-DD HH:MM:SS[.frac]" time, then an optional level word (in
  // brackets or not, with an optional ':' or " -" after it), then the message.
  static constexpr std::string_view kDefaultRegex =
      R"(^\s*(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+)"
      R"((?:\[?(?P<severity>WARNING|WARN|ERROR|ERR|TRACE|DEBUG|INFO|NOTICE|CRITICAL|FATAL|PANIC|warning|warn|error|err|trace|debug|info|notice|critical|fatal|panic)\]?:?(?:\s+-)?\s+)?)"
      R"((?P<message>.*)$)";
};

// LogOptions
struct LogOptions {
  LogFormat format = LogFormat::kAuto;
  LogCsvMapping csv;
  LogTextFormat text;
  // The subgraph entities join ("logs/default" when empty).
  std::string subgraph;
  // Labels added to every record (a record's own label of the same key wins), e.g.
  // {"service", "cartservice"} for a plain log file of one service.
  Attributes labels;
  LabelMapping mapping;
  TemplateMinerOptions miner;
  // Mine templates; false: every record is counted by severity only.
  bool templates = true;
  // Unwrap JSON-object messages (see the header comment).
  bool json_messages = true;
  // Labels that name the operation a record was written in (first present wins).
  std::vector<std::string> operation_labels = {"span.name", "operation", "operation.name",
                                               "OperationName", "operation_name"};
  // How many error messages and unmapped label sets a report keeps verbatim.
  std::size_t max_error_messages = 10;
};

// ParseLogFormat(): "auto", "otlp-json", "otlp-proto", "csv", "text", and the CSV preset
// "nezha" (which also sets *mapping when non-null). kInvalidArgument listing the names.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name, LogCsvMapping* mapping);

// LogReport: the accounting of one source.
struct LogReport {
  std::string source;
  LogFormat format = LogFormat::kAuto;  // as detected
  std::uint64_t records_read = 0;
  std::uint64_t records_accepted = 0;
  std::map<std::string, std::uint64_t> rejected;  // reason -> count ("unmapped", ...)
  std::vector<std::string> errors;                 // the first few, with file and line/offset
  std::vector<std::string> unmapped_labels;        // first distinct label sets, "{k=v, ...}"
  std::array<std::uint64_t, kSeverityCount> by_severity{};  // accepted records
  std::uint64_t untemplated = 0;        // accepted records without a template
  std::uint64_t records_with_span = 0;  // accepted records carrying a span id
  std::uint64_t operation_records = 0;  // also counted on the operation they name
  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : rejected) n += count;
    return n;
  }
};

// LogBatchReport: what one AddLogs() / ReadLogs() call made of its sources.
struct LogBatchReport {
  std::vector<LogReport> files;  // one per source, in order
  std::size_t templates = 0;     // templates mined (miner clusters)
  std::size_t template_ids = 0;  // distinct template texts they ended as (AddLogs)
  std::uint64_t template_overflow = 0;  // records beyond max_templates
  std::size_t entities = 0;      // distinct entities the records mapped to
};

// AddLogs()
//
// Reads one source (gzip/zstd transparently; format detected unless options.format names
// it) into the model as described above. Returns the accounting. Errors: kNotFound /
// kPermissionDenied for unreadable files, kDataLoss for a corrupt compressed stream,
// kInvalidArgument for a source that is not what its format says (naming the line or
// offset; records read before the error stay counted in the model) and for a bad regex,
// and the builder's errors. O(size of the source).
absl::StatusOr<LogReport> AddLogs(ModelBuilder& builder, const InputSource& source,
                                  const LogOptions& options = {});

// AddLogs() (several sources): one miner for all of them; on an error the status names the
// source that failed, and what was read before it stays in the model.
absl::StatusOr<LogBatchReport> AddLogs(ModelBuilder& builder,
                                       const std::vector<InputSource>& sources,
                                       const LogOptions& options = {});

// LogRow: one accepted or unmapped record as ReadLogs() gives it (views valid during the
// callback only).
struct LogRow {
  std::int64_t time_ns = 0;
  Severity severity = Severity::kUnspecified;
  std::string_view entity;    // canonical id; "" when the labels map to nothing
  std::uint32_t template_id;  // the miner's id (TemplateMiner::kNoTemplate / kOverflow)
  std::string_view message;   // after unwrapping (see the header comment)
  std::string_view trace_id;  // as given (hex), "" when absent
  std::string_view span_id;
  std::string_view operation;  // "SERVICE/OP" when the record names its operation
};

// ReadLogs()
//
// The reader without the model: reads `sources` as AddLogs() does and calls `visit` for
// every record with a time, mapped or not (unmapped ones are still counted as rejected
// "unmapped" in the report). Template ids are `miner`'s; their texts at the end of the call
// are miner.Template(id). Errors as AddLogs().
absl::StatusOr<LogBatchReport> ReadLogs(const std::vector<InputSource>& sources,
                                        const LogOptions& options, TemplateMiner& miner,
                                        const std::function<void(const LogRow&)>& visit);

}  // namespace faultline

#endif  // FAULTLINE_INGEST_LOGS_H_
