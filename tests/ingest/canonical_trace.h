// Test support: the canonical trace of tests/data/traces/README.md as the RecordedSpans a
// parser must produce from it, a fixture reader, and the accounting check every parser test
// applies.
#ifndef FAULTLINE_TESTS_INGEST_CANONICAL_TRACE_H_
#define FAULTLINE_TESTS_INGEST_CANONICAL_TRACE_H_

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/ingest/span.h"
#include "faultline/ingest/traces.h"
#include "gtest/gtest.h"
#include "ingest/recording_sink.h"

namespace faultline::testing {

inline constexpr std::uint64_t kCanonicalTraceHi = 0x5b8efff798038103;
inline constexpr std::uint64_t kCanonicalTraceLo = 0xd269b633813fc60c;
inline constexpr std::int64_t kCanonicalT0 = 1700000000000000000;

// ReadTraceFixture(): the bytes of tests/data/traces/NAME.
inline std::string ReadTraceFixture(const std::string& name) {
  const std::string path = std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/traces/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// CanonicalResource(): the README's resource of `service` (frontend, checkout, shipping),
// with the deployment derived from the pod name.
inline ResourceInfo CanonicalResource(const std::string& service) {
  ResourceInfo r;
  r.service = service;
  r.instance = service + "-1";
  r.deployment = service;
  r.k8s_namespace = "shop";
  r.region = "eu-west-1";
  r.environment = "prod";
  if (service == "frontend") {
    r.pod = "frontend-7d9f8c6b5d-abcde";
    r.node = "node-1";
    r.zone = "eu-west-1a";
  } else if (service == "checkout") {
    r.pod = "checkout-5c7b9d8f6-xyz12";
    r.node = "node-2";
    r.zone = "eu-west-1b";
  } else {
    r.pod = "shipping-6b8c7d9e5f-qrs34";
    r.node = "node-2";
    r.zone = "eu-west-1b";
  }
  return r;
}

// CanonicalSpans(): the README's table, sorted as RecordingSink::Sorted() sorts.
inline std::vector<RecordedSpan> CanonicalSpans() {
  constexpr std::int64_t kMs = 1000000;
  auto span = [](std::uint64_t id, std::uint64_t parent, const std::string& service,
                 const char* name, SpanKind kind, std::int64_t start_ms, std::int64_t end_ms,
                 bool failed) {
    RecordedSpan s;
    s.trace_id = TraceId{kCanonicalTraceHi, kCanonicalTraceLo};
    s.span_id = id;
    s.parent_span_id = parent;
    s.resource = CanonicalResource(service);
    s.name = name;
    s.kind = kind;
    s.start_ns = kCanonicalT0 + start_ms * kMs;
    s.end_ns = kCanonicalT0 + end_ms * kMs;
    s.failed = failed;
    return s;
  };
  std::vector<RecordedSpan> spans;
  spans.push_back(span(0x00f067aa0ba902b1, 0, "frontend", "GET /checkout", SpanKind::kServer,
                       0, 50, true));
  spans.push_back(span(0x00f067aa0ba902b2, 0x00f067aa0ba902b1, "frontend", "PlaceOrder",
                       SpanKind::kClient, 1, 45, true));
  spans.back().peer_service = "checkout";
  spans.push_back(span(0x00f067aa0ba902b3, 0x00f067aa0ba902b2, "checkout", "PlaceOrder",
                       SpanKind::kServer, 2, 44, true));
  spans.push_back(span(0x00f067aa0ba902b4, 0x00f067aa0ba902b3, "checkout", "SELECT orders",
                       SpanKind::kClient, 3, 40, true));
  spans.back().db_system = "postgresql";
  spans.back().db_namespace = "orders";
  spans.back().server_address = "orders-db.internal";
  spans.back().server_port = 5432;
  spans.push_back(span(0x00f067aa0ba902b5, 0x00f067aa0ba902b3, "checkout", "publish orders",
                       SpanKind::kProducer, 41, 42, false));
  spans.back().messaging_system = "kafka";
  spans.back().messaging_destination = "orders";
  spans.push_back(span(0x00f067aa0ba902b6, 0x00f067aa0ba902b5, "shipping", "process orders",
                       SpanKind::kConsumer, 60, 70, false));
  spans.back().messaging_system = "kafka";
  spans.back().messaging_destination = "orders";
  spans.push_back(span(0x00f067aa0ba902b7, 0x00f067aa0ba902b6, "shipping", "POST /quote",
                       SpanKind::kClient, 61, 66, false));
  spans.back().peer_service = "quotes-api";
  std::sort(spans.begin(), spans.end());
  return spans;
}

// RenderSpan(): every field of a recorded span, for readable comparisons.
inline std::string RenderSpan(const RecordedSpan& s) {
  std::ostringstream os;
  os << s << " trace " << std::hex << s.trace_id.hi << ":" << s.trace_id.lo << std::dec
     << " resource " << s.resource.service << "|" << s.resource.service_namespace << "|"
     << s.resource.instance << "|" << s.resource.pod << "|" << s.resource.deployment << "|"
     << s.resource.k8s_namespace << "|" << s.resource.node << "|" << s.resource.cluster << "|"
     << s.resource.host << "|" << s.resource.host_id << "|" << s.resource.zone << "|"
     << s.resource.region << "|" << s.resource.environment << " links";
  for (const auto& [trace, span] : s.links) {
    os << " " << std::hex << trace.hi << ":" << trace.lo << "/" << span << std::dec;
  }
  return os.str();
}

inline std::vector<std::string> RenderSpans(const std::vector<RecordedSpan>& spans) {
  std::vector<std::string> out;
  for (const RecordedSpan& s : spans) out.push_back(RenderSpan(s));
  return out;
}

// ExpectAccounted(): every span read was accepted (and reached the sink) or rejected.
inline void ExpectAccounted(const TraceReport& report, const RecordingSink& sink) {
  EXPECT_EQ(report.spans_read, report.spans_accepted + report.rejected_total());
  EXPECT_EQ(report.spans_accepted, sink.spans().size());
}

}  // namespace faultline::testing

#endif  // FAULTLINE_TESTS_INGEST_CANONICAL_TRACE_H_
