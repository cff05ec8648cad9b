// faultline/ingest/entity_labels.h
//
// Labels -> entity: the one identity rule every signal reader (metrics, logs, alerts,
// events) applies, so a Prometheus series, an alert and a log record of the same pod land
// on the same entity as that pod's spans ("instance:SERVICE/POD", "service:NAME",
// "node:NAME", ...; see ingest/traces.h for the ids traces make).
//
// Precedence, first match wins:
//   1. the entity label (default "entity") holding a canonical id ("service:checkout");
//   2. a pod label -> instance "instance:SERVICE/POD", SERVICE from a strong service label or
//      else the pod name without its ReplicaSet and pod hash suffixes
//      ("frontend-579b9bff58-t2dbm" -> "frontend"); a service instance id label likewise;
//   3. a strong service label (service.name, service, app, ...) -> "service:NAME";
//   4. a database label -> "database:NAME"; a queue label -> "queue:NAME";
//   5. a node label (node, k8s.node.name, host.name, ...) -> "node:NAME";
//   6. a weak service label (job) -> "service:NAME";
//   7. a weak node label (instance, without its ":port") -> "node:NAME";
//   8. a zone label -> "zone:NAME"; a region label -> "region:NAME".
// Every list is configurable (LabelMapping); label keys compare exactly.
#ifndef FAULTLINE_INGEST_ENTITY_LABELS_H_
#define FAULTLINE_INGEST_ENTITY_LABELS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/model/entity.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// LabelMapping: which label keys name which part of an entity.
struct LabelMapping {
  std::string entity = "entity";
  std::vector<std::string> pod = {"pod", "k8s.pod.name", "pod_name", "kubernetes_pod_name",
                                  "PodName"};
  std::vector<std::string> service_instance = {"service.instance.id"};
  std::vector<std::string> service = {"service.name", "service", "service_name",
                                      "app.kubernetes.io/name", "app", "k8s.deployment.name",
                                      "deployment"};
  std::vector<std::string> k8s_namespace = {"namespace", "k8s.namespace.name",
                                            "kubernetes_namespace"};
  std::vector<std::string> database = {"db.namespace", "db.name", "database", "datname", "db"};
  std::vector<std::string> queue = {"messaging.destination.name", "topic", "queue"};
  std::vector<std::string> node = {"node", "k8s.node.name", "host.name", "hostname",
                                   "kubernetes_node", "Node"};
  std::vector<std::string> weak_service = {"job"};
  std::vector<std::string> weak_node = {"instance"};
  std::vector<std::string> zone = {"zone", "cloud.availability_zone",
                                   "topology.kubernetes.io/zone", "availability_zone"};
  std::vector<std::string> region = {"region", "cloud.region", "topology.kubernetes.io/region"};
};

// ResolvedEntity: what a label set names.
struct ResolvedEntity {
  EntityKind kind = EntityKind::kService;
  std::string id;                // canonical id
  std::string service;           // for an instance: its service (the instance runs it)
  std::string node;              // a node label seen beside, for placement ("" if none)
  Attributes matched;            // the labels that made the match, sorted by key
};

// ResolveEntity()
//
// The entity `labels` name under `mapping`, or nullopt when no rule applies. An "entity"
// label that is not a canonical id of a known kind also gives nullopt. O(labels x keys).
std::optional<ResolvedEntity> ResolveEntity(const Attributes& labels,
                                            const LabelMapping& mapping = {});

// FormatLabels(): `labels` in Prometheus' notation, `{k="v",k2="v2"}`, in the given order,
// with `"`, `\` and newlines escaped (for reports of what mapped to no entity).
std::string FormatLabels(const Attributes& labels);

// ServiceOfPod(): the Deployment name of a pod name: without a trailing "-<hash>-<id>"
// (Deployment) or "-<id>" (StatefulSet ordinal, DaemonSet) suffix; the name itself when
// neither shape matches.
std::string ServiceOfPod(std::string_view pod);

// AddResolvedEntity()
//
// Makes `entity` a member of `subgraph` (and its service and node, with the runs_on edges
// service -> instance -> node that traces make), returning the entity's id. Errors as
// ModelBuilder::AddEntity() (kFailedPrecondition when the id exists with another kind).
absl::StatusOr<EntityId> AddResolvedEntity(ModelBuilder& builder, SubgraphId subgraph,
                                           const ResolvedEntity& entity);

}  // namespace faultline

#endif  // FAULTLINE_INGEST_ENTITY_LABELS_H_
