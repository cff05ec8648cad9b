// OTLP/JSON trace parser: TracesData / ExportTraceServiceRequest documents, one per line
// (the collector file exporter) or one per input, read with JsonReader in a single pass.
//
// Accepted beyond the protobuf JSON mapping: snake_case keys, the pre-1.0
// `instrumentationLibrarySpans`, enum names for `kind` and `status.code`, and null for
// absent fields. A `scopeSpans` array that precedes its `resource` is read after it.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "io/json_reader.h"
#include "ingest/json_trace_common.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {
namespace {

constexpr std::uint64_t kMaxTime = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool KindFromName(std::string_view name, SpanKind* kind) {
  constexpr std::string_view kPrefix = "SPAN_KIND_";
  if (StartsWith(name, kPrefix)) name.remove_prefix(kPrefix.size());
  if (name == "SERVER") *kind = SpanKind::kServer;
  else if (name == "CLIENT") *kind = SpanKind::kClient;
  else if (name == "PRODUCER") *kind = SpanKind::kProducer;
  else if (name == "CONSUMER") *kind = SpanKind::kConsumer;
  else if (name == "INTERNAL") *kind = SpanKind::kInternal;
  else if (name == "UNSPECIFIED") *kind = SpanKind::kUnspecified;
  else return false;
  return true;
}

bool StatusFromName(std::string_view name, std::uint8_t* code) {
  if (name == "STATUS_CODE_UNSET") *code = 0;
  else if (name == "STATUS_CODE_OK") *code = 1;
  else if (name == "STATUS_CODE_ERROR") *code = 2;
  else return false;
  return true;
}

class OtlpJsonParser {
 public:
  OtlpJsonParser(std::string_view text, ParseContext& ctx, SpanSink& sink)
      : text_(text), ctx_(ctx), sink_(sink), lines_(text) {}

  absl::Status Run() {
    return ReadJsonStream(
        text_, ctx_.name(), reader_,
        [this](JsonReader& r, std::size_t) { TracesData(r); },
        RejectMalformedLine(ctx_));
  }

