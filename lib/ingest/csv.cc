// CSV trace parser: one span per row, columns named by a CsvMapping, and the Nezha and
// RCAEval column presets.
//
// Syntax (RFC 4180): a header row, then one record per row; fields separated by ',',
// optionally quoted with '"' (a quoted field may hold ',', '"' written as "", and line
// breaks); records end with LF, CRLF or CR; the last line break is optional; empty lines are
// skipped; a UTF-8 byte order mark at the start is ignored. Fields are views into the input;
// only a quoted field holding "" is copied (unescaped) into a scratch buffer.
//
// Identifiers: a trace id of 1..32 hex digits and a span id of 1..16 hex digits are read as
// numbers (case-insensitive). Any other identifier without spaces or control characters (a
// UUID with dashes, a decimal string longer than the limit, an arbitrary token) is hashed:
// trace ids with 128-bit FNV-1a, span and parent ids with 64-bit FNV-1a, over the id's bytes
// (a zero hash becomes 1). The hash is stable across runs, builds and platforms, so a
// parent id names the same span as the span id it copies.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "ingest/trace_parsers.h"

namespace faultline {

CsvMapping CsvMapping::Nezha() {
  CsvMapping m;
  m.trace_id = "TraceID";
  m.span_id = "SpanID";
  m.parent_span_id = "ParentID";
  m.service.clear();
  m.pod = "PodName";
  m.operation = "OperationName";
  m.start = "StartTimeUnixNano";
  m.end = "EndTimeUnixNano";
  m.duration = "Duration";
  m.start_unit = TimeUnit::kNanoseconds;
  m.duration_unit = TimeUnit::kMicroseconds;
  m.root_parent_value = "root";
  return m;
}

CsvMapping CsvMapping::RcaEval() {
  CsvMapping m;
  m.trace_id = "traceID";
  m.span_id = "spanID";
  m.parent_span_id = "parentSpanID";
  m.service = "serviceName";
  m.operation = "operationName";
  m.start = "startTime";
  m.end.clear();
  m.duration = "duration";
  // Some RCAEval captures add a statusCode column; optional columns may be absent.
  m.status = "statusCode";
  m.start_unit = TimeUnit::kMicroseconds;
  m.duration_unit = TimeUnit::kMicroseconds;
  return m;
}

namespace internal {
namespace {

// CsvReader: splits CSV bytes into records of fields.
class CsvReader {
 public:
  enum class Problem : std::uint8_t { kNone, kUnterminatedQuote, kMalformedQuote };

  explicit CsvReader(std::string_view bytes) : data_(bytes) {}

  // Next(): reads the next non-empty record; false at the end of the input. The views in
  // fields() stay valid until the next call. A record with a quoting problem is still
  // returned (with problem() set) so the caller can count it.
  bool Next();

  const std::vector<std::string_view>& fields() const { return fields_; }
  // The line the current record starts on (1-based).
  std::size_t line() const { return record_line_; }
  Problem problem() const { return problem_; }

 private:
  // A field unescaped into scratch_ (its view is set once the record is complete, since
  // scratch_ may grow meanwhile).
  struct Unescaped {
    std::size_t field;
    std::size_t offset;
    std::size_t size;
  };

  void Finish();

