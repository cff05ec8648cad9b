// Private: the placement rule table. One table, not code per resource type: each row says
// which attribute of which resource types places the resource on a zone, a region or
// another resource (found by the value of one of its attributes). Unknown types still get
// their dependency edges; they just match no row.
#ifndef FAULTLINE_LIB_IAC_PLACEMENT_RULES_H_
#define FAULTLINE_LIB_IAC_PLACEMENT_RULES_H_

#include <string_view>

#include "absl/types/span.h"
#include "faultline/model/edge.h"

namespace faultline::internal {

struct PlacementRule {
  enum class Target { kZone, kRegion, kZoneOrRegion, kResource };
  // Resource types the row applies to: a prefix ("" for every type).
  std::string_view type_prefix;
  // The flattened attribute key; a trailing ".*" matches every list item ("subnet_ids.*").
  std::string_view key;
  Target target;
  // kResource: the target's type (a prefix, so "kubernetes_namespace" also matches
  // kubernetes_namespace_v1) and the target attribute whose value equals ours.
  std::string_view target_type = {};
  std::string_view target_key = {};
  EdgeKind edge = EdgeKind::kRunsOn;
};

// The rows, for the common AWS, GCP, Azure and Kubernetes types.
absl::Span<const PlacementRule> PlacementRules();

// RuleKeyMatches(): whether flattened attribute `key` matches a rule key (".*" = list items).
bool RuleKeyMatches(std::string_view rule_key, std::string_view key);

// RegionOfZone(): "eu-west-1a" -> "eu-west-1" (AWS), "europe-west1-b" -> "europe-west1"
// (GCP); "" when `zone` does not look like a zone.
std::string_view RegionOfZone(std::string_view zone);

// LooksLikeZone(): a GCP/AWS zone name (region plus a one-letter suffix).
bool LooksLikeZone(std::string_view location);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_PLACEMENT_RULES_H_
