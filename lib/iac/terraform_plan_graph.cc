// ModelBuilder::AddTerraformPlan(): a parsed plan becomes the "plan/STACK" subgraph: one
// entity per planned create, update, delete or replacement (the same ids as the stack's
// state entities) and depends_on edges from the configuration's references. Everything is
// computed before the builder is touched, so a failure changes nothing.
#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_plan.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "faultline/model/model_builder.h"
#include "iac/terraform_address.h"

namespace faultline {
namespace {

using internal::StartsWith;
using internal::StrCat;

// The stack a plan file belongs to: as for state ("data.plan.json" -> "data"), and the
// folder's name for files named only "plan" or "tfplan" ("envs/prod/tfplan.json" -> "prod").
std::string PlanStackFromName(const std::string& name) {
  std::string stack = internal::StackFromName(name);
  if (stack == "plan" || stack == "tfplan") {
    const auto slash = name.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
      const std::string dir = name.substr(0, slash);
      const auto s2 = dir.find_last_of('/');
      const std::string parent = s2 == std::string::npos ? dir : dir.substr(s2 + 1);
      if (!parent.empty() && parent != "." && parent != "..") stack = parent;
    }
  }
  return stack;
}

bool Has(const std::vector<std::string>& actions, std::string_view action) {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

struct PlannedEntity {
  std::string id;
  Attributes attributes;
};

}  // namespace

absl::StatusOr<TerraformPlanReport> AddTerraformPlan(ModelBuilder& builder, 
    const InputSource& source, const TerraformOptions& options) {
  FAULTLINE_ASSIGN_OR_RETURN(TerraformPlan plan, ParseTerraformPlan(source));
  TerraformPlanReport report;
  report.stack = options.stack.empty() ? PlanStackFromName(source.name()) : options.stack;
  const std::string stack = internal::IdSegment(report.stack);
  report.subgraph = StrCat("plan/", stack);
  report.attributes_dropped = plan.attributes_dropped;
  report.warnings = std::move(plan.warnings);

  // --- Entities: one per create, update, delete or replacement ------------------------
  std::vector<PlannedEntity> entities;
  std::map<std::string, std::vector<std::size_t>> by_config;  // config address -> entities
  for (TerraformPlannedChange& c : plan.changes) {
    const bool create = Has(c.actions, "create");
    const bool del = Has(c.actions, "delete");
    if (create && del) {
      ++report.replaces;
    } else if (create) {
      ++report.creates;
    } else if (del) {
      ++report.deletes;
    } else if (Has(c.actions, "update")) {
      ++report.updates;
    } else {
      ++report.skipped;  // no-op, read, forget
      continue;
    }
    // Planned values go under "plan.after." ("plan.before." for a delete): the entity is the
    // one the state subgraph holds, whose own attributes stay the state's view.
    const bool deleting = del && !create;
    Attributes attrs;
    for (auto& [k, v] : deleting ? c.before : c.after) {
      attrs.emplace_back(StrCat(deleting ? "plan.before." : "plan.after.", k), std::move(v));
    }
    attrs.emplace_back("tf.type", c.type);
    attrs.emplace_back("tf.name", c.name);
    attrs.emplace_back("tf.mode", c.mode);
    attrs.emplace_back("tf.address", c.address);
    if (!c.module.empty()) attrs.emplace_back("tf.module", c.module);
    attrs.emplace_back("plan.actions", internal::StrJoin(c.actions, ","));
    attrs.emplace_back("plan.changed", internal::StrJoin(c.changed_attributes, ","));
    if (!c.action_reason.empty()) attrs.emplace_back("plan.action_reason", c.action_reason);
    std::sort(attrs.begin(), attrs.end());
    by_config[internal::ConfigAddress(c.address)].push_back(entities.size());
    entities.push_back({StrCat("tf:", stack, ":", c.address), std::move(attrs)});
  }

  // --- Edges: configuration references between planned entities ---------------------
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  std::set<std::pair<std::size_t, std::size_t>> seen;
  for (const auto& [from_address, targets] : plan.references) {
    auto from = by_config.find(from_address);
    if (from == by_config.end()) continue;
    for (const std::string& target : targets) {
      auto to = by_config.find(target);
      if (to == by_config.end()) continue;
      for (std::size_t f : from->second) {
        for (std::size_t t : to->second) {
          if (f != t && seen.emplace(f, t).second) edges.emplace_back(f, t);
        }
      }
    }
  }
  report.references_added = edges.size();

  // --- Kind conflicts would be the last failure: check before changing anything --------
  for (const PlannedEntity& e : entities) {
    auto existing = builder.FindEntity(e.id);
    if (existing && builder.EntityKindOf(*existing) != EntityKind::kIacResource) {
      return absl::FailedPreconditionError(
          StrCat(source.name(), ": entity \"", e.id, "\" already exists as a ",
                 EntityKindName(builder.EntityKindOf(*existing)), ", not a ",
                 EntityKindName(EntityKind::kIacResource)));
    }
  }

  // --- Apply ------------------------------------------------------------------------------
  // What an earlier load of this plan set on its entities goes with it.
  if (const auto previous = builder.FindSubgraph(report.subgraph)) {
    for (EntityId e : builder.SubgraphMembers(*previous)) {
      Attributes attrs = builder.EntityAttributes(e);
      const auto is_plan_key = [](const Attribute& a) { return StartsWith(a.first, "plan."); };
      if (std::none_of(attrs.begin(), attrs.end(), is_plan_key)) continue;
      attrs.erase(std::remove_if(attrs.begin(), attrs.end(), is_plan_key), attrs.end());
      FAULTLINE_RETURN_IF_ERROR(builder.SetEntityAttributes(e, std::move(attrs)));
    }
  }
  SubgraphOptions plan_options;
  plan_options.kind = "plan";
  plan_options.attributes = {{"source", source.name()}};
  if (!plan.format_version.empty()) {
    plan_options.attributes.emplace_back("format_version", plan.format_version);
  }
  if (!plan.terraform_version.empty()) {
    plan_options.attributes.emplace_back("terraform_version", plan.terraform_version);
  }
  FAULTLINE_ASSIGN_OR_RETURN(const SubgraphId sg, builder.ReplaceSubgraph(report.subgraph, plan_options));
  std::vector<EntityId> ids;
  ids.reserve(entities.size());
  for (const PlannedEntity& e : entities) {
    FAULTLINE_ASSIGN_OR_RETURN(const EntityId id,
                               builder.AddEntity(sg, EntityKind::kIacResource, e.id, e.attributes));
    ids.push_back(id);
  }
  for (const auto& [f, t] : edges) {
    FAULTLINE_RETURN_IF_ERROR(builder.AddEdge(sg, ids[f], ids[t], EdgeKind::kDependsOn).status());
  }
  return report;
}

}  // namespace faultline
