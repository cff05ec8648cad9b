// faultline/model/model_builder.h
//
// ModelBuilder: the mutable graph of graphs. Ingesters add subgraphs (one per trace
// environment, Terraform stack, module or topology file), entities, typed edges with
// windowed statistics, and cross links between subgraphs; Freeze() flattens everything into
// an immutable Snapshot for queries.
//
// Identity: an entity is its canonical id string, interned once per builder. The same
// entity may be a member of several subgraphs (a service seen in traces and in a topology
// file); its *home* subgraph is the first live subgraph, in creation order, holding it.
// Edges belong to the subgraph that added them; the same (from, to, kind) added by two
// subgraphs is two edges, each with its provenance. Cross links are edges between entities
// of different subgraphs made by link rules; they name entities by canonical id and are
// resolved at Freeze() (links to entities no subgraph holds are dropped and counted).
#ifndef FAULTLINE_MODEL_MODEL_BUILDER_H_
#define FAULTLINE_MODEL_MODEL_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/model/edge.h"
#include "faultline/model/entity.h"
#include "faultline/model/signal_stats.h"
#include "faultline/model/windowed_stats.h"

namespace faultline {

class Snapshot;
namespace internal {
struct BuilderState;
}  // namespace internal

// ModelOptions
struct ModelOptions {
  // Width of the statistics time buckets of every edge and entity.
  std::int64_t bucket_width_ns = kDefaultBucketWidthNs;
};

// SubgraphOptions
struct SubgraphOptions {
  // Id of the enclosing subgraph ("" for a top-level one). It must exist.
  std::string parent;
  // What the subgraph holds, free-form: "traces", "stack", "module", "topology".
  std::string kind;
  // The version to record; 0 numbers versions automatically (1, 2, ... per replacement).
  std::uint64_t version = 0;
  Attributes attributes;
};

// EdgeRef: an edge of a builder subgraph.
struct EdgeRef {
  SubgraphId subgraph = kNoSubgraph;
  std::uint32_t index = 0;
  bool operator==(const EdgeRef& o) const {
    return subgraph == o.subgraph && index == o.index;
  }
};

// CrossLink: an edge between entities of different subgraphs, and why it was made.
struct CrossLink {
  std::string from;    // canonical id of the dependent
  std::string to;      // canonical id of the dependency
  EdgeKind kind = EdgeKind::kUses;
  std::string rule;    // the rule that made it, shown in explanations
  std::string detail;  // what matched (an address, an output name)
};

// Neighbor: one out-neighbour as the builder sees it (for inspection and tests).
struct Neighbor {
  EntityId entity;
  EdgeKind kind;
  bool operator==(const Neighbor& o) const { return entity == o.entity && kind == o.kind; }
  bool operator<(const Neighbor& o) const {
    return entity != o.entity ? entity < o.entity : kind < o.kind;
  }
};

// ModelBuilder
//
// Copyable (a copy is an independent builder) and movable. Not thread-safe: one writer at
// a time. The builder knows no input format: readers live in the modules above it and
// write through this interface (AddTraces() in ingest/trace_ingestor.h, AddTopology() in
// ingest/topology.h, AddTerraformState() / AddTerraformPlan() in iac/terraform_graph.h,
// LinkInfrastructure() / AddLinks() in iac/linker.h).
class ModelBuilder {
 public:
  explicit ModelBuilder(ModelOptions options = {});
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder& other);
  ModelBuilder& operator=(const ModelBuilder& other);
  ModelBuilder(ModelBuilder&&) noexcept;
  ModelBuilder& operator=(ModelBuilder&&) noexcept;

  const ModelOptions& options() const;

  // --- Subgraphs -----------------------------------------------------------------------

