// ModelBuilder::LinkInfrastructure() and AddLinks(): traced entities to IaC resources.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "faultline/iac/linker.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "faultline/model/model_builder.h"
#include "iac/environment_names.h"

namespace faultline {
namespace {

using internal::EndsWith;
using internal::StartsWith;
using internal::StrCat;
using internal::StrContains;

constexpr std::string_view kLinkSet = "iac_traces";

const std::string* Find(const Attributes& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs) {
    if (k == key) return &v;
  }
  return nullptr;
}


// Attributes of a resource that hold an address a client would connect to.
bool IsEndpointKey(std::string_view key) {
  static const auto* const kKeys = new absl::flat_hash_set<std::string_view>{
      "address", "endpoint", "primary_endpoint_address", "reader_endpoint_address",
      "configuration_endpoint_address", "host", "fqdn", "dns_name", "private_ip",
      "private_ip_address", "public_ip", "public_dns", "private_dns", "hostname",
      "connection_name", "cache_nodes.0.address", "ip_address.0.ip_address",
      "private_ip_address.0", "ip_address"};
  if (StartsWith(key, "tf.") || StartsWith(key, "tags.")) return false;  // the common keys
  if (kKeys->contains(key)) return true;
  // Lists of endpoints: ip_address.N.ip_address, cache_nodes.N.address.
  return (StartsWith(key, "ip_address.") && key.size() > 11 && EndsWith(key, ".ip_address")) ||
         (StartsWith(key, "cache_nodes.") && key.size() > 8 && EndsWith(key, ".address"));
}

// "host:port" -> "host".
std::string_view WithoutPort(std::string_view v) {
  const auto colon = v.rfind(':');
  if (colon == std::string_view::npos) return v;
  for (char c : v.substr(colon + 1)) {
    if (c < '0' || c > '9') return v;
  }
  return v.substr(0, colon);
}

bool IsWorkloadType(std::string_view type) {
  static constexpr std::string_view kPrefixes[] = {
      "kubernetes_deployment", "kubernetes_stateful_set", "kubernetes_daemon",
      "aws_ecs_service", "aws_lambda_function", "aws_instance", "google_cloud_run",
      "google_cloudfunctions", "google_compute_instance", "azurerm_linux_web_app",
      "azurerm_container_app", "azurerm_function_app"};
  for (std::string_view p : kPrefixes) {
    if (StartsWith(type, p)) return true;
  }
  return false;
}

bool IsFunctionType(std::string_view type) {
  return StartsWith(type, "aws_lambda_function") || StartsWith(type, "google_cloudfunctions") ||
         StartsWith(type, "google_cloud_run") ||
         (StartsWith(type, "azurerm_") && StrContains(type, "function_app"));
}

// A cloud resource id as comparable text: the service host of a GCP full resource name
// ("//cloudfunctions.googleapis.com/projects/...") dropped, Azure ids (case-insensitive)
// lower-cased.
std::string CanonicalResourceId(std::string_view id) {
  if (StartsWith(id, "//")) {
    const auto slash = id.find('/', 2);
    id = slash == std::string_view::npos ? std::string_view() : id.substr(slash + 1);
  }
  std::string out(id);
  if (StartsWith(out, "/subscriptions/")) {
    absl::AsciiStrToLower(&out);
  }
  return out;
}

bool IsQueueType(std::string_view type) {
  return type == "aws_sqs_queue" || type == "aws_sns_topic" || type == "google_pubsub_topic" ||
         type == "google_pubsub_subscription" || StartsWith(type, "kafka_topic") ||
         type == "aws_msk_topic" || type == "azurerm_servicebus_queue" ||
         type == "azurerm_servicebus_topic";
}

bool IsDatastoreType(std::string_view type) {
  // Groups and settings of a datastore are not the datastore.
  for (std::string_view part : {"_subnet_group", "_parameter_group", "_option_group",
                                "_user", "_snapshot"}) {
    if (StrContains(type, part)) return false;
  }
  return StartsWith(type, "aws_db_instance") || StartsWith(type, "aws_rds_cluster") ||
         StartsWith(type, "aws_elasticache") || StartsWith(type, "aws_dynamodb") ||
         StartsWith(type, "google_sql") || StartsWith(type, "google_redis") ||
         StartsWith(type, "azurerm_postgresql") || StartsWith(type, "azurerm_redis");
}

// Whether a queue resource type can carry a messaging.system ("" matches every type).
bool QueueTypeFitsSystem(std::string_view type, std::string_view system) {
  if (system.empty()) return true;
  if (system == "aws_sqs" || system == "aws.sqs" || system == "sqs") {
    return StartsWith(type, "aws_sqs");
  }
  if (system == "aws_sns" || system == "aws.sns" || system == "sns") {
    return StartsWith(type, "aws_sns");
  }
  if (system == "gcp_pubsub" || system == "gcp.pubsub" || system == "pubsub") {
    return StartsWith(type, "google_pubsub");
  }
  if (system == "kafka") return StartsWith(type, "kafka_") || StartsWith(type, "aws_msk");
  if (system == "servicebus" || system == "azure.servicebus") {
    return StartsWith(type, "azurerm_servicebus");
  }
  return !StartsWith(type, "aws_") && !StartsWith(type, "google_") &&
         !StartsWith(type, "azurerm_");  // a self-hosted broker: not a cloud queue
}

// The names a Kubernetes node of machine resource `type` can have, from one attribute:
//   aws_instance: private_dns ("ip-10-0-1-23.eu-west-1.compute.internal", also its first
//     label), private_ip as the "ip-10-0-1-23" name EKS gives by default, and the
//     instance id (resource-based names "i-0abc....compute.internal");
//   google_compute_instance, azurerm_*_virtual_machine: name, hostname, computer_name;
//   google_container_node_pool: the instance groups' base names ("gke-CLUSTER-POOL-HASH"
//     from ".../instanceGroupManagers/gke-CLUSTER-POOL-HASH-grp"), which its nodes' names
//     extend with "-XXXX".
std::vector<std::string> NodeNamesOf(std::string_view type, std::string_view key,
                                     std::string_view value) {
  std::vector<std::string> out;
  if (type == "aws_instance") {
    if (key == "private_dns" || key == "public_dns") {
      out.emplace_back(value);
      const auto dot = value.find('.');
      if (dot != std::string_view::npos && key == "private_dns") out.emplace_back(value.substr(0, dot));
    } else if (key == "private_ip") {
      std::string name = StrCat("ip-", value);
      std::replace(name.begin(), name.end(), '.', '-');
      out.push_back(std::move(name));
    } else if (key == "id") {
      out.emplace_back(value);
    }
  } else if (type == "google_compute_instance" || (StartsWith(type, "azurerm_") &&
                                                  type.find("virtual_machine") != std::string_view::npos)) {
    if (key == "name" || key == "hostname" || key == "computer_name") out.emplace_back(value);
  } else if (type == "google_container_node_pool" && StartsWith(key, "instance_group_urls.")) {
    const auto slash = value.rfind('/');
    std::string_view group = slash == std::string_view::npos ? value : value.substr(slash + 1);
    if (group.size() > 4 && group.substr(group.size() - 4) == "-grp") {
      out.emplace_back(group.substr(0, group.size() - 4));
    }
  }
  return out;
}

// The keys to look a node name up by, most specific first: the name, its first DNS label,
// and, for a GKE node "gke-CLUSTER-POOL-HASH-XXXX", its instance group "gke-CLUSTER-POOL-HASH".
std::vector<std::string> NodeNameKeys(std::string_view name) {
  std::vector<std::string> keys = {std::string(name)};
  const auto dot = name.find('.');
  if (dot != std::string_view::npos && dot > 0) keys.emplace_back(name.substr(0, dot));
  const auto dash = name.rfind('-');
  if (StartsWith(name, "gke-") && dash != std::string_view::npos) {
    keys.emplace_back(name.substr(0, dash));
  }
  return keys;
}

// Views of the builder's strings: nothing is added to the builder until the indexes are
// done with.
struct Resource {
  EntityId entity;
  std::string_view id;
  std::string_view type;
  const Attributes* attributes;
};
using ResourceIndex = absl::flat_hash_map<std::string_view, std::vector<const Resource*>>;

}  // namespace