  std::string_view data_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  Problem problem_ = Problem::kNone;
  std::vector<std::string_view> fields_;
  std::vector<Unescaped> unescaped_;
  std::string scratch_;
};

// Bytes that end an unquoted field.
struct FieldEnds {
  bool table[256] = {};
  constexpr FieldEnds() {
    table[static_cast<unsigned char>(',')] = true;
    table[static_cast<unsigned char>('\n')] = true;
    table[static_cast<unsigned char>('\r')] = true;
  }
};
constexpr FieldEnds kFieldEnds;

bool CsvReader::Next() {
  const char* p = data_.data();
  const std::size_t n = data_.size();
  while (pos_ < n) {  // empty lines
    const char c = p[pos_];
    if (c == '\n') {
      ++pos_;
    } else if (c == '\r') {
      ++pos_;
      if (pos_ < n && p[pos_] == '\n') ++pos_;
    } else {
      break;
    }
    ++line_;
  }
  if (pos_ >= n) return false;
  record_line_ = line_;
  problem_ = Problem::kNone;
  fields_.clear();
  unescaped_.clear();
  scratch_.clear();
  for (;;) {
    if (pos_ < n && p[pos_] == '"') {
      ++pos_;
      const std::size_t start = pos_;
      std::size_t end = 0;
      bool escaped = false;
      for (;;) {
        const void* q = std::memchr(p + pos_, '"', n - pos_);
        if (q == nullptr) {
          line_ += static_cast<std::size_t>(std::count(p + pos_, p + n, '\n'));
          fields_.emplace_back(p + start, n - start);
          pos_ = n;
          problem_ = Problem::kUnterminatedQuote;
          Finish();
          return true;
        }
        const std::size_t qi = static_cast<std::size_t>(static_cast<const char*>(q) - p);
        line_ += static_cast<std::size_t>(std::count(p + pos_, p + qi, '\n'));
        if (qi + 1 < n && p[qi + 1] == '"') {
          escaped = true;
          pos_ = qi + 2;
          continue;
        }
        end = qi;
        pos_ = qi + 1;
        break;
      }
      if (escaped) {
        // Between the quotes every '"' is the first of a "" pair.
        const std::size_t offset = scratch_.size();
        for (std::size_t i = start; i < end; ++i) {
          scratch_.push_back(p[i]);
          if (p[i] == '"') ++i;
        }
        unescaped_.push_back({fields_.size(), offset, scratch_.size() - offset});
        fields_.emplace_back();
      } else {
        fields_.emplace_back(p + start, end - start);
      }
      if (pos_ < n && p[pos_] != ',' && p[pos_] != '\n' && p[pos_] != '\r') {
        // Text after the closing quote: the record is malformed; skip to the line's end.
        problem_ = Problem::kMalformedQuote;
        while (pos_ < n && p[pos_] != '\n' && p[pos_] != '\r') ++pos_;
      }
    } else {
      const std::size_t start = pos_;
      while (pos_ < n && !kFieldEnds.table[static_cast<unsigned char>(p[pos_])]) ++pos_;
      fields_.emplace_back(p + start, pos_ - start);
    }
    if (pos_ < n && p[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < n) {  // the line break ending the record
      if (p[pos_] == '\r' && pos_ + 1 < n && p[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
    }
    break;
  }
  Finish();
  return true;
}

void CsvReader::Finish() {
  for (const Unescaped& u : unescaped_) {
    fields_[u.field] = std::string_view(scratch_.data() + u.offset, u.size);
  }
}

// True for an identifier that can be hashed: no spaces, no control characters.
bool IsIdText(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return !s.empty();
}

// 64-bit FNV-1a.
std::uint64_t Fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h == 0 ? 1 : h;
}

// 128-bit FNV-1a (offset basis 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 0x13b).
TraceId Fnv1a128(std::string_view s) {
  absl::uint128 h = absl::MakeUint128(0x6c62272e07bb0142ULL, 0x62b821756295c58dULL);
  const absl::uint128 prime = absl::MakeUint128(0x0000000001000000ULL, 0x000000000000013bULL);
  for (char c : s) {
    h ^= absl::uint128(static_cast<unsigned char>(c));
    h *= prime;
  }
  TraceId id{absl::Uint128High64(h), absl::Uint128Low64(h)};
  if (id.empty()) id.lo = 1;
  return id;
}

enum class IdStatus : std::uint8_t { kOk, kMissing, kBad };

IdStatus ReadTraceId(std::string_view s, TraceId* out) {
  s = StripBlanks(s);
  if (s.empty()) return IdStatus::kMissing;
  if (ParseHexTraceId(s, out)) return out->empty() ? IdStatus::kMissing : IdStatus::kOk;
  if (!IsIdText(s)) return IdStatus::kBad;
  *out = Fnv1a128(s);
  return IdStatus::kOk;
}

IdStatus ReadSpanId(std::string_view s, std::uint64_t* out) {
  s = StripBlanks(s);
  if (s.empty()) return IdStatus::kMissing;
  if (ParseHexSpanId(s, out)) return *out == 0 ? IdStatus::kMissing : IdStatus::kOk;
  if (!IsIdText(s)) return IdStatus::kBad;
  *out = Fnv1a64(s);
  return IdStatus::kOk;
}

int UnitExponent(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanoseconds: return 0;
    case TimeUnit::kMicroseconds: return 3;
    case TimeUnit::kMilliseconds: return 6;
    case TimeUnit::kSeconds: return 9;
  }
  return 0;
}

// ReadTime(): a decimal number (optional sign, digits, optional fraction, optional
// exponent: "1661140374351773094", "1.5", "1.6611403743517731e+18") in `unit`, as integer
// nanoseconds truncated toward zero. False for anything else or a value outside int64.
bool ReadTime(std::string_view s, TimeUnit unit, std::int64_t* out) {
  s = StripBlanks(s);
  std::size_t i = 0;
  const std::size_t n = s.size();
  bool negative = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) {
    negative = s[i] == '-';
    ++i;
  }
  std::uint64_t mantissa = 0;
  int exponent = 0;
  int digits = 0;
  int significant = 0;
  auto add_digit = [&](char c, bool fraction) {
    ++digits;
    if (significant < 19) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (mantissa != 0) ++significant;
      if (fraction) --exponent;
    } else if (!fraction) {
      ++exponent;  // dropped integer digit
    }
  };
  for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) add_digit(s[i], false);
  if (i < n && s[i] == '.') {
    ++i;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) add_digit(s[i], true);
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    int e = 0;
    int exp_digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (e < 10000) e = e * 10 + (s[i] - '0');
      ++exp_digits;
    }
    if (exp_digits == 0) return false;
    exponent += exp_negative ? -e : e;
  }
  if (i != n) return false;
  exponent += UnitExponent(unit);
  constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t v = mantissa;
  if (v != 0) {
    for (; exponent > 0; --exponent) {
      if (v > kMax / 10) return false;
      v *= 10;
    }
    for (; exponent < 0 && v != 0; ++exponent) v /= 10;
  }
  if (v > kMax) return false;
  *out = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  return true;
}

