// Fuzzing support: a SpanSink that counts what it receives and reads every byte of every
// string view it is handed, so AddressSanitizer reports a parser passing dangling views;
// and the invariants every parser keeps whatever its input.
#ifndef FAULTLINE_TESTS_FUZZ_FUZZ_SINK_H_
#define FAULTLINE_TESTS_FUZZ_FUZZ_SINK_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "faultline/ingest/span.h"
#include "faultline/ingest/traces.h"

namespace faultline::fuzzing {

class FuzzSink : public SpanSink {
 public:
  std::uint32_t AddResource(const ResourceInfo& r) override {
    for (const std::string* s :
         {&r.service, &r.service_namespace, &r.instance, &r.pod, &r.deployment,
          &r.k8s_namespace, &r.node, &r.cluster, &r.host, &r.host_id, &r.zone, &r.region,
          &r.environment}) {
      Touch(*s);
    }
    return resources_++;
  }

  void AddSpan(const SpanRecord& s) override {
    ++spans_;
    // A span must name a resource the parser registered before it.
    if (s.resource >= resources_) Fail("span names a resource that was never added");
    for (std::string_view v : {s.name, s.peer_service, s.db_system, s.db_namespace,
                               s.server_address, s.messaging_system,
                               s.messaging_destination}) {
      Touch(v);
    }
    for (const SpanLinkRef& l : s.links) checksum_ += l.trace_id.hi ^ l.trace_id.lo ^ l.span_id;
    checksum_ += s.span_id + s.parent_span_id + static_cast<std::uint64_t>(s.start_ns) +
                 static_cast<std::uint64_t>(s.end_ns);
  }

  // Check(): aborts unless the report agrees with what the sink received.
  void Check(const TraceReport& report) const {
    if (report.spans_accepted != spans_) Fail("spans_accepted differs from spans received");
    if (report.spans_accepted > report.spans_read) Fail("more spans accepted than read");
    // Keep the checksum observable so the reads above cannot be optimized away.
    sink_checksum_ = checksum_;
  }

  std::uint64_t spans() const { return spans_; }

 private:
  void Touch(std::string_view v) {
    for (char c : v) checksum_ += static_cast<unsigned char>(c);
  }
  [[noreturn]] static void Fail(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }

  std::uint32_t resources_ = 0;
  std::uint64_t spans_ = 0;
  std::uint64_t checksum_ = 0;
  static inline volatile std::uint64_t sink_checksum_ = 0;
};

}  // namespace faultline::fuzzing

#endif  // FAULTLINE_TESTS_FUZZ_FUZZ_SINK_H_
