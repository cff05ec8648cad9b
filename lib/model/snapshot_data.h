// Private: the immutable data behind Snapshot, and the one function that builds it from a
// flat description (used by ModelBuilder::Freeze() and by Snapshot deserialization, so a
// loaded snapshot is validated and indexed exactly like a frozen one).
#ifndef FAULTLINE_LIB_MODEL_SNAPSHOT_DATA_H_
#define FAULTLINE_LIB_MODEL_SNAPSHOT_DATA_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "faultline/model/snapshot.h"

namespace faultline::internal {

struct SubgraphRecord {
  std::string name;
  std::string kind;
  SubgraphId parent = kNoSubgraph;
  std::uint64_t version = 0;
  Attributes attributes;
  std::vector<EntityId> members;  // any order; sorted and deduplicated when built
};

struct EntityRecord {
  std::string id;
  EntityKind kind;
  Attributes attributes;
};

struct RawEdge {
  EntityId source;
  EntityId target;
  EdgeKind kind;
  SubgraphId subgraph;   // kNoSubgraph for a cross link
  std::int32_t link;     // index into SnapshotInput::links for a cross link, else -1
};

struct LinkRecord {
  std::string link_set;
  std::string rule;
  std::string detail;
};

struct MetricRecord {
  EntityId entity;
  std::string name;
  SeriesStats series;
};

// What a snapshot is made of, before indexing.
struct SnapshotInput {
  std::int64_t bucket_width_ns = kDefaultBucketWidthNs;
  std::vector<SubgraphRecord> subgraphs;
  std::vector<EntityRecord> entities;
  std::vector<RawEdge> edges;
  std::vector<LinkRecord> links;
  std::vector<std::pair<std::size_t, WindowedStats>> edge_stats;  // by index into edges
  std::vector<std::pair<EntityId, WindowedStats>> entity_stats;   // merged if repeated
  // Signals: series and logs merged when (entity, name) / entity repeats.
  std::vector<MetricRecord> metrics;
  std::vector<std::pair<EntityId, LogStats>> logs;
  std::vector<std::string> log_templates;                         // by id
  std::vector<std::pair<std::string, std::string>> metric_types;  // name -> type
  std::vector<Snapshot::AlertRecord> alerts;
  std::vector<Snapshot::EventRecord> events;
  FreezeReport report;
};

struct SnapshotData {
  std::int64_t bucket_width_ns = kDefaultBucketWidthNs;

  // Entities: ids as one character buffer plus offsets.
  std::string id_chars;
  std::vector<std::uint32_t> id_offsets;  // V + 1
  std::vector<EntityKind> kinds;
  std::vector<SubgraphId> home;
  std::vector<Attributes> attributes;
  absl::flat_hash_map<std::string_view, EntityId> by_id;
  std::vector<EntityId> by_kind;                                 // grouped by kind
  std::array<std::uint32_t, kEntityKindCount + 1> kind_offsets{};

  // Edges in (source, kind, target, subgraph) order: the out-CSR.
  std::vector<std::uint32_t> out_offsets;  // V + 1
  std::vector<EntityId> sources;
  std::vector<EntityId> targets;
  std::vector<EdgeKind> edge_kinds;
  std::vector<SubgraphId> edge_subgraphs;
  // The in-CSR: edge indices grouped by (target, kind, source).
  std::vector<std::uint32_t> in_offsets;   // V + 1
  std::vector<EdgeIndex> in_edges;
  std::vector<EntityId> in_sources;

  absl::flat_hash_map<EdgeIndex, std::uint32_t> link_of_edge;
  std::vector<LinkRecord> links;
  absl::flat_hash_map<EdgeIndex, WindowedStats> edge_stats;
  absl::flat_hash_map<EntityId, WindowedStats> entity_stats;

  // Signals. Series of an entity sorted by name; records sorted (see Snapshot::Alerts()).
  absl::flat_hash_map<EntityId, std::vector<std::pair<std::string, SeriesStats>>> metrics;
  std::vector<EntityId> metric_entities;  // ascending
  absl::flat_hash_map<EntityId, LogStats> logs;
  std::vector<EntityId> log_entities;     // ascending
  std::vector<std::string> log_templates;
  std::vector<std::pair<std::string, std::string>> metric_types;  // sorted by name, unique
  std::vector<Snapshot::AlertRecord> alerts;
  std::vector<Snapshot::EventRecord> events;
  absl::flat_hash_map<EntityId, std::vector<std::uint32_t>> alerts_of;
  absl::flat_hash_map<EntityId, std::vector<std::uint32_t>> events_of;

  // Subgraphs.
  std::vector<SubgraphRecord> subgraphs;        // members sorted, unique
  std::vector<std::vector<SubgraphId>> children;
  absl::flat_hash_map<std::string, SubgraphId> subgraph_by_name;
  std::vector<MetaEdge> meta;

  FreezeReport report;

  std::string_view IdOf(EntityId e) const {
    return std::string_view(id_chars).substr(id_offsets[e], id_offsets[e + 1] - id_offsets[e]);
  }
};

// BuildSnapshotData()
//
// Validates `input` (every index in range, kinds known, entity ids unique and non-empty,
// subgraph names unique, parents acyclic, statistics widths equal to the snapshot's) and
// indexes it. Returns kDataLoss describing the first inconsistency: a frozen builder never
// produces one, so it means a corrupted file. O((V + E) + S log S).
absl::StatusOr<std::shared_ptr<const SnapshotData>> BuildSnapshotData(SnapshotInput input);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_MODEL_SNAPSHOT_DATA_H_
