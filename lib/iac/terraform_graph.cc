// ModelBuilder::AddTerraformState(): a parsed state becomes a stack subgraph, nested module
// subgraphs, dependency and placement edges, remote-state links and change events. The
// whole plan is computed before the builder is touched, so a failure changes nothing.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_state.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "faultline/model/model_builder.h"
#include "iac/placement_rules.h"
#include "iac/terraform_address.h"

namespace faultline {
namespace {

using internal::StartsWith;
using internal::StrCat;

constexpr std::string_view kRemoteStateSet = "terraform_remote_state/";
constexpr std::string_view kPlacementSet = "terraform_placement/";
constexpr std::string_view kPendingRemote = "remote_state.";  // subgraph attribute prefix
constexpr std::string_view kChangeEventSubgraph = "events/terraform";

using internal::StackFromName;

std::string Segment(std::string_view text) { return internal::IdSegment(text); }

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

// An absolute, normalized file path (symlinks resolved where the file exists), so that two
// spellings of one state file compare equal; "" when it cannot be made.
std::string CanonicalPath(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) return {};
  std::filesystem::path canonical = std::filesystem::weakly_canonical(absolute, ec);
  return (ec ? absolute.lexically_normal() : canonical).string();
}

// The local backend address of a state read from a file ("local:///abs/path.tfstate"), or
// "" for one read from memory.
std::string LocalBackendOf(const InputSource& source) {
  if (source.in_memory()) return {};
  const std::string path = CanonicalPath(source.path());
  return path.empty() ? std::string() : StrCat("local://", path);
}

// A local backend address as the reading state sees it ("local://../network/x.tfstate"),
// resolved against the folder of the state file that reads it (the root module's folder,
// where Terraform runs); "" when the address is not local or already absolute, or the
// reader was not read from a file.
std::string ResolveLocalAddress(std::string_view address, const InputSource& reader) {
  constexpr std::string_view kLocal = "local://";
  if (address.substr(0, kLocal.size()) != kLocal || reader.in_memory()) return {};
  std::filesystem::path path(std::string(address.substr(kLocal.size())));
  if (path.empty()) path = "terraform.tfstate";  // the local backend's default
  if (path.is_relative()) path = std::filesystem::path(reader.path()).parent_path() / path;
  const std::string resolved = CanonicalPath(path);
  if (resolved.empty()) return {};
  const std::string out = StrCat("local://", resolved);
  return out == address ? std::string() : out;
}

struct PlannedEntity {
  std::string id;
  EntityKind kind;
  std::uint32_t subgraph;  // index into Plan::subgraphs
  Attributes attributes;
  bool replace_attributes;  // tf entities own their attributes; zones merge
  // A resource instance's attributes stay in the parsed state (where the reference index
  // points) until they are moved here, with the tf.* keys, before the changes are computed.
  TerraformInstance* instance = nullptr;
  const TerraformResource* resource = nullptr;
};

// Edges between planned entities, by index: a large state has millions of dependency edges,
// so they carry no strings.
struct PlannedEdge {
  std::uint32_t from, to;
  EdgeKind kind;
  std::uint32_t subgraph;
};

// Planned entities and subgraphs, each interned once.
struct Plan {
  std::vector<PlannedEntity> entities;
  absl::flat_hash_map<std::string, std::uint32_t> entity_index;
  std::vector<std::string> subgraphs;
  absl::flat_hash_map<std::string, std::uint32_t> subgraph_index;
  std::vector<PlannedEdge> edges;

