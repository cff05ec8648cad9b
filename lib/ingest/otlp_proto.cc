// OTLP protobuf trace parser: decodes ExportTraceServiceRequest / TracesData straight from
// the wire format (field numbers from opentelemetry-proto's trace.proto), as one message or
// as the collector file exporter's sequence of [4-byte big-endian length][message] records.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "ingest/attribute_cache.h"
#include "ingest/protowire.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {
namespace {

using protowire::Field;
using protowire::Reader;
using protowire::WireError;

// Field numbers (opentelemetry/proto/trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto).
constexpr std::uint32_t kTracesDataResourceSpans = 1;
constexpr std::uint32_t kResourceSpansResource = 1;
constexpr std::uint32_t kResourceSpansScopeSpans = 2;
constexpr std::uint32_t kResourceSpansInstrumentationLibrarySpans = 1000;  // deprecated
constexpr std::uint32_t kResourceAttributes = 1;
constexpr std::uint32_t kScopeSpansSpans = 2;
constexpr std::uint32_t kSpanTraceId = 1;
constexpr std::uint32_t kSpanSpanId = 2;
constexpr std::uint32_t kSpanParentSpanId = 4;
constexpr std::uint32_t kSpanName = 5;
constexpr std::uint32_t kSpanKind = 6;
constexpr std::uint32_t kSpanStart = 7;
constexpr std::uint32_t kSpanEnd = 8;
constexpr std::uint32_t kSpanAttributes = 9;
constexpr std::uint32_t kSpanLinks = 13;
constexpr std::uint32_t kSpanStatus = 15;
constexpr std::uint32_t kLinkTraceId = 1;
constexpr std::uint32_t kLinkSpanId = 2;
constexpr std::uint32_t kStatusCode = 3;
constexpr std::uint32_t kKeyValueKey = 1;
constexpr std::uint32_t kKeyValueValue = 2;
constexpr std::uint32_t kAnyString = 1;
constexpr std::uint32_t kAnyBool = 2;
constexpr std::uint32_t kAnyInt = 3;
constexpr std::uint32_t kAnyDouble = 4;

// The value of one attribute, as far as faultline reads it.
struct AttributeValue {
  std::string_view str;
  std::int64_t int_value = 0;
  bool is_int = false;
  bool present = false;
};

bool AllZero(const std::uint8_t* p, std::size_t n) {
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc == 0;
}

std::string_view View(const Field& f) {
  return std::string_view(reinterpret_cast<const char*>(f.data), f.size);
}

void ClearResource(ResourceInfo& r) {
  for (std::string* s : {&r.service, &r.service_namespace, &r.instance, &r.pod, &r.deployment,
                         &r.k8s_namespace, &r.node, &r.cluster, &r.host, &r.host_id, &r.zone,
                         &r.region, &r.environment, &r.faas_name, &r.cloud_resource_id}) {
    s->clear();
  }
}

// Why a span is skipped; kMalformed carries a WireError.
enum class SpanVerdict : std::uint8_t {
  kOk,
  kMalformed,
  kMissingTraceId,
  kTraceIdLength,
  kZeroTraceId,
  kMissingSpanId,
  kSpanIdLength,
  kZeroSpanId,
  kParentIdLength,
  kMissingStart,
  kBadTimestamp,
};

std::string_view VerdictReason(SpanVerdict v) {
  switch (v) {
    case SpanVerdict::kOk: return "ok";
    case SpanVerdict::kMalformed: return "malformed span";
    case SpanVerdict::kMissingTraceId: return "missing trace id";
    case SpanVerdict::kTraceIdLength: return "trace id not 16 bytes";
    case SpanVerdict::kZeroTraceId: return "all-zero trace id";
    case SpanVerdict::kMissingSpanId: return "missing span id";
    case SpanVerdict::kSpanIdLength: return "span id not 8 bytes";
    case SpanVerdict::kZeroSpanId: return "all-zero span id";
    case SpanVerdict::kParentIdLength: return "parent span id not 8 bytes";
    case SpanVerdict::kMissingStart: return "missing start time";
    case SpanVerdict::kBadTimestamp: return "bad timestamp";
  }
  return "invalid span";
}

class OtlpProtoParser {
 public:
  OtlpProtoParser(std::string_view bytes, ParseContext& ctx, SpanSink& sink)
      : base_(reinterpret_cast<const std::uint8_t*>(bytes.data())),
        size_(bytes.size()),
        ctx_(ctx),
        sink_(sink) {}

