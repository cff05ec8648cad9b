// Jaeger and Zipkin v2 JSON trace parsers, read with JsonReader.
//
// Jaeger (the query service's /api/traces JSON): {"data": [trace...]}, one trace object, or
// an array of traces, one document or one per line. A trace's `processes` are read before
// its `spans` whatever their order; each distinct process becomes one resource (its tags
// resource attributes). A span's parent is its first CHILD_OF reference; without one, its
// first FOLLOWS_FROM reference within the same trace. Other references become links.
//
// Zipkin v2: an array of spans, or one span (or array) per line. The resource is the local
// endpoint's service name plus the tags that are resource attributes (service.instance.id,
// k8s.*, cloud.*...: the OpenTelemetry Zipkin exporter writes resource attributes as tags). For CLIENT and PRODUCER spans the remote endpoint names the
// peer (service name, ipv4/ipv6 address, port) unless tags already did. A SERVER span with
// "shared": true has the id of its CLIENT span; it gets the synthetic id
// `id ^ kZipkinSharedSpanIdXor` and the client's id as parent, and the spans of the server's
// service whose parentId is that shared id get the synthetic id as parent, so the pair reads
// as a client/server pair with the server's children under the server side.
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/str_cat.h"
#include "io/json_reader.h"
#include "ingest/json_trace_common.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {
namespace {

// The synthetic span id of a shared Zipkin SERVER span is its id XOR this constant (the
// 64-bit golden ratio; an involution, and never 0 for a non-zero id other than itself).
constexpr std::uint64_t kZipkinSharedSpanIdXor = 0x9E3779B97F4A7C15ULL;

// A scalar tag/attribute applied to a span.
void ApplySpanTag(std::string_view key, std::string_view text, std::int64_t int_value,
                  bool is_int, SpanRecord& s) {
  const AttributeTarget target = LookupAttribute(key);
  if (target != AttributeTarget::kNone) SetSpanAttribute(target, text, int_value, is_int, s);
}

// ----------------------------------------------------------------------------------------
// Jaeger

class JaegerParser {
 public:
  JaegerParser(std::string_view text, ParseContext& ctx, SpanSink& sink)
      : text_(text), ctx_(ctx), sink_(sink), lines_(text) {}

  absl::Status Run() {
    return ReadJsonStream(
        text_, ctx_.name(), reader_, [this](JsonReader& r, std::size_t) { TopLevel(r); },
        [this](std::size_t, std::string_view where) {
          // A line that is not a record counts as one record read and rejected.
          ctx_.Read();
          ctx_.Reject("malformed JSON line", where);
        });
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
        if (!r.ReadInt64(&start_us)) {
          if (!r.ok()) break;
          set_bad("bad timestamp");
          r.Skip();
        }
      } else if (key == "duration") {
        if (!r.ReadInt64(&duration_us)) {
          if (!r.ok()) break;
          set_bad("bad duration");
          r.Skip();
        }
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
      } else if (duration_us < 0 || duration_us > (INT64_MAX - s.start_ns) / 1000) {
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
    s.end_ns = s.start_ns + duration_us * 1000;
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

// ----------------------------------------------------------------------------------------
// Zipkin v2

class ZipkinParser {
 public:
  ZipkinParser(std::string_view text, ParseContext& ctx, SpanSink& sink)
      : text_(text), ctx_(ctx), sink_(sink), lines_(text) {}

  absl::Status Run() {
    if (text_.find("\"shared\"") != std::string_view::npos) {
      // First pass: the shared SERVER spans, so that their children can be re-parented.
      collecting_ = true;
      const absl::Status status = ReadJsonStream(
          text_, ctx_.name(), reader_, [this](JsonReader& r, std::size_t) { TopLevel(r); },
          [](std::size_t, std::string_view) {});
      collecting_ = false;
      if (!status.ok()) return status;
    }
    return ReadJsonStream(
        text_, ctx_.name(), reader_, [this](JsonReader& r, std::size_t) { TopLevel(r); },
        [this](std::size_t, std::string_view where) {
          // A line that is not a record counts as one record read and rejected.
          ctx_.Read();
          ctx_.Reject("malformed JSON line", where);
        });
  }

 private:
  struct Endpoint {
    std::string_view service, ipv4, ipv6;
    std::int64_t port = 0;
  };

  std::string Where(std::size_t offset) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column);
  }

