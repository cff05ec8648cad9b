// faultline/ingest/alerts.h
//
// Alerts into the model: each alert becomes an Alert record (model/signal_stats.h) on the
// entity its labels name (ingest/entity_labels.h), in subgraph "alerts/default" (kind
// "alerts"; AlertOptions::subgraph to override), accumulating across calls. Alerts are
// symptoms with an onset time, never proof of a cause: reading them ranks nothing.
//
// Formats (detected from the content unless named; gzip and zstd read transparently):
//   alertmanager  Alertmanager webhook payloads (version "4"): {version, groupKey, status,
//                 receiver, groupLabels, commonLabels, commonAnnotations, externalURL,
//                 alerts: [{status, labels, annotations, startsAt, endsAt, generatorURL,
//                 fingerprint}]}; one payload, several as JSON Lines, or a JSON array of
//                 payloads. commonLabels / commonAnnotations fill what an alert lacks.
//   prometheus    Prometheus /api/v1/alerts responses: {"status": "success", "data":
//                 {"alerts": [{labels, annotations, state, activeAt, value}]}}.
//   json          a plain JSON list of alerts (or JSON Lines of them): [{"name" or
//                 "alertname", "labels": {...}, "severity", "startsAt" | "starts_at" |
//                 "activeAt" | "time" | "start" | "timestamp", "endsAt" | "ends_at" | "end",
//                 "state" | "status", "summary" | "description", "annotations": {...}}];
//                 any other top-level scalar field ("service": "checkout", "pod": ...) is
//                 read as a label.
//
// What an alert keeps: its name (label alertname), severity (label severity, or a
// severity field), state ("firing", "resolved", "pending"; Alertmanager API "active" reads
// as firing, Prometheus "inactive" as resolved; default firing, or resolved when an end is
// given), start and end, the labels that made the entity match, and the summary (the
// summary annotation, else description, else message). Times are RFC 3339 (fractions and
// offsets) or Unix epoch numbers (unit by magnitude: see EpochToNs in the sources). A
// firing alert is open (end 0): Alertmanager's zero time "0001-01-01T00:00:00Z" and the
// expected-resolve time it sets on firing alerts both read as "no end yet".
//
// Repeats: one call folds the same alert seen several times (the same fingerprint, or the
// same name, labels and start), as Alertmanager resends a group on every repeat and on
// resolve, into one record whose state, end and summary are the last seen; counted as
// `merged`. Calls do not fold across each other.
#ifndef FAULTLINE_INGEST_ALERTS_H_
#define FAULTLINE_INGEST_ALERTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/io/source.h"
#include "faultline/model/entity.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// AlertFormat
enum class AlertFormat : std::uint8_t {
  kAuto = 0,
  kAlertmanager,  // webhook payloads
  kPrometheus,    // /api/v1/alerts responses
  kJson,          // a plain list of alerts
};

// AlertFormatName(): "auto", "alertmanager", "prometheus", "json".
std::string_view AlertFormatName(AlertFormat format);
// ParseAlertFormat(): the inverse ("" is auto); kInvalidArgument naming the choices.
absl::StatusOr<AlertFormat> ParseAlertFormat(std::string_view name);

// AlertOptions
struct AlertOptions {
  // kAuto: each document tells its format. A named format must match the content:
  // a document of another format is an error naming both.
  AlertFormat format = AlertFormat::kAuto;
  LabelMapping labels;     // labels -> entity
  std::string subgraph;    // "" -> "alerts/default"
  std::size_t max_error_messages = 10;   // errors kept verbatim (all are counted)
  std::size_t max_unmapped_listed = 10;  // label sets of unmapped alerts listed
};

// AlertReport: the accounting of one source. read == accepted + merged + rejected_total().
struct AlertReport {
  std::string source;
  AlertFormat format = AlertFormat::kAuto;  // as detected (the first document's)
  std::string subgraph;
  std::uint64_t documents = 0;  // payloads / responses / lists read
  std::uint64_t read = 0;       // alert objects met
  std::uint64_t accepted = 0;   // alerts recorded on an entity
  std::uint64_t merged = 0;     // repeats folded into an earlier alert
  // reason -> count: "malformed JSON" (a bad line of JSON Lines), "not an object",
  // "missing alertname", "missing start time", "bad timestamp", "unmapped" (no entity).
  std::map<std::string, std::uint64_t> rejected;
  std::vector<std::string> errors;    // the first few, "NAME: line L, column C: ..."
  std::vector<std::string> unmapped;  // label sets of the first few unmapped alerts
  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : rejected) n += count;
    return n;
  }
};

// ParsedAlert: one alert as read, before it is mapped to an entity.
struct ParsedAlert {
  std::string name;
  std::string severity;
  std::string state;
  std::string summary;
  std::string fingerprint;  // as given ("" when none)
  std::int64_t starts_ns = 0;
  std::int64_t ends_ns = 0;  // 0: open
  Attributes labels;         // every label, sorted by key
  Attributes annotations;    // sorted by key
  std::size_t line = 0;      // where the alert object starts (1-based)
};

// ReadAlerts()
//
// Parses one source into alerts, repeats folded, without touching a model; fills `*report`
// (all but `accepted` and the "unmapped" count, which AddAlerts() adds). A record that
// cannot be used is skipped and counted; a bad line of JSON Lines too. Returns
// kInvalidArgument "NAME:LINE:COLUMN: ..." for a document that is not JSON (or whose every
// line is bad), is no alert format, or is not of the named format; kNotFound and the other
// errors of InputSource::ReadAll(); kDataLoss for corrupt compressed data. O(size).
absl::StatusOr<std::vector<ParsedAlert>> ReadAlerts(const InputSource& source,
                                                    const AlertOptions& options,
                                                    AlertReport* report);

// AddAlerts()
//
// ReadAlerts(), then each alert on the entity ResolveEntity() finds for its labels (made a
// member of the alerts subgraph with AddResolvedEntity()); an alert whose labels name no
// entity is counted as rejected "unmapped" and its label set listed. On error the builder
// is unchanged. Errors as ReadAlerts(), plus kFailedPrecondition when an entity id exists
// with another kind. O(size + alerts x labels).
absl::StatusOr<AlertReport> AddAlerts(ModelBuilder& builder, const InputSource& source,
                                      const AlertOptions& options = {});

// AddAlerts() for several sources, in order, one report each. Stops at the first source
// that fails (returning its error); the sources before it stay added.
absl::StatusOr<std::vector<AlertReport>> AddAlerts(ModelBuilder& builder,
                                                   const std::vector<InputSource>& sources,
                                                   const AlertOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_INGEST_ALERTS_H_