// ReadKind(): SERVER, server, SPAN_KIND_SERVER, Server ... or 0..5; kUnspecified otherwise.
SpanKind ReadKind(std::string_view s) {
  s = StripBlanks(s);
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '5') return static_cast<SpanKind>(s[0] - '0');
  ConsumePrefixIgnoreCase(&s, "SPAN_KIND_");
  if (EqualsIgnoreCase(s, "server")) return SpanKind::kServer;
  if (EqualsIgnoreCase(s, "client")) return SpanKind::kClient;
  if (EqualsIgnoreCase(s, "producer")) return SpanKind::kProducer;
  if (EqualsIgnoreCase(s, "consumer")) return SpanKind::kConsumer;
  if (EqualsIgnoreCase(s, "internal")) return SpanKind::kInternal;
  return SpanKind::kUnspecified;
}

// ReadStatus(): ERROR / STATUS_CODE_ERROR / 2 / true set status ERROR; OK / 1 set OK; a
// three-digit number is an HTTP status; anything else leaves the span as it is.
void ReadStatus(std::string_view s, SpanRecord& span) {
  s = StripBlanks(s);
  if (s.empty()) return;
  ConsumePrefixIgnoreCase(&s, "STATUS_CODE_");
  if (EqualsIgnoreCase(s, "error") || EqualsIgnoreCase(s, "true") || s == "2") {
    span.status_code = 2;
    return;
  }
  if (EqualsIgnoreCase(s, "ok") || s == "1") {
    span.status_code = 1;
    return;
  }
  if (s.size() == 3 && s[0] >= '1' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
      s[2] >= '0' && s[2] <= '9') {
    span.http_status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  }
}

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

// The index of column `name` in `header`: the exact name (ignoring surrounding blanks),
// else a case-insensitive match; kNoColumn when absent or `name` is empty.
std::size_t FindColumn(const std::vector<std::string>& header, std::string_view name) {
  if (name.empty()) return kNoColumn;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (StripBlanks(header[i]) == name) return i;
  }
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (EqualsIgnoreCase(StripBlanks(header[i]), name)) return i;
  }
  return kNoColumn;
}

// The header's column names for an error message (bounded for huge headers).
std::string DescribeHeader(const std::vector<std::string>& header) {
  constexpr std::size_t kMaxColumns = 32;
  constexpr std::size_t kMaxName = 64;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < header.size() && i < kMaxColumns; ++i) {
    std::string name = header[i].substr(0, kMaxName);
    for (char& c : name) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    names.push_back(std::move(name));
  }
  std::string out = StrJoin(names, ", ");
  if (header.size() > kMaxColumns) out += StrCat(", ... (", header.size(), " columns)");
  return out;
}

