// CSV logs: a header row, then one record per row, columns named by a LogCsvMapping; and
// the Nezha preset, whose message column is a Docker JSON log envelope.
//
// Syntax (RFC 4180): fields separated by ',', optionally quoted with '"' (a quoted field
// may hold ',', '""' and line breaks); records end with LF, CRLF or CR; empty lines are
// skipped; a UTF-8 byte order mark is ignored.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "ingest/logs/log_parsers.h"
#include "io/json_reader.h"

namespace faultline {

LogCsvMapping LogCsvMapping::Nezha() {
  LogCsvMapping m;
  m.time = "TimeUnixNano";
  m.severity.clear();
  m.message = "Log";
  m.trace_id = "TraceID";
  m.span_id = "SpanID";
  m.labels = {"Node", "PodName", "Container"};
  m.time_unit = TimeUnit::kNanoseconds;
  m.docker_envelope = true;
  return m;
}

absl::StatusOr<LogCsvMapping> LogCsvMapping::Preset(std::string_view name) {
  if (name == "nezha") return Nezha();
  return absl::InvalidArgumentError(
      internal::StrCat("unknown log CSV preset \"", name, "\"; expected: nezha"));
}

namespace internal {
namespace {

// LogCsvReader: splits CSV bytes into records of fields (views into the input, or into a
// scratch buffer for quoted fields holding "").
class LogCsvReader {
 public:
  explicit LogCsvReader(std::string_view bytes) : data_(bytes) {
    if (data_.substr(0, 3) == "\xef\xbb\xbf") pos_ = 3;
  }

  // Next(): the next non-empty record; false at the end. problem() is set (and the record
  // still returned) for a quote that never closes or text after a closing quote.
  bool Next() {
    const std::size_t n = data_.size();
    while (pos_ < n && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
      if (data_[pos_] == '\n' || pos_ + 1 >= n || data_[pos_ + 1] != '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= n) return false;
    record_line_ = line_;
    problem_ = nullptr;
    fields_.clear();
    spans_.clear();
    scratch_.clear();
    for (;;) {
      if (pos_ < n && data_[pos_] == '"') {
        ++pos_;
        const std::size_t start_scratch = scratch_.size();
        std::size_t seg = pos_;
        bool escaped = false;
        bool closed = false;
        while (pos_ < n) {
          // The next quote, and the line breaks before it (both with memchr: quoted
          // fields are the long ones).
          const char* base = data_.data();
          const void* q = std::memchr(base + pos_, '"', n - pos_);
          const std::size_t quote = q == nullptr ? n : static_cast<std::size_t>(
                                                           static_cast<const char*>(q) - base);
          for (const char* nl = static_cast<const char*>(std::memchr(base + pos_, '\n', quote - pos_));
               nl != nullptr;
               nl = static_cast<const char*>(std::memchr(nl + 1, '\n', base + quote - nl - 1))) {
            ++line_;
          }
          pos_ = quote;
          if (quote == n) break;
          if (pos_ + 1 < n && data_[pos_ + 1] == '"') {
            scratch_.append(data_.substr(seg, pos_ + 1 - seg));
            pos_ += 2;
            seg = pos_;
            escaped = true;
            continue;
          }
          closed = true;
          break;
        }
        if (!closed) {
          problem_ = "unterminated quoted field";
          fields_.push_back(data_.substr(seg));
          spans_.push_back({false, 0, 0});
          pos_ = n;
          return true;
        }
        if (escaped) {
          scratch_.append(data_.substr(seg, pos_ - seg));
          spans_.push_back({true, start_scratch, scratch_.size() - start_scratch});
          fields_.emplace_back();
        } else {
          fields_.push_back(data_.substr(seg, pos_ - seg));
          spans_.push_back({false, 0, 0});
        }
        ++pos_;  // the closing quote
        if (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
          problem_ = "text after a closing quote";
          while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
            ++pos_;
          }
        }
      } else {
        const std::size_t start = pos_;
        while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
          ++pos_;
        }
        fields_.push_back(data_.substr(start, pos_ - start));
        spans_.push_back({false, 0, 0});
      }
      if (pos_ < n && data_[pos_] == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < n) {  // the record's line break
      if (data_[pos_] == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (spans_[i].scratch) {
        fields_[i] = std::string_view(scratch_).substr(spans_[i].offset, spans_[i].size);
      }
    }
    return true;
  }

  const std::vector<std::string_view>& fields() const { return fields_; }
  std::size_t line() const { return record_line_; }
  const char* problem() const { return problem_; }

 private:
  struct Span {
    bool scratch;
    std::size_t offset, size;
  };
  std::string_view data_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  const char* problem_ = nullptr;
  std::vector<std::string_view> fields_;
  std::vector<Span> spans_;
  std::string scratch_;
};

constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

Severity SeverityOfField(std::string_view value) {
  int number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec == std::errc() && end == value.data() + value.size()) return SeverityFromNumber(number);
  return SeverityFromText(value);
}

}  // namespace

absl::Status ParseLogCsv(std::string_view bytes, const LogCsvMapping& mapping,
                         LogParseContext& ctx, LogRecordSink& sink) {
  LogCsvReader reader(bytes);
  if (!reader.Next()) return absl::OkStatus();  // empty input
  const std::vector<std::string> header(reader.fields().begin(), reader.fields().end());
  auto find = [&](const std::string& name) -> std::size_t {
    if (name.empty()) return kAbsent;
    for (std::size_t i = 0; i < header.size(); ++i) {
      std::string_view h = header[i];
      while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.remove_suffix(1);
      if (h == name) return i;
    }
    return kAbsent;
  };
  auto missing = [&](std::string_view what, const std::string& name) {
    std::vector<std::string> quoted;
    for (const std::string& h : header) {
      if (quoted.size() == 12) {
        quoted.push_back("...");
        break;
      }
      quoted.push_back(StrCat("\"", h, "\""));
    }
    return absl::InvalidArgumentError(
        StrCat(ctx.name(), ": line ", reader.line(), ": the CSV header has no ", what,
               " column \"", name, "\" (columns: ", StrJoin(quoted, ", "),
               "); name the columns with a mapping, or the format (e.g. nezha)"));
  };
  const std::size_t time_col = find(mapping.time);
  if (time_col == kAbsent) return missing("time", mapping.time);
  const std::size_t message_col = find(mapping.message);
  if (message_col == kAbsent) return missing("message", mapping.message);
  const std::size_t severity_col = find(mapping.severity);
  const std::size_t trace_col = find(mapping.trace_id);
  const std::size_t span_col = find(mapping.span_id);
  std::vector<std::size_t> label_cols;
  if (mapping.labels.empty()) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i != time_col && i != message_col && i != severity_col && i != trace_col &&
          i != span_col) {
        label_cols.push_back(i);
      }
    }
  } else {
    for (const std::string& name : mapping.labels) {
      const std::size_t col = find(name);
      if (col == kAbsent) return missing("label", name);
      label_cols.push_back(col);
    }
  }
  std::size_t needed = std::max(time_col, message_col);
  for (std::size_t c : {severity_col, trace_col, span_col}) {
    if (c != kAbsent) needed = std::max(needed, c);
  }

