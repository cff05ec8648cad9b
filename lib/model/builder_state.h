// Private: the state behind ModelBuilder.
#ifndef FAULTLINE_LIB_MODEL_BUILDER_STATE_H_
#define FAULTLINE_LIB_MODEL_BUILDER_STATE_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "faultline/model/interner.h"
#include "faultline/model/model_builder.h"

namespace faultline::internal {

struct EdgeRecord {
  EntityId from;
  EntityId to;
  EdgeKind kind;
};

struct EdgeKey {
  EntityId from;
  EntityId to;
  EdgeKind kind;
  bool operator==(const EdgeKey& o) const {
    return from == o.from && to == o.to && kind == o.kind;
  }
  template <typename H>
  friend H AbslHashValue(H h, const EdgeKey& k) {
    return H::combine(std::move(h), k.from, k.to, static_cast<int>(k.kind));
  }
};

struct SubgraphState {
  std::string id;
  SubgraphId parent = kNoSubgraph;
  std::string kind;
  std::uint64_t version = 0;
  Attributes attributes;
  bool live = false;
  std::vector<EntityId> members;
  absl::flat_hash_set<EntityId> member_set;
  // The member AddMember() added or found last: edges come grouped by their source, so
  // most lookups are of the same entity again.
  EntityId last_member = kInvalidEntity;
  std::vector<EdgeRecord> edges;
  absl::flat_hash_map<EdgeKey, std::uint32_t> edge_index;
  // Node maps: stable addresses, so ingesters may cache pointers to containers.
  absl::node_hash_map<std::uint32_t, WindowedStats> edge_stats;
  absl::node_hash_map<EntityId, WindowedStats> entity_stats;
  // Signals (model/signal_stats.h); node maps for stable addresses, as above.
  absl::node_hash_map<EntityId, std::map<std::string, SeriesStats, std::less<>>> metrics;
  absl::node_hash_map<EntityId, LogStats> logs;
  std::vector<std::pair<EntityId, Alert>> alerts;
  std::vector<std::pair<EntityId, ChangeEvent>> events;

  // AddMember(): makes `entity` a member (once).
  void AddMember(EntityId entity) {
    if (entity == last_member) return;
    if (member_set.insert(entity).second) members.push_back(entity);
    last_member = entity;
  }

  void Clear() {
    members.clear();
    member_set.clear();
    last_member = kInvalidEntity;
    edges.clear();
    edge_index.clear();
    edge_stats.clear();
    entity_stats.clear();
    metrics.clear();
    logs.clear();
    alerts.clear();
    events.clear();
  }
};

struct EntityState {
  EntityKind kind;
  Attributes attributes;
};

struct LinkSet {
  std::vector<CrossLink> links;
  absl::flat_hash_set<std::tuple<std::string, std::string, int>> keys;
};

struct BuilderState {
  ModelOptions options;
  std::uint64_t generation = 0;  // bumped by every subgraph creation, replacement, removal
  StringInterner entity_ids;
  std::vector<EntityState> entities;
  // Slots in order of first creation; a removed subgraph keeps its slot (live = false).
  std::vector<SubgraphState> subgraphs;
  absl::flat_hash_map<std::string, SubgraphId> subgraph_slots;
  // Ordered by name so that Freeze() does not depend on insertion order of sets.
  std::map<std::string, LinkSet, std::less<>> link_sets;
  // Log templates by id, and the id of each text.
  std::vector<std::string> log_templates;
  absl::flat_hash_map<std::string, std::uint32_t> log_template_ids;
  // Signal type per metric name, ordered for a deterministic freeze.
  std::map<std::string, std::string, std::less<>> metric_types;

  bool IsLive(SubgraphId s) const { return s < subgraphs.size() && subgraphs[s].live; }
  // True when `s` is `ancestor` or nested (transitively) in it.
  bool IsWithin(SubgraphId s, SubgraphId ancestor) const;
  // Marks every live subgraph nested in `s` (not `s` itself) dead and empty.
  void RemoveDescendants(SubgraphId s);
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_MODEL_BUILDER_STATE_H_