struct Columns {
  std::size_t trace = kNoColumn;
  std::size_t span = kNoColumn;
  std::size_t parent = kNoColumn;
  std::size_t service = kNoColumn;
  std::size_t pod = kNoColumn;
  std::size_t operation = kNoColumn;
  std::size_t start = kNoColumn;
  std::size_t end = kNoColumn;
  std::size_t duration = kNoColumn;
  std::size_t kind = kNoColumn;
  std::size_t status = kNoColumn;
};

// Resolves `mapping` against `header`; kInvalidArgument naming the first missing column.
absl::Status ResolveColumns(const CsvMapping& mapping, const std::vector<std::string>& header,
                            std::size_t header_line, std::string_view name, Columns* c) {
  auto missing = [&](std::string_view column) {
    return absl::InvalidArgumentError(StrCat(name, ":", header_line, ": missing column '",
                                             column, "' (header has: ",
                                             DescribeHeader(header), ")"));
  };
  auto unmapped = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        StrCat(name, ": the CSV mapping names no ", what, " column"));
  };
  if (mapping.trace_id.empty()) return unmapped("trace id");
  if (mapping.span_id.empty()) return unmapped("span id");
  if (mapping.start.empty()) return unmapped("start time");
  if (mapping.service.empty() && mapping.pod.empty()) return unmapped("service or pod");
  if (mapping.end.empty() && mapping.duration.empty()) return unmapped("end time or duration");

  c->trace = FindColumn(header, mapping.trace_id);
  if (c->trace == kNoColumn) return missing(mapping.trace_id);
  c->span = FindColumn(header, mapping.span_id);
  if (c->span == kNoColumn) return missing(mapping.span_id);
  if (!mapping.parent_span_id.empty()) {
    c->parent = FindColumn(header, mapping.parent_span_id);
    if (c->parent == kNoColumn) return missing(mapping.parent_span_id);
  }
  c->service = FindColumn(header, mapping.service);
  c->pod = FindColumn(header, mapping.pod);
  if (c->service == kNoColumn && c->pod == kNoColumn) {
    return missing(mapping.pod.empty() ? mapping.service : mapping.pod);
  }
  if (!mapping.operation.empty()) {
    c->operation = FindColumn(header, mapping.operation);
    if (c->operation == kNoColumn) return missing(mapping.operation);
  }
  c->start = FindColumn(header, mapping.start);
  if (c->start == kNoColumn) return missing(mapping.start);
  c->end = FindColumn(header, mapping.end);
  if (c->end == kNoColumn) {
    c->duration = FindColumn(header, mapping.duration);
    if (c->duration == kNoColumn) return missing(mapping.end.empty() ? mapping.duration : mapping.end);
  }
  c->kind = FindColumn(header, mapping.kind);
  c->status = FindColumn(header, mapping.status);
  return absl::OkStatus();
}

// ResourceCache: one SpanSink resource per distinct (service, pod) pair.
class ResourceCache {
 public:
  explicit ResourceCache(SpanSink& sink) : sink_(sink) {}

  std::uint32_t Get(std::string_view service, std::string_view pod) {
    key_.clear();
    const auto size = static_cast<std::uint32_t>(service.size());
    key_.append(reinterpret_cast<const char*>(&size), sizeof(size));
    key_.append(service.data(), service.size());
    key_.append(pod.data(), pod.size());
    if (has_last_ && key_ == last_key_) return last_handle_;
    std::uint32_t handle;
    auto it = handles_.find(ToAbsl(key_));
    if (it != handles_.end()) {
      handle = it->second;
    } else {
      ResourceInfo r;
      r.service.assign(service.data(), service.size());
      if (!pod.empty()) {
        r.pod.assign(pod.data(), pod.size());
        r.instance = r.pod;
        const std::string_view deployment = DeploymentFromPodName(pod);
        r.deployment.assign(deployment.data(), deployment.size());
        if (r.service.empty()) r.service = r.deployment;
      }
      handle = sink_.AddResource(r);
      handles_.emplace(key_, handle);
    }
    last_key_ = key_;
    last_handle_ = handle;
    has_last_ = true;
    return handle;
  }