  std::uint32_t Subgraph(const std::string& id) {
    auto [it, inserted] =
        subgraph_index.try_emplace(id, static_cast<std::uint32_t>(subgraphs.size()));
    if (inserted) subgraphs.push_back(id);
    return it->second;
  }
  // The entity `id`, planned on first use (later uses keep the first plan).
  std::uint32_t Entity(const std::string& id, EntityKind kind, std::uint32_t subgraph,
                       Attributes attributes, bool replace_attributes) {
    auto [it, inserted] =
        entity_index.try_emplace(id, static_cast<std::uint32_t>(entities.size()));
    if (inserted) {
      entities.push_back({id, kind, subgraph, std::move(attributes), replace_attributes});
    }
    return it->second;
  }
  std::optional<std::uint32_t> Find(std::string_view id) const {
    auto it = entity_index.find(internal::ToAbsl(id));
    if (it == entity_index.end()) return std::nullopt;
    return it->second;
  }
};

// Resource instances by (attribute key, value), for placement references: a reference
// is one lookup, then a filter on the target's type (a prefix: few candidates). Keys and
// targets are views of strings that outlive the index (the parsed state, the builder).
class RefIndex {
 public:
  struct Target {
    std::string_view type;
    std::string_view id;    // other stacks; "" for this one (see planned)
    std::uint32_t planned;  // this stack: the planned entity
  };
  void Add(std::string_view key, std::string_view value, const Target& target) {
    const auto index = static_cast<std::uint32_t>(targets_.size());
    targets_.push_back({target, kEnd});
    auto [it, inserted] = ends_.try_emplace(std::make_pair(key, value), index, index);
    if (!inserted) {
      targets_[it->second.second].next = index;
      it->second.second = index;
    }
  }
  // Calls visit(target) for every target with `key` = `value` whose type starts with
  // `type_prefix`, in the order they were added.
  template <typename Visit>
  void ForEach(std::string_view key, std::string_view value, std::string_view type_prefix,
               Visit&& visit) const {
    auto it = ends_.find(std::make_pair(key, value));
    if (it == ends_.end()) return;
    for (std::uint32_t i = it->second.first; i != kEnd; i = targets_[i].next) {
      const Target& t = targets_[i].target;
      if (StartsWith(t.type, type_prefix)) visit(t);
    }
  }

 private:
  static constexpr std::uint32_t kEnd = ~std::uint32_t{0};
  struct Node {
    Target target;
    std::uint32_t next;
  };
  std::vector<Node> targets_;
  struct KeyHash {
    std::size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
      return absl::HashOf(internal::ToAbsl(k.first), internal::ToAbsl(k.second));
    }
  };
  // (key, value) -> (first, last) node.
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>,
                      std::pair<std::uint32_t, std::uint32_t>, KeyHash>
      ends_;
};

