// faultline/iac/terraform_plan.h
//
// TerraformPlan: what faultline keeps of a Terraform/OpenTofu plan (`terraform show -json
// PLANFILE`, format 1.x), for what-if analysis: the planned change of every resource
// instance and the direct references between resources that the configuration states.
// ModelBuilder::AddTerraformPlan() turns it into a "plan/STACK" subgraph over the same
// entities as the stack's state.
//
// Secrets never enter this structure: attribute values pass the same filter as state
// (iac/terraform_state.h: IsKeptAttribute(), LooksSecret()), and values Terraform marks in
// `before_sensitive` / `after_sensitive` are dropped. Variables, outputs, prior state and
// expression constants are never read.
#ifndef FAULTLINE_IAC_TERRAFORM_PLAN_H_
#define FAULTLINE_IAC_TERRAFORM_PLAN_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/io/source.h"
#include "faultline/model/entity.h"

namespace faultline {

// TerraformPlannedChange: one entry of the plan's `resource_changes`.
struct TerraformPlannedChange {
  // The instance address: module.vpc.aws_subnet.private["a"].
  std::string address;
  std::string module;  // "" for the root module, else module.vpc (as module_address)
  std::string mode;    // "managed" or "data"
  std::string type;
  std::string name;
  // "create", "update", "delete", "read", "no-op" (and "forget" from Terraform 1.7); a
  // replacement is ["delete", "create"] or ["create", "delete"] (create_before_destroy).
  std::vector<std::string> actions;
  std::string action_reason;  // e.g. "replace_because_cannot_update"; may be empty
  // Kept attributes only, flattened and sorted by key, secrets removed; values unknown
  // until apply (`after_unknown`) are omitted from `after`.
  Attributes before;
  Attributes after;
  // Kept keys whose value differs between `before` and `after` (a key present on one side
  // only differs, so a value that becomes unknown is a change), sorted.
  std::vector<std::string> changed_attributes;
};

// TerraformPlan
struct TerraformPlan {
  std::string format_version;  // "1.2"
  std::string terraform_version;
  std::vector<TerraformPlannedChange> changes;  // in file order, deposed objects left out
  // Resource config address (module prefix applied, no index: module.vpc.aws_subnet.a) ->
  // the resource addresses its configuration references directly (expressions,
  // count/for_each and depends_on), sorted and without itself: "aws_subnet.a.id" and
  // "aws_subnet.a[0]" give "aws_subnet.a"; references to var., local., each., count.,
  // path., self., terraform. and module outputs are dropped. Only resources with at least
  // one reference appear.
  std::map<std::string, std::vector<std::string>> references;
  std::size_t attributes_dropped = 0;  // not identity/placement, secret or marked sensitive
  std::vector<std::string> warnings;   // e.g. duplicate addresses, deposed objects skipped
};

// TerraformPlanReport: what ModelBuilder::AddTerraformPlan() read and built.
struct TerraformPlanReport {
  std::string stack;
  std::string subgraph;  // "plan/<stack>"
  std::size_t creates = 0;
  std::size_t updates = 0;
  std::size_t deletes = 0;
  std::size_t replaces = 0;
  std::size_t skipped = 0;           // no-op, read and other changes: no entity made
  std::size_t references_added = 0;  // depends_on edges between planned entities
  std::size_t attributes_dropped = 0;
  std::vector<std::string> warnings;
};

// ParseTerraformPlan()
//
// Parses plan JSON (`terraform show -json PLANFILE` or `tofu show -json`, format 1.x). O(size
// of the input). Errors, each naming the source and the line and column or the JSON path:
// kInvalidArgument for text that is not JSON (or is truncated), a top level that is not an
// object, a document that is not a plan, a state file given instead (raw state or
// `show -json` of a state: the message says it looks like state), and entries of the wrong
// shape (a change without `address`, `type`, `name` or `change.actions`);
// kFailedPrecondition for a format_version other than 1.x. Duplicate addresses are kept
// once and reported in `warnings`. No error message ever contains an attribute value.
absl::StatusOr<TerraformPlan> ParseTerraformPlan(const InputSource& source);

}  // namespace faultline

#endif  // FAULTLINE_IAC_TERRAFORM_PLAN_H_
