// faultline/iac/terraform_graph.h
//
// How a Terraform/OpenTofu state becomes part of the graph of graphs (ModelBuilder::
// AddTerraformState()):
//   subgraph "iac/STACK" (kind "stack") holding stack:STACK and the root module's resources;
//   a nested subgraph per module path, "iac/STACK/module.vpc" (kind "module");
//   entities tf:STACK:ADDRESS per resource instance (kind iac_resource; data sources too),
//   tf:STACK:module.vpc per module (iac_module); stack -contains-> module -contains-> resource;
//   depends_on edges between instances: the state's transitive resource dependencies reduced
//   to direct ones, fanned out to every instance (OpenTofu's instance depends_on when given);
//   placement from a rule table (iac/placement_rules.h): resource -runs_on-> zone / region,
//   and -runs_on-> the subnet, cluster or node group it names, in this stack or one loaded
//   before; zone -runs_on-> region;
//   cross links, set "terraform_remote_state": a terraform_remote_state data source ->
//   the stack whose backend address it reads (TerraformOptions::backend), whichever of the
//   two stacks is loaded first.
//   the stack's local backend address: a state read from a file is at
//   "local://<its absolute path>" too, and a terraform_remote_state with backend "local"
//   reads config.path relative to the folder of the state file that reads it, so the
//   stacks of one repository link with no TerraformOptions::backend given.
// Reloading a stack replaces its subgraphs; with a newer serial the report lists what was
// added, removed and changed (non-secret attributes), and changed or added resources carry
// the time as attributes "iac.changed_at_ns" and "iac.change" for the ranker. Each change is
// also a ChangeEvent (model/signal_stats.h) of kind "iac_change" (reason "added", "changed"
// or "removed", detail "serial 31 -> 32: changed instance_class,tags.team", at
// TerraformOptions::seen_at_ns) in subgraph "events/terraform" (kind "events"), which
// reloads do not replace: on the resource, or on the stack for a removed resource.
#ifndef FAULTLINE_IAC_TERRAFORM_GRAPH_H_
#define FAULTLINE_IAC_TERRAFORM_GRAPH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/iac/terraform_plan.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// TerraformOptions
struct TerraformOptions {
  // The stack name: subgraph "iac/<stack>". Empty: the file's stem ("network.tfstate" ->
  // "network"), or its folder's name for "terraform.tfstate".
  std::string stack;
  // Where this state is stored, as terraform_remote_state configs name it: "s3://BUCKET/KEY",
  // "gcs://BUCKET/PREFIX", "azurerm://ACCOUNT/CONTAINER/KEY", "remote://ORG/WORKSPACE",
  // "local://PATH". Needed to link the stacks that read this one.
  std::string backend;
  // When this state was seen (for change events), Unix ns; 0 means now.
  std::int64_t seen_at_ns = 0;
};

// ResourceChange: one difference between two serials of a stack.
struct ResourceChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind;
  std::string address;                  // the instance address
  std::vector<std::string> attributes;  // kChanged: the attribute keys that differ
};

// TerraformReport: what AddTerraformState() read and built.
struct TerraformReport {
  std::string stack;
  std::string subgraph;
  std::uint64_t serial = 0;
  std::uint64_t previous_serial = 0;   // the serial replaced, 0 when first loaded
  std::size_t resources = 0;           // managed resource blocks
  std::size_t data_sources = 0;
  std::size_t instances = 0;           // entities made, all modes
  std::size_t modules = 0;
  std::size_t dependency_edges = 0;    // direct depends_on edges between instances
  std::size_t transitive_dependencies_removed = 0;
  std::size_t placement_edges = 0;
  std::size_t remote_state_links = 0;  // links made by this load, either direction
  std::vector<std::string> dangling_dependencies;     // "ADDRESS -> MISSING"
  std::vector<std::string> unresolved_remote_states;  // "ADDRESS reads BACKEND"
  std::vector<ResourceChange> changes;                // empty unless a newer serial
  std::size_t attributes_dropped = 0;
  std::size_t sensitive_attributes_dropped = 0;
  std::vector<std::string> warnings;
};

// AddTerraformState()
//
// Reads one Terraform/OpenTofu state (raw v4 or `terraform show -json`) and replaces its
// stack's subgraphs with it (see iac/terraform_graph.h for what the graph holds). Secrets
// never enter the model. Errors as ParseTerraformState() (iac/terraform_state.h); the
// builder is unchanged on error. O(size of the state + instances x dependencies).
absl::StatusOr<TerraformReport> AddTerraformState(ModelBuilder& builder, const InputSource& source,
                                                  const TerraformOptions& options = {});

// AddTerraformPlan()
//
// Reads plan JSON (`terraform show -json PLANFILE`, see iac/terraform_plan.h) for
// what-if analysis and replaces subgraph "plan/<stack>" (kind "plan"; the stack from
// `options.stack`, else from the file name as for state) with one entity per planned
// create, update, delete or replacement: id "tf:<stack>:<address>", the same entity as
// the state's (kind iac_resource; a create makes a new one), with attributes tf.type,
// tf.name, tf.mode, tf.address, "plan.actions" ("update", "delete,create"),
// "plan.changed" (the changed attribute keys, comma-joined), "plan.action_reason" and the
// kept planned values (the values before, for a delete), merged into the entity's. No-op
// and read changes make no entity (counted as skipped). The configuration's references
// become depends_on edges between the planned instances whose both ends are in the plan.
// Secrets never enter the model. Errors as ParseTerraformPlan(), and kFailedPrecondition
// when an id exists with another kind; the builder is unchanged on error. O(size of the
// plan + references x instances).
absl::StatusOr<TerraformPlanReport> AddTerraformPlan(ModelBuilder& builder, const InputSource& source,
                                                     const TerraformOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_IAC_TERRAFORM_GRAPH_H_
