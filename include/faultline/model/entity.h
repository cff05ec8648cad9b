// faultline/model/entity.h
//
// Entities: the vertices of the model. An entity has a kind and a canonical id string
// (`service:checkout`, `tf:network:aws_db_instance.orders`, `k8s:cluster-a/node/ip-10-0-1-7`).
// Ids are interned once; everything else works on dense integer EntityIds.
#ifndef FAULTLINE_MODEL_ENTITY_H_
#define FAULTLINE_MODEL_ENTITY_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace faultline {

// EntityId: a dense integer id, valid within one ModelBuilder or one Snapshot.
using EntityId = std::uint32_t;
inline constexpr EntityId kInvalidEntity = std::numeric_limits<EntityId>::max();

// SubgraphId: a dense integer id of a subgraph, valid within one ModelBuilder or Snapshot.
using SubgraphId = std::uint32_t;
inline constexpr SubgraphId kNoSubgraph = std::numeric_limits<SubgraphId>::max();

// EntityKind
//
// What an entity is. The numeric values are part of the snapshot format: new kinds are
// appended, never renumbered.
enum class EntityKind : std::uint8_t {
  kService = 0,
  kOperation = 1,
  kInstance = 2,
  kDatabase = 3,
  kQueue = 4,
  kExternal = 5,
  kNode = 6,
  kZone = 7,
  kRegion = 8,
  kCluster = 9,
  kIacResource = 10,
  kIacModule = 11,
  kStack = 12,
  kEntryPoint = 13,
  kNamespace = 14,
};
inline constexpr int kEntityKindCount = 15;

// EntityKindName()
//
// The lower_snake_case name of `kind` ("service", "iac_resource", "entry_point").
std::string_view EntityKindName(EntityKind kind);

// ParseEntityKind()
//
// Inverse of EntityKindName(). Returns kInvalidArgument naming the accepted kinds when
// `name` is not one of them.
absl::StatusOr<EntityKind> ParseEntityKind(std::string_view name);

// Attribute: a key/value pair describing an entity or subgraph (display name, labels,
// zone, address). Never a secret.
using Attribute = std::pair<std::string, std::string>;
using Attributes = std::vector<Attribute>;

}  // namespace faultline

#endif  // FAULTLINE_MODEL_ENTITY_H_
