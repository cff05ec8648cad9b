// OTLP protobuf logs: one ExportLogsServiceRequest / LogsData message, or a sequence of
// messages each preceded by a 4-byte big-endian length (the collector's file exporter;
// chosen when the input starts with a 0 byte or the lengths exactly tile it). The wire
// format is decoded directly (ingest/protowire.h). A framed record that cannot be read is
// skipped (its records before the damage stay read); after all records the call returns
// kInvalidArgument naming the first bad record's offset and how many were unreadable.
//
// Fields (opentelemetry/proto/logs/v1/logs.proto): LogsData.resource_logs = 1;
// ResourceLogs.resource = 1, scope_logs = 2; ScopeLogs.log_records = 2; LogRecord:
// time_unix_nano fixed64 = 1, severity_number = 2, severity_text = 3, body AnyValue = 5,
// attributes = 6, trace_id bytes = 9, span_id bytes = 10, observed_time_unix_nano
// fixed64 = 11. Resource.attributes = 1; KeyValue key = 1, value = 2; AnyValue: string 1,
// bool 2, int 3, double 4, array 5, kvlist 6, bytes 7; ArrayValue / KeyValueList values = 1.
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "ingest/logs/log_parsers.h"
#include "ingest/protowire.h"

namespace faultline::internal {
namespace {

using protowire::Field;
using protowire::Reader;

constexpr std::uint64_t kMaxTime =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

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

std::string_view View(const Field& f) {
  return std::string_view(reinterpret_cast<const char*>(f.data), f.size);
}

class OtlpLogsProtoParser {
 public:
  OtlpLogsProtoParser(std::string_view bytes, LogParseContext& ctx, LogRecordSink& sink)
      : base_(reinterpret_cast<const std::uint8_t*>(bytes.data())),
        size_(bytes.size()),
        ctx_(ctx),
        sink_(sink) {}

  absl::Status Run() {
    if (size_ == 0) return absl::OkStatus();
    if (LooksFramed()) return ParseFramed();
    if (!LogsData(base_, base_ + size_)) {
      return absl::InvalidArgumentError(StrCat(ctx_.name(), ": ", protowire::Describe(error_),
                                               " (not a valid OTLP protobuf logs message)"));
    }
    return absl::OkStatus();
  }

 private:
  bool LooksFramed() const {
    if (base_[0] == 0) return true;
    std::size_t off = 0;
    while (size_ - off >= 4) {
      const std::uint32_t length = protowire::LoadBig32(base_ + off);
      off += 4;
      if (length > size_ - off) return false;
      off += length;
    }
    return off == size_;
  }

  absl::Status ParseFramed() {
    std::size_t off = 0, records = 0, corrupt = 0;
    std::string first_error, framing_error;
    while (off < size_) {
      if (size_ - off < 4) {
        framing_error = StrCat("offset ", off, ": record header cut off after ", size_ - off,
                               " of 4 bytes");
        break;
      }
      const std::uint32_t length = protowire::LoadBig32(base_ + off);
      if (length > size_ - off - 4) {
        framing_error = StrCat("offset ", off, ": record length ", length,
                               " runs past the end of the input at offset ", size_);
        break;
      }
      const std::uint8_t* begin = base_ + off + 4;
      if (!LogsData(begin, begin + length)) {
        if (corrupt == 0) {
          first_error = StrCat(protowire::Describe(error_), " (in record ", records,
                               " at offset ", off, ")");
        }
        ++corrupt;
      }
      ++records;
      off += 4 + static_cast<std::size_t>(length);
    }
    if (framing_error.empty() && corrupt == 0) return absl::OkStatus();
    std::string message = StrCat(ctx_.name(), ": ");
    if (corrupt > 0) {
      message += StrCat(first_error, "; ", corrupt, " of ", records,
                        " length-prefixed records unreadable, the others were read");
    }
    if (!framing_error.empty()) {
      if (corrupt > 0) message += "; ";
      message += StrCat(framing_error, " (after ", records,
                        " complete length-prefixed records, which were read)");
    }
    return absl::InvalidArgumentError(message);
  }

