// bench/synthetic_traces.h
//
// A deterministic generator of realistic trace workloads for the ingestion benchmarks, and
// encoders that write the same spans as OTLP protobuf (collector file-exporter framing: a
// 4-byte big-endian length before each ExportTraceServiceRequest), OTLP/JSON Lines (one
// TracesData per line) and CSV (for the pandas baseline).
//
// Shape: `services` services in layers (frontend -> mid tiers -> leaves), each with a few
// operations; a trace starts at the frontend with a SERVER span; each server span makes 0-3
// calls as a CLIENT span in the caller plus a SERVER span in the callee; leaf services call
// a PostgreSQL database (an uninstrumented peer). About 11 spans per trace. Resources carry
// 8 attributes (service, instance, pod, namespace, node, zone, region, environment), spans
// 2-6 (HTTP/RPC/DB semantic conventions). 1 % of server spans fail. Spans are exported in
// batches of 512 grouped by resource, as SDK exporters do.
#ifndef FAULTLINE_BENCH_SYNTHETIC_TRACES_H_
#define FAULTLINE_BENCH_SYNTHETIC_TRACES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "faultline/internal/random.h"

namespace faultline::bench {

struct SynthSpan {
  std::uint64_t trace_hi, trace_lo;
  std::uint64_t span_id, parent_id;
  std::uint32_t service;  // index into services
  std::uint32_t operation;
  int kind;  // OTLP SpanKind
  std::int64_t start_ns, end_ns;
  bool error;
  bool db;   // a database client span
  std::uint32_t callee;  // for client spans: the callee service
};

struct SynthWorkload {
  std::vector<std::string> services;
  std::vector<SynthSpan> spans;  // grouped by trace, in trace order
};

inline SynthWorkload GenerateWorkload(std::size_t min_spans, std::uint32_t services = 40,
                                      std::uint64_t seed = 42) {
  SynthWorkload w;
  for (std::uint32_t i = 0; i < services; ++i) {
    w.services.push_back(i == 0 ? std::string("frontend") : "svc-" + std::to_string(i));
  }
  internal::SplitMix64 rng(seed);
  // Layers: 0 = frontend; 1..services/4 mid; the rest leaves. Calls go down one layer.
  const std::uint32_t mid_end = std::max<std::uint32_t>(2, services / 4);
  std::int64_t clock = 1'700'000'000'000'000'000;
  std::uint64_t next_id = 1;
  std::uint64_t trace = 0;
  struct Frame {
    std::uint32_t service;
    std::uint64_t span;
    std::int64_t start, end;
    int depth;
  };
  std::vector<Frame> stack;
  while (w.spans.size() < min_spans) {
    ++trace;
    const std::uint64_t hi = rng.Next(), lo = rng.Next() | 1;
    const std::int64_t t0 = clock;
    clock += 50'000;  // 20k traces per simulated second
    const std::int64_t dur = 5'000'000 + rng.Below(20'000'000);
    const std::uint64_t root = next_id++;
    w.spans.push_back({hi, lo, root, 0, 0, rng.Below(4), 2, t0, t0 + dur,
                       rng.Below(100) == 0, false, 0});
    stack.assign(1, Frame{0, root, t0, t0 + dur, 0});
    while (!stack.empty()) {
      const Frame f = stack.back();
      stack.pop_back();
      const bool leaf = f.service >= mid_end || f.depth >= 3;
      const std::uint32_t calls = leaf ? (f.service >= mid_end ? 1 : 0) : 1 + rng.Below(3);
      const std::int64_t slot = (f.end - f.start) / (calls + 1);
      for (std::uint32_t c = 0; c < calls; ++c) {
        const std::int64_t cs = f.start + slot * c + slot / 8;
        const std::int64_t ce = cs + slot * 3 / 4;
        const std::uint64_t client = next_id++;
        if (leaf) {  // a database call to an uninstrumented PostgreSQL
          w.spans.push_back({hi, lo, client, f.span, f.service, 4, 3, cs, ce,
                             rng.Below(200) == 0, true, 0});
          continue;
        }
        const std::uint32_t callee =
            f.service == 0 ? 1 + rng.Below(mid_end - 1)
                           : mid_end + rng.Below(services - mid_end);
        w.spans.push_back({hi, lo, client, f.span, f.service, rng.Below(4), 3, cs, ce, false,
                           false, callee});
        const std::uint64_t server = next_id++;
        const bool failed = rng.Below(100) == 0;
        w.spans.push_back({hi, lo, server, client, callee, rng.Below(4), 2, cs + 100'000,
                           ce - 100'000, failed, false, 0});
        if (failed) w.spans[w.spans.size() - 2].error = true;
        stack.push_back(Frame{callee, server, cs + 100'000, ce - 100'000, f.depth + 1});
      }
    }
  }
  return w;
}

// --- protobuf wire encoding ---------------------------------------------------------------

class PbWriter {
 public:
  std::string& out() { return out_; }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Tag(int field, int type) { Varint((static_cast<std::uint64_t>(field) << 3) | type); }
  void Bytes(int field, const std::string& s) {
    Tag(field, 2);
    Varint(s.size());
    out_ += s;
  }
  void Fixed64(int field, std::uint64_t v) {
    Tag(field, 1);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void Uint(int field, std::uint64_t v) {
    Tag(field, 0);
    Varint(v);
  }

 private:
  std::string out_;
};

inline std::string Big8(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (56 - 8 * i));
  return s;
}

inline std::string PbKeyValue(const std::string& key, const std::string& value) {
  PbWriter any;
  any.Bytes(1, value);
  PbWriter kv;
  kv.Bytes(1, key);
  kv.Bytes(2, any.out());
  return kv.out();
}

inline std::string PbKeyInt(const std::string& key, std::int64_t value) {
  PbWriter any;
  any.Uint(3, static_cast<std::uint64_t>(value));
  PbWriter kv;
  kv.Bytes(1, key);
  kv.Bytes(2, any.out());
  return kv.out();
}

// Resource attributes of service `i` (8 keys).
inline std::vector<std::pair<std::string, std::string>> ResourceAttributes(
    const SynthWorkload& w, std::uint32_t i) {
  const std::string& name = w.services[i];
  return {{"service.name", name},
          {"service.instance.id", name + "-1"},
          {"k8s.pod.name", name + "-5c7b9d8f6-x" + std::to_string(10000 + i)},
          {"k8s.namespace.name", "shop"},
          {"k8s.node.name", "node-" + std::to_string(i % 8)},
          {"cloud.availability_zone", i % 2 ? "eu-west-1a" : "eu-west-1b"},
          {"cloud.region", "eu-west-1"},
          {"deployment.environment.name", "prod"}};
}

inline const char* OperationName(const SynthSpan& s) {
  static const char* kServer[] = {"GET /api/items", "POST /api/orders", "GET /api/cart",
                                  "PUT /api/profile"};
  static const char* kClient[] = {"GET", "POST", "GET", "PUT"};
  if (s.db) return "SELECT orders";
  return s.kind == 3 ? kClient[s.operation % 4] : kServer[s.operation % 4];
}

// Batches: [begin, end) span index ranges of `batch` spans each.
template <typename Fn>
void ForEachBatch(const SynthWorkload& w, std::size_t batch, Fn fn) {
  for (std::size_t b = 0; b < w.spans.size(); b += batch) {
    fn(b, std::min(w.spans.size(), b + batch));
  }
}

// Groups a batch's span indices by service, in first-seen order.
inline std::vector<std::pair<std::uint32_t, std::vector<std::size_t>>> GroupByService(
    const SynthWorkload& w, std::size_t begin, std::size_t end) {
  std::vector<std::pair<std::uint32_t, std::vector<std::size_t>>> groups;
  std::map<std::uint32_t, std::size_t> index;
  for (std::size_t i = begin; i < end; ++i) {
    auto [it, inserted] = index.try_emplace(w.spans[i].service, groups.size());
    if (inserted) groups.push_back({w.spans[i].service, {}});
    groups[it->second].second.push_back(i);
  }
  return groups;
}

inline std::string PbSpan(const SynthWorkload& w, const SynthSpan& s) {
  PbWriter span;
  span.Bytes(1, Big8(s.trace_hi) + Big8(s.trace_lo));
  span.Bytes(2, Big8(s.span_id));
  if (s.parent_id != 0) span.Bytes(4, Big8(s.parent_id));
  span.Bytes(5, OperationName(s));
  span.Uint(6, static_cast<std::uint64_t>(s.kind));
  span.Fixed64(7, static_cast<std::uint64_t>(s.start_ns));
  span.Fixed64(8, static_cast<std::uint64_t>(s.end_ns));
  if (s.db) {
    span.Bytes(9, PbKeyValue("db.system.name", "postgresql"));
    span.Bytes(9, PbKeyValue("db.namespace", "orders"));
    span.Bytes(9, PbKeyValue("server.address", "orders-db.internal"));
    span.Bytes(9, PbKeyInt("server.port", 5432));
  } else if (s.kind == 3) {
    span.Bytes(9, PbKeyValue("http.request.method", OperationName(s)));
    span.Bytes(9, PbKeyValue("server.address", w.services[s.callee]));
    span.Bytes(9, PbKeyInt("server.port", 8080));
    span.Bytes(9, PbKeyValue("url.full", "http://" + w.services[s.callee] + ":8080/api"));
    span.Bytes(9, PbKeyInt("http.response.status_code", s.error ? 503 : 200));
  } else {
    span.Bytes(9, PbKeyValue("http.request.method", "GET"));
    span.Bytes(9, PbKeyValue("http.route", OperationName(s)));
    span.Bytes(9, PbKeyInt("http.response.status_code", s.error ? 500 : 200));
    span.Bytes(9, PbKeyValue("url.scheme", "http"));
    span.Bytes(9, PbKeyValue("user_agent.original", "Mozilla/5.0"));
    span.Bytes(9, PbKeyValue("network.protocol.version", "1.1"));
  }
  if (s.error) {
    PbWriter status;
    status.Uint(3, 2);
    span.Bytes(15, status.out());
  }
  return span.out();
}

// The workload as framed ExportTraceServiceRequest messages (collector file exporter).
inline std::string EncodeOtlpProto(const SynthWorkload& w, std::size_t batch = 512) {
  std::string out;
  ForEachBatch(w, batch, [&](std::size_t begin, std::size_t end) {
    PbWriter request;
    for (const auto& [service, spans] : GroupByService(w, begin, end)) {
      PbWriter resource;
      for (const auto& [k, v] : ResourceAttributes(w, service)) resource.Bytes(1, PbKeyValue(k, v));
      PbWriter scope_spans;
      PbWriter scope;
      scope.Bytes(1, "io.opentelemetry.contrib.bench");
      scope_spans.Bytes(1, scope.out());
      for (std::size_t i : spans) scope_spans.Bytes(2, PbSpan(w, w.spans[i]));
      PbWriter rs;
      rs.Bytes(1, resource.out());
      rs.Bytes(2, scope_spans.out());
      request.Bytes(1, rs.out());
    }
    const std::string& msg = request.out();
    const auto n = static_cast<std::uint32_t>(msg.size());
    out.push_back(static_cast<char>(n >> 24));
    out.push_back(static_cast<char>(n >> 16));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
    out += msg;
  });
  return out;
}

// --- OTLP/JSON Lines -------------------------------------------------------------------

inline std::string Hex(std::uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[i] = kDigits[v & 15];
  return s;
}

inline void JsonKeyValue(std::string& out, const std::string& key, const std::string& value) {
  out += "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
}
inline void JsonKeyInt(std::string& out, const std::string& key, std::int64_t value) {
  out += "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + std::to_string(value) + "\"}}";
}

inline void JsonSpan(std::string& out, const SynthWorkload& w, const SynthSpan& s) {
  out += "{\"traceId\":\"" + Hex(s.trace_hi) + Hex(s.trace_lo) + "\",\"spanId\":\"" +
         Hex(s.span_id) + "\"";
  if (s.parent_id != 0) out += ",\"parentSpanId\":\"" + Hex(s.parent_id) + "\"";
  out += ",\"name\":\"" + std::string(OperationName(s)) + "\",\"kind\":" +
         std::to_string(s.kind) + ",\"startTimeUnixNano\":\"" + std::to_string(s.start_ns) +
         "\",\"endTimeUnixNano\":\"" + std::to_string(s.end_ns) + "\",\"attributes\":[";
  if (s.db) {
    JsonKeyValue(out, "db.system.name", "postgresql");
    out += ',';
    JsonKeyValue(out, "db.namespace", "orders");
    out += ',';
    JsonKeyValue(out, "server.address", "orders-db.internal");
    out += ',';
    JsonKeyInt(out, "server.port", 5432);
  } else if (s.kind == 3) {
    JsonKeyValue(out, "http.request.method", OperationName(s));
    out += ',';
    JsonKeyValue(out, "server.address", w.services[s.callee]);
    out += ',';
    JsonKeyInt(out, "server.port", 8080);
    out += ',';
    JsonKeyValue(out, "url.full", "http://" + w.services[s.callee] + ":8080/api");
    out += ',';
    JsonKeyInt(out, "http.response.status_code", s.error ? 503 : 200);
  } else {
    JsonKeyValue(out, "http.request.method", "GET");
    out += ',';
    JsonKeyValue(out, "http.route", OperationName(s));
    out += ',';
    JsonKeyInt(out, "http.response.status_code", s.error ? 500 : 200);
    out += ',';
    JsonKeyValue(out, "url.scheme", "http");
    out += ',';
    JsonKeyValue(out, "user_agent.original", "Mozilla/5.0");
    out += ',';
    JsonKeyValue(out, "network.protocol.version", "1.1");
  }
  out += "]";
  if (s.error) out += ",\"status\":{\"code\":2}";
  out += "}";
}

// The workload as OTLP/JSON Lines: one TracesData per batch and line.
inline std::string EncodeOtlpJson(const SynthWorkload& w, std::size_t batch = 512) {
  std::string out;
  ForEachBatch(w, batch, [&](std::size_t begin, std::size_t end) {
    out += "{\"resourceSpans\":[";
    bool first_rs = true;
    for (const auto& [service, spans] : GroupByService(w, begin, end)) {
      if (!first_rs) out += ',';
      first_rs = false;
      out += "{\"resource\":{\"attributes\":[";
      bool first = true;
      for (const auto& [k, v] : ResourceAttributes(w, service)) {
        if (!first) out += ',';
        first = false;
        JsonKeyValue(out, k, v);
      }
      out += "]},\"scopeSpans\":[{\"scope\":{\"name\":\"io.opentelemetry.contrib.bench\"},"
             "\"spans\":[";
      for (std::size_t k = 0; k < spans.size(); ++k) {
        if (k > 0) out += ',';
        JsonSpan(out, w, w.spans[spans[k]]);
      }
      out += "]}]}";
    }
    out += "]}\n";
  });
  return out;
}

// The workload as CSV for the pandas baseline (times in ns).
inline std::string EncodeCsv(const SynthWorkload& w) {
  std::string out = "trace_id,span_id,parent_span_id,service,kind,start,end,error\n";
  for (const SynthSpan& s : w.spans) {
    out += Hex(s.trace_hi) + Hex(s.trace_lo) + "," + Hex(s.span_id) + "," +
           (s.parent_id ? Hex(s.parent_id) : std::string()) + "," + w.services[s.service] +
           "," + std::to_string(s.kind) + "," + std::to_string(s.start_ns) + "," +
           std::to_string(s.end_ns) + "," + (s.error ? "1" : "0") + "\n";
  }
  return out;
}

}  // namespace faultline::bench

#endif  // FAULTLINE_BENCH_SYNTHETIC_TRACES_H_
