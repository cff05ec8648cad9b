// OTLP/JSON logs: LogsData / ExportLogsServiceRequest documents, one per line (the
// collector's file exporter) or one per input, read with JsonReader in one pass.
//
// Accepted beyond the protobuf JSON mapping: snake_case keys, severityNumber as its enum
// name ("SEVERITY_NUMBER_ERROR"), null for absent fields. A scopeLogs array that precedes
// its resource is read after it.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "ingest/json_trace_common.h"
#include "ingest/logs/log_parsers.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

constexpr std::uint64_t kMaxTime =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// SeverityNumber enum names: SEVERITY_NUMBER_TRACE .. SEVERITY_NUMBER_FATAL4.
int SeverityNumberFromName(std::string_view name) {
  constexpr std::string_view kPrefix = "SEVERITY_NUMBER_";
  if (name.substr(0, kPrefix.size()) != kPrefix) return -1;
  name.remove_prefix(kPrefix.size());
  int suffix = 1;
  if (!name.empty() && name.back() >= '2' && name.back() <= '4') {
    suffix = name.back() - '0';
    name.remove_suffix(1);
  }
  int base;
  if (name == "TRACE") base = 1;
  else if (name == "DEBUG") base = 5;
  else if (name == "INFO") base = 9;
  else if (name == "WARN") base = 13;
  else if (name == "ERROR") base = 17;
  else if (name == "FATAL") base = 21;
  else if (name == "UNSPECIFIED") return 0;
  else return -1;
  return base + suffix - 1;
}

// Strings that must outlive one record (or one resource): unescaped and rendered values.
class Strings {
 public:
  std::string* Next() {
    if (used_ == slots_.size()) slots_.emplace_back();
    std::string* s = &slots_[used_++];
    s->clear();
    return s;
  }
  void Clear() { used_ = 0; }

 private:
  std::deque<std::string> slots_;
  std::size_t used_ = 0;
};

class OtlpLogsJsonParser {
 public:
  OtlpLogsJsonParser(std::string_view text, LogParseContext& ctx, LogRecordSink& sink)
      : text_(text), ctx_(ctx), sink_(sink), lines_(text) {}

  absl::Status Run() {
    return ReadJsonStream(
        text_, ctx_.name(), reader_, [this](JsonReader& r, std::size_t) { LogsData(r); },
        [this](std::size_t, std::string_view where) {
          ctx_.Read();
          ctx_.Reject("malformed JSON line", where);
        });
  }

