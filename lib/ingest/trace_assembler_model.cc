// TraceAssembler: access to the model, cached. Subgraphs, entities, structural edges and
// the statistics containers of edges and entities, each looked up in the builder once, and
// each resource's entities (service, instance, placement) created on its first use
// (Materialize()).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "faultline/internal/str_cat.h"
#include "ingest/trace_assembler.h"

namespace faultline::internal {
namespace {

// A subgraph id segment from a free-form environment name: characters a subgraph id cannot
// hold (space, control, '/') become '_'.
std::string EnvironmentSegment(std::string_view env) {
  std::string out(env);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/') c = '_';
  }
  return out.empty() ? std::string("default") : out;
}

}  // namespace

SubgraphId TraceAssembler::Subgraph(const std::string& id, const std::string& parent,
                                    const char* kind) {
  auto it = subgraphs_.find(id);
  if (it != subgraphs_.end()) return it->second.first;
  SubgraphOptions o;
  o.parent = parent;
  o.kind = kind;
  auto s = builder_->AddSubgraph(id, o);
  if (!s.ok()) {
    Fail(s.status());
    return kNoSubgraph;
  }
  subgraphs_.emplace(id, std::make_pair(*s, builder_->SubgraphVersion(*s)));
  return *s;
}

EntityId TraceAssembler::Entity(SubgraphId subgraph, EntityKind kind, const std::string& id,
                                const Attributes& attributes) {
  if (subgraph == kNoSubgraph) return kInvalidEntity;
  auto e = builder_->AddEntity(subgraph, kind, id, attributes);
  if (!e.ok()) {
    Fail(e.status());
    return kInvalidEntity;
  }
  return *e;
}

void TraceAssembler::Structural(SubgraphId subgraph, EntityId from, EntityId to,
                                EdgeKind kind) {
  if (subgraph == kNoSubgraph || from == kInvalidEntity || to == kInvalidEntity) return;
  Fail(builder_->AddEdge(subgraph, from, to, kind).status());
}

WindowedStats* TraceAssembler::EdgeStats(SubgraphId subgraph, EntityId from, EntityId to,
                                         EdgeKind kind) {
  if (subgraph == kNoSubgraph || from == kInvalidEntity || to == kInvalidEntity) {
    return nullptr;
  }
  const EdgeKey key{from, to, kind, subgraph};
  auto it = edge_stats_.find(key);
  if (it != edge_stats_.end()) return it->second;
  auto ref = builder_->AddEdge(subgraph, from, to, kind);
  if (!ref.ok()) {
    Fail(ref.status());
    return nullptr;
  }
  WindowedStats* stats = &builder_->EdgeStats(*ref);
  edge_stats_.emplace(key, stats);
  return stats;
}

WindowedStats* TraceAssembler::EntityStats(SubgraphId subgraph, EntityId entity) {
  if (subgraph == kNoSubgraph || entity == kInvalidEntity) return nullptr;
  const std::uint64_t key = Pack(subgraph, entity);
  auto it = entity_stats_.find(key);
  if (it != entity_stats_.end()) return it->second;
  WindowedStats* stats = &builder_->EntityStats(subgraph, entity);
  entity_stats_.emplace(key, stats);
  return stats;
}