 private:
  SpanSink& sink_;
  absl::flat_hash_map<std::string, std::uint32_t> handles_;
  std::string key_;
  std::string last_key_;
  std::uint32_t last_handle_ = 0;
  bool has_last_ = false;
};

std::string Line(std::size_t line) { return StrCat("line ", line); }

}  // namespace

absl::Status ParseCsv(std::string_view bytes, const CsvMapping& mapping, ParseContext& ctx,
                      SpanSink& sink) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (internal::StartsWith(bytes, kBom)) bytes.remove_prefix(kBom.size());

  CsvReader reader(bytes);
  if (!reader.Next()) {
    return absl::InvalidArgumentError(
        StrCat(ctx.name(), ":1: empty CSV: expected a header row naming the columns"));
  }
  const std::size_t header_line = reader.line();
  if (reader.problem() != CsvReader::Problem::kNone) {
    return absl::InvalidArgumentError(StrCat(
        ctx.name(), ":", header_line, ": malformed header row: ",
        reader.problem() == CsvReader::Problem::kUnterminatedQuote
            ? "a quoted field is never closed"
            : "text follows a closing quote"));
  }
  std::vector<std::string> header(reader.fields().begin(), reader.fields().end());
  Columns col;
  FAULTLINE_RETURN_IF_ERROR(ResolveColumns(mapping, header, header_line, ctx.name(), &col));
  const std::size_t columns = header.size();
  const std::string_view root_value = mapping.root_parent_value;

  ResourceCache resources(sink);
  while (reader.Next()) {
    ctx.Read();
    const std::size_t line = reader.line();
    if (reader.problem() != CsvReader::Problem::kNone) {
      ctx.Reject(reader.problem() == CsvReader::Problem::kUnterminatedQuote
                     ? "unterminated quoted field"
                     : "text after closing quote",
                 Line(line));
      continue;
    }
    const std::vector<std::string_view>& f = reader.fields();
    if (f.size() != columns) {
      ctx.Reject("wrong number of fields",
                 StrCat("line ", line, " (", f.size(), " fields, header has ", columns, ")"));
      continue;
    }
    SpanRecord span;
    switch (ReadTraceId(f[col.trace], &span.trace_id)) {
      case IdStatus::kOk: break;
      case IdStatus::kMissing: ctx.Reject("missing trace id", Line(line)); continue;
      case IdStatus::kBad: ctx.Reject("bad trace id", Line(line)); continue;
    }
    switch (ReadSpanId(f[col.span], &span.span_id)) {
      case IdStatus::kOk: break;
      case IdStatus::kMissing: ctx.Reject("missing span id", Line(line)); continue;
      case IdStatus::kBad: ctx.Reject("bad span id", Line(line)); continue;
    }
    if (col.parent != kNoColumn) {
      const std::string_view parent = StripBlanks(f[col.parent]);
      if (!parent.empty() && !(!root_value.empty() && parent == root_value) &&
          ReadSpanId(parent, &span.parent_span_id) == IdStatus::kBad) {
        ctx.Reject("bad parent span id", Line(line));
        continue;
      }
    }
    if (!ReadTime(f[col.start], mapping.start_unit, &span.start_ns) || span.start_ns < 0) {
      ctx.Reject("bad start time", Line(line));
      continue;
    }
    if (col.end != kNoColumn) {
      if (!ReadTime(f[col.end], mapping.start_unit, &span.end_ns)) {
        ctx.Reject("bad end time", Line(line));
        continue;
      }
    } else {
      std::int64_t duration = 0;
      if (!ReadTime(f[col.duration], mapping.duration_unit, &duration) ||
          __builtin_add_overflow(span.start_ns, duration, &span.end_ns)) {
        ctx.Reject("bad duration", Line(line));
        continue;
      }
    }
    const std::string_view service = col.service != kNoColumn ? StripBlanks(f[col.service]) : "";
    const std::string_view pod = col.pod != kNoColumn ? StripBlanks(f[col.pod]) : "";
    if (service.empty() && pod.empty()) {
      ctx.Reject("missing service", Line(line));
      continue;
    }
    span.resource = resources.Get(service, pod);
    if (col.operation != kNoColumn) span.name = f[col.operation];
    if (col.kind != kNoColumn) span.kind = ReadKind(f[col.kind]);
    if (col.status != kNoColumn) ReadStatus(f[col.status], span);
    sink.AddSpan(span);
    ctx.Accept();
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace faultline
