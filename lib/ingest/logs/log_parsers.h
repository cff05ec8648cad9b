// Private: the log parsers. Each turns one format into RawLogRecords for a LogRecordSink;
// none decides what a record means for the model (LogProcessor in log_ingest.cc does:
// severity fallbacks, message unwrapping, labels -> entity, templates).
//
// Contract shared by every parser:
// - The input is the whole (already decompressed) content of one source.
// - Every record encountered is counted read (LogParseContext::Read()); a record that
//   cannot be used (no time, a bad time, a malformed line) is rejected with a short
//   stable reason and where it is; the rest of the input is still used.
// - A source that is not what its format says (not JSON, not protobuf, a CSV without the
//   mapped columns) returns kInvalidArgument naming the source and line or offset;
//   records passed to the sink before stay passed.
// - Never crashes, loops forever or allocates without bound on any input (fuzzed).
#ifndef FAULTLINE_LIB_INGEST_LOGS_LOG_PARSERS_H_
#define FAULTLINE_LIB_INGEST_LOGS_LOG_PARSERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/ingest/logs.h"

namespace faultline::internal {

// LogLabel: one label; views valid during the sink call.
struct LogLabel {
  std::string_view key;
  std::string_view value;
};

// RawLogRecord: one record as a format gives it. Views valid during the sink call.
struct RawLogRecord {
  std::int64_t time_ns = 0;  // > 0
  Severity severity = Severity::kUnspecified;  // the record's own, when it has one
  std::string_view body;
  // Labels in precedence order: a later label of the same key wins.
  const std::vector<LogLabel>* labels = nullptr;
  std::string_view trace_id;  // hex, "" when absent
  std::string_view span_id;
  // Where the record is: a line (text formats) or a byte offset (protobuf).
  std::size_t line = 0;
  std::size_t offset = 0;
};

// LogParseContext: the source name and its accounting.
class LogParseContext {
 public:
  LogParseContext(std::string_view name, LogReport* report, std::size_t max_messages)
      : name_(name), report_(report), max_messages_(max_messages) {}

  std::string_view name() const { return name_; }
  LogReport& report() { return *report_; }
  void Read() { ++report_->records_read; }
  // Reject(): one record not used; `where` is "line 12" or "offset 4711" or a path.
  void Reject(std::string_view reason, std::string_view where);
  std::size_t max_messages() const { return max_messages_; }

 private:
  std::string name_;
  LogReport* report_;
  std::size_t max_messages_;
};

// LogRecordSink: receives the records a parser reads (after Read(), instead of a Reject()).
class LogRecordSink {
 public:
  virtual ~LogRecordSink() = default;
  virtual void Record(const RawLogRecord& record) = 0;
};

absl::Status ParseOtlpLogsJson(std::string_view bytes, LogParseContext& ctx,
                               LogRecordSink& sink);
absl::Status ParseOtlpLogsProto(std::string_view bytes, LogParseContext& ctx,
                                LogRecordSink& sink);
absl::Status ParseLogCsv(std::string_view bytes, const LogCsvMapping& mapping,
                         LogParseContext& ctx, LogRecordSink& sink);
absl::Status ParseLogText(std::string_view bytes, const LogTextFormat& format,
                          LogParseContext& ctx, LogRecordSink& sink);

// DetectLogFormat(): the format of decompressed `bytes`; for a CSV whose header holds the
// Nezha log columns, also sets *nezha. kInvalidArgument for binary data that is not OTLP.
absl::StatusOr<LogFormat> DetectLogFormat(std::string_view bytes, std::string_view name,
                                          bool* nezha);

// --- shared helpers (log_time.cc) ---------------------------------------------------------

// ParseLogTime(): an integer epoch (in `unit`, or by magnitude when null) or an RFC 3339 /
// "YYYY-MM-DD HH:MM:SS[.frac][zone]" time, as Unix nanoseconds; false when it is neither or
// out of range (before 1970 or beyond int64).
bool ParseLogTime(std::string_view text, const std::optional<TimeUnit>& unit,
                  std::int64_t* out);

// LevelWord(): the severity of a level word ("ERROR", "[warn]", "level=info", "W:"), or
// unspecified. Only tokens that are all upper case, or bracketed, or after "level=" /
// "severity=" count: a lower-case "error" in prose is not a level.
Severity LevelWord(std::string_view token);
// LevelInText(): LevelWord() of the first `tokens` white-space separated tokens.
Severity LevelInText(std::string_view text, int tokens = 4);

// HexOfBytes(): lowercase hex of raw id bytes (protobuf trace and span ids).
std::string HexOfBytes(std::string_view bytes);

// FormatDouble(): a double as the shortest text that reads back as the same value
// ("1.5", "3", "1e+300"), as bodies and attributes render numbers in every format.
std::string FormatDouble(double value);

// Base64(): standard base64 with padding (bytes values render as OTLP/JSON writes them).
std::string Base64(std::string_view bytes);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_LOGS_LOG_PARSERS_H_