  // AddSubgraph()
  //
  // The subgraph with id `id`, created when absent (then `options` apply); an existing one
  // is returned unchanged. Ids are non-empty paths of printable characters without spaces
  // (`traces/prod`, `iac/network/module.vpc`). Returns kInvalidArgument for a malformed id,
  // kNotFound for an unknown parent, kFailedPrecondition when `id` exists and
  // `options.parent` names a different parent (an empty parent only looks it up). O(|id|).
  absl::StatusOr<SubgraphId> AddSubgraph(std::string_view id,
                                         const SubgraphOptions& options = {});

  // ReplaceSubgraph()
  //
  // Empties subgraph `id` (members, edges, statistics), removes its nested subgraphs,
  // applies `options` (an empty `parent` keeps the current parent) and bumps its version;
  // creates it when absent. Other subgraphs are untouched. Same errors as AddSubgraph(),
  // plus kInvalidArgument for a parent nested in `id` itself. O(size of the subgraph).
  absl::StatusOr<SubgraphId> ReplaceSubgraph(std::string_view id,
                                             const SubgraphOptions& options = {});

  // RemoveSubgraph()
  //
  // Removes subgraph `id` and its nested subgraphs. kNotFound when absent.
  absl::Status RemoveSubgraph(std::string_view id);

  // FindSubgraph(): the live subgraph with id `id`, or nullopt.
  std::optional<SubgraphId> FindSubgraph(std::string_view id) const;

  // SubgraphVersion(): the version of live subgraph `subgraph`. Requires a valid id.
  std::uint64_t SubgraphVersion(SubgraphId subgraph) const;

  // Ids of the live subgraphs, in creation order.
  std::vector<std::string> SubgraphIds() const;

  // generation(): a number that changes whenever a subgraph is created, replaced or
  // removed, so that callers caching ids or statistics containers can tell cheaply when
  // to drop them. O(1).
  std::uint64_t generation() const;

  // --- Entities ------------------------------------------------------------------------

  // AddEntity()
  //
  // Makes entity `id` of `kind` a member of `subgraph` and returns its EntityId (the same
  // id every time for the same string). `attributes` are merged into the entity's (a later
  // value for a key replaces the earlier). Returns kInvalidArgument for an empty id,
  // kFailedPrecondition when `id` was added before with another kind, kNotFound for an
  // unknown subgraph. Amortized O(|id| + |attributes|).
  absl::StatusOr<EntityId> AddEntity(SubgraphId subgraph, EntityKind kind, std::string_view id,
                                     const Attributes& attributes = {});

  // FindEntity(): the EntityId of `id` if it was ever added, else nullopt. O(|id|).
  std::optional<EntityId> FindEntity(std::string_view id) const;

  // EntityIdString() / EntityKindOf() / EntityAttributes(): the id string, kind and
  // attributes of `entity` (a valid id). O(1).
  std::string_view EntityIdString(EntityId entity) const;
  EntityKind EntityKindOf(EntityId entity) const;
  const Attributes& EntityAttributes(EntityId entity) const;

  // SetEntityAttributes(): replaces all attributes of `entity` (AddEntity() merges).
  // kInvalidArgument for an unknown entity.
  absl::Status SetEntityAttributes(EntityId entity, Attributes attributes);

  // SubgraphMembers() / SubgraphAttributes(): the entities a live subgraph holds, in the
  // order they joined, and its attributes. Require a live subgraph id. O(members) / O(1).
  std::vector<EntityId> SubgraphMembers(SubgraphId subgraph) const;
  const Attributes& SubgraphAttributes(SubgraphId subgraph) const;

  // --- Edges ---------------------------------------------------------------------------

  // ReserveEdges()
  //
  // Room for `count` more edges in `subgraph` (a hint before a bulk load; no effect on a
  // subgraph that does not exist).
  void ReserveEdges(SubgraphId subgraph, std::size_t count);

  // AddEdge()
  //
  // The edge `from -> to` of `kind` in `subgraph` (from needs to), created when absent;
  // both entities become members of the subgraph. Self-loops are allowed (recursion is
  // real). Returns kNotFound for an unknown subgraph and kInvalidArgument for an unknown
  // entity. Amortized O(1).
  absl::StatusOr<EdgeRef> AddEdge(SubgraphId subgraph, EntityId from, EntityId to,
                                  EdgeKind kind);