 private:
  std::string Where(std::size_t offset) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column, ", resourceLogs[", rl_index_,
                  "].scopeLogs[", sl_index_, "].logRecords[", lr_index_, "]");
  }

  void LogsData(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("an OTLP LogsData object");
      return;
    }
    std::string_view key;
    rl_index_ = 0;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "resourceLogs", "resource_logs")) {
        if (!r.BeginArray()) {
          if (!r.ReadNull()) r.Fail("an array of ResourceLogs");
          continue;
        }
        while (r.NextElement()) {
          ResourceLogs(r);
          ++rl_index_;
        }
      } else {
        r.Skip();
      }
    }
  }

  void ResourceLogs(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("a ResourceLogs object");
      return;
    }
    resource_labels_.clear();
    resource_strings_.Clear();
    bool have_resource = false;
    std::vector<std::pair<std::size_t, std::size_t>> deferred;
    std::string_view key;
    sl_index_ = 0;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "scopeLogs", "scope_logs")) {
        if (!have_resource) {
          r.Peek();
          const std::size_t begin = r.offset();
          if (!r.Skip()) return;
          deferred.emplace_back(begin, r.offset());
          continue;
        }
        ScopeLogsArray(r);
      } else if (key == "resource") {
        if (have_resource) {
          r.Skip();
          continue;
        }
        Resource(r);
        if (!r.ok()) return;
        have_resource = true;
      } else {
        r.Skip();
      }
    }
    if (!r.ok()) return;
    for (const auto& [begin, end] : deferred) {
      sub_reader_.Reset(text_, begin, end);
      ScopeLogsArray(sub_reader_);
      if (!sub_reader_.ok()) {
        r.FailAt(sub_reader_.error_offset(), "a scopeLogs array");
        return;
      }
    }
  }

  void Resource(JsonReader& r) {
    if (!r.BeginObject()) {
      if (!r.ReadNull()) r.Fail("a Resource object");
      return;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "attributes") {
        Attributes(r, resource_labels_, resource_strings_);
      } else {
        r.Skip();
      }
    }
  }

  // Attributes(): a KeyValue array appended to `labels` (values rendered into `strings`).
  void Attributes(JsonReader& r, std::vector<LogLabel>& labels, Strings& strings) {
    if (!r.BeginArray()) {
      r.Skip();
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Skip();
        continue;
      }
      std::string_view k, attr_key;
      std::string* key_storage = strings.Next();
      std::string* value = strings.Next();
      bool have_key = false, have_value = false;
      while (r.NextKey(&k)) {
        if (k == "key") {
          have_key = r.ReadString(&attr_key, key_storage);
          if (!have_key) r.Skip();
          if (have_key && attr_key.data() != key_storage->data()) key_storage->assign(attr_key);
        } else if (k == "value") {
          have_value = AnyValue(r, value);
        } else {
          r.Skip();
        }
      }
      if (r.ok() && have_key && have_value) {
        labels.push_back({std::string_view(*key_storage), std::string_view(*value)});
      }
    }
  }

  // AnyValue(): renders the value into *out (see log_parsers.h); false when not an object.
  bool AnyValue(JsonReader& r, std::string* out, int depth = 0) {
    if (!r.BeginObject()) {
      if (!r.ReadNull()) r.Skip();
      return false;
    }
    std::string_view k;
    while (r.NextKey(&k)) {
      if (KeyIs(k, "stringValue", "string_value") || KeyIs(k, "bytesValue", "bytes_value")) {
        std::string_view s;
        if (r.ReadString(&s, &scratch_)) {
          out->append(s.data(), s.size());
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "intValue", "int_value")) {
        std::int64_t v = 0;
        if (r.ReadInt64(&v)) {
          out->append(std::to_string(v));
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "boolValue", "bool_value")) {
        bool b = false;
        if (r.ReadBool(&b)) {
          out->append(b ? "true" : "false");
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "doubleValue", "double_value")) {
        double d = 0;
        if (r.ReadDouble(&d)) {
          out->append(FormatDouble(d));
        } else {
          r.Skip();
        }
      } else if (depth < 16 && (KeyIs(k, "arrayValue", "array_value") ||
                                KeyIs(k, "kvlistValue", "kvlist_value"))) {
        const bool kv = k[0] == 'k';
        Container(r, out, kv, depth + 1);
      } else {
        r.Skip();
      }
    }
    return r.ok();
  }

  // {"values": [AnyValue...]} as "[a, b]", or {"values": [KeyValue...]} as "{k: v, ...}".
  void Container(JsonReader& r, std::string* out, bool kv, int depth) {
    out->push_back(kv ? '{' : '[');
    if (r.BeginObject()) {
      std::string_view k;
      while (r.NextKey(&k)) {
        if (k != "values" || !r.BeginArray()) {
          r.Skip();
          continue;
        }
        bool first = true;
        while (r.NextElement()) {
          if (!first) out->append(", ");
          first = false;
          if (!kv) {
            AnyValue(r, out, depth);
            continue;
          }
          if (!r.BeginObject()) {
            r.Skip();
            continue;
          }
          std::string_view kk;
          std::string key, value;
          while (r.NextKey(&kk)) {
            std::string_view s;
            if (kk == "key" && r.ReadString(&s, &scratch_)) {
              key.assign(s);
            } else if (kk == "value") {
              AnyValue(r, &value, depth);
            } else {
              r.Skip();
            }
          }
          out->append(key);
          out->append(": ");
          out->append(value);
        }
      }
    } else {
      r.Skip();
    }
    out->push_back(kv ? '}' : ']');
  }

  void ScopeLogsArray(JsonReader& r) {
    if (!r.BeginArray()) {
      if (!r.ReadNull()) r.Fail("an array of ScopeLogs");
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Fail("a ScopeLogs object");
        return;
      }
      std::string_view key;
      while (r.NextKey(&key)) {
        if (KeyIs(key, "logRecords", "log_records")) {
          if (!r.BeginArray()) {
            if (!r.ReadNull()) r.Fail("an array of LogRecords");
            continue;
          }
          lr_index_ = 0;
          while (r.NextElement()) {
            LogRecord(r);
            ++lr_index_;
          }
        } else {
          r.Skip();
        }
      }
      ++sl_index_;
    }
  }

  bool ReadTime(JsonReader& r, std::uint64_t* out, const char** bad) {
    if (r.ReadUint64(out)) return true;
    if (r.ReadNull()) return true;
    if (*bad == nullptr) *bad = "bad time";
    r.Skip();
    return false;
  }

  void LogRecord(JsonReader& r) {
    r.Peek();
    const std::size_t start = r.offset();
    // Counted read once it is known to be a record: a line that breaks off inside one is
    // counted (read and rejected) as a malformed line instead.
    if (!r.BeginObject()) {
      ctx_.Read();
      ctx_.Reject("not a LogRecord object", Where(start));
      r.Skip();
      return;
    }
    strings_.Clear();
    labels_.assign(resource_labels_.begin(), resource_labels_.end());
    std::uint64_t time = 0, observed = 0;
    const char* bad = nullptr;
    std::int64_t number = 0;
    bool have_number = false;
    std::string_view severity_text, trace_id, span_id;
    std::string* body = strings_.Next();
    std::string_view key;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "timeUnixNano", "time_unix_nano")) {
        ReadTime(r, &time, &bad);
      } else if (KeyIs(key, "observedTimeUnixNano", "observed_time_unix_nano")) {
        ReadTime(r, &observed, &bad);
      } else if (KeyIs(key, "severityNumber", "severity_number")) {
        std::string_view name;
        if (r.ReadInt64(&number)) {
          have_number = true;
        } else if (r.ReadString(&name)) {
          const int n = SeverityNumberFromName(name);
          if (n >= 0) {
            number = n;
            have_number = true;
          }
        } else {
          r.Skip();
        }
      } else if (KeyIs(key, "severityText", "severity_text")) {
        std::string* s = strings_.Next();
        if (!r.ReadString(&severity_text, s)) r.Skip();
      } else if (key == "body") {
        AnyValue(r, body);
      } else if (key == "attributes") {
        Attributes(r, labels_, strings_);
      } else if (KeyIs(key, "traceId", "trace_id")) {
        std::string* s = strings_.Next();
        if (!r.ReadString(&trace_id, s)) r.Skip();
      } else if (KeyIs(key, "spanId", "span_id")) {
        std::string* s = strings_.Next();
        if (!r.ReadString(&span_id, s)) r.Skip();
      } else {
        r.Skip();
      }
    }
    if (!r.ok()) return;  // the line is reported as malformed
    ctx_.Read();
    if (bad != nullptr) {
      ctx_.Reject(bad, Where(start));
      return;
    }
    const std::uint64_t t = time != 0 ? time : observed;
    if (t == 0) {
      ctx_.Reject("missing time", Where(start));
      return;
    }
    if (t > kMaxTime) {
      ctx_.Reject("bad time", Where(start));
      return;
    }
    RawLogRecord record;
    record.time_ns = static_cast<std::int64_t>(t);
    if (have_number && number > 0) {
      record.severity = SeverityFromNumber(static_cast<int>(number));
    }
    if (record.severity == Severity::kUnspecified && !severity_text.empty()) {
      record.severity = SeverityFromText(severity_text);
    }
    record.body = *body;
    record.labels = &labels_;
    record.trace_id = trace_id;
    record.span_id = span_id;
    record.line = lines_.At(start).line;
    sink_.Record(record);
  }

  std::string_view text_;
  LogParseContext& ctx_;
  LogRecordSink& sink_;
  LineTracker lines_;
  JsonReader reader_;
  JsonReader sub_reader_;
  std::vector<LogLabel> resource_labels_;
  Strings resource_strings_;
  std::vector<LogLabel> labels_;
  Strings strings_;
  std::string scratch_;
  std::size_t rl_index_ = 0, sl_index_ = 0, lr_index_ = 0;
};

}  // namespace

absl::Status ParseOtlpLogsJson(std::string_view bytes, LogParseContext& ctx,
                               LogRecordSink& sink) {
  OtlpLogsJsonParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
