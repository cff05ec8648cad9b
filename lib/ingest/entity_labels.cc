// ResolveEntity(), ServiceOfPod() and AddResolvedEntity(): labels -> entity.
#include "faultline/ingest/entity_labels.h"

#include <algorithm>
#include <cctype>

#include "faultline/internal/status_macros.h"

namespace faultline {
namespace {

// The value of the first key of `keys` present (non-empty) in `labels`, with its key.
const std::pair<std::string, std::string>* First(const Attributes& labels,
                                                 const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    for (const auto& kv : labels) {
      if (kv.first == key && !kv.second.empty()) return &kv;
    }
  }
  return nullptr;
}

bool IsLowerAlnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  });
}

// The kind a canonical id's prefix names ("tf:" is an IaC resource).
std::optional<EntityKind> KindOfCanonicalId(std::string_view id) {
  const std::size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size()) return std::nullopt;
  const std::string_view prefix = id.substr(0, colon);
  if (prefix == "tf") return EntityKind::kIacResource;
  auto kind = ParseEntityKind(prefix);
  if (!kind.ok()) return std::nullopt;
  return *kind;
}

std::string WithoutPort(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']') == std::string_view::npos &&
      host.find(':') == colon) {
    const std::string_view port = host.substr(colon + 1);
    if (!port.empty() && std::all_of(port.begin(), port.end(),
                                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return std::string(host.substr(0, colon));
    }
  }
  return std::string(host);
}

}  // namespace

std::string FormatLabels(const Attributes& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string ServiceOfPod(std::string_view pod) {
  const std::size_t last = pod.rfind('-');
  if (last == std::string_view::npos || last == 0) return std::string(pod);
  const std::string_view tail = pod.substr(last + 1);
  const std::string_view rest = pod.substr(0, last);
  const std::size_t second = rest.rfind('-');
  // Deployment pods: NAME-<pod-template-hash: 6-10 lower alnum>-<5 lower alnum>.
  if (second != std::string_view::npos && second > 0 && tail.size() == 5 && IsLowerAlnum(tail)) {
    const std::string_view hash = rest.substr(second + 1);
    if (hash.size() >= 6 && hash.size() <= 10 && IsLowerAlnum(hash)) {
      return std::string(rest.substr(0, second));
    }
  }
  // StatefulSet ordinals (NAME-0) and DaemonSet / bare ReplicaSet pods (NAME-<5 alnum>).
  const bool ordinal = !tail.empty() && std::all_of(tail.begin(), tail.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  if (ordinal || (tail.size() == 5 && IsLowerAlnum(tail))) return std::string(rest);
  return std::string(pod);
}

std::optional<ResolvedEntity> ResolveEntity(const Attributes& labels, const LabelMapping& m) {
  ResolvedEntity r;
  auto note = [&r](const std::pair<std::string, std::string>* kv) {
    if (kv != nullptr) r.matched.push_back(*kv);
  };
  const auto* node = First(labels, m.node);
  if (node != nullptr) r.node = node->second;
  auto finish = [&]() {
    std::sort(r.matched.begin(), r.matched.end());
    r.matched.erase(std::unique(r.matched.begin(), r.matched.end()), r.matched.end());
    return std::optional<ResolvedEntity>(std::move(r));
  };

  if (!m.entity.empty()) {
    for (const auto& kv : labels) {
      if (kv.first != m.entity || kv.second.empty()) continue;
      const auto kind = KindOfCanonicalId(kv.second);
      if (!kind) return std::nullopt;
      r.kind = *kind;
      r.id = kv.second;
      note(&kv);
      return finish();
    }
  }
  const auto* service = First(labels, m.service);
  const auto* pod = First(labels, m.pod);
  const auto* service_instance = First(labels, m.service_instance);
  if (pod != nullptr || service_instance != nullptr) {
    const auto* which = pod != nullptr ? pod : service_instance;
    r.kind = EntityKind::kInstance;
    r.service = service != nullptr ? service->second
                : pod != nullptr   ? ServiceOfPod(pod->second)
                                   : std::string();
    if (r.service.empty()) {
      const auto* weak = First(labels, m.weak_service);
      if (weak == nullptr) return std::nullopt;
      r.service = weak->second;
      note(weak);
    }
    r.id = "instance:" + r.service + "/" + which->second;
    note(which);
    note(service);
    note(First(labels, m.k8s_namespace));
    note(node);
    return finish();
  }
  if (service != nullptr) {
    r.kind = EntityKind::kService;
    r.id = "service:" + service->second;
    note(service);
    return finish();
  }
  if (const auto* db = First(labels, m.database)) {
    r.kind = EntityKind::kDatabase;
    r.id = "database:" + db->second;
    note(db);
    return finish();
  }
  if (const auto* q = First(labels, m.queue)) {
    r.kind = EntityKind::kQueue;
    r.id = "queue:" + q->second;
    note(q);
    return finish();
  }
  if (node != nullptr) {
    r.kind = EntityKind::kNode;
    r.id = "node:" + node->second;
    r.node.clear();
    note(node);
    return finish();
  }
  if (const auto* weak = First(labels, m.weak_service)) {
    r.kind = EntityKind::kService;
    r.id = "service:" + weak->second;
    note(weak);
    return finish();
  }
  if (const auto* weak = First(labels, m.weak_node)) {
    r.kind = EntityKind::kNode;
    r.id = "node:" + WithoutPort(weak->second);
    note(weak);
    return finish();
  }
  if (const auto* zone = First(labels, m.zone)) {
    r.kind = EntityKind::kZone;
    r.id = "zone:" + zone->second;
    note(zone);
    return finish();
  }
  if (const auto* region = First(labels, m.region)) {
    r.kind = EntityKind::kRegion;
    r.id = "region:" + region->second;
    note(region);
    return finish();
  }
  return std::nullopt;
}

absl::StatusOr<EntityId> AddResolvedEntity(ModelBuilder& builder, SubgraphId subgraph,
                                           const ResolvedEntity& entity) {
  FAULTLINE_ASSIGN_OR_RETURN(const EntityId id, builder.AddEntity(subgraph, entity.kind, entity.id));
  if (entity.kind == EntityKind::kInstance && !entity.service.empty()) {
    FAULTLINE_ASSIGN_OR_RETURN(
        const EntityId service,
        builder.AddEntity(subgraph, EntityKind::kService, "service:" + entity.service));
    FAULTLINE_RETURN_IF_ERROR(builder.AddEdge(subgraph, service, id, EdgeKind::kRunsOn).status());
  }
  if (!entity.node.empty() && entity.kind == EntityKind::kInstance) {
    FAULTLINE_ASSIGN_OR_RETURN(
        const EntityId node,
        builder.AddEntity(subgraph, EntityKind::kNode, "node:" + entity.node,
                          {{"name", entity.node}}));
    FAULTLINE_RETURN_IF_ERROR(builder.AddEdge(subgraph, id, node, EdgeKind::kRunsOn).status());
  }
  return id;
}

}  // namespace faultline