  absl::Status Run();

 private:
  bool LooksFramed() const;
  absl::Status ParseFramed();
  // The Parse* functions return false when the structure at their level is malformed, with
  // error_ set; spans passed to the sink before that stay passed.
  bool ParseTracesData(const std::uint8_t* begin, const std::uint8_t* end);
  bool ParseResourceSpans(const std::uint8_t* begin, const std::uint8_t* end);
  bool ParseResource(const std::uint8_t* begin, const std::uint8_t* end);
  bool ParseScopeSpans(const std::uint8_t* begin, const std::uint8_t* end);
  SpanVerdict ParseSpan(const std::uint8_t* begin, const std::uint8_t* end);
  // Reads a KeyValue; false (error_ set) when malformed. `value` is only decoded when the
  // key matters, and then `*target` says where it goes.
  bool ParseKeyValue(const std::uint8_t* begin, const std::uint8_t* end,
                     AttributeTarget* target, AttributeValue* value);
  bool ParseAnyValue(const std::uint8_t* begin, const std::uint8_t* end, AttributeValue* value);
  bool ParseLink(const std::uint8_t* begin, const std::uint8_t* end);
  bool ParseStatus(const std::uint8_t* begin, const std::uint8_t* end);

  bool Fail(const Reader& r) {
    error_ = r.error();
    return false;
  }
  std::size_t Offset(const std::uint8_t* p) const {
    return static_cast<std::size_t>(p - base_);
  }
  std::string SpanWhere(const std::uint8_t* span_start) const {
    return StrCat("offset ", Offset(span_start), " (resource_spans[", resource_index_,
                  "].scope_spans[", scope_index_, "].spans[", span_index_, "])");
  }

  const std::uint8_t* base_;
  std::size_t size_;
  ParseContext& ctx_;
  SpanSink& sink_;
  WireError error_;

  // Per ResourceSpans: the resource, registered with the sink on its first accepted span.
  ResourceInfo resource_;
  std::uint32_t resource_handle_ = 0;
  bool resource_registered_ = false;
  std::size_t resource_index_ = 0;  // within the current message
  std::size_t scope_index_ = 0;
  std::size_t span_index_ = 0;

  AttributeLookupCache attributes_;

