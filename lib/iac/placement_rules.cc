// The placement rule table.
#include "iac/placement_rules.h"

#include <cctype>

#include "faultline/internal/strings.h"

namespace faultline::internal {
namespace {

using T = PlacementRule::Target;

constexpr PlacementRule kRules[] = {
    // Zones and regions named directly.
    {"", "availability_zone", T::kZone},
    {"aws_", "availability_zones.*", T::kZone},
    {"aws_elasticache_replication_group", "preferred_cache_cluster_azs.*", T::kZone},
    {"aws_", "region", T::kRegion},
    {"google_", "zone", T::kZone},
    {"google_", "location_id", T::kZone},
    {"google_", "node_locations.*", T::kZone},
    {"google_", "location", T::kZoneOrRegion},
    {"google_", "region", T::kRegion},
    {"azurerm_", "location", T::kRegion},
    // AWS networks, databases, caches, load balancers, clusters, functions.
    {"aws_", "subnet_id", T::kResource, "aws_subnet", "id"},
    {"aws_", "subnet_ids.*", T::kResource, "aws_subnet", "id"},
    {"aws_", "vpc_config.0.subnet_ids.*", T::kResource, "aws_subnet", "id"},
    {"aws_lb", "subnets.*", T::kResource, "aws_subnet", "id"},
    {"aws_subnet", "vpc_id", T::kResource, "aws_vpc", "id"},
    {"aws_db_instance", "db_subnet_group_name", T::kResource, "aws_db_subnet_group", "name"},
    {"aws_elasticache_", "subnet_group_name", T::kResource, "aws_elasticache_subnet_group",
     "name"},
    {"aws_eks_node_group", "cluster_name", T::kResource, "aws_eks_cluster", "name"},
    {"aws_ecs_service", "cluster", T::kResource, "aws_ecs_cluster", "arn"},
    {"aws_lb_target_group", "vpc_id", T::kResource, "aws_vpc", "id"},
    // GCP.
    {"google_compute_subnetwork", "network", T::kResource, "google_compute_network",
     "self_link"},
    {"google_container_cluster", "subnetwork", T::kResource, "google_compute_subnetwork",
     "self_link"},
    {"google_container_node_pool", "cluster", T::kResource, "google_container_cluster",
     "name"},
    // Azure.
    {"azurerm_", "subnet_id", T::kResource, "azurerm_subnet", "id"},
    {"azurerm_kubernetes_cluster_node_pool", "kubernetes_cluster_id", T::kResource,
     "azurerm_kubernetes_cluster", "id"},
    // Kubernetes: workloads live in their namespace.
    {"kubernetes_", "metadata.0.namespace", T::kResource, "kubernetes_namespace",
     "metadata.0.name", EdgeKind::kDependsOn},
};

}  // namespace

absl::Span<const PlacementRule> PlacementRules() { return kRules; }

bool RuleKeyMatches(std::string_view rule_key, std::string_view key) {
  if (EndsWith(rule_key, ".*")) {
    const std::string_view prefix = rule_key.substr(0, rule_key.size() - 1);  // keeps '.'
    if (key.size() <= prefix.size() || !StartsWith(key, prefix)) return false;
    for (char c : key.substr(prefix.size())) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  return rule_key == key;
}

bool LooksLikeZone(std::string_view location) {
  // AWS: eu-west-1a (digit then letter). GCP: europe-west1-b (dash then one letter).
  if (location.size() < 3) return false;
  const char last = location.back();
  const char before = location[location.size() - 2];
  if (!std::islower(static_cast<unsigned char>(last))) return false;
  return std::isdigit(static_cast<unsigned char>(before)) || before == '-';
}

std::string_view RegionOfZone(std::string_view zone) {
  if (!LooksLikeZone(zone)) return {};
  std::string_view region = zone.substr(0, zone.size() - 1);
  if (!region.empty() && region.back() == '-') region.remove_suffix(1);
  return region;
}

}  // namespace faultline::internal
