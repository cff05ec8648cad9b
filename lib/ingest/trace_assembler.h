// Private: TraceAssembler, the SpanSink every trace parser feeds. It buffers spans per
// trace, and analyses each trace once it is complete (no new span within the pairing
// horizon, or the input ended) into the model: service, operation and placement edges with
// windowed statistics. What each span means for the graph is decided here and only here.
//
// Its members are defined by job:
//   trace_assembler.cc            buffering per trace, expiry and flushing
//   trace_assembler_analysis.cc   one complete trace into the model (Analyze())
//   trace_assembler_links.cc      span links into async edges (ResolveLinks())
//   trace_assembler_peers.cc      uninstrumented peers named by client spans
//   trace_assembler_names.cc      operation names, their cap per service, entry points
//   trace_assembler_model.cc      cached access to the model, resources' entities
//   trace_assembler_retention.cc  old statistics buckets dropped, stale caches dropped
#ifndef FAULTLINE_LIB_INGEST_TRACE_ASSEMBLER_H_
#define FAULTLINE_LIB_INGEST_TRACE_ASSEMBLER_H_

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "faultline/ingest/span.h"
#include "faultline/ingest/traces.h"
#include "faultline/model/interner.h"
#include "faultline/model/model_builder.h"
#include "stats_batch.h"

namespace faultline::internal {

class TraceAssembler : public SpanSink {
 public:
  TraceAssembler(ModelBuilder* builder, const TraceOptions& options);

  std::uint32_t AddResource(const ResourceInfo& resource) override;
  void AddSpan(const SpanRecord& span) override;

  // Analyses every pending trace.
  void FlushAll();

