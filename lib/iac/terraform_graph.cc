// ModelBuilder::AddTerraformState(): a parsed state becomes a stack subgraph, nested module
// subgraphs, dependency and placement edges, remote-state links and change events. The
// whole plan is computed before the builder is touched, so a failure changes nothing.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_state.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/model/model_builder.h"
#include "iac/placement_rules.h"

namespace faultline {
namespace {

using internal::StrCat;

constexpr std::string_view kRemoteStateSet = "terraform_remote_state/";
constexpr std::string_view kPlacementSet = "terraform_placement/";
constexpr std::string_view kPendingRemote = "remote_state.";  // subgraph attribute prefix

std::string StackFromName(const std::string& name) {
  std::string path = name;
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
  if (base == "terraform.tfstate" && !dir.empty()) {
    const auto s2 = dir.find_last_of('/');
    return s2 == std::string::npos ? dir : dir.substr(s2 + 1);
  }
  const auto dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base.empty() ? std::string("default") : base;
}

// A subgraph id segment: characters an id cannot hold become '_'.
std::string Segment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '"') c = '_';
  }
  return out;
}

const std::string* Find(const Attributes& attrs, std::string_view key) {
  for (const auto& [k, v] : attrs) {
    if (k == key) return &v;
  }
  return nullptr;
}

// The backend address a terraform_remote_state data source reads, or "".
std::string RemoteStateAddress(const Attributes& attrs) {
  auto get = [&](std::string_view key) -> std::string {
    for (const char* prefix : {"config.", "config.value."}) {
      if (const std::string* v = Find(attrs, StrCat(prefix, key))) return *v;
    }
    return {};
  };
  const std::string* backend = Find(attrs, "backend");
  if (backend == nullptr) return {};
  if (*backend == "s3") return StrCat("s3://", get("bucket"), "/", get("key"));
  if (*backend == "gcs") return StrCat("gcs://", get("bucket"), "/", get("prefix"));
  if (*backend == "azurerm") {
    return StrCat("azurerm://", get("storage_account_name"), "/", get("container_name"), "/",
                  get("key"));
  }
  if (*backend == "remote" || *backend == "cloud") {
    return StrCat("remote://", get("organization"), "/", get("workspaces.name"));
  }
  if (*backend == "local") return StrCat("local://", get("path"));
  return StrCat(*backend, "://");
}

struct PlannedEntity {
  std::string id;
  EntityKind kind;
  std::string subgraph;  // subgraph id
  Attributes attributes;
  bool replace_attributes;  // tf entities own their attributes; zones merge
};

struct PlannedEdge {
  std::string from, to;
  EdgeKind kind;
  std::string subgraph;
};

// (type, key, value) of a resource instance entity, for placement references.
struct RefKey {
  std::string key;
  std::string value;
  bool operator<(const RefKey& o) const {
    return key != o.key ? key < o.key : value < o.value;
  }
};

}  // namespace

