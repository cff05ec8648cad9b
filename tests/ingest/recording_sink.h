// Test support: a SpanSink that records owned copies of every span and resource, and the
// canonical trace that every format's fixture under tests/data/traces/ encodes.
#ifndef FAULTLINE_TESTS_INGEST_RECORDING_SINK_H_
#define FAULTLINE_TESTS_INGEST_RECORDING_SINK_H_

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "faultline/ingest/span.h"

namespace faultline::testing {

// An owned, comparable copy of a SpanRecord with its resource's service resolved.
struct RecordedSpan {
  TraceId trace_id;
  std::uint64_t span_id = 0;
  std::uint64_t parent_span_id = 0;
  ResourceInfo resource;
  std::string name;
  SpanKind kind = SpanKind::kUnspecified;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  bool failed = false;
  std::string peer_service, db_system, db_namespace, server_address;
  std::int64_t server_port = 0;
  std::string messaging_system, messaging_destination;
  std::vector<std::pair<TraceId, std::uint64_t>> links;

  auto Key() const {
    return std::make_tuple(trace_id.hi, trace_id.lo, span_id, start_ns, name);
  }
  bool operator<(const RecordedSpan& o) const { return Key() < o.Key(); }
};

inline std::ostream& operator<<(std::ostream& os, const RecordedSpan& s) {
  return os << "{span " << std::hex << s.span_id << " parent " << s.parent_span_id << std::dec
            << " service " << s.resource.service << " name '" << s.name << "' kind "
            << static_cast<int>(s.kind) << " [" << s.start_ns << ", " << s.end_ns
            << "] failed " << s.failed << " peer '" << s.peer_service << "' db '"
            << s.db_system << "/" << s.db_namespace << "' addr '" << s.server_address << ":"
            << s.server_port << "' msg '" << s.messaging_system << "/"
            << s.messaging_destination << "'}";
}

class RecordingSink : public SpanSink {
 public:
  std::uint32_t AddResource(const ResourceInfo& resource) override {
    resources_.push_back(resource);
    return static_cast<std::uint32_t>(resources_.size() - 1);
  }
  void AddSpan(const SpanRecord& s) override {
    RecordedSpan r;
    r.trace_id = s.trace_id;
    r.span_id = s.span_id;
    r.parent_span_id = s.parent_span_id;
    r.resource = s.resource < resources_.size() ? resources_[s.resource] : ResourceInfo{};
    r.name = std::string(s.name);
    r.kind = s.kind;
    r.start_ns = s.start_ns;
    r.end_ns = s.end_ns;
    r.failed = SpanFailed(s);
    r.peer_service = std::string(s.peer_service);
    r.db_system = std::string(s.db_system);
    r.db_namespace = std::string(s.db_namespace);
    r.server_address = std::string(s.server_address);
    r.server_port = s.server_port;
    r.messaging_system = std::string(s.messaging_system);
    r.messaging_destination = std::string(s.messaging_destination);
    for (const SpanLinkRef& l : s.links) r.links.emplace_back(l.trace_id, l.span_id);
    spans_.push_back(std::move(r));
  }
  // Spans sorted by (trace, span id, start, name).
  std::vector<RecordedSpan> Sorted() const {
    std::vector<RecordedSpan> out = spans_;
    std::sort(out.begin(), out.end());
    return out;
  }
  const std::vector<RecordedSpan>& spans() const { return spans_; }
  const std::vector<ResourceInfo>& resources() const { return resources_; }

 private:
  std::vector<ResourceInfo> resources_;
  std::vector<RecordedSpan> spans_;
};

}  // namespace faultline::testing

#endif  // FAULTLINE_TESTS_INGEST_RECORDING_SINK_H_