  // --- Statistics ----------------------------------------------------------------------

  // EdgeStats() / EntityStats()
  //
  // The statistics container of an edge, or of an entity as seen by one subgraph, created
  // empty on first use with the builder's bucket width. Requires a valid EdgeRef / ids.
  // At Freeze() an entity's containers from all its subgraphs are merged.
  WindowedStats& EdgeStats(EdgeRef edge);
  WindowedStats& EntityStats(SubgraphId subgraph, EntityId entity);

  // --- Signals: metrics, logs, alerts, change events (model/signal_stats.h) ------------

  // MetricSeries()
  //
  // The series `metric` of `entity` as seen by `subgraph`, created empty on first use with
  // the builder's bucket width; `entity` becomes a member of `subgraph`. Requires a live
  // subgraph, a valid entity and a non-empty name. The reference stays valid until the
  // subgraph is replaced or removed. At Freeze() the series of the same entity and name from
  // all subgraphs are merged. Amortized O(log metrics of the entity).
  SeriesStats& MetricSeries(SubgraphId subgraph, EntityId entity, std::string_view metric);

  // SetMetricType(): records the signal type of `metric` ("cpu", "memory", "restarts", ...;
  // see ingest/metrics/metric_types.h); a later call replaces it. Builder-wide.
  void SetMetricType(std::string_view metric, std::string_view type);

  // EntityLogs(): the log counts of `entity` as seen by `subgraph`, created on first use;
  // same contract as MetricSeries().
  LogStats& EntityLogs(SubgraphId subgraph, EntityId entity);

  // InternLogTemplate(): the id of log template `text` (the same id for the same text,
  // dense from 0, never kNoTemplate). Builder-wide. O(|text|).
  std::uint32_t InternLogTemplate(std::string_view text);

  // AddAlert() / AddEvent()
  //
  // Attach a timed record to `entity` in `subgraph` (the entity becomes a member). Returns
  // kNotFound for an unknown subgraph and kInvalidArgument for an unknown entity. O(1).
  absl::Status AddAlert(SubgraphId subgraph, EntityId entity, Alert alert);
  absl::Status AddEvent(SubgraphId subgraph, EntityId entity, ChangeEvent event);

  // --- Cross links ---------------------------------------------------------------------

  // AddCrossLink()
  //
  // Adds `link` to the link set `link_set` (one set per linking rule family, so a set can
  // be rebuilt on its own). A repeated (from, to, kind) in the same set is kept once.
  // Returns kInvalidArgument for empty ids or set name.
  absl::Status AddCrossLink(std::string_view link_set, CrossLink link);

  // ClearCrossLinks(): removes every link of `link_set`.
  void ClearCrossLinks(std::string_view link_set);

  // --- Inspection and freezing ---------------------------------------------------------

  // Number of distinct entities held by at least one live subgraph. O(entities).
  std::size_t entity_count() const;
  // Number of edges in live subgraphs plus cross links. O(subgraphs + link sets).
  std::size_t edge_count() const;

  // OutNeighbors()
  //
  // Every (target, kind) of `entity`'s out-edges in live subgraphs and in cross links
  // whose both ends are live, sorted, with multiplicity. O(E): for tests and tools, not
  // for hot paths.
  std::vector<Neighbor> OutNeighbors(EntityId entity) const;

  // Freeze()
  //
  // Flattens all live subgraphs and cross links into an immutable Snapshot. The builder is
  // unchanged and can prepare the next snapshot. Deterministic: the same sequence of calls
  // gives the same snapshot, byte for byte when saved. O((V + E) log E).
  absl::StatusOr<Snapshot> Freeze() const;

 private:
  friend struct internal::BuilderState;
  std::unique_ptr<internal::BuilderState> state_;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_MODEL_BUILDER_H_