  std::vector<LogLabel> labels;
  JsonReader json;
  std::string log_scratch;
  while (reader.Next()) {
    ctx.Read();
    const auto& f = reader.fields();
    const std::size_t line = reader.line();
    if (reader.problem() != nullptr) {
      ctx.Reject(reader.problem(), StrCat("line ", line));
      continue;
    }
    if (f.size() <= needed) {
      ctx.Reject("missing fields", StrCat("line ", line, " (", f.size(), " of ",
                                          header.size(), " fields)"));
      continue;
    }
    RawLogRecord record;
    const std::string_view time_text = f[time_col];
    if (time_text.empty()) {
      ctx.Reject("missing time", StrCat("line ", line));
      continue;
    }
    if (!ParseLogTime(time_text, mapping.time_unit, &record.time_ns)) {
      ctx.Reject("bad time", StrCat("line ", line, " (\"", time_text.substr(0, 40), "\")"));
      continue;
    }
    std::string_view message = f[message_col];
    if (mapping.docker_envelope) {
      json.Reset(message);
      bool have_log = false;
      if (json.BeginObject()) {
        std::string_view key;
        while (json.NextKey(&key)) {
          if (key == "log" && json.ReadString(&message, &log_scratch)) {
            have_log = true;
          } else {
            json.Skip();
          }
        }
      }
      if (!json.ok() || !have_log) {
        ctx.Reject("bad Docker log envelope",
                   StrCat("line ", line, " (expected {\"log\": \"...\", ...} in column \"",
                          mapping.message, "\")"));
        continue;
      }
      if (!message.empty() && message.back() == '\n') message.remove_suffix(1);
      if (!message.empty() && message.back() == '\r') message.remove_suffix(1);
    }
    record.body = message;
    if (severity_col != kAbsent && f.size() > severity_col && !f[severity_col].empty()) {
      record.severity = SeverityOfField(f[severity_col]);
    }
    labels.clear();
    for (std::size_t c : label_cols) {
      if (c < f.size()) labels.push_back({header[c], f[c]});
    }
    record.labels = &labels;
    if (trace_col != kAbsent) record.trace_id = f[trace_col];
    if (span_col != kAbsent) record.span_id = f[span_col];
    record.line = line;
    sink.Record(record);
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace faultline
