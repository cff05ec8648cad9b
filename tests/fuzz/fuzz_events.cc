// Fuzz target: ReadEvents() and AddEvents() on arbitrary bytes, detected and with each
// format named; the accounting must add up whatever the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "faultline/ingest/events.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_events: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (EventFormat format : {EventFormat::kAuto, EventFormat::kKubernetes, EventFormat::kJson}) {
    EventOptions options;
    options.format = format;
    EventReport report;
    auto events = ReadEvents(InputSource::FromBytes(bytes, "fuzz"), options, &report);
    if (events.ok()) {
      Check(events->size() + report.rejected_total() == report.read, "read == parsed + rejected");
      Check(report.errors.size() <= options.max_error_messages, "errors bounded");
      for (const ParsedEvent& e : *events) {
        Check(e.event.last_ns >= e.event.time_ns, "last >= first");
        Check(e.event.count >= 1, "count >= 1");
        Check(!e.event.kind.empty() || format != EventFormat::kKubernetes, "a kind");
      }
    }
    if (format != EventFormat::kAuto) continue;
    ModelBuilder builder;
    auto added = AddEvents(builder, InputSource::FromBytes(bytes, "fuzz"), options);
    if (added.ok()) {
      Check(added->accepted + added->rejected_total() == added->read,
            "read == accepted + rejected");
      Check(builder.Freeze().ok(), "the model freezes");
    }
  }
  return 0;
}
