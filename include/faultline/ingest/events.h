// faultline/ingest/events.h
//
// Change events into the model: deploys, config changes, restarts, OOM kills, failed
// scheduling and the like, each a ChangeEvent (model/signal_stats.h) on the entity it
// happened to, in subgraph "events/default" (kind "events"; EventOptions::subgraph to
// override), accumulating across calls. (Terraform serial changes are recorded by the IaC
// loader itself: iac/terraform_graph.h.)
//
// Formats (detected from the content unless named; gzip and zstd read transparently):
//   kubernetes  `kubectl get events -o json`: {"items": [{"involvedObject": {"kind", "name",
//               "namespace"}, "reason", "message", "type": "Normal" | "Warning", "count",
//               "firstTimestamp", "lastTimestamp", "eventTime", "source": {"component",
//               "host"}}]}; also a single Event, JSON Lines of them (`kubectl get events -w
//               -o json`), and the events.k8s.io/v1 spelling ("regarding", "note",
//               "deprecatedCount", "deprecatedFirstTimestamp", "deprecatedLastTimestamp",
//               "series": {"count", "lastObservedTime"}).
//   json        a JSON list (or JSON Lines) of changes: [{"time", "entity" | "service" |
//               "labels": {...}, "kind", "detail"}], field names per EventFields; "end",
//               "reason", "count" and "warning" are optional; any other top-level scalar
//               ("pod": ..., "namespace": ..., "version": ...) is read as a label.
//
// Kubernetes objects -> entities, through ResolveEntity() with labels made from the object
// under the mapping's first key of each list: a Pod -> its instance (pod and namespace
// labels; the service from the pod name, ServiceOfPod(); the node from source.host when the
// kubelet reported it); a Node -> node:NAME; a Deployment, StatefulSet, DaemonSet, Job,
// CronJob, Service or HorizontalPodAutoscaler -> service:NAME, and a ReplicaSet ->
// service:NAME without its pod-template-hash suffix ("frontend-579b9bff58" -> "frontend").
// Other kinds map to nothing (counted "unmapped", listed).
//
// Kubernetes reasons -> ChangeEvent::kind (EventKindOfReason()): BackOff -> backoff,
// OOMKilling / OOMKilled -> oom_killed, Killing -> killing, Unhealthy -> unhealthy,
// FailedScheduling -> failed_scheduling, NodeNotReady -> node_not_ready, Evicted ->
// evicted, ScalingReplicaSet -> scaling (a rollout); Started, Created and Pulled -> restart
// when the event counts more than one occurrence (a container of the pod started again),
// else started / created / pulled; a reason naming a restart or reboot ("Restarted",
// "Rebooted", "NodeRebooted") -> restart; any other reason lowercased. Warning type ->
// warning = true.
//
// A JSON change's kind is lower_snake_case ("Config Change" and "config-change" ->
// "config_change"), EventOptions::default_kind ("deploy") when absent; its reason is the
// "reason" field, else the kind as given.
#ifndef FAULTLINE_INGEST_EVENTS_H_
#define FAULTLINE_INGEST_EVENTS_H_

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
#include "faultline/model/signal_stats.h"

namespace faultline {

// EventFormat
enum class EventFormat : std::uint8_t {
  kAuto = 0,
  kKubernetes,  // Kubernetes Event objects
  kJson,        // a list of deploys and config changes
};

// EventFormatName(): "auto", "kubernetes", "json".
std::string_view EventFormatName(EventFormat format);
// ParseEventFormat(): the inverse ("" is auto); kInvalidArgument naming the choices.
absl::StatusOr<EventFormat> ParseEventFormat(std::string_view name);

// EventFields: the field names of a JSON change record. An empty name is an absent field.
struct EventFields {
  std::string time = "time";        // required: RFC 3339 or a Unix epoch
  std::string end = "end";          // last occurrence
  std::string entity = "entity";    // a canonical entity id ("service:checkout")
  std::string service = "service";  // a service name
  std::string labels = "labels";    // an object of labels
  std::string kind = "kind";
  std::string reason = "reason";
  std::string detail = "detail";
  std::string count = "count";
  std::string warning = "warning";  // a boolean
};

// EventOptions
struct EventOptions {
  // kAuto: each record tells its format. A named format must match the content.
  EventFormat format = EventFormat::kAuto;
  EventFields fields;
  LabelMapping labels;                   // labels -> entity
  std::string default_kind = "deploy";   // a JSON change without a kind
  std::string subgraph;                  // "" -> "events/default"
  std::size_t max_error_messages = 10;
  std::size_t max_unmapped_listed = 10;
};

// EventReport: the accounting of one source. read == accepted + rejected_total().
struct EventReport {
  std::string source;
  EventFormat format = EventFormat::kAuto;  // as detected (the first record's)
  std::string subgraph;
  std::uint64_t read = 0;
  std::uint64_t accepted = 0;
  // reason -> count: "malformed JSON" (a bad line of JSON Lines), "not an object",
  // "missing time", "bad timestamp", "unmapped" (no entity).
  std::map<std::string, std::uint64_t> rejected;
  std::map<std::string, std::uint64_t> by_kind;  // accepted events per kind
  std::vector<std::string> errors;    // the first few, "NAME: line L, column C: ..."
  std::vector<std::string> unmapped;  // the first few unmapped records' labels
  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& [reason, count] : rejected) n += count;
    return n;
  }
};

// ParsedEvent: one change as read, before it is mapped to an entity.
struct ParsedEvent {
  ChangeEvent event;    // source set to the source's name
  Attributes labels;    // what names its entity, sorted by key
  std::string object;   // Kubernetes: "Kind/namespace/name" ("" for JSON changes)
  std::size_t line = 0;
};

// EventKindOfReason(): a Kubernetes reason as a ChangeEvent kind (see above); `count` is
// the event's occurrence count.
std::string EventKindOfReason(std::string_view reason, std::uint64_t count);

// ReplicaSetOwner(): a ReplicaSet's name without its pod-template-hash suffix (6 to 10
// characters of the hash alphabet "bcdfghjklmnpqrstvwxz2456789"); the name itself when it
// has none.
std::string ReplicaSetOwner(std::string_view name);

// ReadEvents()
//
// Parses one source into changes without touching a model; fills `*report` (all but
// `accepted`, `by_kind` and the "unmapped" count). A record that cannot be used is skipped
// and counted; a bad line of JSON Lines too. Returns kInvalidArgument
// "NAME:LINE:COLUMN: ..." for a document that is not JSON (or whose every line is bad), is
// no event format, or is not of the named format; the errors of InputSource::ReadAll();
// kDataLoss for corrupt compressed data. O(size).
absl::StatusOr<std::vector<ParsedEvent>> ReadEvents(const InputSource& source,
                                                    const EventOptions& options,
                                                    EventReport* report);

// AddEvents()
//
// ReadEvents(), then each change on the entity ResolveEntity() finds for its labels (made
// a member of the events subgraph with AddResolvedEntity()); a change that names no entity
// is counted as rejected "unmapped" and listed. On error the builder is unchanged. Errors
// as ReadEvents(), plus kFailedPrecondition when an entity id exists with another kind.
// O(size + events x labels).
absl::StatusOr<EventReport> AddEvents(ModelBuilder& builder, const InputSource& source,
                                      const EventOptions& options = {});

// AddEvents() for several sources, in order, one report each. Stops at the first source
// that fails (returning its error); the sources before it stay added.
absl::StatusOr<std::vector<EventReport>> AddEvents(ModelBuilder& builder,
                                                   const std::vector<InputSource>& sources,
                                                   const EventOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_INGEST_EVENTS_H_
