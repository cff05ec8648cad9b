// faultline/iac/terraform_state.h
//
// TerraformState: what faultline keeps of one Terraform/OpenTofu state file, parsed from
// either the raw state (`terraform.tfstate`, format version 4) or `terraform show -json`
// (format 1.x), with secrets already removed. The graph builder (iac/terraform_graph.h)
// turns it into a stack subgraph; nothing here knows about the model.
//
// Secrets never enter this structure: only identity and placement attributes are kept
// (ids, ARNs, names, addresses, endpoints, ports, zones, regions, subnets, tags, labels,
// cluster and namespace names: see IsKeptAttribute()), and never an attribute listed in the
// instance's `sensitive_attributes` or whose name says password, secret, token, key
// material or private key. Values are flattened to strings ("tags.team", "subnet_ids.0").
#ifndef FAULTLINE_IAC_TERRAFORM_STATE_H_
#define FAULTLINE_IAC_TERRAFORM_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/io/source.h"
#include "faultline/model/entity.h"

namespace faultline {

// TerraformInstance: one instance of a resource (count/for_each give several).
struct TerraformInstance {
  // The index key as it appears in an address: "" (none), "0", "\"a\"" (for_each string).
  std::string index_key;
  // The full instance address: module.vpc.aws_subnet.private["a"].
  std::string address;
  std::string status;       // "" or "tainted"
  bool deposed = false;     // a deposed object (create_before_destroy)
  // Kept attributes, flattened and sorted by key (secrets already removed).
  Attributes attributes;
  // Instance-level dependencies (OpenTofu `depends_on` on instances), as instance or
  // resource addresses; empty when the format does not have them.
  std::vector<std::string> instance_depends_on;
};

// TerraformResource: one resource or data source block.
struct TerraformResource {
  std::string module;    // "" for the root module, else "module.a.module.b"
  std::string mode;      // "managed" or "data"
  std::string type;      // aws_db_instance
  std::string name;      // orders
  std::string provider;  // provider["registry.terraform.io/hashicorp/aws"]
  // The resource address without index: module.vpc.aws_subnet.private, data.x.y.
  std::string address;
  // Resource-level dependencies as recorded in state: the transitive set of ancestors'
  // config addresses (sorted, deduplicated), possibly naming resources not in the state.
  std::vector<std::string> depends_on;
  std::vector<TerraformInstance> instances;
};

// TerraformState
struct TerraformState {
  std::uint32_t version = 0;        // 4 for raw state; 0 for `show -json`
  std::string format_version;       // "1.0" for `show -json`, "" for raw state
  std::string terraform_version;
  std::uint64_t serial = 0;         // raw state only
  std::string lineage;              // raw state only
  // Root-module output names (values are not kept: they may be secrets).
  std::vector<std::string> outputs;
  std::vector<TerraformResource> resources;
  // Accounting of what was dropped.
  std::size_t attributes_dropped = 0;        // not identity/placement, or secret
  std::size_t sensitive_attributes_dropped = 0;
  std::vector<std::string> warnings;         // e.g. duplicate addresses
};

// IsKeptAttribute()
//
// Whether a flattened attribute key (e.g. "tags.team", "endpoint", "master_password") may
// enter the model: an identity or placement attribute that does not name a secret.
bool IsKeptAttribute(std::string_view flattened_key);

// LooksSecret()
//
// Whether an attribute name says password, secret, token, key material (private_key,
// access_key, secret_key, api_key, ...), certificate private parts or connection strings.
bool LooksSecret(std::string_view key);

// ParseTerraformState()
//
// Parses raw state (version 4; versions 1-3 are rejected with kFailedPrecondition saying
// to run `terraform state pull` with a current Terraform) or `terraform show -json` output.
// Errors (kInvalidArgument unless said otherwise), each naming the source and the line and
// column or the JSON path: not JSON, not a state, OpenTofu encrypted state
// (`encrypted_data`: kFailedPrecondition saying to decrypt it first), a resource missing
// type or name. Duplicate addresses are kept once and reported in `warnings`. No error
// message ever contains an attribute value.
absl::StatusOr<TerraformState> ParseTerraformState(const InputSource& source);

}  // namespace faultline

#endif  // FAULTLINE_IAC_TERRAFORM_STATE_H_