  // Per span, reused.
  SpanRecord span_;
  std::vector<SpanLinkRef> links_;
  std::string scratch_;
};

absl::Status OtlpProtoParser::Run() {
  if (size_ == 0) return absl::OkStatus();
  if (LooksFramed()) return ParseFramed();
  if (!ParseTracesData(base_, base_ + size_)) {
    return absl::InvalidArgumentError(StrCat(ctx_.name(), ": ", protowire::Describe(error_),
                                             " (not a valid OTLP protobuf message)"));
  }
  return absl::OkStatus();
}

// A single message starts with a tag, never with a 0 byte (field number 0 does not exist);
// a framed file starts with the big-endian length of its first record, whose high byte is 0
// for any record under 16 MiB. Records of any size are recognized when their lengths tile
// the whole input exactly.
bool OtlpProtoParser::LooksFramed() const {
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

absl::Status OtlpProtoParser::ParseFramed() {
  std::size_t off = 0;
  std::size_t records = 0;
  std::size_t corrupt = 0;
  std::string first_error;
  std::string framing_error;
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
    if (!ParseTracesData(begin, begin + length)) {
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

bool OtlpProtoParser::ParseTracesData(const std::uint8_t* begin, const std::uint8_t* end) {
  Reader r(base_, begin, end);
  Field f;
  resource_index_ = 0;
  while (r.Next(&f)) {
    if (f.number == kTracesDataResourceSpans && f.type == protowire::kLengthDelimited) {
      if (!ParseResourceSpans(f.data, f.data + f.size)) return false;
      ++resource_index_;
    }
  }
  return r.error().ok() || Fail(r);
}

bool OtlpProtoParser::ParseResourceSpans(const std::uint8_t* begin, const std::uint8_t* end) {
  // The resource may follow its spans on the wire: read it (and check this level) first.
  ClearResource(resource_);
  resource_registered_ = false;
  bool has_spans = false;
  {
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.type != protowire::kLengthDelimited) continue;
      if (f.number == kResourceSpansResource) {
        if (!ParseResource(f.data, f.data + f.size)) return false;
      } else if (f.number == kResourceSpansScopeSpans ||
                 f.number == kResourceSpansInstrumentationLibrarySpans) {
        has_spans = true;
      }
    }
    if (!r.error().ok()) return Fail(r);
  }
  if (!has_spans) return true;
  if (resource_.deployment.empty() && !resource_.pod.empty()) {
    const std::string_view deployment = DeploymentFromPodName(resource_.pod);
    resource_.deployment.assign(deployment.data(), deployment.size());
  }
  Reader r(base_, begin, end);
  Field f;
  scope_index_ = 0;
  while (r.Next(&f)) {
    if (f.type == protowire::kLengthDelimited &&
        (f.number == kResourceSpansScopeSpans ||
         f.number == kResourceSpansInstrumentationLibrarySpans)) {
      if (!ParseScopeSpans(f.data, f.data + f.size)) return false;
      ++scope_index_;
    }
  }
  return true;  // checked by the first pass
}

bool OtlpProtoParser::ParseResource(const std::uint8_t* begin, const std::uint8_t* end) {
  Reader r(base_, begin, end);
  Field f;
  while (r.Next(&f)) {
    if (f.number != kResourceAttributes || f.type != protowire::kLengthDelimited) continue;
    AttributeTarget target;
    AttributeValue value;
    if (!ParseKeyValue(f.data, f.data + f.size, &target, &value)) return false;
    if (!value.present) continue;
    if (value.is_int) {
      scratch_ = StrCat(value.int_value);
      SetResourceAttribute(target, scratch_, resource_);
    } else {
      SetResourceAttribute(target, value.str, resource_);
    }
  }
  return r.error().ok() || Fail(r);
}

bool OtlpProtoParser::ParseScopeSpans(const std::uint8_t* begin, const std::uint8_t* end) {
  Reader r(base_, begin, end);
  Field f;
  span_index_ = 0;
  while (r.Next(&f)) {
    if (f.number != kScopeSpansSpans || f.type != protowire::kLengthDelimited) continue;
    ctx_.Read();
    const SpanVerdict verdict = ParseSpan(f.data, f.data + f.size);
    if (verdict == SpanVerdict::kOk) {
      if (!resource_registered_) {
        resource_handle_ = sink_.AddResource(resource_);
        resource_registered_ = true;
      }
      span_.resource = resource_handle_;
      sink_.AddSpan(span_);
      ctx_.Accept();
    } else if (verdict == SpanVerdict::kMalformed) {
      ctx_.Reject(VerdictReason(verdict),
                  StrCat(SpanWhere(f.start), ": ", protowire::Describe(error_)));
    } else {
      ctx_.Reject(VerdictReason(verdict), SpanWhere(f.start));
    }
    ++span_index_;
  }
  return r.error().ok() || Fail(r);
}

SpanVerdict OtlpProtoParser::ParseSpan(const std::uint8_t* begin, const std::uint8_t* end) {
  SpanRecord& s = span_;
  s = SpanRecord{};
  links_.clear();
  const std::uint8_t* trace_id = nullptr;
  std::size_t trace_id_size = 0;
  const std::uint8_t* span_id = nullptr;
  std::size_t span_id_size = 0;
  const std::uint8_t* parent_id = nullptr;
  std::size_t parent_id_size = 0;
  std::uint64_t start = 0;
  std::uint64_t end_time = 0;

  Reader r(base_, begin, end);
  Field f;
  while (r.Next(&f)) {
    switch (f.number) {
      case kSpanTraceId:
        if (f.type == protowire::kLengthDelimited) {
          trace_id = f.data;
          trace_id_size = f.size;
        }
        break;
      case kSpanSpanId:
        if (f.type == protowire::kLengthDelimited) {
          span_id = f.data;
          span_id_size = f.size;
        }
        break;
      case kSpanParentSpanId:
        if (f.type == protowire::kLengthDelimited) {
          parent_id = f.data;
          parent_id_size = f.size;
        }
        break;
      case kSpanName:
        if (f.type == protowire::kLengthDelimited) s.name = View(f);
        break;
      case kSpanKind:
        if (f.type == protowire::kVarint && f.value >= 1 && f.value <= 5) {
          s.kind = static_cast<SpanKind>(f.value);
        }
        break;
      case kSpanStart:
        if (f.type == protowire::kFixed64) start = f.value;
        break;
      case kSpanEnd:
        if (f.type == protowire::kFixed64) end_time = f.value;
        break;
      case kSpanAttributes:
        if (f.type == protowire::kLengthDelimited) {
          AttributeTarget target;
          AttributeValue value;
          if (!ParseKeyValue(f.data, f.data + f.size, &target, &value)) {
            return SpanVerdict::kMalformed;
          }
          if (value.present) {
            SetSpanAttribute(target, value.str, value.int_value, value.is_int, s);
          }
        }
        break;
      case kSpanLinks:
        if (f.type == protowire::kLengthDelimited && !ParseLink(f.data, f.data + f.size)) {
          return SpanVerdict::kMalformed;
        }
        break;
      case kSpanStatus:
        if (f.type == protowire::kLengthDelimited && !ParseStatus(f.data, f.data + f.size)) {
          return SpanVerdict::kMalformed;
        }
        break;
      default:
        break;  // trace_state, events, dropped counts, flags, unknown fields
    }
  }
  if (!r.error().ok()) {
    error_ = r.error();
    return SpanVerdict::kMalformed;
  }
  if (trace_id_size == 0) return SpanVerdict::kMissingTraceId;
  if (trace_id_size != 16) return SpanVerdict::kTraceIdLength;
  if (AllZero(trace_id, 16)) return SpanVerdict::kZeroTraceId;
  if (span_id_size == 0) return SpanVerdict::kMissingSpanId;
  if (span_id_size != 8) return SpanVerdict::kSpanIdLength;
  if (AllZero(span_id, 8)) return SpanVerdict::kZeroSpanId;
  if (parent_id_size != 0 && parent_id_size != 8) return SpanVerdict::kParentIdLength;
  if (start == 0) return SpanVerdict::kMissingStart;
  constexpr auto kMaxTime = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (start > kMaxTime || end_time > kMaxTime) return SpanVerdict::kBadTimestamp;
  s.trace_id.hi = protowire::LoadBig64(trace_id);
  s.trace_id.lo = protowire::LoadBig64(trace_id + 8);
  s.span_id = protowire::LoadBig64(span_id);
  s.parent_span_id = parent_id_size == 8 ? protowire::LoadBig64(parent_id) : 0;
  s.start_ns = static_cast<std::int64_t>(start);
  s.end_ns = static_cast<std::int64_t>(end_time);
  if (!links_.empty()) s.links = absl::MakeConstSpan(links_);
  return SpanVerdict::kOk;
}

bool OtlpProtoParser::ParseKeyValue(const std::uint8_t* begin, const std::uint8_t* end,
                                    AttributeTarget* target, AttributeValue* value) {
  Reader r(base_, begin, end);
  Field f;
  std::string_view key;
  const std::uint8_t* any = nullptr;
  std::size_t any_size = 0;
  bool has_value = false;
  while (r.Next(&f)) {
    if (f.type != protowire::kLengthDelimited) continue;
    if (f.number == kKeyValueKey) {
      key = View(f);
    } else if (f.number == kKeyValueValue) {
      any = f.data;
      any_size = f.size;
      has_value = true;
    }
  }
  if (!r.error().ok()) return Fail(r);
  *target = attributes_.Lookup(key);
  if (*target == AttributeTarget::kNone || !has_value) return true;
  return ParseAnyValue(any, any + any_size, value);
}

bool OtlpProtoParser::ParseAnyValue(const std::uint8_t* begin, const std::uint8_t* end,
                                    AttributeValue* value) {
  Reader r(base_, begin, end);
  Field f;
  while (r.Next(&f)) {
    switch (f.number) {
      case kAnyString:
        if (f.type == protowire::kLengthDelimited) {
          *value = AttributeValue{View(f), 0, false, true};
        }
        break;
      case kAnyBool:
        if (f.type == protowire::kVarint) {
          *value = AttributeValue{f.value != 0 ? "true" : "false",
                                  static_cast<std::int64_t>(f.value != 0), true, true};
        }
        break;
      case kAnyInt:
        if (f.type == protowire::kVarint) {
          *value = AttributeValue{{}, static_cast<std::int64_t>(f.value), true, true};
        }
        break;
      case kAnyDouble:
        if (f.type == protowire::kFixed64) {
          double d;
          static_assert(sizeof(d) == sizeof(f.value));
          std::memcpy(&d, &f.value, sizeof(d));
          // Whole numbers only (an HTTP status sent as a double); others are not read.
          if (d >= -9.0e18 && d <= 9.0e18 &&
              d == static_cast<double>(static_cast<std::int64_t>(d))) {
            *value = AttributeValue{{}, static_cast<std::int64_t>(d), true, true};
          }
        }
        break;
      default:
        break;  // arrays, key-value lists and bytes are not read
    }
  }
  return r.error().ok() || Fail(r);
}

bool OtlpProtoParser::ParseLink(const std::uint8_t* begin, const std::uint8_t* end) {
  Reader r(base_, begin, end);
  Field f;
  const std::uint8_t* trace_id = nullptr;
  const std::uint8_t* span_id = nullptr;
  std::size_t trace_id_size = 0;
  std::size_t span_id_size = 0;
  while (r.Next(&f)) {
    if (f.type != protowire::kLengthDelimited) continue;
    if (f.number == kLinkTraceId) {
      trace_id = f.data;
      trace_id_size = f.size;
    } else if (f.number == kLinkSpanId) {
      span_id = f.data;
      span_id_size = f.size;
    }
  }
  if (!r.error().ok()) return Fail(r);
  // A link without usable ids says nothing; it is dropped, the span is kept.
  if (trace_id_size != 16 || span_id_size != 8 || AllZero(trace_id, 16) ||
      AllZero(span_id, 8)) {
    return true;
  }
  SpanLinkRef link;
  link.trace_id.hi = protowire::LoadBig64(trace_id);
  link.trace_id.lo = protowire::LoadBig64(trace_id + 8);
  link.span_id = protowire::LoadBig64(span_id);
  links_.push_back(link);
  return true;
}

bool OtlpProtoParser::ParseStatus(const std::uint8_t* begin, const std::uint8_t* end) {
  Reader r(base_, begin, end);
  Field f;
  while (r.Next(&f)) {
    if (f.number == kStatusCode && f.type == protowire::kVarint && f.value >= 1 &&
        f.value <= 2) {
      span_.status_code = static_cast<std::uint8_t>(f.value);
    }
  }
  return r.error().ok() || Fail(r);
}

}  // namespace

absl::Status ParseOtlpProto(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  OtlpProtoParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
