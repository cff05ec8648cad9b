// TraceAssembler: retention and cache invalidation. Statistics buckets older than
// TraceOptions::retention_ns behind the watermark are dropped (DropOldBuckets()), and every
// cache of the model is dropped when a subgraph the assembler writes to was replaced or
// removed in the builder (ValidateCaches()).
#include <cstdint>
#include <utility>

#include "ingest/trace_assembler.h"

namespace faultline::internal {

void TraceAssembler::DropOldBuckets() {
  if (options_.retention_ns <= 0) return;
  ValidateCaches();  // the cached containers may belong to a replaced subgraph
  const std::int64_t keep_from = watermark_ - options_.retention_ns;
  for (auto& [key, stats] : edge_stats_) stats->DropBefore(keep_from);
  for (auto& [key, stats] : entity_stats_) stats->DropBefore(keep_from);
}

void TraceAssembler::ValidateCaches() {
  if (builder_->generation() == generation_) return;
  generation_ = builder_->generation();
  batch_.Apply();  // while every container it refers to is still cached
  bool stale = false;
  for (const auto& [id, cached] : subgraphs_) {
    const auto now = builder_->FindSubgraph(id);
    if (!now || *now != cached.first || builder_->SubgraphVersion(*now) != cached.second) {
      stale = true;
      break;
    }
  }
  if (!stale) return;
  // A subgraph this assembler writes to was replaced or removed under it: everything
  // cached about the model (ids, statistics containers) is rebuilt on demand.
  subgraphs_.clear();
  operations_.clear();
  entry_points_.clear();
  names_per_owner_.clear();
  peer_entities_.clear();
  edge_stats_.clear();
  entity_stats_.clear();
  users_.clear();
  for (ResourceState& r : resources_) {
    ResourceInfo info = std::move(r.info);
    r = ResourceState();
    r.info = std::move(info);
  }
}

}  // namespace faultline::internal