  const TraceSummary& summary() const { return summary_; }
  std::size_t pending_traces() const { return pending_.size(); }
  // The first error the model builder returned, OK otherwise.
  const absl::Status& status() const { return status_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  struct CompactSpan {
    std::uint64_t span_id;
    std::uint64_t parent_id;
    std::int64_t start;
    std::int64_t end;
    std::uint32_t resource;
    std::uint32_t name;
    std::uint32_t peer;
    std::uint16_t links_count;  // its links follow those of the spans before it in links
    SpanKind kind;
    bool failed;
  };
  static_assert(sizeof(CompactSpan) <= 48, "pending spans are kept compact");

  struct TraceBuffer {
    TraceId id;
    std::vector<CompactSpan> spans;
    std::vector<SpanLinkRef> links;
    std::int64_t last_seen = 0;
    std::uint64_t last_arrival = 0;  // arrivals_ when its last span came
  };

  // A resource as the model sees it, materialized on first use.
  struct ResourceState {
    ResourceInfo info;
    bool materialized = false;
    std::string service_name;
    SubgraphId traces = kNoSubgraph;
    SubgraphId operations = kNoSubgraph;
    SubgraphId placement = kNoSubgraph;
    EntityId service = kInvalidEntity;
    EntityId instance = kInvalidEntity;
    WindowedStats* service_stats = nullptr;
    WindowedStats* instance_stats = nullptr;
  };

  struct OperationState {
    EntityId entity;
    WindowedStats* stats;
  };

  // An uninstrumented dependency named by a client span's attributes.
  struct PeerState {
    std::string id;
    EntityKind kind;
    EdgeKind edge_kind;
    Attributes attributes;
  };

  // Where a span link may point: a producer-side span already analysed.
  struct LinkEnd {
    EntityId service;
    SubgraphId subgraph;
  };

  struct LinkKey {
    TraceId trace;
    std::uint64_t span;
    bool operator==(const LinkKey& o) const { return trace == o.trace && span == o.span; }
    template <typename H>
    friend H AbslHashValue(H h, const LinkKey& k) {
      return H::combine(std::move(h), k.trace, k.span);
    }
  };

  struct EdgeKey {
    EntityId from;
    EntityId to;
    EdgeKind kind;
    SubgraphId subgraph;
    bool operator==(const EdgeKey& o) const {
      return from == o.from && to == o.to && kind == o.kind && subgraph == o.subgraph;
    }
    template <typename H>
    friend H AbslHashValue(H h, const EdgeKey& k) {
      return H::combine(std::move(h), k.from, k.to, static_cast<int>(k.kind), k.subgraph);
    }
  };

  // Pack(): two 32-bit ids as one 64-bit key, `a` in the high half.
  static std::uint64_t Pack(std::uint32_t a, std::uint32_t b) {
    return (std::uint64_t{a} << 32) | b;
  }

  // --- buffering and flushing (trace_assembler.cc) ---
  // Drops old buckets, then analyses the traces that expired (last span older than the
  // pairing horizon behind the watermark, and enough spans of other traces since) and,
  // over max_pending_traces, the oldest more until 90 % of the cap remain; oldest first.
  void FlushExpired();
  // Analyses the pending trace `id` and frees its buffer.
  void AnalyzeAndRelease(const TraceId& id);
  // Analyse the traces in `slot` / `slots` (in order), no longer in pending_, and free
  // their buffers.
  void ReleaseSlots(const std::vector<std::uint32_t>& slots);
  void ReleaseSlot(std::uint32_t slot);

  // --- analysis (trace_assembler_analysis.cc, trace_assembler_links.cc) ---
  // Analyze(): one trace's spans into the model's statistics (applied through batch_),
  // then ResolveLinks(). Marks the trace's duplicate spans in duplicate_.
  void Analyze(TraceBuffer& trace);
  // ResolveLinks(): records the trace's spans as link targets, resolves the links waiting
  // for them and the trace's own links (async edges), and queues the links whose targets
  // have not arrived. Reads duplicate_ as Analyze() left it.
  void ResolveLinks(const TraceBuffer& trace);

  // --- peers (trace_assembler_peers.cc) ---
  // InternPeer(): the peer a client or producer span's attributes name, kNone if none.
  std::uint32_t InternPeer(const SpanRecord& span);
  // MakePeer(): the peer named by `span`, registered on first sight; kNone if none.
  std::uint32_t MakePeer(const SpanRecord& span);
  // PeerEntity(): the entity of `peer` in `subgraph`, created on first use (marked
  // uninstrumented unless an entity with its id exists already).
  EntityId PeerEntity(std::uint32_t peer, SubgraphId subgraph);
  // RecordUnpaired(): statistics of `call`, a client span of r's service that reached no
  // instrumented callee: towards `peer`, or only counted when kNone.
  void RecordUnpaired(ResourceState& r, const CompactSpan& call, std::uint32_t peer);

  // --- retention (trace_assembler_retention.cc) ---
  // Drops statistics buckets older than TraceOptions::retention_ns behind the watermark.
  void DropOldBuckets();
  // Drops every model cache when a subgraph this assembler cached was replaced or removed
  // in the builder since the last check (applying pending statistics first).
  void ValidateCaches();

  // --- operation names (trace_assembler_names.cc) ---
  // InternName(): the id of a span name as an operation name (NormalizeOperationName()).
  std::uint32_t InternName(std::string_view raw);

  // AdmitName(): whether `*name` may become a new operation or entry point of `owner`
  // (within the cap); if not, *name becomes "(other)" and the result says whether "(other)"
  // is new for the owner.
  // `count_fold`: whether a fold counts in summary().capped_operation_spans.
  bool AdmitName(std::uint64_t owner, std::uint32_t* name, bool count_fold);
  // The operation entity of `name` in r's service and its statistics (kInvalidEntity and
  // nullptr when operations are off).
  const OperationState& Operation(const ResourceState& r, std::uint32_t name);
  // The entry point entity of `name` in r's service (in the traces subgraph).
  EntityId EntryPointEntity(const ResourceState& r, std::uint32_t name);

  // --- the model, cached (trace_assembler_model.cc) ---
  // Materialize(): the resource's state, its subgraphs and entities created on first use.
  ResourceState& Materialize(std::uint32_t resource);
  // Entity(): adds or finds the entity; kInvalidEntity (and Fail()) on error or without a
  // subgraph.
  EntityId Entity(SubgraphId subgraph, EntityKind kind, const std::string& id,
                  const Attributes& attributes = {});
  // The statistics of the edge, added on first use; nullptr without a subgraph or an end.
  WindowedStats* EdgeStats(SubgraphId subgraph, EntityId from, EntityId to, EdgeKind kind);
  // An edge without statistics (placement, containment).
  void Structural(SubgraphId subgraph, EntityId from, EntityId to, EdgeKind kind);
  // The statistics of the entity in `subgraph`; nullptr without either.
  WindowedStats* EntityStats(SubgraphId subgraph, EntityId entity);
  // Subgraph(): adds or finds the subgraph `id` (kNoSubgraph, and Fail(), on error).
  SubgraphId Subgraph(const std::string& id, const std::string& parent, const char* kind);
  // Fail(): keeps the first error in status().
  void Fail(const absl::Status& status);

  ModelBuilder* builder_;
  TraceOptions options_;
  absl::Status status_;
  TraceSummary summary_;

  std::vector<ResourceState> resources_;
  absl::flat_hash_map<ResourceInfo, std::uint32_t> resource_index_;
  StringInterner names_;
  std::vector<PeerState> peers_;
  absl::flat_hash_map<std::string, std::uint32_t> peer_index_;  // by entity id
  absl::flat_hash_map<std::string, std::uint32_t> peer_keys_;   // by naming attributes
  std::string peer_key_;
  bool links_seen_ = false;

  absl::flat_hash_map<TraceId, std::uint32_t> pending_;
  std::vector<TraceBuffer> buffers_;
  std::vector<std::uint32_t> free_buffers_;
  std::int64_t watermark_ = 0;
  // A lower bound of the pending traces' last_seen (exact after each FlushExpired scan).
  std::int64_t oldest_pending_ = std::numeric_limits<std::int64_t>::max();
  std::uint64_t arrivals_ = 0;
  std::uint32_t last_slot_ = kNone;
  std::uint64_t generation_ = 0;  // the builder's generation() when caches were checked  // the buffer the previous span went to
  std::uint64_t spans_since_check_ = 0;

  // Span links: producer-side spans seen (bounded FIFO) and links waiting for them.
  absl::flat_hash_map<LinkKey, LinkEnd> link_targets_;
  std::deque<LinkKey> link_target_order_;
  absl::flat_hash_map<LinkKey, std::vector<LinkEnd>> waiting_links_;
  std::uint64_t evicted_links_ = 0;  // waiting links dropped by the bound on waiting targets
  std::deque<LinkKey> waiting_order_;

  // Model caches.
  // Caches of the model, keyed by subgraph where entities are; dropped whenever one of the
  // subgraphs (id -> (SubgraphId, version)) was replaced or removed in the builder.
  absl::flat_hash_map<std::string, std::pair<SubgraphId, std::uint64_t>> subgraphs_;
  using NameKey = std::tuple<SubgraphId, EntityId, std::uint32_t>;
  absl::flat_hash_map<NameKey, OperationState> operations_;
  absl::flat_hash_map<NameKey, EntityId> entry_points_;
  // Names admitted per service, for operations (key: operations subgraph and service) and
  // for entry points (traces subgraph and service); bounded by max_operations_per_service.
  absl::flat_hash_map<std::uint64_t, std::uint32_t> names_per_owner_;
  std::string normalized_name_;  // reused by InternName
  struct NameCacheEntry {
    std::string raw;
    std::uint32_t id = 0;
    bool valid = false;
  };
  std::vector<NameCacheEntry> name_cache_ = std::vector<NameCacheEntry>(1024);
  struct PeerCacheEntry {  // InternPeer's naming attributes, in its order
    static constexpr std::size_t kParts = 6;
    std::string parts[kParts];
    decltype(SpanRecord::server_port) port = 0;
    std::uint32_t peer = 0;
    bool valid = false;
  };
  std::vector<PeerCacheEntry> peer_cache_ = std::vector<PeerCacheEntry>(256);
  absl::flat_hash_map<std::uint64_t, EntityId> peer_entities_;  // (peer, subgraph)
  absl::flat_hash_map<SubgraphId, EntityId> users_;
  absl::flat_hash_map<EdgeKey, WindowedStats*> edge_stats_;
  absl::flat_hash_map<std::uint64_t, WindowedStats*> entity_stats_;

  // Scratch reused across traces.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id_;
  std::vector<std::uint8_t> handler_flag_;
  std::vector<OperationState> op_of_;  // per handler span: its operation
  std::vector<std::uint32_t> parent_, child_begin_, children_, handler_, fill_;
  std::vector<EntityId> service_;
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals_;
  std::vector<std::uint32_t> stack_, inner_;
  std::vector<bool> paired_, duplicate_;
  StatsBatch batch_;  // the statistics one trace adds, applied at the end of Analyze()
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_TRACE_ASSEMBLER_H_
