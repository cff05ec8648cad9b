// Jaeger JSON trace parser (the query service's /api/traces JSON), read with JsonReader:
// {"data": [trace...]}, one trace object, or an array of traces, one document or one per
// line. A trace's `processes` are read before its `spans` whatever their order; each
// distinct process becomes one resource (its tags resource attributes). A span's parent is
// its first CHILD_OF reference; without one, its first FOLLOWS_FROM reference within the
// same trace. Other references become links.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/str_cat.h"
#include "ingest/json_trace_common.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

// A scalar tag/attribute applied to a span.
void ApplySpanTag(std::string_view key, std::string_view text, std::int64_t int_value,
                  bool is_int, SpanRecord& s) {
  const AttributeTarget target = LookupAttribute(key);
  if (target != AttributeTarget::kNone) SetSpanAttribute(target, text, int_value, is_int, s);
}

class JaegerParser {
 public:
  JaegerParser(std::string_view text, ParseContext& ctx, SpanSink& sink)
      : text_(text), ctx_(ctx), sink_(sink), lines_(text) {}

  absl::Status Run() {
    return ReadJsonStream(
        text_, ctx_.name(), reader_, [this](JsonReader& r, std::size_t) { TopLevel(r); },
        RejectMalformedLine(ctx_));
  }

 private:
  struct Range {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool present() const { return end > begin; }
  };
  struct Reference {
    bool child_of = true;
    TraceId trace_id;
    std::uint64_t span_id = 0;
  };