  bool Fail(const Reader& r) {
    error_ = r.error();
    return false;
  }

  bool LogsData(const std::uint8_t* begin, const std::uint8_t* end) {
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.number == 1 && f.type == protowire::kLengthDelimited) {
        if (!ResourceLogs(f.data, f.data + f.size)) return false;
      }
    }
    return r.error().ok() || Fail(r);
  }

  bool ResourceLogs(const std::uint8_t* begin, const std::uint8_t* end) {
    // The resource may follow its records on the wire: read it first.
    resource_labels_.clear();
    resource_strings_.Clear();
    {
      Reader r(base_, begin, end);
      Field f;
      while (r.Next(&f)) {
        if (f.number == 1 && f.type == protowire::kLengthDelimited) {
          Reader a(base_, f.data, f.data + f.size);
          Field g;
          while (a.Next(&g)) {
            if (g.number == 1 && g.type == protowire::kLengthDelimited) {
              if (!KeyValue(g.data, g.data + g.size, resource_labels_, resource_strings_)) {
                return false;
              }
            }
          }
          if (!a.error().ok()) return Fail(a);
        }
      }
      if (!r.error().ok()) return Fail(r);
    }
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.number != 2 || f.type != protowire::kLengthDelimited) continue;
      Reader s(base_, f.data, f.data + f.size);
      Field g;
      while (s.Next(&g)) {
        if (g.number == 2 && g.type == protowire::kLengthDelimited) {
          if (!LogRecord(g.data, g.data + g.size, g.start)) return false;
        }
      }
      if (!s.error().ok()) return Fail(s);
    }
    return r.error().ok() || Fail(r);
  }

  bool KeyValue(const std::uint8_t* begin, const std::uint8_t* end, std::vector<LogLabel>& out,
                Strings& strings) {
    Reader r(base_, begin, end);
    Field f;
    std::string_view key;
    std::string* value = strings.Next();
    bool have_key = false, have_value = false;
    while (r.Next(&f)) {
      if (f.type != protowire::kLengthDelimited) continue;
      if (f.number == 1) {
        key = View(f);
        have_key = true;
      } else if (f.number == 2) {
        value->clear();
        if (!AnyValue(f.data, f.data + f.size, value, 0)) return false;
        have_value = true;
      }
    }
    if (!r.error().ok()) return Fail(r);
    if (have_key && have_value) out.push_back({key, *value});
    return true;
  }

  bool AnyValue(const std::uint8_t* begin, const std::uint8_t* end, std::string* out,
                int depth) {
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      switch (f.number) {
        case 1:
          if (f.type == protowire::kLengthDelimited) out->append(View(f));
          break;
        case 2:
          if (f.type == protowire::kVarint) out->append(f.value != 0 ? "true" : "false");
          break;
        case 3:
          if (f.type == protowire::kVarint) {
            out->append(std::to_string(static_cast<std::int64_t>(f.value)));
          }
          break;
        case 4:
          if (f.type == protowire::kFixed64) {
            double d;
            std::memcpy(&d, &f.value, sizeof d);
            out->append(FormatDouble(d));
          }
          break;
        case 5:
        case 6:
          if (f.type == protowire::kLengthDelimited && depth < 16) {
            if (!Container(f.data, f.data + f.size, out, f.number == 6, depth + 1)) return false;
          }
          break;
        case 7:
          if (f.type == protowire::kLengthDelimited) out->append(Base64(View(f)));
          break;
        default:
          break;
      }
    }
    return r.error().ok() || Fail(r);
  }

  bool Container(const std::uint8_t* begin, const std::uint8_t* end, std::string* out,
                 bool kv, int depth) {
    out->push_back(kv ? '{' : '[');
    Reader r(base_, begin, end);
    Field f;
    bool first = true;
    while (r.Next(&f)) {
      if (f.number != 1 || f.type != protowire::kLengthDelimited) continue;
      if (!first) out->append(", ");
      first = false;
      if (!kv) {
        if (!AnyValue(f.data, f.data + f.size, out, depth)) return false;
        continue;
      }
      Reader p(base_, f.data, f.data + f.size);
      Field g;
      std::string_view key;
      std::string value;
      while (p.Next(&g)) {
        if (g.type != protowire::kLengthDelimited) continue;
        if (g.number == 1) key = View(g);
        if (g.number == 2 && !AnyValue(g.data, g.data + g.size, &value, depth)) return false;
      }
      if (!p.error().ok()) return Fail(p);
      out->append(key);
      out->append(": ");
      out->append(value);
    }
    out->push_back(kv ? '}' : ']');
    return r.error().ok() || Fail(r);
  }

  bool LogRecord(const std::uint8_t* begin, const std::uint8_t* end, const std::uint8_t* at) {
    ctx_.Read();
    strings_.Clear();
    labels_.assign(resource_labels_.begin(), resource_labels_.end());
    std::uint64_t time = 0, observed = 0;
    std::int64_t number = 0;
    std::string_view severity_text;
    std::string* body = strings_.Next();
    std::string* trace_hex = strings_.Next();
    std::string* span_hex = strings_.Next();
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      switch (f.number) {
        case 1:
          if (f.type == protowire::kFixed64) time = f.value;
          break;
        case 11:
          if (f.type == protowire::kFixed64) observed = f.value;
          break;
        case 2:
          if (f.type == protowire::kVarint) number = static_cast<std::int64_t>(f.value);
          break;
        case 3:
          if (f.type == protowire::kLengthDelimited) severity_text = View(f);
          break;
        case 5:
          if (f.type == protowire::kLengthDelimited) {
            body->clear();
            if (!AnyValue(f.data, f.data + f.size, body, 0)) return RejectCorrupt(at);
          }
          break;
        case 6:
          if (f.type == protowire::kLengthDelimited &&
              !KeyValue(f.data, f.data + f.size, labels_, strings_)) {
            return RejectCorrupt(at);
          }
          break;
        case 9:
          if (f.type == protowire::kLengthDelimited) *trace_hex = HexOfBytes(View(f));
          break;
        case 10:
          if (f.type == protowire::kLengthDelimited) *span_hex = HexOfBytes(View(f));
          break;
        default:
          break;
      }
    }
    if (!r.error().ok()) {
      Fail(r);
      return RejectCorrupt(at);
    }
    const std::uint64_t t = time != 0 ? time : observed;
    if (t == 0 || t > kMaxTime) {
      ctx_.Reject(t == 0 ? "missing time" : "bad time",
                  StrCat("offset ", static_cast<std::size_t>(at - base_)));
      return true;
    }
    RawLogRecord record;
    record.time_ns = static_cast<std::int64_t>(t);
    if (number > 0) record.severity = SeverityFromNumber(static_cast<int>(number));
    if (record.severity == Severity::kUnspecified && !severity_text.empty()) {
      record.severity = SeverityFromText(severity_text);
    }
    record.body = *body;
    record.labels = &labels_;
    record.trace_id = *trace_hex;
    record.span_id = *span_hex;
    record.offset = static_cast<std::size_t>(at - base_);
    sink_.Record(record);
    return true;
  }

  // A record whose bytes are malformed: counted, and the enclosing message stops.
  bool RejectCorrupt(const std::uint8_t* at) {
    ctx_.Reject("malformed record", StrCat("offset ", static_cast<std::size_t>(at - base_)));
    return false;
  }

  const std::uint8_t* base_;
  std::size_t size_;
  LogParseContext& ctx_;
  LogRecordSink& sink_;
  protowire::WireError error_;
  std::vector<LogLabel> resource_labels_;
  Strings resource_strings_;
  std::vector<LogLabel> labels_;
  Strings strings_;
};

}  // namespace

absl::Status ParseOtlpLogsProto(std::string_view bytes, LogParseContext& ctx,
                                LogRecordSink& sink) {
  OtlpLogsProtoParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