TraceAssembler::ResourceState& TraceAssembler::Materialize(std::uint32_t resource) {
  ResourceState& r = resources_[resource];
  if (r.materialized) return r;
  r.materialized = true;
  const ResourceInfo& info = r.info;
  const std::string env = !options_.environment.empty() ? options_.environment
                          : !info.environment.empty()   ? info.environment
                                                        : std::string("default");
  const std::string root = StrCat("traces/", EnvironmentSegment(env));
  r.traces = Subgraph(root, "", "traces");
  if (options_.operations) r.operations = Subgraph(root + "/operations", root, "operations");
  if (options_.placement) r.placement = Subgraph(root + "/placement", root, "placement");

  r.service_name = !info.service.empty()    ? info.service
                   : !info.deployment.empty() ? info.deployment
                   : !info.pod.empty()        ? std::string(DeploymentFromPodName(info.pod))
                                              : std::string("unknown_service");
  Attributes service_attrs = {{"name", r.service_name}};
  if (!info.service_namespace.empty()) {
    service_attrs.emplace_back("service.namespace", info.service_namespace);
  }
  // Kubernetes identity, for linking the service to its workload in IaC.
  if (!info.deployment.empty()) service_attrs.emplace_back("k8s.deployment.name", info.deployment);
  if (!info.k8s_namespace.empty()) {
    service_attrs.emplace_back("k8s.namespace.name", info.k8s_namespace);
  }
  if (!info.cluster.empty()) service_attrs.emplace_back("k8s.cluster.name", info.cluster);
  // A function's identity, for linking the service to its function in IaC.
  if (!info.faas_name.empty()) service_attrs.emplace_back("faas.name", info.faas_name);
  if (!info.cloud_resource_id.empty()) {
    service_attrs.emplace_back("cloud.resource_id", info.cloud_resource_id);
  }
  r.service = Entity(r.traces, EntityKind::kService, "service:" + r.service_name, service_attrs);

  const std::string instance = !info.instance.empty() ? info.instance
                               : !info.pod.empty()    ? info.pod
                                                      : info.host;
  EntityId bottom = r.service;
  if (!instance.empty()) {
    Attributes attrs = {{"service", r.service_name}};
    if (!info.pod.empty()) attrs.emplace_back("k8s.pod.name", info.pod);
    if (!info.host.empty()) attrs.emplace_back("host.name", info.host);
    if (!info.host_id.empty()) attrs.emplace_back("host.id", info.host_id);
    r.instance = Entity(r.traces, EntityKind::kInstance,
                        StrCat("instance:", r.service_name, "/", instance), attrs);
    Structural(r.traces, r.service, r.instance, EdgeKind::kRunsOn);
    r.instance_stats = EntityStats(r.traces, r.instance);
    bottom = r.instance;
  }
  r.service_stats = EntityStats(r.traces, r.service);
  if (r.placement == kNoSubgraph) return r;
  const SubgraphId p = r.placement;
  const std::string& node_name = !info.node.empty() ? info.node : info.host;
  EntityId node = kInvalidEntity;
  if (!node_name.empty()) {
    Attributes attrs = {{"name", node_name}};
    if (!info.host_id.empty()) attrs.emplace_back("host.id", info.host_id);
    node = Entity(p, EntityKind::kNode, "node:" + node_name, attrs);
    Structural(p, bottom, node, EdgeKind::kRunsOn);
  }
  const EntityId above = node != kInvalidEntity ? node : bottom;
  EntityId zone = kInvalidEntity;
  if (!info.zone.empty()) {
    zone = Entity(p, EntityKind::kZone, "zone:" + info.zone, {{"name", info.zone}});
    Structural(p, above, zone, EdgeKind::kRunsOn);
  }
  if (!info.region.empty()) {
    const EntityId region =
        Entity(p, EntityKind::kRegion, "region:" + info.region, {{"name", info.region}});
    Structural(p, zone != kInvalidEntity ? zone : above, region, EdgeKind::kRunsOn);
  }
  if (!info.cluster.empty()) {
    const EntityId cluster =
        Entity(p, EntityKind::kCluster, "cluster:" + info.cluster, {{"name", info.cluster}});
    Structural(p, above, cluster, EdgeKind::kRunsOn);
  }
  if (!info.k8s_namespace.empty()) {
    const std::string id = info.cluster.empty()
                               ? StrCat("namespace:", info.k8s_namespace)
                               : StrCat("namespace:", info.cluster, "/", info.k8s_namespace);
    const EntityId ns =
        Entity(p, EntityKind::kNamespace, id, {{"name", info.k8s_namespace}});
    Structural(p, ns, bottom, EdgeKind::kContains);
  }
  return r;
}

}  // namespace faultline::internal