  void TopLevel(JsonReader& r) {
    if (r.BeginArray()) {
      while (r.NextElement()) Span(r);
      return;
    }
    if (r.Peek() != JsonType::kObject) {
      r.Fail("a Zipkin span or an array of spans");
      return;
    }
    Span(r);
  }

  bool ReadEndpoint(JsonReader& r, Endpoint* e) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "serviceName") {
        if (!pool_.ReadString(r, &e->service)) r.Skip();
      } else if (key == "ipv4") {
        if (!pool_.ReadString(r, &e->ipv4)) r.Skip();
      } else if (key == "ipv6") {
        if (!pool_.ReadString(r, &e->ipv6)) r.Skip();
      } else if (key == "port") {
        if (!r.ReadInt64(&e->port)) r.Skip();
      } else {
        r.Skip();
      }
    }
    return r.ok();
  }

  // ResetResource(): clears resource_ keeping its strings' capacity.
  void ResetResource() {
    for (std::string* f : {&resource_.service, &resource_.service_namespace, &resource_.instance,
                           &resource_.pod, &resource_.deployment, &resource_.k8s_namespace,
                           &resource_.node, &resource_.cluster, &resource_.host,
                           &resource_.host_id, &resource_.zone, &resource_.region,
                           &resource_.environment, &resource_.faas_name,
                           &resource_.cloud_resource_id}) {
      f->clear();
    }
  }

  std::uint32_t ServiceResource(std::string_view service) {
    auto it = service_handles_.find(ToAbsl(service));
    if (it != service_handles_.end()) return it->second;
    ResourceInfo resource;
    resource.service.assign(service.data(), service.size());
    const std::uint32_t handle = resources_.Intern(resource, sink_);
    service_handles_.emplace(std::string(service), handle);
    return handle;
  }

  void Span(JsonReader& r) {
    r.Peek();
    const std::size_t start = r.offset();
    if (!r.BeginObject()) {
      if (!r.Skip() || collecting_) return;
      ctx_.Read();
      ctx_.Reject("span is not an object", Where(start));
      return;
    }
    pool_.Clear();
    SpanRecord s;
    std::string_view trace_hex, id_hex, parent_hex, kind;
    std::int64_t timestamp_us = 0, duration_us = 0;
    bool have_timestamp = false;
    bool shared = false;
    bool have_resource_tags = false;
    Endpoint local, remote;
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
      if (key == "traceId") {
        pool_.ReadStringOr(r, &trace_hex, "bad trace id", &bad);
      } else if (key == "id") {
        pool_.ReadStringOr(r, &id_hex, "bad span id", &bad);
      } else if (key == "parentId") {
        pool_.ReadStringOr(r, &parent_hex, "bad parent span id", &bad);
      } else if (key == "name") {
        pool_.ReadStringOr(r, &s.name, "bad name", &bad);
      } else if (key == "kind") {
        pool_.ReadStringOr(r, &kind, "bad kind", &bad);
      } else if (key == "timestamp") {
        have_timestamp = true;
        if (!r.ReadInt64(&timestamp_us)) {
          if (!r.ok()) break;
          set_bad("bad timestamp");
          r.Skip();
        }
      } else if (key == "duration") {
        if (!r.ReadInt64(&duration_us)) {
          if (!r.ok()) break;
          set_bad("bad duration");
          r.Skip();
        }
      } else if (key == "localEndpoint") {
        ReadEndpoint(r, &local);
      } else if (key == "remoteEndpoint") {
        ReadEndpoint(r, &remote);
      } else if (key == "shared") {
        if (!r.ReadBool(&shared)) r.Skip();
      } else if (key == "tags") {
        if (!r.BeginObject()) {
          set_bad("bad tags");
          r.Skip();
          continue;
        }
        std::string_view tag;
        while (r.NextKey(&tag)) {
          const AttributeTarget target = attributes_.Lookup(tag);
          if (target == AttributeTarget::kNone) {
            r.Skip();
            continue;
          }
          std::string_view text;
          std::int64_t int_value = 0;
          bool is_int = false;
          if (!ReadAttributeScalar(r, pool_, &text, &int_value, &is_int)) continue;
          if (!SetSpanAttribute(target, text, int_value, is_int, s) && !collecting_) {
            if (!have_resource_tags) {
              ResetResource();
              have_resource_tags = true;
            }
            SetResourceAttribute(target, text, resource_);
          }
        }
      } else {
        r.Skip();  // annotations, debug
      }
    }
    if (!r.ok()) return;
    if (bad == nullptr) {
      if (trace_hex.empty()) {
        bad = "missing trace id";
      } else if (!ParseHexTraceId(trace_hex, &s.trace_id)) {
        bad = "bad trace id";
      } else if (s.trace_id.empty()) {
        bad = "missing trace id";
      } else if (id_hex.empty()) {
        bad = "missing span id";
      } else if (!ParseHexSpanId(id_hex, &s.span_id)) {
        bad = "bad span id";
      } else if (s.span_id == 0) {
        bad = "missing span id";
      } else if (!parent_hex.empty() && !ParseHexSpanId(parent_hex, &s.parent_span_id)) {
        bad = "bad parent span id";
      } else if (!have_timestamp) {
        bad = "missing timestamp";
      } else if (!MicrosToNanos(timestamp_us, &s.start_ns)) {
        bad = "bad timestamp";
      } else if (duration_us < 0 || duration_us > (INT64_MAX - s.start_ns) / 1000) {
        bad = "bad duration";
      }
    }
    if (!kind.empty()) {
      if (kind == "SERVER") s.kind = SpanKind::kServer;
      else if (kind == "CLIENT") s.kind = SpanKind::kClient;
      else if (kind == "PRODUCER") s.kind = SpanKind::kProducer;
      else if (kind == "CONSUMER") s.kind = SpanKind::kConsumer;
    }
    const bool shared_server = shared && s.kind == SpanKind::kServer;
    if (collecting_) {
      if (bad == nullptr && shared_server) {
        shared_servers_.emplace(std::make_pair(s.trace_id, s.span_id),
                                std::string(local.service));
      }
      return;
    }
    ctx_.Read();
    if (bad != nullptr) {
      ctx_.Reject(bad, Where(start));
      return;
    }
    s.end_ns = s.start_ns + duration_us * 1000;
    if (shared_server) {
      s.parent_span_id = s.span_id;
      s.span_id ^= kZipkinSharedSpanIdXor;
    } else if (s.parent_span_id != 0 && !shared_servers_.empty()) {
      auto it = shared_servers_.find(std::make_pair(s.trace_id, s.parent_span_id));
      if (it != shared_servers_.end() && it->second == local.service) {
        s.parent_span_id ^= kZipkinSharedSpanIdXor;
      }
    }
    if (s.kind == SpanKind::kClient || s.kind == SpanKind::kProducer) {
      if (s.peer_service.empty()) s.peer_service = remote.service;
      if (s.server_address.empty()) {
        s.server_address = !remote.ipv4.empty() ? remote.ipv4 : remote.ipv6;
      }
      if (s.server_port == 0 && remote.port > 0) s.server_port = remote.port;
    }
    if (have_resource_tags) {
      if (!local.service.empty()) resource_.service.assign(local.service.data(), local.service.size());
      CompleteResource(resource_);
      if (!have_last_ || !(resource_ == last_resource_)) {
        last_handle_ = resources_.Intern(resource_, sink_);
        last_resource_ = resource_;
        have_last_ = true;
      }
      s.resource = last_handle_;
    } else {
      s.resource = ServiceResource(local.service);
    }
    sink_.AddSpan(s);
    ctx_.Accept();
  }

  std::string_view text_;
  ParseContext& ctx_;
  SpanSink& sink_;
  LineTracker lines_;
  JsonReader reader_;
  StringPool pool_;
  ResourceInterner resources_;
  AttributeLookupCache attributes_;
  absl::flat_hash_map<std::string, std::uint32_t> service_handles_;
  absl::flat_hash_map<std::pair<TraceId, std::uint64_t>, std::string> shared_servers_;
  ResourceInfo resource_;  // the current span's resource, when tags add to it
  ResourceInfo last_resource_;
  std::uint32_t last_handle_ = 0;
  bool have_last_ = false;
  bool collecting_ = false;
};

}  // namespace

absl::Status ParseJaegerJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  JaegerParser parser(bytes, ctx, sink);
  return parser.Run();
}

absl::Status ParseZipkinJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  ZipkinParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
