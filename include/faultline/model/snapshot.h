// faultline/model/snapshot.h
//
// Snapshot: the immutable, compressed (CSR) form of a model, produced by
// ModelBuilder::Freeze() or Snapshot::Load(). Every query is const and the data never
// changes, so one Snapshot may be queried from many threads at once; copies are cheap and
// share the data.
//
// Layout: entities are numbered 0..V-1, subgraphs 0..S-1 (creation order) and edges
// 0..E-1 in (source, kind, target, subgraph) order, so the out-edges of one entity are a
// contiguous index range grouped by kind. In-edges are a second index over the same edges,
// grouped by (target, kind, source).
#ifndef FAULTLINE_MODEL_SNAPSHOT_H_
#define FAULTLINE_MODEL_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "faultline/model/edge.h"
#include "faultline/model/entity.h"
#include "faultline/model/signal_stats.h"
#include "faultline/model/windowed_stats.h"

namespace faultline {

namespace internal {
struct SnapshotData;
}  // namespace internal

using EdgeIndex = std::uint32_t;

// EdgeRange: the contiguous edge indices [begin, end).
class EdgeRange {
 public:
  class iterator {
   public:
    using value_type = EdgeIndex;
    using difference_type = std::ptrdiff_t;
    explicit iterator(EdgeIndex i) : i_(i) {}
    EdgeIndex operator*() const { return i_; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    EdgeIndex i_;
  };
  EdgeRange(EdgeIndex begin, EdgeIndex end) : begin_(begin), end_(end) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }

 private:
  EdgeIndex begin_, end_;
};

// EdgeView: one edge, by value.
struct EdgeView {
  EdgeIndex index;
  EntityId source;       // the dependent
  EntityId target;       // the dependency
  EdgeKind kind;
  SubgraphId subgraph;   // owning subgraph; kNoSubgraph for a cross link
};

// CrossLinkInfo: why a cross link exists (views into the snapshot).
struct CrossLinkInfo {
  std::string_view link_set;
  std::string_view rule;
  std::string_view detail;
};

// SubgraphInfo: one subgraph (views into the snapshot).
struct SubgraphInfo {
  SubgraphId id;
  std::string_view name;     // the stable id string, e.g. "iac/network/module.vpc"
  std::string_view kind;     // "traces", "stack", "module", "topology", ...
  SubgraphId parent;         // kNoSubgraph for a top-level subgraph
  std::uint64_t version;
  const Attributes* attributes;
};

// MetaEdge: the subgraph `from` has `edge_count` edges to entities homed in `to`.
struct MetaEdge {
  SubgraphId from;
  SubgraphId to;
  std::uint32_t edge_count;
};

// FreezeReport: what Freeze() could not use.
struct FreezeReport {
  std::size_t dropped_cross_links = 0;  // links naming an entity no live subgraph holds
  std::vector<std::string> dropped_examples;  // the first few, as "set: from -> to"
};

// Snapshot
class Snapshot {
 public:
  // An empty snapshot (no entities, edges or subgraphs).
  Snapshot();
  ~Snapshot();
  Snapshot(const Snapshot&);
  Snapshot& operator=(const Snapshot&);
  Snapshot(Snapshot&&) noexcept;
  Snapshot& operator=(Snapshot&&) noexcept;

  // --- Sizes ---------------------------------------------------------------------------
  std::size_t entity_count() const;
  std::size_t edge_count() const;
  std::size_t subgraph_count() const;
  std::int64_t bucket_width_ns() const;

  // --- Entities ------------------------------------------------------------------------

  // Find(): the entity with canonical id `id`, or nullopt. O(|id|).
  std::optional<EntityId> Find(std::string_view id) const;
  // Lookup(): like Find(), but kNotFound naming `id` when absent.
  absl::StatusOr<EntityId> Lookup(std::string_view id) const;

  // The canonical id, kind, home subgraph and attributes of `entity` (< entity_count()).
  // O(1).
  std::string_view EntityIdString(EntityId entity) const;
  EntityKind Kind(EntityId entity) const;
  SubgraphId HomeSubgraph(EntityId entity) const;
  const Attributes& EntityAttributes(EntityId entity) const;
  // The attribute `key` of `entity`, or nullopt. O(attributes).
  std::optional<std::string_view> EntityAttribute(EntityId entity, std::string_view key) const;

  // EntitiesOfKind(): every entity of `kind`, ascending. O(1).
  absl::Span<const EntityId> EntitiesOfKind(EntityKind kind) const;

  // --- Edges ---------------------------------------------------------------------------

  // OutEdges(): the out-edges of `entity` (what it depends on), all or of one kind. O(1)
  // and O(log degree).
  EdgeRange OutEdges(EntityId entity) const;
  EdgeRange OutEdges(EntityId entity, EdgeKind kind) const;
  // OutNeighbors(): the targets of those edges, aligned with OutEdges(). O(1) / O(log d).
  absl::Span<const EntityId> OutNeighbors(EntityId entity) const;
  absl::Span<const EntityId> OutNeighbors(EntityId entity, EdgeKind kind) const;

  // InEdges(): the in-edges of `entity` (its dependents), as edge indices grouped by kind.
  absl::Span<const EdgeIndex> InEdges(EntityId entity) const;
  absl::Span<const EdgeIndex> InEdges(EntityId entity, EdgeKind kind) const;
  // InNeighbors(): the sources of those edges, aligned with InEdges().
  absl::Span<const EntityId> InNeighbors(EntityId entity) const;
  absl::Span<const EntityId> InNeighbors(EntityId entity, EdgeKind kind) const;