// Whether some placement rule looks resources up by attribute `key` (only those are indexed).
bool IsRuleTargetKey(std::string_view key) {
  for (const internal::PlacementRule& rule : internal::PlacementRules()) {
    if (rule.target == internal::PlacementRule::Target::kResource && rule.target_key == key) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<TerraformReport> AddTerraformState(ModelBuilder& builder, const InputSource& source,
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
  Plan plan;
  std::vector<std::pair<std::string, std::string>> module_subgraphs;  // (id, parent id)
  std::set<std::string> modules_seen;
  const std::uint32_t stack_sg = plan.Subgraph(report.subgraph);
  const std::uint32_t stack_index =
      plan.Entity(stack_entity, EntityKind::kStack, stack_sg, {{"name", report.stack}}, true);
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
      const std::uint32_t sg = plan.Subgraph(module_subgraph(prefix));
      const std::uint32_t m =
          plan.Entity(tf_id(prefix), EntityKind::kIacModule, sg, {{"tf.module", prefix}}, true);
      const std::uint32_t up = parent.empty() ? stack_index : *plan.Find(tf_id(parent));
      plan.edges.push_back({up, m, EdgeKind::kContains, sg});
    }
  };

  // Resources by address, and the planned entities of each resource's instances.
  absl::flat_hash_map<std::string, std::uint32_t> by_address;
  std::vector<std::vector<std::uint32_t>> instance_entities(state.resources.size());
  RefIndex ref_index;  // this stack's instances
  for (std::uint32_t ri = 0; ri < state.resources.size(); ++ri) {
    TerraformResource& r = state.resources[ri];
    by_address.emplace(r.address, ri);
    if (!r.module.empty()) add_module(r.module);
    (r.mode == "data" ? report.data_sources : report.resources)++;
    const std::uint32_t sg = plan.Subgraph(module_subgraph(r.module));
    const std::uint32_t owner = r.module.empty() ? stack_index : *plan.Find(tf_id(r.module));
    for (TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;  // the object being replaced, not the resource
      const std::uint32_t e =
          plan.Entity(tf_id(inst.address), EntityKind::kIacResource, sg, {}, true);
      if (plan.entities[e].instance == nullptr) {
        plan.entities[e].instance = &inst;
        plan.entities[e].resource = &r;
      }
      for (const auto& [k, v] : inst.attributes) {
        if (IsRuleTargetKey(k)) ref_index.Add(k, v, {r.type, {}, e});
      }
      instance_entities[ri].push_back(e);
      plan.edges.push_back({owner, e, EdgeKind::kContains, sg});
      ++report.instances;
    }
  }

  // --- Dependencies: transitive sets reduced to direct edges, fanned out to instances --
  auto instances_of = [&](const std::string& address, std::vector<std::uint32_t>* out) {
    auto it = by_address.find(internal::ToAbsl(address));
    if (it != by_address.end()) {
      const auto& list = instance_entities[it->second];
      out->insert(out->end(), list.begin(), list.end());
      return;
    }
    // An instance address (OpenTofu's instance depends_on).
    if (auto e = plan.Find(tf_id(address))) out->push_back(*e);
  };
  std::vector<std::uint32_t> targets_scratch;
  for (std::uint32_t ri = 0; ri < state.resources.size(); ++ri) {
    const TerraformResource& r = state.resources[ri];
    std::vector<std::string_view> present;
    for (const std::string& d : r.depends_on) {
      if (by_address.contains(internal::ToAbsl(d))) {
        present.push_back(d);
      } else {
        report.dangling_dependencies.push_back(StrCat(r.address, " -> ", d));
      }
    }
    std::sort(present.begin(), present.end());
    present.erase(std::unique(present.begin(), present.end()), present.end());
    std::vector<std::string> direct;
    for (std::string_view d : present) {
      bool implied = false;
      for (std::string_view x : present) {
        if (x == d) continue;
        const auto& xdeps = state.resources[by_address.at(internal::ToAbsl(x))].depends_on;
        if (std::find(xdeps.begin(), xdeps.end(), d) != xdeps.end()) {
          implied = true;
          break;
        }
      }
      if (implied) {
        ++report.transitive_dependencies_removed;
      } else {
        direct.emplace_back(d);
      }
    }
    const std::uint32_t sg = plan.Subgraph(module_subgraph(r.module));
    std::size_t k = 0;
    for (const TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;
      const std::uint32_t from = instance_entities[ri][k++];
      targets_scratch.clear();
      if (!inst.instance_depends_on.empty()) {  // precise, when the state has it
        for (const std::string& d : inst.instance_depends_on) instances_of(d, &targets_scratch);
      } else {
        for (const std::string& d : direct) instances_of(d, &targets_scratch);
      }
      // Each instance is visited once, so its targets deduplicated are its edges.
      std::sort(targets_scratch.begin(), targets_scratch.end());
      targets_scratch.erase(std::unique(targets_scratch.begin(), targets_scratch.end()),
                            targets_scratch.end());
      for (std::uint32_t to : targets_scratch) {
        if (to == from) continue;
        plan.edges.push_back({from, to, EdgeKind::kDependsOn, sg});
        ++report.dependency_edges;
      }
    }
  }

  // --- Other loaded stacks: their instances (for references) and backends ---------------
  struct OtherEntity {
    std::string_view id;
    std::string stack;
    const Attributes* attributes;
  };
  std::vector<OtherEntity> others;
  RefIndex other_index;  // instances of the other stacks
  std::map<std::string, std::string> backend_stack;  // backend address -> stack name
  for (const std::string& sg_id : builder.SubgraphIds()) {
    if (!StartsWith(sg_id, "iac/")) continue;
    const std::string rest = sg_id.substr(4);
    const std::string other_stack = rest.substr(0, rest.find('/'));
    if (other_stack == stack) continue;
    const SubgraphId sg = *builder.FindSubgraph(sg_id);
    if (rest.find('/') == std::string::npos) {
      for (const char* key : {"backend", "backend.local"}) {
        if (const std::string* b = Find(builder.SubgraphAttributes(sg), key)) {
          backend_stack[*b] = other_stack;
        }
      }
    }
    for (EntityId e : builder.SubgraphMembers(sg)) {
      if (builder.EntityKindOf(e) != EntityKind::kIacResource) continue;
      const Attributes& attrs = builder.EntityAttributes(e);
      const std::string* type = Find(attrs, "tf.type");
      if (type == nullptr) continue;
      others.push_back({builder.EntityIdString(e), other_stack, &attrs});
      for (const auto& [k, v] : attrs) {
        if (!IsRuleTargetKey(k)) continue;
        other_index.Add(k, v, {*type, builder.EntityIdString(e), 0});
      }
    }
  }

  // --- Placement from the rule table ------------------------------------------------------
  std::vector<CrossLink> placement_links;                         // from this stack
  std::vector<std::pair<std::string, CrossLink>> inbound_links;   // (their stack, link)
  auto place = [&](std::uint32_t from, std::uint32_t subgraph, EntityKind kind,
                   const std::string& name) {
    const std::string id = StrCat(kind == EntityKind::kZone ? "zone:" : "region:", name);
    const std::uint32_t to = plan.Entity(id, kind, stack_sg, {{"name", name}}, false);
    plan.edges.push_back({from, to, EdgeKind::kRunsOn, subgraph});
    ++report.placement_edges;
    if (kind == EntityKind::kZone) {
      const std::string_view region = internal::RegionOfZone(name);
      if (!region.empty()) {
        const std::uint32_t r = plan.Entity(StrCat("region:", region), EntityKind::kRegion,
                                            stack_sg, {{"name", std::string(region)}}, false);
        plan.edges.push_back({to, r, EdgeKind::kRunsOn, stack_sg});
      }
    }
  };
  // Visits the targets of a resource rule with value `value` in `index`.
  auto for_targets = [&](const internal::PlacementRule& rule, const std::string& value,
                         const RefIndex& index, auto&& visit) {
    index.ForEach(rule.target_key, value, rule.target_type, visit);
  };
  auto apply_rules = [&](const std::string& type, const Attributes& attrs, auto&& on_zone,
                         auto&& on_region, auto&& on_resource) {
    for (const internal::PlacementRule& rule : internal::PlacementRules()) {
      if (!StartsWith(type, rule.type_prefix)) continue;
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
  for (std::uint32_t ri = 0; ri < state.resources.size(); ++ri) {
    const TerraformResource& r = state.resources[ri];
    const std::uint32_t sg = plan.Subgraph(module_subgraph(r.module));
    std::size_t k = 0;
    for (const TerraformInstance& inst : r.instances) {
      if (inst.deposed) continue;
      const std::uint32_t from = instance_entities[ri][k++];
      apply_rules(
          r.type, inst.attributes,
          [&](const std::string& zone) { place(from, sg, EntityKind::kZone, zone); },
          [&](const std::string& region) { place(from, sg, EntityKind::kRegion, region); },
          [&](const internal::PlacementRule& rule, const std::string& value) {
            for_targets(rule, value, ref_index, [&](const RefIndex::Target& to) {
              if (to.planned == from) return;
              plan.edges.push_back({from, to.planned, rule.edge, sg});
              ++report.placement_edges;
            });
            for_targets(rule, value, other_index, [&](const RefIndex::Target& to) {
              // By index: place() may have grown plan.entities since.
              placement_links.push_back({plan.entities[from].id, std::string(to.id), rule.edge,
                                         "terraform_placement", StrCat(rule.key, " = ", value)});
            });
          });
    }
  }
  // References from stacks loaded earlier into this one.
  for (const OtherEntity& o : others) {
    const std::string* type = Find(*o.attributes, "tf.type");
    apply_rules(
        *type, *o.attributes, [](const std::string&) {}, [](const std::string&) {},
        [&](const internal::PlacementRule& rule, const std::string& value) {
          for_targets(rule, value, ref_index, [&](const RefIndex::Target& to) {
            inbound_links.push_back({o.stack,
                                     {std::string(o.id), plan.entities[to.planned].id,
                                      rule.edge, "terraform_placement",
                                      StrCat(rule.key, " = ", value)}});
          });
        });
  }
  report.placement_edges += placement_links.size() + inbound_links.size();

  // --- Remote state: this stack reading others, and others reading this one -------------
  std::vector<CrossLink> remote_links;
  Attributes stack_attributes = {{"source", source.name()}};
  if (!options.backend.empty()) stack_attributes.emplace_back("backend", options.backend);
  // A state read from a file is also at a local backend address: stacks of one repository
  // reading each other with `backend = "local"` link with no backend given.
  const std::string local_backend = LocalBackendOf(source);
  if (!local_backend.empty()) stack_attributes.emplace_back("backend.local", local_backend);
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
      // A relative local path, resolved against this state file's folder; the address as
      // written still matches a producer loaded with exactly that backend.
      const std::string resolved = ResolveLocalAddress(address, source);
      const std::string from = tf_id(inst.address);
      auto producer = backend_stack.find(resolved);
      if (resolved.empty() || producer == backend_stack.end()) producer = backend_stack.find(address);
      if (!address.empty() && producer != backend_stack.end()) {
        remote_links.push_back({from, StrCat("stack:", producer->second), EdgeKind::kDependsOn,
                                "terraform_remote_state", address});
      } else {
        report.unresolved_remote_states.push_back(
            StrCat(inst.address, " reads ", address.empty() ? "an unknown backend" : address,
                   resolved.empty() ? "" : StrCat(" (", resolved, ")")));
        // Kept on the stack, so that loading the producer later makes the link.
        stack_attributes.emplace_back(StrCat(kPendingRemote, pending++),
                                      StrCat(from, "|", address));
        if (!resolved.empty()) {
          stack_attributes.emplace_back(StrCat(kPendingRemote, pending++),
                                        StrCat(from, "|", resolved));
        }
      }
    }
  }
  std::vector<std::pair<std::string, CrossLink>> inbound_remote;  // (consumer stack, link)
  std::set<std::pair<std::string, std::string>> inbound_seen;     // (consumer, reader)
  if (!options.backend.empty() || !local_backend.empty()) {
    for (const std::string& sg_id : builder.SubgraphIds()) {
      if (!StartsWith(sg_id, "iac/") || sg_id.find('/', 4) != std::string::npos) continue;
      const std::string consumer = sg_id.substr(4);
      if (consumer == stack) continue;
      for (const auto& [k, v] : builder.SubgraphAttributes(*builder.FindSubgraph(sg_id))) {
        if (!StartsWith(k, kPendingRemote)) continue;
        const auto bar = v.rfind('|');
        if (bar == std::string::npos) continue;
        const std::string read = v.substr(bar + 1);
        if (read.empty() || (read != options.backend && read != local_backend)) continue;
        if (!inbound_seen.emplace(consumer, v.substr(0, bar)).second) continue;
        inbound_remote.push_back({consumer,
                                  {v.substr(0, bar), stack_entity, EdgeKind::kDependsOn,
                                   "terraform_remote_state", read}});
      }
    }
  }
  report.remote_state_links = remote_links.size() + inbound_remote.size();

  // --- Instance attributes move from the state into the plan (the indexes are done) -----
  for (PlannedEntity& e : plan.entities) {
    if (e.instance == nullptr) continue;
    TerraformInstance& inst = *e.instance;
    const TerraformResource& r = *e.resource;
    Attributes attrs = std::move(inst.attributes);  // sorted by the parser
    const auto parsed = static_cast<std::ptrdiff_t>(attrs.size());
    attrs.emplace_back("tf.type", r.type);
    attrs.emplace_back("tf.name", r.name);
    attrs.emplace_back("tf.mode", r.mode);
    attrs.emplace_back("tf.provider", r.provider);
    attrs.emplace_back("tf.address", inst.address);
    if (!r.module.empty()) attrs.emplace_back("tf.module", r.module);
    if (!inst.status.empty()) attrs.emplace_back("tf.status", inst.status);
    std::sort(attrs.begin() + parsed, attrs.end());
    std::inplace_merge(attrs.begin(), attrs.begin() + parsed, attrs.end());
    e.attributes = std::move(attrs);
  }

  // --- Changes against the previous serial --------------------------------------------------
  const auto previous = builder.FindSubgraph(report.subgraph);
  std::map<std::string, Attributes> old_attributes;
  if (previous) {
    report.previous_serial = builder.SubgraphVersion(*previous);
    for (const std::string& sg_id : builder.SubgraphIds()) {
      if (sg_id != report.subgraph && !StartsWith(sg_id, report.subgraph + "/")) continue;
      for (EntityId e : builder.SubgraphMembers(*builder.FindSubgraph(sg_id))) {
        if (builder.EntityKindOf(e) == EntityKind::kIacResource) {
          old_attributes[std::string(builder.EntityIdString(e))] = builder.EntityAttributes(e);
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
    for (PlannedEntity& e : plan.entities) {
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
          if (!StartsWith(k, "iac.") && !StartsWith(k, "plan.")) a[k] = v;
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
  for (const PlannedEntity& e : plan.entities) {
    auto existing = builder.FindEntity(e.id);
    if (existing && builder.EntityKindOf(*existing) != e.kind) {
      return absl::FailedPreconditionError(
          StrCat(source.name(), ": entity \"", e.id, "\" already exists as a ",
                 EntityKindName(builder.EntityKindOf(*existing)), ", not a ", EntityKindName(e.kind)));
    }
  }

  // --- Apply ------------------------------------------------------------------------------
  SubgraphOptions stack_options;
  stack_options.kind = "stack";
  stack_options.version = state.serial;
  stack_options.attributes = stack_attributes;
  FAULTLINE_RETURN_IF_ERROR(builder.ReplaceSubgraph(report.subgraph, stack_options).status());
  for (const auto& [id, parent] : module_subgraphs) {
    SubgraphOptions o;
    o.kind = "module";
    o.parent = parent;
    o.version = state.serial;
    FAULTLINE_RETURN_IF_ERROR(builder.AddSubgraph(id, o).status());
  }
  report.modules = module_subgraphs.size();
  std::vector<SubgraphId> subgraph_ids;
  for (const std::string& id : plan.subgraphs) subgraph_ids.push_back(*builder.FindSubgraph(id));
  std::vector<EntityId> ids;
  ids.reserve(plan.entities.size());
  for (PlannedEntity& e : plan.entities) {
    FAULTLINE_ASSIGN_OR_RETURN(
        const EntityId id,
        builder.AddEntity(subgraph_ids[e.subgraph], e.kind, e.id,
                  e.replace_attributes ? Attributes{} : e.attributes));
    if (e.replace_attributes) {
      // A loaded plan's view of the resource ("plan." keys) outlives a reload of the state.
      for (const Attribute& a : builder.EntityAttributes(id)) {
        if (StartsWith(a.first, "plan.")) e.attributes.push_back(a);
      }
      FAULTLINE_RETURN_IF_ERROR(builder.SetEntityAttributes(id, std::move(e.attributes)));
    }
    ids.push_back(id);
  }
  std::vector<std::size_t> edges_per_subgraph(subgraph_ids.size(), 0);
  for (const PlannedEdge& e : plan.edges) ++edges_per_subgraph[e.subgraph];
  for (std::size_t i = 0; i < subgraph_ids.size(); ++i) {
    builder.ReserveEdges(subgraph_ids[i], edges_per_subgraph[i]);
  }
  for (const PlannedEdge& e : plan.edges) {
    FAULTLINE_RETURN_IF_ERROR(
        builder.AddEdge(subgraph_ids[e.subgraph], ids[e.from], ids[e.to], e.kind).status());
  }
  builder.ClearCrossLinks(StrCat(kPlacementSet, stack));
  for (CrossLink& l : placement_links) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddCrossLink(StrCat(kPlacementSet, stack), std::move(l)));
  }
  for (auto& [other, l] : inbound_links) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddCrossLink(StrCat(kPlacementSet, other), std::move(l)));
  }
  builder.ClearCrossLinks(StrCat(kRemoteStateSet, stack));
  for (CrossLink& l : remote_links) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddCrossLink(StrCat(kRemoteStateSet, stack), std::move(l)));
  }
  for (auto& [consumer, l] : inbound_remote) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddCrossLink(StrCat(kRemoteStateSet, consumer), std::move(l)));
  }

  // --- Change events: what a newer serial changed, at the time it was seen ----------------
  if (!report.changes.empty()) {
    SubgraphOptions events_options;
    events_options.kind = "events";
    FAULTLINE_ASSIGN_OR_RETURN(const SubgraphId events,
                               builder.AddSubgraph(kChangeEventSubgraph, events_options));
    for (const ResourceChange& c : report.changes) {
      ChangeEvent event;
      event.time_ns = seen_at;
      event.last_ns = seen_at;
      event.kind = "iac_change";
      event.source = source.name();
      // A removed resource has no entity left: its removal is an event of the stack.
      std::string entity = c.kind == ResourceChange::Kind::kRemoved ? stack_entity : tf_id(c.address);
      switch (c.kind) {
        case ResourceChange::Kind::kAdded:
          event.reason = "added";
          event.detail = StrCat("serial ", report.previous_serial, " -> ", report.serial, ": added");
          break;
        case ResourceChange::Kind::kRemoved:
          event.reason = "removed";
          event.detail = StrCat("serial ", report.previous_serial, " -> ", report.serial,
                                ": removed ", c.address);
          break;
        case ResourceChange::Kind::kChanged:
          event.reason = "changed";
          event.detail = StrCat("serial ", report.previous_serial, " -> ", report.serial,
                                ": changed ", internal::StrJoin(c.attributes, ","));
          break;
      }
      const auto id = builder.FindEntity(entity);
      if (!id) continue;
      FAULTLINE_RETURN_IF_ERROR(builder.AddEvent(events, *id, std::move(event)));
    }
  }
  return report;
}

}  // namespace faultline