  std::string Where(std::size_t offset, std::string_view path) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column, ", ", path);
  }

  // Consumes the next value, recording where it is.
  static bool RecordRange(JsonReader& r, Range* range) {
    r.Peek();
    range->begin = r.offset();
    if (!r.Skip()) return false;
    range->end = r.offset();
    return true;
  }

  void TopLevel(JsonReader& r) {
    if (r.BeginArray()) {
      while (r.NextElement()) Trace(r, /*allow_data=*/false);
      return;
    }
    if (r.Peek() != JsonType::kObject) {
      r.Fail("a Jaeger trace, an array of traces or {\"data\": [...]}");
      return;
    }
    Trace(r, /*allow_data=*/true);
  }

  void Trace(JsonReader& r, bool allow_data) {
    r.Peek();
    const std::size_t start = r.offset();
    if (!r.BeginObject()) {
      r.Fail("a Jaeger trace object");
      return;
    }
    Range data, spans, processes;
    TraceId trace_id;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "data" && allow_data) {
        if (!RecordRange(r, &data)) return;
      } else if (key == "spans") {
        if (!RecordRange(r, &spans)) return;
      } else if (key == "processes") {
        if (!RecordRange(r, &processes)) return;
      } else if (key == "traceID") {
        std::string_view hex;
        if (r.ReadString(&hex)) {
          ParseHexTraceId(hex, &trace_id);
        } else {
          r.Skip();
        }
      } else {
        r.Skip();
      }
    }
    if (!r.ok()) return;
    if (data.present()) {
      data_reader_.Reset(text_, data.begin, data.end);
      if (data_reader_.BeginArray()) {
        while (data_reader_.NextElement()) Trace(data_reader_, /*allow_data=*/false);
      } else if (!data_reader_.ReadNull()) {
        data_reader_.Fail("an array of Jaeger traces");
      }
      if (!data_reader_.ok()) {
        r.FailAt(data_reader_.error_offset(), data_reader_.error_expected().data(),
                 data_reader_.error_is_syntax());
      }
      return;
    }
    if (!spans.present()) {
      // A trace without spans has nothing to read; an object with none of a trace's keys
      // is not a trace.
      if (trace_id.empty() && !processes.present()) {
        r.FailAt(start, "a Jaeger trace (with \"spans\") or {\"data\": [...]}");
      }
      return;
    }
    processes_.clear();
    if (processes.present()) Processes(processes);
    SpansArray(spans, trace_id);
  }

  void Processes(const Range& range) {
    JsonReader& r = process_reader_;
    r.Reset(text_, range.begin, range.end);
    if (!r.BeginObject()) return;  // null or a wrong type: spans will name unknown processes
    std::string_view key;
    while (r.NextKey(&key)) {
      std::string pid(key);
      ResourceInfo resource;
      if (!Process(r, &resource)) continue;
      processes_[pid] = ProcessEntry{std::move(resource), false, 0};
    }
  }

  // Process(): {serviceName, tags} into *resource; false (value skipped) when not an object.
  bool Process(JsonReader& r, ResourceInfo* resource) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "serviceName") {
        std::string_view name;
        if (r.ReadString(&name)) {
          resource->service.assign(name.data(), name.size());
        } else {
          r.Skip();
        }
      } else if (key == "tags") {
        if (!r.BeginArray()) {
          r.Skip();
          continue;
        }
        while (r.NextElement()) {
          std::string_view tag_key, text;
          std::int64_t int_value = 0;
          bool is_int = false;
          if (!Tag(r, &tag_key, &text, &int_value, &is_int)) continue;
          const AttributeTarget target = LookupAttribute(tag_key);
          // serviceName wins over a service.name tag.
          if (target == AttributeTarget::kServiceName && !resource->service.empty()) continue;
          if (target != AttributeTarget::kNone) SetResourceAttribute(target, text, *resource);
        }
      } else {
        r.Skip();
      }
    }
    CompleteResource(*resource);
    return r.ok();
  }

  // Tag(): one {key, type, value}; false when it has no usable key and scalar value.
  bool Tag(JsonReader& r, std::string_view* key, std::string_view* text,
           std::int64_t* int_value, bool* is_int) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    bool have_key = false, have_value = false;
    std::string_view k;
    while (r.NextKey(&k)) {
      if (k == "key") {
        have_key = r.ReadString(key, &tag_key_scratch_);
        if (!have_key) r.Skip();
      } else if (k == "value") {
        have_value = ReadAttributeScalar(r, pool_, text, int_value, is_int);
      } else {
        r.Skip();
      }
    }
    return r.ok() && have_key && have_value;
  }

  void SpansArray(const Range& range, const TraceId& trace_id) {
    JsonReader& r = span_reader_;
    r.Reset(text_, range.begin, range.end);
    if (!r.BeginArray()) {
      if (!r.ReadNull()) {
        ctx_.Reject("spans is not an array", Where(range.begin, "spans"));
      }
      return;
    }
    std::size_t index = 0;
    while (r.NextElement()) Span(r, trace_id, index++);
  }

  void Span(JsonReader& r, const TraceId& default_trace, std::size_t index) {
    r.Peek();
    const std::size_t start = r.offset();
    if (!r.BeginObject()) {
      if (!r.Skip()) return;
      ctx_.Read();
      ctx_.Reject("span is not an object", Where(start, StrCat("spans[", index, "]")));
      return;
    }
    pool_.Clear();
    links_.clear();
    refs_.clear();
    SpanRecord s;
    std::string_view trace_hex, span_hex, process_id;
    std::int64_t start_us = 0, duration_us = 0;
    bool have_start = false;
    bool have_resource = false;
    const char* bad = nullptr;
    auto set_bad = [&](const char* reason) {
      if (bad == nullptr) bad = reason;
    };
    std::string_view key;
    while (r.NextKey(&key)) {
      if (r.Peek() == JsonType::kNull) {
        r.ReadNull();
        continue;
      }
      if (key == "traceID") {
        pool_.ReadStringOr(r, &trace_hex, "bad trace id", &bad);
      } else if (key == "spanID") {
        pool_.ReadStringOr(r, &span_hex, "bad span id", &bad);
      } else if (key == "operationName") {
        pool_.ReadStringOr(r, &s.name, "bad name", &bad);
      } else if (key == "references") {
        References(r);
      } else if (key == "startTime") {
        have_start = true;
        if (!ReadInt64Or(r, &start_us, "bad timestamp", &bad)) break;
      } else if (key == "duration") {
        if (!ReadInt64Or(r, &duration_us, "bad duration", &bad)) break;
      } else if (key == "tags") {
        if (!r.BeginArray()) {
          set_bad("bad tags");
          r.Skip();
          continue;
        }
        while (r.NextElement()) {
          std::string_view tag_key, text;
          std::int64_t int_value = 0;
          bool is_int = false;
          if (Tag(r, &tag_key, &text, &int_value, &is_int)) {
            ApplySpanTag(tag_key, text, int_value, is_int, s);
          }
        }
      } else if (key == "processID") {
        pool_.ReadStringOr(r, &process_id, "bad process id", &bad);
      } else if (key == "process") {
        ResourceInfo resource;
        if (Process(r, &resource)) {
          s.resource = resources_.Intern(resource, sink_);
          have_resource = true;
        }
      } else {
        r.Skip();  // flags, logs, warnings
      }
    }
    if (!r.ok()) return;
    ctx_.Read();
    if (bad == nullptr) {
      if (trace_hex.empty()) {
        s.trace_id = default_trace;
      } else if (!ParseHexTraceId(trace_hex, &s.trace_id)) {
        bad = "bad trace id";
      }
    }
    if (bad == nullptr) {
      if (s.trace_id.empty()) {
        bad = "missing trace id";
      } else if (span_hex.empty()) {
        bad = "missing span id";
      } else if (!ParseHexSpanId(span_hex, &s.span_id)) {
        bad = "bad span id";
      } else if (s.span_id == 0) {
        bad = "missing span id";
      } else if (!have_start) {
        bad = "missing timestamp";
      } else if (!MicrosToNanos(start_us, &s.start_ns)) {
        bad = "bad timestamp";
      } else if (!EndAfterMicros(s.start_ns, duration_us, &s.end_ns)) {
        bad = "bad duration";
      }
    }
    if (bad == nullptr && !have_resource) {
      auto it = processes_.find(ToAbsl(process_id));
      if (it == processes_.end()) {
        bad = "unknown process";
      } else {
        ProcessEntry& process = it->second;
        if (!process.registered) {
          process.handle = resources_.Intern(process.resource, sink_);
          process.registered = true;
        }
        s.resource = process.handle;
      }
    }
    if (bad != nullptr) {
      ctx_.Reject(bad, Where(start, StrCat("spans[", index, "]")));
      return;
    }
    // The parent: the first CHILD_OF, else the first FOLLOWS_FROM within the trace.
    const Reference* parent = nullptr;
    for (const Reference& ref : refs_) {
      if (ref.child_of) {
        parent = &ref;
        break;
      }
    }
    if (parent == nullptr) {
      for (const Reference& ref : refs_) {
        if (ref.trace_id == s.trace_id) {
          parent = &ref;
          break;
        }
      }
    }
    for (const Reference& ref : refs_) {
      if (&ref == parent) continue;
      links_.push_back(SpanLinkRef{ref.trace_id, ref.span_id});
    }
    if (parent != nullptr) s.parent_span_id = parent->span_id;
    s.links = absl::MakeConstSpan(links_);
    sink_.AddSpan(s);
    ctx_.Accept();
  }

  void References(JsonReader& r) {
    if (!r.BeginArray()) {
      r.Skip();
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Skip();
        continue;
      }
      Reference ref;
      bool valid = true;
      std::string_view key, value;
      while (r.NextKey(&key)) {
        if (key == "refType") {
          if (r.ReadString(&value)) {
            ref.child_of = value != "FOLLOWS_FROM" && value != "follows_from";
          } else {
            r.Skip();
          }
        } else if (key == "traceID") {
          if (!r.ReadString(&value) || !ParseHexTraceId(value, &ref.trace_id)) {
            valid = false;
            r.Skip();
          }
        } else if (key == "spanID") {
          if (!r.ReadString(&value) || !ParseHexSpanId(value, &ref.span_id)) {
            valid = false;
            r.Skip();
          }
        } else {
          r.Skip();
        }
      }
      if (r.ok() && valid && ref.span_id != 0 && !ref.trace_id.empty()) refs_.push_back(ref);
    }
  }

  std::string_view text_;
  ParseContext& ctx_;
  SpanSink& sink_;
  LineTracker lines_;
  JsonReader reader_;
  JsonReader data_reader_;
  JsonReader process_reader_;
  JsonReader span_reader_;
  StringPool pool_;
  ResourceInterner resources_;
  // The processes of the current trace, registered with the sink when a span uses them.
  struct ProcessEntry {
    ResourceInfo resource;
    bool registered = false;
    std::uint32_t handle = 0;
  };
  absl::flat_hash_map<std::string, ProcessEntry> processes_;
  std::vector<Reference> refs_;
  std::vector<SpanLinkRef> links_;
  std::string tag_key_scratch_;
};

}  // namespace

absl::Status ParseJaegerJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  JaegerParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
