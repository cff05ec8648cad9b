// Zipkin v2 JSON trace parser, read with JsonReader: an array of spans, or one span (or
// array) per line. The resource is the local endpoint's service name plus the tags that
// are resource attributes (service.instance.id, k8s.*, cloud.*...: the OpenTelemetry Zipkin
// exporter writes resource attributes as tags). For CLIENT and PRODUCER spans the remote
// endpoint names the peer (service name, ipv4/ipv6 address, port) unless tags already did.
// A SERVER span with "shared": true has the id of its CLIENT span; it gets the synthetic id
// `id ^ kZipkinSharedSpanIdXor` and the client's id as parent, and the spans of the
// server's service whose parentId is that shared id get the synthetic id as parent, so the
// pair reads as a client/server pair with the server's children under the server side.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/str_cat.h"
#include "ingest/attribute_cache.h"
#include "ingest/json_trace_common.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

// The synthetic span id of a shared Zipkin SERVER span is its id XOR this constant (the
// 64-bit golden ratio; an involution, and never 0 for a non-zero id other than itself).
constexpr std::uint64_t kZipkinSharedSpanIdXor = 0x9E3779B97F4A7C15ULL;

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
        RejectMalformedLine(ctx_));
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
        if (!ReadInt64Or(r, &timestamp_us, "bad timestamp", &bad)) break;
      } else if (key == "duration") {
        if (!ReadInt64Or(r, &duration_us, "bad duration", &bad)) break;
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
    if (bad == nullptr) bad = ReadSpanIds(trace_hex, id_hex, parent_hex, s);
    if (bad == nullptr) {
      if (!have_timestamp) {
        bad = "missing timestamp";
      } else if (!MicrosToNanos(timestamp_us, &s.start_ns)) {
        bad = "bad timestamp";
      } else if (!EndAfterMicros(s.start_ns, duration_us, &s.end_ns)) {
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

absl::Status ParseZipkinJson(std::string_view bytes, ParseContext& ctx, SpanSink& sink) {
  ZipkinParser parser(bytes, ctx, sink);
  return parser.Run();
}

}  // namespace faultline::internal