  // Edge accessors. Require edge < edge_count(). O(1).
  EdgeView Edge(EdgeIndex edge) const;
  EntityId Source(EdgeIndex edge) const;
  EntityId Target(EdgeIndex edge) const;
  EdgeKind KindOf(EdgeIndex edge) const;
  SubgraphId EdgeSubgraph(EdgeIndex edge) const;
  // CrossLinkOf(): the link record of a cross link, nullopt for a subgraph edge.
  std::optional<CrossLinkInfo> CrossLinkOf(EdgeIndex edge) const;

  // --- Statistics ----------------------------------------------------------------------

  // EdgeStats() / EntityStats(): the windowed statistics, or nullptr when none were
  // recorded. O(1) expected.
  const WindowedStats* EdgeStats(EdgeIndex edge) const;
  const WindowedStats* EntityStats(EntityId entity) const;
  bool has_statistics() const;

  // --- Signals: metrics, logs, alerts, change events (model/signal_stats.h) ------------

  // MetricNames(): the names of the metric series of `entity`, sorted. O(metrics).
  std::vector<std::string_view> MetricNames(EntityId entity) const;
  // MetricSeries(): one series of `entity`, or nullptr. O(log metrics).
  const SeriesStats* MetricSeries(EntityId entity, std::string_view metric) const;
  // MetricType(): the signal type recorded for `metric`, or "" when none. O(log types).
  std::string_view MetricType(std::string_view metric) const;
  // EntitiesWithMetrics() / EntitiesWithLogs(): ascending. O(1).
  absl::Span<const EntityId> EntitiesWithMetrics() const;
  absl::Span<const EntityId> EntitiesWithLogs() const;

  // EntityLogs(): the log counts of `entity`, or nullptr. O(1) expected.
  const LogStats* EntityLogs(EntityId entity) const;
  // The log templates, by id (ids are dense from 0).
  std::size_t log_template_count() const;
  std::string_view LogTemplate(std::uint32_t id) const;

  // AlertRecord / EventRecord: a record and the entity it is attached to.
  struct AlertRecord {
    EntityId entity;
    Alert alert;
  };
  struct EventRecord {
    EntityId entity;
    ChangeEvent event;
  };
  // Alerts() / Events(): every record, sorted by (time, entity, name or kind, ...);
  // AlertsOf() / EventsOf(): the indices into them of one entity's records. O(1).
  absl::Span<const AlertRecord> Alerts() const;
  absl::Span<const EventRecord> Events() const;
  absl::Span<const std::uint32_t> AlertsOf(EntityId entity) const;
  absl::Span<const std::uint32_t> EventsOf(EntityId entity) const;

  bool has_signals() const;

  // --- Subgraphs -----------------------------------------------------------------------

  // FindSubgraph(): the subgraph named `name`, or nullopt. O(|name|).
  std::optional<SubgraphId> FindSubgraph(std::string_view name) const;
  // Subgraph(): one subgraph. Requires subgraph < subgraph_count().
  SubgraphInfo Subgraph(SubgraphId subgraph) const;
  // SubgraphChildren(): the subgraphs nested directly in `subgraph`.
  absl::Span<const SubgraphId> SubgraphChildren(SubgraphId subgraph) const;
  // SubgraphMembers(): every entity the subgraph holds (home or not), ascending.
  absl::Span<const EntityId> SubgraphMembers(SubgraphId subgraph) const;
  // SubgraphEdges(): the edges owned by `subgraph`, ascending. O(E_subgraph) to build.
  std::vector<EdgeIndex> SubgraphEdges(SubgraphId subgraph) const;

  // MetaGraph(): one vertex per subgraph, one MetaEdge per ordered pair of subgraphs (A, B),
  // A != B, with at least one edge from an entity homed in A to one homed in B; sorted by
  // (from, to). Precomputed: O(1).
  absl::Span<const MetaEdge> MetaGraph() const;

  const FreezeReport& freeze_report() const;

  // --- Persistence ---------------------------------------------------------------------

  // Serialize() / Save()
  //
  // The snapshot in the versioned file format: an 8-byte magic, the format version, the
  // payload length and checksum, and a faultline.v1.Snapshot protobuf payload. Save()
  // writes atomically (temporary file + rename); kUnavailable / kPermissionDenied naming
  // the path on I/O failure.
  std::string Serialize() const;
  absl::Status Save(const std::string& path) const;

  // Deserialize() / Load()
  //
  // Reads what Serialize()/Save() wrote. Never crashes on bad bytes: returns
  // kInvalidArgument for a file that is not a snapshot, kDataLoss for a truncated (also
  // empty) or corrupted one, kFailedPrecondition for a newer format version than this library reads,
  // each naming `name` (or the path) and the byte offset where it applies.
  static absl::StatusOr<Snapshot> Deserialize(std::string_view bytes,
                                              std::string_view name = "<bytes>");
  static absl::StatusOr<Snapshot> Load(const std::string& path);

  // The format version this library writes (and the newest it reads). Version 2 added the
  // signals (metrics, logs, alerts, change events); version 1 files still load.
  static constexpr std::uint32_t kFormatVersion = 2;

  // MemoryUsage(): bytes held by this snapshot's data (vectors, strings, indexes).
  std::size_t MemoryUsage() const;

 private:
  friend class ModelBuilder;
  explicit Snapshot(std::shared_ptr<const internal::SnapshotData> data);
  std::shared_ptr<const internal::SnapshotData> data_;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_SNAPSHOT_H_
