// Fuzz target: ReadAlerts() and AddAlerts() on arbitrary bytes, detected and with each
// format named; the accounting must add up whatever the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "faultline/ingest/alerts.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_alerts: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (AlertFormat format : {AlertFormat::kAuto, AlertFormat::kAlertmanager,
                             AlertFormat::kPrometheus, AlertFormat::kJson}) {
    AlertOptions options;
    options.format = format;
    AlertReport report;
    auto alerts = ReadAlerts(InputSource::FromBytes(bytes, "fuzz"), options, &report);
    if (alerts.ok()) {
      Check(alerts->size() + report.merged + report.rejected_total() == report.read,
            "read == parsed + merged + rejected");
      Check(report.errors.size() <= options.max_error_messages, "errors bounded");
      for (const ParsedAlert& a : *alerts) {
        Check(!a.name.empty(), "every alert has a name");
        Check(a.ends_ns == 0 || (a.state != "firing" && a.state != "pending"),
              "a firing alert is open");
      }
    }
    if (format != AlertFormat::kAuto) continue;
    ModelBuilder builder;
    auto added = AddAlerts(builder, InputSource::FromBytes(bytes, "fuzz"), options);
    if (added.ok()) {
      Check(added->accepted + added->merged + added->rejected_total() == added->read,
            "read == accepted + merged + rejected");
      Check(builder.Freeze().ok(), "the model freezes");
    }
  }
  return 0;
}