absl::StatusOr<TerraformReport> ModelBuilder::AddTerraformState(const InputSource& source,
                                                                const TerraformOptions& options) {
  FAULTLINE_ASSIGN_OR_RETURN(TerraformState state, ParseTerraformState(source));
  TerraformReport report;
  report.stack = options.stack.empty() ? StackFromName(source.name()) : options.stack;
  const std::string stack = Segment(report.stack);
  report.subgraph = StrCat("iac/", stack);
  report.serial = state.serial;
  report.attributes_dropped = state.attributes_dropped;
  report.sensitive_attributes_dropped = state.sensitive_attributes_dropped;
  report.warnings = state.warnings;
  const std::string stack_entity = StrCat("stack:", stack);
  auto tf_id = [&](std::string_view address) { return StrCat("tf:", stack, ":", address); };
  auto module_subgraph = [&](std::string_view module) {
    if (module.empty()) return report.subgraph;
    return StrCat(report.subgraph, "/", Segment(module));
  };

  // --- Entities: stack, modules (nested), instances -------------------------------------
  std::vector<PlannedEntity> entities;
  std::vector<PlannedEdge> edges;
  std::vector<std::pair<std::string, std::string>> module_subgraphs;  // (id, parent id)
  std::set<std::string> modules_seen;
  entities.push_back({stack_entity, EntityKind::kStack, report.subgraph,
                      {{"name", report.stack}}, true});
  auto add_module = [&](const std::string& module) {
    // "module.a.module.b" -> modules "module.a" and "module.a.module.b", nested.
    std::string prefix;
    std::size_t pos = 0;
    while (pos < module.size()) {
      std::size_t next = module.find(".module.", pos);
      if (next == std::string::npos) next = module.size();
      const std::string parent = prefix;
      prefix = module.substr(0, next);
      pos = next == module.size() ? next : next + 1;
      if (!modules_seen.insert(prefix).second) continue;
      module_subgraphs.emplace_back(module_subgraph(prefix), module_subgraph(parent));
      entities.push_back({tf_id(prefix), EntityKind::kIacModule, module_subgraph(prefix),
                          {{"tf.module", prefix}}, true});
      edges.push_back({parent.empty() ? stack_entity : tf_id(parent), tf_id(prefix),
                       EdgeKind::kContains, module_subgraph(prefix)});
    }
  };

  absl::flat_hash_map<std::string, const TerraformResource*> by_address;
  std::map<RefKey, std::vector<std::string>> ref_index;  // this stack's instances
  for (const TerraformResource& r : state.resources) {
    by_address.emplace(r.address, &r);
    if (!r.module.empty()) add_module(r.module);
    (r.mode == "data" ? report.data_sources : report.resources)++;
    for (const TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;  // the object being replaced, not the resource
      Attributes attrs = inst.attributes;
      attrs.emplace_back("tf.type", r.type);
      attrs.emplace_back("tf.name", r.name);
      attrs.emplace_back("tf.mode", r.mode);
      attrs.emplace_back("tf.provider", r.provider);
      attrs.emplace_back("tf.address", inst.address);
      if (!r.module.empty()) attrs.emplace_back("tf.module", r.module);
      if (!inst.status.empty()) attrs.emplace_back("tf.status", inst.status);
      std::sort(attrs.begin(), attrs.end());
      const std::string id = tf_id(inst.address);
      for (const auto& [k, v] : inst.attributes) {
        ref_index[{StrCat(r.type, "|", k), v}].push_back(id);
      }
      entities.push_back({id, EntityKind::kIacResource, module_subgraph(r.module), attrs, true});
      edges.push_back({r.module.empty() ? stack_entity : tf_id(r.module), id,
                       EdgeKind::kContains, module_subgraph(r.module)});
      ++report.instances;
    }
  }

  // --- Dependencies: transitive sets reduced to direct edges, fanned out to instances --
  auto instances_of = [&](const std::string& address) {
    std::vector<std::string> out;
    auto it = by_address.find(internal::ToAbsl(address));
    if (it != by_address.end()) {
      for (const TerraformInstance& i : it->second->instances) {
        if (!i.deposed) out.push_back(tf_id(i.address));
      }
      return out;
    }
    // An instance address (OpenTofu's instance depends_on): its resource must be here.
    const auto bracket = address.find('[');
    if (bracket != std::string::npos &&
        by_address.contains(internal::ToAbsl(address.substr(0, bracket)))) {
      out.push_back(tf_id(address));
    }
    return out;
  };
  std::set<std::pair<std::string, std::string>> dependency_pairs;
  for (const TerraformResource& r : state.resources) {
    std::set<std::string> present;
    for (const std::string& d : r.depends_on) {
      if (by_address.contains(internal::ToAbsl(d))) {
        present.insert(d);
      } else {
        report.dangling_dependencies.push_back(StrCat(r.address, " -> ", d));
      }
    }
    std::vector<std::string> direct;
    for (const std::string& d : present) {
      bool implied = false;
      for (const std::string& x : present) {
        if (x == d) continue;
        const auto& xdeps = by_address.at(internal::ToAbsl(x))->depends_on;
        if (std::find(xdeps.begin(), xdeps.end(), d) != xdeps.end()) {
          implied = true;
          break;
        }
      }
      if (implied) {
        ++report.transitive_dependencies_removed;
      } else {
        direct.push_back(d);
      }
    }
    for (const TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;
      const std::string from = tf_id(inst.address);
      std::vector<std::string> targets;
      if (!inst.instance_depends_on.empty()) {  // precise, when the state has it
        for (const std::string& d : inst.instance_depends_on) {
          for (std::string& t : instances_of(d)) targets.push_back(std::move(t));
        }
      } else {
        for (const std::string& d : direct) {
          for (std::string& t : instances_of(d)) targets.push_back(std::move(t));
        }
      }
      for (const std::string& to : targets) {
        if (to != from && dependency_pairs.emplace(from, to).second) {
          edges.push_back({from, to, EdgeKind::kDependsOn, module_subgraph(r.module)});
        }
      }
    }
  }
  report.dependency_edges = dependency_pairs.size();

  // --- Other loaded stacks: their instances (for references) and backends ---------------
  struct OtherEntity {
    std::string id;
    std::string stack;
    const Attributes* attributes;
  };
  std::vector<OtherEntity> others;
  std::map<RefKey, std::vector<std::pair<std::string, std::string>>> other_index;  // id, stack
  std::map<std::string, std::string> backend_stack;  // backend address -> stack name
  for (const std::string& sg_id : SubgraphIds()) {
    if (sg_id.rfind("iac/", 0) != 0) continue;
    const std::string rest = sg_id.substr(4);
    const std::string other_stack = rest.substr(0, rest.find('/'));
    if (other_stack == stack) continue;
    const SubgraphId sg = *FindSubgraph(sg_id);
    if (rest.find('/') == std::string::npos) {
      if (const std::string* b = Find(SubgraphAttributes(sg), "backend")) {
        backend_stack[*b] = other_stack;
      }
    }
    for (EntityId e : SubgraphMembers(sg)) {
      if (EntityKindOf(e) != EntityKind::kIacResource) continue;
      const Attributes& attrs = EntityAttributes(e);
      const std::string* type = Find(attrs, "tf.type");
      if (type == nullptr) continue;
      others.push_back({std::string(EntityIdString(e)), other_stack, &attrs});
      for (const auto& [k, v] : attrs) {
        if (k.rfind("tf.", 0) == 0 || k.rfind("iac.", 0) == 0) continue;
        other_index[{StrCat(*type, "|", k), v}].emplace_back(std::string(EntityIdString(e)),
                                                            other_stack);
      }
    }
  }

  // --- Placement from the rule table ------------------------------------------------------
  std::vector<CrossLink> placement_links;                         // from this stack
  std::vector<std::pair<std::string, CrossLink>> inbound_links;   // (their stack, link)
  std::set<std::string> places;  // zone and region entities planned
  auto place = [&](const std::string& from, const std::string& subgraph, EntityKind kind,
                   const std::string& name) {
    const std::string id = StrCat(kind == EntityKind::kZone ? "zone:" : "region:", name);
    if (places.insert(id).second) {
      entities.push_back({id, kind, report.subgraph, {{"name", name}}, false});
    }
    edges.push_back({from, id, EdgeKind::kRunsOn, subgraph});
    ++report.placement_edges;
    if (kind == EntityKind::kZone) {
      const std::string_view region = internal::RegionOfZone(name);
      if (!region.empty()) {
        const std::string rid = StrCat("region:", region);
        if (places.insert(rid).second) {
          entities.push_back({rid, EntityKind::kRegion, report.subgraph,
                              {{"name", std::string(region)}}, false});
        }
        edges.push_back({id, rid, EdgeKind::kRunsOn, report.subgraph});
      }
    }
  };
  // Finds the targets of a resource rule among `index` entries.
  auto targets = [&](const internal::PlacementRule& rule, const std::string& value,
                     const auto& index) {
    std::vector<typename std::decay_t<decltype(index)>::mapped_type::value_type> out;
    for (auto it = index.lower_bound({std::string(rule.target_type), ""}); it != index.end();
         ++it) {
      const std::string& key = it->first.key;
      if (key.compare(0, rule.target_type.size(), rule.target_type) != 0) break;
      const auto bar = key.find('|');
      if (bar == std::string::npos || key.substr(bar + 1) != rule.target_key ||
          it->first.value != value) {
        continue;
      }
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  };
  auto apply_rules = [&](const std::string& type, const Attributes& attrs, auto&& on_zone,
                         auto&& on_region, auto&& on_resource) {
    for (const internal::PlacementRule& rule : internal::PlacementRules()) {
      if (type.compare(0, rule.type_prefix.size(), rule.type_prefix) != 0) continue;
      for (const auto& [k, v] : attrs) {
        if (v.empty() || !internal::RuleKeyMatches(rule.key, k)) continue;
        switch (rule.target) {
          case internal::PlacementRule::Target::kZone: on_zone(v); break;
          case internal::PlacementRule::Target::kRegion: on_region(v); break;
          case internal::PlacementRule::Target::kZoneOrRegion:
            if (internal::LooksLikeZone(v)) on_zone(v); else on_region(v);
            break;
          case internal::PlacementRule::Target::kResource: on_resource(rule, v); break;
        }
      }
    }
  };
  for (const TerraformResource& r : state.resources) {
    for (const TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;
      const std::string from = tf_id(inst.address);
      const std::string sg = module_subgraph(r.module);
      apply_rules(
          r.type, inst.attributes,
          [&](const std::string& zone) { place(from, sg, EntityKind::kZone, zone); },
          [&](const std::string& region) { place(from, sg, EntityKind::kRegion, region); },
          [&](const internal::PlacementRule& rule, const std::string& value) {
            for (const std::string& to : targets(rule, value, ref_index)) {
              if (to == from) continue;
              edges.push_back({from, to, rule.edge, sg});
              ++report.placement_edges;
            }
            for (const auto& [to, other] : targets(rule, value, other_index)) {
              placement_links.push_back(
                  {from, to, rule.edge, "terraform_placement", StrCat(rule.key, " = ", value)});
            }
          });
    }
  }
  // References from stacks loaded earlier into this one.
  for (const OtherEntity& o : others) {
    const std::string* type = Find(*o.attributes, "tf.type");
    apply_rules(
        *type, *o.attributes, [](const std::string&) {}, [](const std::string&) {},
        [&](const internal::PlacementRule& rule, const std::string& value) {
          for (const std::string& to : targets(rule, value, ref_index)) {
            inbound_links.push_back(
                {o.stack,
                 {o.id, to, rule.edge, "terraform_placement", StrCat(rule.key, " = ", value)}});
          }
        });
  }
  report.placement_edges += placement_links.size() + inbound_links.size();

  // --- Remote state: this stack reading others, and others reading this one -------------
  std::vector<CrossLink> remote_links;
  Attributes stack_attributes = {{"source", source.name()}};
  if (!options.backend.empty()) stack_attributes.emplace_back("backend", options.backend);
  if (state.serial != 0) stack_attributes.emplace_back("serial", StrCat(state.serial));
  if (!state.lineage.empty()) stack_attributes.emplace_back("lineage", state.lineage);
  if (!state.terraform_version.empty()) {
    stack_attributes.emplace_back("terraform_version", state.terraform_version);
  }
  int pending = 0;
  for (const TerraformResource& r : state.resources) {
    if (r.mode != "data" || r.type != "terraform_remote_state") continue;
    for (const TerraformInstance& inst : r.instances) {
      const std::string address = RemoteStateAddress(inst.attributes);
      const std::string from = tf_id(inst.address);
      auto producer = backend_stack.find(address);
      if (!address.empty() && producer != backend_stack.end()) {
        remote_links.push_back({from, StrCat("stack:", producer->second), EdgeKind::kDependsOn,
                                "terraform_remote_state", address});
      } else {
        report.unresolved_remote_states.push_back(
            StrCat(inst.address, " reads ", address.empty() ? "an unknown backend" : address));
        // Kept on the stack, so that loading the producer later makes the link.
        stack_attributes.emplace_back(StrCat(kPendingRemote, pending++),
                                      StrCat(from, "|", address));
      }
    }
  }
  std::vector<std::pair<std::string, CrossLink>> inbound_remote;  // (consumer stack, link)
  if (!options.backend.empty()) {
    for (const std::string& sg_id : SubgraphIds()) {
      if (sg_id.rfind("iac/", 0) != 0 || sg_id.find('/', 4) != std::string::npos) continue;
      const std::string consumer = sg_id.substr(4);
      if (consumer == stack) continue;
      for (const auto& [k, v] : SubgraphAttributes(*FindSubgraph(sg_id))) {
        if (k.rfind(kPendingRemote, 0) != 0) continue;
        const auto bar = v.rfind('|');
        if (bar == std::string::npos || v.substr(bar + 1) != options.backend) continue;
        inbound_remote.push_back({consumer,
                                  {v.substr(0, bar), stack_entity, EdgeKind::kDependsOn,
                                   "terraform_remote_state", options.backend}});
      }
    }
  }
  report.remote_state_links = remote_links.size() + inbound_remote.size();

  // --- Changes against the previous serial --------------------------------------------------
  const auto previous = FindSubgraph(report.subgraph);
  std::map<std::string, Attributes> old_attributes;
  if (previous) {
    report.previous_serial = SubgraphVersion(*previous);
    for (const std::string& sg_id : SubgraphIds()) {
      if (sg_id != report.subgraph && sg_id.rfind(report.subgraph + "/", 0) != 0) continue;
      for (EntityId e : SubgraphMembers(*FindSubgraph(sg_id))) {
        if (EntityKindOf(e) == EntityKind::kIacResource) {
          old_attributes[std::string(EntityIdString(e))] = EntityAttributes(e);
        }
      }
    }
  }
  const bool newer = previous && state.serial > report.previous_serial;
  std::int64_t seen_at = options.seen_at_ns;
  if (seen_at == 0) {
    seen_at = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  }
  if (newer) {
    std::set<std::string> now_ids;
    for (PlannedEntity& e : entities) {
      if (e.kind != EntityKind::kIacResource) continue;
      now_ids.insert(e.id);
      const std::string address = *Find(e.attributes, "tf.address");
      auto old = old_attributes.find(e.id);
      std::vector<std::string> changed;
      if (old == old_attributes.end()) {
        report.changes.push_back({ResourceChange::Kind::kAdded, address, {}});
        e.attributes.emplace_back("iac.change", "added");
      } else {
        std::map<std::string, std::string> a, b;
        for (const auto& [k, v] : old->second) {
          if (k.rfind("iac.", 0) != 0) a[k] = v;
        }
        for (const auto& [k, v] : e.attributes) b[k] = v;
        for (const auto& [k, v] : a) {
          auto it = b.find(k);
          if (it == b.end() || it->second != v) changed.push_back(k);
        }
        for (const auto& [k, v] : b) {
          if (!a.count(k)) changed.push_back(k);
        }
        std::sort(changed.begin(), changed.end());
        if (changed.empty()) continue;
        e.attributes.emplace_back("iac.change", StrCat("changed: ", internal::StrJoin(changed, ",")));
        report.changes.push_back({ResourceChange::Kind::kChanged, address, changed});
      }
      e.attributes.emplace_back("iac.changed_at_ns", StrCat(seen_at));
    }
    for (const auto& [id, attrs] : old_attributes) {
      if (now_ids.count(id)) continue;
      const std::string* address = Find(attrs, "tf.address");
      report.changes.push_back(
          {ResourceChange::Kind::kRemoved, address ? *address : id, {}});
    }
  }

  // --- Kind conflicts would be the last failure: check before changing anything --------
  for (const PlannedEntity& e : entities) {
    auto existing = FindEntity(e.id);
    if (existing && EntityKindOf(*existing) != e.kind) {
      return absl::FailedPreconditionError(
          StrCat(source.name(), ": entity \"", e.id, "\" already exists as a ",
                 EntityKindName(EntityKindOf(*existing)), ", not a ", EntityKindName(e.kind)));
    }
  }

  // --- Apply ------------------------------------------------------------------------------
  SubgraphOptions stack_options;
  stack_options.kind = "stack";
  stack_options.version = state.serial;
  stack_options.attributes = stack_attributes;
  FAULTLINE_RETURN_IF_ERROR(ReplaceSubgraph(report.subgraph, stack_options).status());
  for (const auto& [id, parent] : module_subgraphs) {
    SubgraphOptions o;
    o.kind = "module";
    o.parent = parent;
    o.version = state.serial;
    FAULTLINE_RETURN_IF_ERROR(AddSubgraph(id, o).status());
  }
  report.modules = module_subgraphs.size();
  absl::flat_hash_map<std::string, EntityId> ids;
  for (PlannedEntity& e : entities) {
    const SubgraphId sg = *FindSubgraph(e.subgraph);
    FAULTLINE_ASSIGN_OR_RETURN(
        const EntityId id,
        AddEntity(sg, e.kind, e.id, e.replace_attributes ? Attributes{} : e.attributes));
    if (e.replace_attributes) FAULTLINE_RETURN_IF_ERROR(SetEntityAttributes(id, e.attributes));
    ids[e.id] = id;
  }
  for (const PlannedEdge& e : edges) {
    FAULTLINE_RETURN_IF_ERROR(
        AddEdge(*FindSubgraph(e.subgraph), ids.at(e.from), ids.at(e.to), e.kind).status());
  }
  ClearCrossLinks(StrCat(kPlacementSet, stack));
  for (CrossLink& l : placement_links) {
    FAULTLINE_RETURN_IF_ERROR(AddCrossLink(StrCat(kPlacementSet, stack), std::move(l)));
  }
  for (auto& [other, l] : inbound_links) {
    FAULTLINE_RETURN_IF_ERROR(AddCrossLink(StrCat(kPlacementSet, other), std::move(l)));
  }
  ClearCrossLinks(StrCat(kRemoteStateSet, stack));
  for (CrossLink& l : remote_links) {
    FAULTLINE_RETURN_IF_ERROR(AddCrossLink(StrCat(kRemoteStateSet, stack), std::move(l)));
  }
  for (auto& [consumer, l] : inbound_remote) {
    FAULTLINE_RETURN_IF_ERROR(AddCrossLink(StrCat(kRemoteStateSet, consumer), std::move(l)));
  }
  return report;
}

}  // namespace faultline