LinkReport LinkInfrastructure(ModelBuilder& builder) {
  builder.ClearCrossLinks(kLinkSet);
  LinkReport report;

  // Collect live entities once: IaC resources and traced (non-IaC) entities.
  std::vector<Resource> resources;
  std::vector<EntityId> traced;
  absl::flat_hash_set<EntityId> seen;
  for (const std::string& sg_id : builder.SubgraphIds()) {
    const bool iac = StartsWith(sg_id, "iac/");
    for (EntityId e : builder.SubgraphMembers(*builder.FindSubgraph(sg_id))) {
      if (!seen.insert(e).second) continue;
      const EntityKind kind = builder.EntityKindOf(e);
      if (kind == EntityKind::kIacResource) {
        const std::string* type = Find(builder.EntityAttributes(e), "tf.type");
        if (type != nullptr) {
          resources.push_back({e, builder.EntityIdString(e), *type, &builder.EntityAttributes(e)});
        }
      } else if (!iac && (kind == EntityKind::kService || kind == EntityKind::kDatabase ||
                          kind == EntityKind::kQueue || kind == EntityKind::kExternal ||
                          kind == EntityKind::kInstance || kind == EntityKind::kNode)) {
        traced.push_back(e);
      }
    }
  }

  // Indexes of resources by what rules match on.
  ResourceIndex by_endpoint, by_label, by_queue_name, by_host_id, by_function_name,
      by_env_service;
  // Kubernetes node names -> the machines (or GKE node pools) that are those nodes. Keys
  // are built strings, so they own their storage.
  absl::flat_hash_map<std::string, std::vector<const Resource*>> by_node_name;
  std::map<std::string, std::vector<const Resource*>> by_resource_id;  // canonical ids
  // Kubernetes workloads by "namespace/name", ordered: a service without a namespace may
  // match several, linked in this order.
  std::map<std::string, std::vector<const Resource*>> by_workload_name;
  for (const Resource& r : resources) {
    const std::string* ns = Find(*r.attributes, "metadata.0.namespace");
    const bool workload = IsWorkloadType(r.type);
    const bool kubernetes = StartsWith(r.type, "kubernetes_");
    const bool queue = IsQueueType(r.type);
    const bool host = r.type == "aws_instance" || r.type == "google_compute_instance";
    const bool function = IsFunctionType(r.type);
    for (const auto& [k, v] : *r.attributes) {
      if (v.empty()) continue;
      if (IsEndpointKey(k)) by_endpoint[WithoutPort(v)].push_back(&r);
      if (workload) {
        if (k == "metadata.0.name" && kubernetes) {
          by_workload_name[StrCat(ns ? *ns : std::string(), "/", v)].push_back(&r);
        }
        const bool label =
            k == "metadata.0.labels.app.kubernetes.io/name" || k == "metadata.0.labels.app" ||
            k == "tags.service" || k == "tags.Service" || k == "tags.service.name" ||
            k == "labels.service" || k == "labels.app" || k == "function_name";
        if (label) by_label[v].push_back(&r);
      }
      if (queue && (k == "name" || k == "url" || k == "id" || k == "topic")) {
        const std::string_view name(v);
        const auto slash = name.find_last_of("/:");
        by_queue_name[slash == std::string_view::npos ? name : name.substr(slash + 1)]
            .push_back(&r);
      }
      if (host && (k == "id" || k == "instance_id")) by_host_id[v].push_back(&r);
      for (std::string& name : NodeNamesOf(r.type, k, v)) {
        auto& list = by_node_name[std::move(name)];
        if (list.empty() || list.back() != &r) list.push_back(&r);
      }
      if (function) {
        if (k == "function_name" || k == "name") by_function_name[v].push_back(&r);
        if (k == "arn" || k == "id" || k == "self_link" || k == "qualified_arn") {
          by_resource_id[CanonicalResourceId(v)].push_back(&r);
        }
      }
      if (workload && k == internal::kOtelServiceNameAttribute) by_env_service[v].push_back(&r);
    }
  }

  std::set<EntityId> linked_traced, linked_resources;
  std::set<std::pair<EntityId, EntityId>> made;
  auto link = [&](EntityId from, const std::vector<const Resource*>& to, const char* rule,
                  const std::string& detail) {
    for (const Resource* r : to) {
      // One link per pair, however many of the resource's attributes matched.
      if (!made.emplace(from, r->entity).second) continue;
      CrossLink l{std::string(builder.EntityIdString(from)), std::string(r->id), EdgeKind::kRunsOn,
                  rule, detail};
      if (builder.AddCrossLink(kLinkSet, std::move(l)).ok()) {
        ++report.links_by_rule[rule];
        linked_traced.insert(from);
        linked_resources.insert(r->entity);
      }
    }
  };
  for (EntityId e : traced) {
    const Attributes& attrs = builder.EntityAttributes(e);
    const EntityKind kind = builder.EntityKindOf(e);
    if (kind == EntityKind::kDatabase || kind == EntityKind::kExternal) {
      if (const std::string* address = Find(attrs, "server.address")) {
        auto it = by_endpoint.find(WithoutPort(*address));
        if (it != by_endpoint.end()) {
          link(e, it->second, "endpoint", StrCat("server.address = ", *address));
        }
      }
    } else if (kind == EntityKind::kService) {
      const std::string* deployment = Find(attrs, "k8s.deployment.name");
      const std::string* ns = Find(attrs, "k8s.namespace.name");
      const std::string* name = Find(attrs, "name");
      const std::string workload = deployment ? *deployment : name ? *name : std::string();
      bool matched = false;
      if (!workload.empty()) {
        // With a namespace known, only that namespace; else any namespace.
        for (auto it = by_workload_name.begin(); it != by_workload_name.end(); ++it) {
          const auto slash = it->first.find('/');
          if (it->first.substr(slash + 1) != workload) continue;
          if (ns && it->first.substr(0, slash) != *ns) continue;
          link(e, it->second, "k8s",
               StrCat("deployment ", ns ? *ns + "/" : std::string(), workload));
          matched = true;
        }
      }
      // A function: its cloud.resource_id (exact, or without a version or alias
      // qualifier), else its faas.name.
      if (!matched) {
        if (const std::string* id = Find(attrs, "cloud.resource_id")) {
          std::string canonical = CanonicalResourceId(*id);
          auto it = by_resource_id.find(canonical);
          const auto colon = canonical.rfind(':');
          if (it == by_resource_id.end() && colon != std::string::npos) {
            it = by_resource_id.find(canonical.substr(0, colon));
          }
          if (it != by_resource_id.end()) {
            link(e, it->second, "function", StrCat("cloud.resource_id = ", *id));
            matched = true;
          }
        }
      }
      if (!matched) {
        if (const std::string* faas = Find(attrs, "faas.name")) {
          auto it = by_function_name.find(*faas);
          if (it != by_function_name.end()) {
            link(e, it->second, "function", StrCat("faas.name = ", *faas));
            matched = true;
          }
        }
      }
      // The workload whose environment sets OTEL_SERVICE_NAME to this service's name.
      if (!matched && name) {
        auto it = by_env_service.find(*name);
        if (it != by_env_service.end()) {
          link(e, it->second, "env", StrCat("OTEL_SERVICE_NAME = ", *name));
          matched = true;
        }
      }
      if (!matched && name) {
        auto it = by_label.find(*name);
        if (it != by_label.end()) link(e, it->second, "label", StrCat("service.name = ", *name));
      }
    } else if (kind == EntityKind::kQueue) {
      if (const std::string* dest = Find(attrs, "messaging.destination.name")) {
        auto it = by_queue_name.find(*dest);
        if (it != by_queue_name.end()) {
          const std::string* system = Find(attrs, "messaging.system");
          std::vector<const Resource*> fitting;
          for (const Resource* r : it->second) {
            if (QueueTypeFitsSystem(r->type, system ? *system : std::string())) {
              fitting.push_back(r);
            }
          }
          link(e, fitting, "queue", StrCat("messaging.destination.name = ", *dest));
        }
      }
    } else if (kind == EntityKind::kInstance) {
      if (const std::string* host = Find(attrs, "host.id")) {
        auto it = by_host_id.find(*host);
        if (it != by_host_id.end()) link(e, it->second, "host", StrCat("host.id = ", *host));
      }
    } else if (kind == EntityKind::kNode) {
      // The machine by the node's name (or its address), else by its host.id.
      const std::string_view id = builder.EntityIdString(e);
      const std::string name(id.substr(id.find(':') + 1));
      bool matched = false;
      for (const std::string& key : NodeNameKeys(name)) {
        auto it = by_node_name.find(key);
        if (it == by_node_name.end()) continue;
        link(e, it->second, "node", StrCat("k8s.node.name = ", name));
        matched = true;
        break;
      }
      if (!matched) {
        if (const std::string* host = Find(attrs, "host.id")) {
          auto it = by_host_id.find(*host);
          if (it != by_host_id.end()) link(e, it->second, "node", StrCat("host.id = ", *host));
        }
      }
    }
  }

  for (EntityId e : traced) {
    const EntityKind kind = builder.EntityKindOf(e);
    if (kind == EntityKind::kInstance || kind == EntityKind::kNode || linked_traced.count(e)) {
      continue;
    }
    if (kind == EntityKind::kExternal && builder.EntityIdString(e) == "external:(user)") continue;
    report.unlinked_traced.emplace_back(builder.EntityIdString(e));
  }
  for (const Resource& r : resources) {
    if (linked_resources.count(r.entity)) continue;
    if (IsWorkloadType(r.type) || IsDatastoreType(r.type) || IsQueueType(r.type)) {
      report.unlinked_infrastructure.emplace_back(r.id);
    }
  }
  std::sort(report.unlinked_traced.begin(), report.unlinked_traced.end());
  std::sort(report.unlinked_infrastructure.begin(), report.unlinked_infrastructure.end());
  return report;
}

absl::Status AddLinks(ModelBuilder& builder, const std::vector<MappingLink>& links) {
  std::vector<CrossLink> checked;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const MappingLink& m = links[i];
    if (m.from.empty() || m.to.empty()) {
      return absl::InvalidArgumentError(StrCat("links[", i, "]: empty entity id"));
    }
    auto kind = ParseEdgeKind(m.kind);
    if (!kind.ok()) {
      return absl::InvalidArgumentError(StrCat("links[", i, "].kind: ", kind.status().message()));
    }
    checked.push_back({m.from, m.to, *kind, "mapping", m.detail});
  }
  for (CrossLink& l : checked) FAULTLINE_RETURN_IF_ERROR(builder.AddCrossLink("mapping", std::move(l)));
  return absl::OkStatus();
}

}  // namespace faultline