 private:
  // The location of a rejected record: "line L, column C, PATH".
  std::string Where(std::size_t offset, std::string_view path_tail = {}) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column, ", resourceSpans[", rs_index_,
                  "].scopeSpans[", ss_index_, "]", path_tail);
  }

  void TracesData(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("an OTLP TracesData object");
      return;
    }
    std::string_view key;
    rs_index_ = 0;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "resourceSpans", "resource_spans")) {
        if (!r.BeginArray()) {
          if (!r.ReadNull()) r.Fail("an array of ResourceSpans");
          continue;
        }
        while (r.NextElement()) {
          ResourceSpans(r);
          ++rs_index_;
        }
      } else {
        r.Skip();
      }
    }
  }

  void ResourceSpans(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("a ResourceSpans object");
      return;
    }
    resource_ = ResourceInfo();
    have_handle_ = false;
    bool have_resource = false;
    deferred_.clear();
    std::string_view key;
    ss_index_ = 0;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "scopeSpans", "scope_spans") ||
          KeyIs(key, "instrumentationLibrarySpans", "instrumentation_library_spans")) {
        if (!have_resource) {
          // The resource may still follow: read these spans once it is known.
          r.Peek();
          const std::size_t begin = r.offset();
          if (!r.Skip()) return;
          deferred_.emplace_back(begin, r.offset());
          continue;
        }
        ScopeSpansArray(r);
      } else if (key == "resource") {
        if (have_resource) {
          r.Skip();
          continue;
        }
        Resource(r);
        if (!r.ok()) return;
        have_resource = true;
        CompleteResource(resource_);
      } else {
        r.Skip();
      }
    }
    if (!r.ok() || deferred_.empty()) return;
    for (const auto& [begin, end] : deferred_) {
      sub_reader_.Reset(text_, begin, end);
      ScopeSpansArray(sub_reader_);
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
        if (!r.BeginArray()) {
          r.Skip();
          continue;
        }
        while (r.NextElement()) {
          std::string_view attr_key, text;
          std::int64_t int_value = 0;
          bool is_int = false;
          if (!KeyValue(r, &attr_key, &text, &int_value, &is_int)) continue;
          const AttributeTarget target = attributes_.Lookup(attr_key);
          if (target != AttributeTarget::kNone) SetResourceAttribute(target, text, resource_);
        }
      } else {
        r.Skip();
      }
    }
  }

  // KeyValue(): one {key, value: AnyValue}; false when it has no usable scalar value.
  bool KeyValue(JsonReader& r, std::string_view* key, std::string_view* text,
                std::int64_t* int_value, bool* is_int) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    bool have_key = false;
    bool have_value = false;
    std::string_view k;
    while (r.NextKey(&k)) {
      if (k == "key") {
        have_key = r.ReadString(key, &attr_key_scratch_);
        if (!have_key) r.Skip();
      } else if (k == "value") {
        have_value = AnyValue(r, text, int_value, is_int);
      } else {
        r.Skip();
      }
    }
    return r.ok() && have_key && have_value;
  }

  bool AnyValue(JsonReader& r, std::string_view* text, std::int64_t* int_value,
                bool* is_int) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    bool have = false;
    std::string_view k;
    while (r.NextKey(&k)) {
      if (KeyIs(k, "stringValue", "string_value")) {
        *is_int = false;
        have = pool_.ReadString(r, text);
        if (!have) r.Skip();
      } else if (KeyIs(k, "intValue", "int_value")) {
        r.Peek();
        const std::size_t start = r.offset();
        have = r.ReadInt64(int_value);
        if (have) {
          *is_int = true;
          *text = r.text().substr(start, r.offset() - start);
          if (text->size() >= 2 && text->front() == '"') *text = text->substr(1, text->size() - 2);
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "boolValue", "bool_value")) {
        bool b = false;
        have = r.ReadBool(&b);
        if (have) {
          *is_int = true;
          *int_value = b ? 1 : 0;
          *text = b ? "true" : "false";
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "doubleValue", "double_value")) {
        r.Peek();
        const std::size_t start = r.offset();
        double d = 0;
        have = r.ReadDouble(&d);
        if (have) {
          *text = r.text().substr(start, r.offset() - start);
          if (text->size() >= 2 && text->front() == '"') *text = text->substr(1, text->size() - 2);
          *is_int = d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d));
          *int_value = *is_int ? static_cast<std::int64_t>(d) : 0;
        } else {
          r.Skip();
        }
      } else {
        r.Skip();  // arrayValue, kvlistValue, bytesValue: not used
      }
    }
    return have;
  }

  // ResourceHandle(): the sink's handle of the current resource, registered on first use.
  std::uint32_t ResourceHandle() {
    if (!have_handle_) {
      handle_ = resources_.Intern(resource_, sink_);
      have_handle_ = true;
    }
    return handle_;
  }

  void ScopeSpansArray(JsonReader& r) {
    if (!r.BeginArray()) {
      if (!r.ReadNull()) r.Fail("an array of ScopeSpans");
      return;
    }
    while (r.NextElement()) {
      ScopeSpans(r);
      ++ss_index_;
    }
  }

  void ScopeSpans(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("a ScopeSpans object");
      return;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "spans") {
        if (!r.BeginArray()) {
          if (!r.ReadNull()) r.Fail("an array of spans");
          continue;
        }
        std::size_t index = 0;
        while (r.NextElement()) Span(r, index++);
      } else {
        r.Skip();
      }
    }
  }

  void Span(JsonReader& r, std::size_t index) {
    r.Peek();
    const std::size_t start = r.offset();
    if (!r.BeginObject()) {
      if (!r.Skip()) return;
      ctx_.Read();
      ctx_.Reject("span is not an object", Where(start, StrCat(".spans[", index, "]")));
      return;
    }
    pool_.Clear();
    links_.clear();
    SpanRecord s;
    std::string_view trace_hex, span_hex, parent_hex;
    std::uint64_t start_ns = 0, end_ns = 0;
    bool have_kind_field = false;
    SpanKind kind_field = SpanKind::kUnspecified;
    std::uint8_t status_field = 0;
    const char* bad = nullptr;
    auto mark_bad = [&](const char* reason) {
      if (bad == nullptr) bad = reason;
      r.Skip();
    };
    std::string_view key;
    while (r.NextKey(&key)) {
      if (r.Peek() == JsonType::kNull) {
        r.ReadNull();
        continue;
      }
      if (KeyIs(key, "traceId", "trace_id")) {
        if (!pool_.ReadString(r, &trace_hex)) mark_bad("bad trace id");
      } else if (KeyIs(key, "spanId", "span_id")) {
        if (!pool_.ReadString(r, &span_hex)) mark_bad("bad span id");
      } else if (KeyIs(key, "parentSpanId", "parent_span_id")) {
        if (!pool_.ReadString(r, &parent_hex)) mark_bad("bad parent span id");
      } else if (key == "name") {
        if (!pool_.ReadString(r, &s.name)) mark_bad("bad name");
      } else if (key == "kind") {
        std::int64_t k = 0;
        std::string_view name;
        if (r.ReadInt64(&k)) {
          have_kind_field = true;
          kind_field = k >= 0 && k <= 5 ? static_cast<SpanKind>(k) : SpanKind::kUnspecified;
        } else if (!r.ok()) {
          break;
        } else if (pool_.ReadString(r, &name)) {
          if (KindFromName(name, &kind_field)) {
            have_kind_field = true;
          } else if (bad == nullptr) {
            bad = "bad kind";
          }
        } else {
          mark_bad("bad kind");
        }
      } else if (KeyIs(key, "startTimeUnixNano", "start_time_unix_nano")) {
        if (!ReadTime(r, &start_ns, &bad)) break;
      } else if (KeyIs(key, "endTimeUnixNano", "end_time_unix_nano")) {
        if (!ReadTime(r, &end_ns, &bad)) break;
      } else if (key == "attributes") {
        SpanAttributes(r, s);
      } else if (key == "status") {
        if (!Status(r, &status_field)) {
          if (!r.ok()) break;
          mark_bad("bad status");
        }
      } else if (key == "links") {
        Links(r);
      } else {
        r.Skip();
      }
    }
    if (!r.ok()) return;
    ctx_.Read();
    if (bad == nullptr) bad = ReadSpanIds(trace_hex, span_hex, parent_hex, s);
    if (bad == nullptr && start_ns == 0) bad = "missing timestamp";
    if (bad != nullptr) {
      ctx_.Reject(bad, Where(start, StrCat(".spans[", index, "]")));
      return;
    }
    if (have_kind_field) s.kind = kind_field;
    if (status_field != 0) s.status_code = status_field;
    s.start_ns = static_cast<std::int64_t>(start_ns);
    s.end_ns = static_cast<std::int64_t>(end_ns == 0 ? start_ns : end_ns);
    s.links = absl::MakeConstSpan(links_);
    s.resource = ResourceHandle();
    sink_.AddSpan(s);
    ctx_.Accept();
  }

  // ReadTime(): a nanosecond timestamp into *ns, or "bad timestamp" into *bad (the first
  // reason wins) for one that is not an integer in [0, 2^63). False on a syntax error.
  static bool ReadTime(JsonReader& r, std::uint64_t* ns, const char** bad) {
    std::uint64_t v = 0;
    if (r.ReadUint64(&v)) {
      if (v <= kMaxTime) {
        *ns = v;
      } else if (*bad == nullptr) {
        *bad = "bad timestamp";
      }
      return true;
    }
    if (!r.ok()) return false;
    if (*bad == nullptr) *bad = "bad timestamp";
    return r.Skip();
  }

  void SpanAttributes(JsonReader& r, SpanRecord& s) {
    if (!r.BeginArray()) {
      r.Skip();
      return;
    }
    while (r.NextElement()) {
      std::string_view attr_key, text;
      std::int64_t int_value = 0;
      bool is_int = false;
      if (!KeyValue(r, &attr_key, &text, &int_value, &is_int)) continue;
      const AttributeTarget target = attributes_.Lookup(attr_key);
      if (target != AttributeTarget::kNone) SetSpanAttribute(target, text, int_value, is_int, s);
    }
  }

  bool Status(JsonReader& r, std::uint8_t* code) {
    if (!r.BeginObject()) return false;
    std::string_view key;
    bool good = true;
    while (r.NextKey(&key)) {
      if (key == "code") {
        std::int64_t c = 0;
        std::string_view name;
        if (r.ReadInt64(&c)) {
          *code = c >= 0 && c <= 2 ? static_cast<std::uint8_t>(c) : 0;
        } else if (r.ok() && r.Peek() == JsonType::kString) {
          if (!r.ReadString(&name) || !StatusFromName(name, code)) good = false;
        } else if (r.ok() && r.Peek() == JsonType::kNull) {
          r.ReadNull();
        } else {
          good = false;
          r.Skip();
        }
      } else {
        r.Skip();
      }
    }
    return r.ok() && good;
  }

  void Links(JsonReader& r) {
    if (!r.BeginArray()) {
      r.Skip();
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Skip();
        continue;
      }
      std::string_view trace_hex, span_hex, key;
      while (r.NextKey(&key)) {
        if (KeyIs(key, "traceId", "trace_id")) {
          if (!r.ReadString(&trace_hex, &link_scratch_)) r.Skip();
        } else if (KeyIs(key, "spanId", "span_id")) {
          if (!r.ReadString(&span_hex, &link_scratch2_)) r.Skip();
        } else {
          r.Skip();
        }
      }
      SpanLinkRef link;
      if (r.ok() && ParseHexTraceId(trace_hex, &link.trace_id) &&
          ParseHexSpanId(span_hex, &link.span_id) && !link.trace_id.empty() &&
          link.span_id != 0) {
        links_.push_back(link);
      }
    }
  }

  std::string_view text_;
  ParseContext& ctx_;
  SpanSink& sink_;
  LineTracker lines_;
  JsonReader reader_;
  JsonReader sub_reader_;
  StringPool pool_;
  ResourceInterner resources_;
  AttributeLookupCache attributes_;
  ResourceInfo resource_;
  bool have_handle_ = false;
  std::uint32_t handle_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> deferred_;
  std::vector<SpanLinkRef> links_;
  std::string attr_key_scratch_;
  std::string link_scratch_;
  std::string link_scratch2_;
  std::size_t rs_index_ = 0;
  std::size_t ss_index_ = 0;
};

}  // namespace

absl::Status ParseOtlpJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  OtlpJsonParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
