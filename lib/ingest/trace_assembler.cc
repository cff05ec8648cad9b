// TraceAssembler: spans -> traces -> service, operation and placement graphs with
// windowed statistics.
//
// Vocabulary used below:
// - handler: a span that starts work in a service: SERVER or CONSUMER, a root, a span
//   whose parent was never seen, or a span whose parent is in another service.
// - local tree: a handler and the spans of the same service nested in it, down to the
//   boundaries where work leaves the service.
// - boundary: where work leaves the service: a CLIENT/PRODUCER span, an unkinded local span
//   with a child in another service, or a handler child of a local span.
#include "ingest/trace_assembler.h"

#include <algorithm>
#include <limits>

#include "faultline/internal/str_cat.h"
#include "ingest/attribute_cache.h"
#include "ingest/operation_name.h"

namespace faultline::internal {
namespace {

constexpr std::uint32_t kRoot = 0xfffffffeu;
constexpr std::uint32_t kMissing = 0xfffffffdu;
constexpr std::size_t kMaxLinkEntries = 1u << 20;
constexpr std::uint64_t kCheckEvery = 4096;
// Statistics updates are applied in batches of about this many (several traces' worth).
constexpr std::size_t kBatchUpdates = 64;
constexpr std::size_t kMaxWaitingPerTarget = 64;
// A trace expires on event time only once this many spans of other traces have arrived
// since its last span: files read newest-first, or one span with a far-future clock, must
// not split traces that are still arriving.
constexpr std::uint64_t kArrivalSlack = 65536;
// Buffers of analysed traces are reused; one that grew past this is given back.
constexpr std::size_t kKeepBufferCapacity = 4096;
constexpr char kUserId[] = "external:(user)";

// A subgraph id segment from a free-form environment name: characters a subgraph id cannot
// hold (space, control, '/') become '_'.
std::string EnvironmentSegment(std::string_view env) {
  std::string out(env);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/') c = '_';
  }
  return out.empty() ? std::string("default") : out;
}

bool ClientSide(SpanKind k) {
  return k == SpanKind::kClient || k == SpanKind::kProducer;
}

std::uint64_t Pack(std::uint32_t a, std::uint32_t b) {
  return (std::uint64_t{a} << 32) | b;
}

}  // namespace

TraceAssembler::TraceAssembler(ModelBuilder* builder, const TraceOptions& options)
    : builder_(builder), options_(options) {}

void TraceAssembler::Fail(const absl::Status& status) {
  if (status_.ok() && !status.ok()) status_ = status;
}

std::uint32_t TraceAssembler::AddResource(const ResourceInfo& resource) {
  auto [it, inserted] =
      resource_index_.try_emplace(resource, static_cast<std::uint32_t>(resources_.size()));
  if (inserted) {
    resources_.emplace_back();
    resources_.back().info = resource;
  }
  return it->second;
}

std::uint32_t TraceAssembler::InternName(std::string_view raw) {
  // Span names repeat: a direct-mapped cache of raw names skips both the normalization and
  // the interner's hash table on a hit.
  NameCacheEntry& e = name_cache_[ShortKeyHash(raw) & (name_cache_.size() - 1)];
  if (e.valid && std::string_view(e.raw) == raw) return e.id;
  e.id = names_.Intern(NormalizeOperationName(raw, &normalized_name_)
                           ? std::string_view(normalized_name_)
                           : raw);
  e.raw.assign(raw.data(), raw.size());
  e.valid = true;
  return e.id;
}

std::uint32_t TraceAssembler::InternPeer(const SpanRecord& s) {
  // Fast path: the attributes that name a peer, as one key in a reused buffer.
  if (s.messaging_destination.empty() && s.db_system.empty() && s.db_namespace.empty() &&
      s.peer_service.empty() && s.server_address.empty()) {
    return kNone;
  }
  const std::string_view parts[PeerCacheEntry::kParts] = {
      s.messaging_system, s.messaging_destination, s.db_system,
      s.db_namespace,     s.peer_service,          s.server_address};
  // Client spans name the same few peers over and over: a direct-mapped cache compares the
  // naming attributes themselves before any key is built.
  std::uint64_t h = static_cast<std::uint64_t>(s.server_port) * 0x9E3779B97F4A7C15ULL;
  for (std::string_view part : parts) h = (h ^ ShortKeyHash(part)) * 0x100000001B3ULL;
  PeerCacheEntry& e = peer_cache_[(h ^ (h >> 31)) & (peer_cache_.size() - 1)];
  const auto same = [&] {
    if (!e.valid || e.port != s.server_port) return false;
    for (std::size_t i = 0; i < PeerCacheEntry::kParts; ++i) {
      if (std::string_view(e.parts[i]) != parts[i]) return false;
    }
    return true;
  };
  if (same()) return e.peer;
  peer_key_.clear();
  for (std::string_view part : parts) {
    peer_key_.append(part.data(), part.size());
    peer_key_.push_back('\x1f');
  }
  peer_key_.append(reinterpret_cast<const char*>(&s.server_port), sizeof(s.server_port));
  auto cached = peer_keys_.find(ToAbsl(peer_key_));
  std::uint32_t peer;
  if (cached != peer_keys_.end()) {
    peer = cached->second;
  } else {
    peer = MakePeer(s);
    peer_keys_.emplace(peer_key_, peer);
  }
  for (std::size_t i = 0; i < PeerCacheEntry::kParts; ++i) {
    e.parts[i].assign(parts[i].data(), parts[i].size());
  }
  e.port = s.server_port;
  e.peer = peer;
  e.valid = true;
  return peer;
}

std::uint32_t TraceAssembler::MakePeer(const SpanRecord& s) {
  PeerState p;
  if (!s.messaging_destination.empty()) {
    const std::string_view system = s.messaging_system.empty() ? "queue" : s.messaging_system;
    p.id = StrCat("queue:", system, "/", s.messaging_destination);
    p.kind = EntityKind::kQueue;
    p.edge_kind = EdgeKind::kAsync;
    p.attributes = {{"messaging.system", std::string(system)},
                    {"messaging.destination.name", std::string(s.messaging_destination)}};
  } else if (!s.db_system.empty() || !s.db_namespace.empty()) {
    const std::string_view where = !s.server_address.empty() ? s.server_address
                                   : !s.db_system.empty()    ? s.db_system
                                                             : std::string_view("db");
    p.id = s.db_namespace.empty() ? StrCat("database:", where)
                                  : StrCat("database:", where, "/", s.db_namespace);
    p.kind = EntityKind::kDatabase;
    p.edge_kind = EdgeKind::kUses;
    if (!s.db_system.empty()) p.attributes.emplace_back("db.system.name", std::string(s.db_system));
    if (!s.db_namespace.empty()) {
      p.attributes.emplace_back("db.namespace", std::string(s.db_namespace));
    }
    if (!s.server_address.empty()) {
      p.attributes.emplace_back("server.address", std::string(s.server_address));
    }
    if (s.server_port > 0) p.attributes.emplace_back("server.port", StrCat(s.server_port));
  } else if (!s.peer_service.empty()) {
    p.id = StrCat("service:", s.peer_service);
    p.kind = EntityKind::kService;
    p.edge_kind = EdgeKind::kCalls;
    p.attributes = {{"name", std::string(s.peer_service)}, {"uninstrumented", "true"}};
  } else if (!s.server_address.empty()) {
    p.id = s.server_port > 0 ? StrCat("external:", s.server_address, ":", s.server_port)
                             : StrCat("external:", s.server_address);
    p.kind = EntityKind::kExternal;
    p.edge_kind = EdgeKind::kCalls;
    p.attributes = {{"server.address", std::string(s.server_address)}};
  } else {
    return kNone;
  }
  auto [it, inserted] =
      peer_index_.try_emplace(p.id, static_cast<std::uint32_t>(peers_.size()));
  if (inserted) peers_.push_back(std::move(p));
  return it->second;
}

void TraceAssembler::AddSpan(const SpanRecord& s) {
  if (s.trace_id.empty()) return;  // parsers reject these; nothing to group by
  CompactSpan c;
  c.span_id = s.span_id;
  c.parent_id = s.parent_span_id;
  c.start = s.start_ns;
  c.end = s.end_ns;
  if (c.end < c.start) {
    c.end = c.start;
    ++summary_.clock_skew_adjusted;
  }
  c.resource = s.resource < resources_.size() ? s.resource : AddResource(ResourceInfo{});
  c.name = InternName(s.name);
  c.kind = s.kind;
  c.failed = SpanFailed(s);
  c.peer = s.kind == SpanKind::kServer || s.kind == SpanKind::kInternal ? kNone : InternPeer(s);

  // Spans of one trace often come one after another: the last trace is checked first
  // (last_slot_ is reset whenever its buffer is released).
  std::uint32_t slot = kNone;
  if (last_slot_ != kNone && buffers_[last_slot_].id == s.trace_id) {
    slot = last_slot_;
  } else if (auto it = pending_.find(s.trace_id); it != pending_.end()) {
    slot = it->second;
  } else {
    if (!free_buffers_.empty()) {
      slot = free_buffers_.back();
      free_buffers_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(buffers_.size());
      buffers_.emplace_back();
    }
    pending_.emplace(s.trace_id, slot);
    buffers_[slot].id = s.trace_id;
    buffers_[slot].spans.reserve(16);
    buffers_[slot].last_seen = c.end;
    oldest_pending_ = std::min(oldest_pending_, c.end);
  }
  last_slot_ = slot;
  TraceBuffer& t = buffers_[slot];
  t.last_arrival = ++arrivals_;
  c.links_count = static_cast<std::uint16_t>(std::min<std::size_t>(s.links.size(), 0xffff));
  for (std::size_t i = 0; i < c.links_count; ++i) t.links.push_back(s.links[i]);
  links_seen_ = links_seen_ || c.links_count > 0;
  t.spans.push_back(c);
  t.last_seen = std::max(t.last_seen, c.end);
  watermark_ = std::max(watermark_, c.end);
  if (t.spans.size() >= std::max<std::size_t>(options_.max_spans_per_trace, 1)) {
    // Bounded memory: an enormous trace is analysed in parts.
    ++summary_.split_traces;
    AnalyzeAndRelease(s.trace_id);
  }
  // Checking costs O(pending traces), so it runs at most once per that many spans.
  if (++spans_since_check_ >= std::max<std::uint64_t>(kCheckEvery, pending_.size()) ||
      pending_.size() > options_.max_pending_traces) {
    spans_since_check_ = 0;
    FlushExpired();
  }
}

namespace {

// Oldest first; ties by trace id, so the analysis order never depends on hash-map order.
struct DueTrace {
  std::int64_t last_seen;
  TraceId id;
  std::uint32_t slot;
};
bool OlderFirst(const DueTrace& a, const DueTrace& b) {
  if (a.last_seen != b.last_seen) return a.last_seen < b.last_seen;
  return a.id.hi != b.id.hi ? a.id.hi < b.id.hi : a.id.lo < b.id.lo;
}

}  // namespace

void TraceAssembler::AnalyzeAndRelease(const TraceId& id) {
  auto it = pending_.find(id);
  const std::uint32_t slot = it->second;
  pending_.erase(it);
  ReleaseSlot(slot);
  batch_.Apply();
}

void TraceAssembler::ReleaseSlots(const std::vector<std::uint32_t>& slots) {
  // Buffers waited in memory since their spans arrived: each is fetched a few traces ahead
  // of its analysis (the buffer's header first, then its spans).
  constexpr std::size_t kHeaderAhead = 4, kSpansAhead = 2;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    if (k + kHeaderAhead < slots.size()) __builtin_prefetch(&buffers_[slots[k + kHeaderAhead]]);
    if (k + kSpansAhead < slots.size()) {
      const std::vector<CompactSpan>& ahead = buffers_[slots[k + kSpansAhead]].spans;
      const char* p = reinterpret_cast<const char*>(ahead.data());
      const std::size_t bytes = std::min<std::size_t>(ahead.size() * sizeof(CompactSpan), 2048);
      for (std::size_t off = 0; off < bytes; off += 64) __builtin_prefetch(p + off);
    }
    ReleaseSlot(slots[k]);
    if (batch_.size() >= kBatchUpdates) batch_.Apply();
  }
  batch_.Apply();
}

void TraceAssembler::ReleaseSlot(std::uint32_t slot) {
  Analyze(buffers_[slot]);
  TraceBuffer& t = buffers_[slot];
  t.spans.clear();
  t.links.clear();
  if (t.spans.capacity() > kKeepBufferCapacity) std::vector<CompactSpan>().swap(t.spans);
  if (t.links.capacity() > kKeepBufferCapacity) std::vector<SpanLinkRef>().swap(t.links);
  free_buffers_.push_back(slot);
  if (last_slot_ == slot) last_slot_ = kNone;
}

void TraceAssembler::DropOldBuckets() {
  if (options_.retention_ns <= 0) return;
  ValidateCaches();  // the cached containers may belong to a replaced subgraph
  const std::int64_t keep_from = watermark_ - options_.retention_ns;
  for (auto& [key, stats] : edge_stats_) stats->DropBefore(keep_from);
  for (auto& [key, stats] : entity_stats_) stats->DropBefore(keep_from);
}

void TraceAssembler::FlushExpired() {
  DropOldBuckets();
  const std::int64_t horizon = std::max<std::int64_t>(options_.pairing_horizon_ns, 0);
  const std::int64_t cutoff = watermark_ - horizon;
  const std::size_t cap = std::max<std::size_t>(options_.max_pending_traces, 1);
  const bool over_cap = pending_.size() > cap;
  // No pending trace ended before oldest_pending_: nothing can have expired yet.
  if (!over_cap && oldest_pending_ >= cutoff) return;
  std::vector<DueTrace> due;
  std::int64_t oldest_kept = std::numeric_limits<std::int64_t>::max();
  for (const auto& [id, slot] : pending_) {
    const TraceBuffer& t = buffers_[slot];
    if (over_cap || (t.last_seen < cutoff && arrivals_ - t.last_arrival >= kArrivalSlack)) {
      due.push_back({t.last_seen, id, slot});
    } else {
      oldest_kept = std::min(oldest_kept, t.last_seen);
    }
  }
  // Expired traces always go; over the cap, the oldest more until 90 % of it remain.
  std::sort(due.begin(), due.end(), OlderFirst);
  const std::size_t target = over_cap ? cap * 9 / 10 : pending_.size();
  std::vector<std::uint32_t> slots;
  for (const DueTrace& d : due) {
    if (pending_.size() - slots.size() <= target &&
        (d.last_seen >= cutoff || arrivals_ - buffers_[d.slot].last_arrival < kArrivalSlack)) {
      oldest_kept = std::min(oldest_kept, d.last_seen);
      continue;
    }
    slots.push_back(d.slot);
  }
  oldest_pending_ = oldest_kept;
  for (const std::uint32_t slot : slots) pending_.erase(buffers_[slot].id);
  ReleaseSlots(slots);
}

void TraceAssembler::FlushAll() {
  std::vector<DueTrace> all;
  all.reserve(pending_.size());
  for (const auto& [id, slot] : pending_) all.push_back({buffers_[slot].last_seen, id, slot});
  std::sort(all.begin(), all.end(), OlderFirst);
  std::vector<std::uint32_t> slots;
  slots.reserve(all.size());
  for (const DueTrace& d : all) slots.push_back(d.slot);
  pending_.clear();
  ReleaseSlots(slots);
  DropOldBuckets();
  // Links whose target span never arrived (as a producer or client span) by the end.
  summary_.unresolved_links = evicted_links_;
  for (const auto& [key, consumers] : waiting_links_) summary_.unresolved_links += consumers.size();
  buffers_.clear();
  free_buffers_.clear();
  last_slot_ = kNone;
  oldest_pending_ = std::numeric_limits<std::int64_t>::max();
}

// --- Model access (cached) -------------------------------------------------------------

SubgraphId TraceAssembler::Subgraph(const std::string& id, const std::string& parent,
                                    const char* kind) {
  auto it = subgraphs_.find(id);
  if (it != subgraphs_.end()) return it->second.first;
  SubgraphOptions o;
  o.parent = parent;
  o.kind = kind;
  auto s = builder_->AddSubgraph(id, o);
  if (!s.ok()) {
    Fail(s.status());
    return kNoSubgraph;
  }
  subgraphs_.emplace(id, std::make_pair(*s, builder_->SubgraphVersion(*s)));
  return *s;
}

EntityId TraceAssembler::Entity(SubgraphId subgraph, EntityKind kind, const std::string& id,
                                const Attributes& attributes) {
  if (subgraph == kNoSubgraph) return kInvalidEntity;
  auto e = builder_->AddEntity(subgraph, kind, id, attributes);
  if (!e.ok()) {
    Fail(e.status());
    return kInvalidEntity;
  }
  return *e;
}

void TraceAssembler::Structural(SubgraphId subgraph, EntityId from, EntityId to,
                                EdgeKind kind) {
  if (subgraph == kNoSubgraph || from == kInvalidEntity || to == kInvalidEntity) return;
  Fail(builder_->AddEdge(subgraph, from, to, kind).status());
}

WindowedStats* TraceAssembler::EdgeStats(SubgraphId subgraph, EntityId from, EntityId to,
                                         EdgeKind kind) {
  if (subgraph == kNoSubgraph || from == kInvalidEntity || to == kInvalidEntity) {
    return nullptr;
  }
  const EdgeKey key{from, to, kind, subgraph};
  auto it = edge_stats_.find(key);
  if (it != edge_stats_.end()) return it->second;
  auto ref = builder_->AddEdge(subgraph, from, to, kind);
  if (!ref.ok()) {
    Fail(ref.status());
    return nullptr;
  }
  WindowedStats* stats = &builder_->EdgeStats(*ref);
  edge_stats_.emplace(key, stats);
  return stats;
}

WindowedStats* TraceAssembler::EntityStats(SubgraphId subgraph, EntityId entity) {
  if (subgraph == kNoSubgraph || entity == kInvalidEntity) return nullptr;
  const std::uint64_t key = Pack(subgraph, entity);
  auto it = entity_stats_.find(key);
  if (it != entity_stats_.end()) return it->second;
  WindowedStats* stats = &builder_->EntityStats(subgraph, entity);
  entity_stats_.emplace(key, stats);
  return stats;
}

TraceAssembler::ResourceState& TraceAssembler::Materialize(std::uint32_t resource) {
  ResourceState& r = resources_[resource];
  if (r.materialized) return r;
  r.materialized = true;
  const ResourceInfo& info = r.info;
  const std::string env = !options_.environment.empty() ? options_.environment
                          : !info.environment.empty()   ? info.environment
                                                        : std::string("default");
  const std::string root = StrCat("traces/", EnvironmentSegment(env));
  r.traces = Subgraph(root, "", "traces");
  if (options_.operations) r.operations = Subgraph(root + "/operations", root, "operations");
  if (options_.placement) r.placement = Subgraph(root + "/placement", root, "placement");

  r.service_name = !info.service.empty()    ? info.service
                   : !info.deployment.empty() ? info.deployment
                   : !info.pod.empty()        ? std::string(DeploymentFromPodName(info.pod))
                                              : std::string("unknown_service");
  Attributes service_attrs = {{"name", r.service_name}};
  if (!info.service_namespace.empty()) {
    service_attrs.emplace_back("service.namespace", info.service_namespace);
  }
  // Kubernetes identity, for linking the service to its workload in IaC.
  if (!info.deployment.empty()) service_attrs.emplace_back("k8s.deployment.name", info.deployment);
  if (!info.k8s_namespace.empty()) {
    service_attrs.emplace_back("k8s.namespace.name", info.k8s_namespace);
  }
  if (!info.cluster.empty()) service_attrs.emplace_back("k8s.cluster.name", info.cluster);
  // A function's identity, for linking the service to its function in IaC.
  if (!info.faas_name.empty()) service_attrs.emplace_back("faas.name", info.faas_name);
  if (!info.cloud_resource_id.empty()) {
    service_attrs.emplace_back("cloud.resource_id", info.cloud_resource_id);
  }
  r.service = Entity(r.traces, EntityKind::kService, "service:" + r.service_name, service_attrs);

  const std::string instance = !info.instance.empty() ? info.instance
                               : !info.pod.empty()    ? info.pod
                                                      : info.host;
  EntityId bottom = r.service;
  if (!instance.empty()) {
    Attributes attrs = {{"service", r.service_name}};
    if (!info.pod.empty()) attrs.emplace_back("k8s.pod.name", info.pod);
    if (!info.host.empty()) attrs.emplace_back("host.name", info.host);
    if (!info.host_id.empty()) attrs.emplace_back("host.id", info.host_id);
    r.instance = Entity(r.traces, EntityKind::kInstance,
                        StrCat("instance:", r.service_name, "/", instance), attrs);
    Structural(r.traces, r.service, r.instance, EdgeKind::kRunsOn);
    r.instance_stats = EntityStats(r.traces, r.instance);
    bottom = r.instance;
  }
  r.service_stats = EntityStats(r.traces, r.service);
  if (r.placement == kNoSubgraph) return r;
  const SubgraphId p = r.placement;
  const std::string& node_name = !info.node.empty() ? info.node : info.host;
  EntityId node = kInvalidEntity;
  if (!node_name.empty()) {
    Attributes attrs = {{"name", node_name}};
    if (!info.host_id.empty()) attrs.emplace_back("host.id", info.host_id);
    node = Entity(p, EntityKind::kNode, "node:" + node_name, attrs);
    Structural(p, bottom, node, EdgeKind::kRunsOn);
  }
  const EntityId above = node != kInvalidEntity ? node : bottom;
  EntityId zone = kInvalidEntity;
  if (!info.zone.empty()) {
    zone = Entity(p, EntityKind::kZone, "zone:" + info.zone, {{"name", info.zone}});
    Structural(p, above, zone, EdgeKind::kRunsOn);
  }
  if (!info.region.empty()) {
    const EntityId region =
        Entity(p, EntityKind::kRegion, "region:" + info.region, {{"name", info.region}});
    Structural(p, zone != kInvalidEntity ? zone : above, region, EdgeKind::kRunsOn);
  }
  if (!info.cluster.empty()) {
    const EntityId cluster =
        Entity(p, EntityKind::kCluster, "cluster:" + info.cluster, {{"name", info.cluster}});
    Structural(p, above, cluster, EdgeKind::kRunsOn);
  }
  if (!info.k8s_namespace.empty()) {
    const std::string id = info.cluster.empty()
                               ? StrCat("namespace:", info.k8s_namespace)
                               : StrCat("namespace:", info.cluster, "/", info.k8s_namespace);
    const EntityId ns =
        Entity(p, EntityKind::kNamespace, id, {{"name", info.k8s_namespace}});
    Structural(p, ns, bottom, EdgeKind::kContains);
  }
  return r;
}

EntityId TraceAssembler::PeerEntity(std::uint32_t peer, SubgraphId subgraph) {
  auto [it, inserted] = peer_entities_.try_emplace(Pack(peer, subgraph), kInvalidEntity);
  if (inserted) {
    const PeerState& p = peers_[peer];
    // A service that has spans of its own is not marked uninstrumented.
    const bool known = builder_->FindEntity(p.id).has_value();
    it->second = Entity(subgraph, p.kind, p.id, known ? Attributes{} : p.attributes);
  }
  return it->second;
}

bool TraceAssembler::AdmitName(std::uint64_t owner, std::uint32_t* name, bool count_fold) {
  std::uint32_t& count = names_per_owner_[owner];
  if (count < std::max<std::size_t>(options_.max_operations_per_service, 1)) {
    ++count;
    return true;
  }
  // Over the cap: the name is folded into "(other)", which is always admitted.
  if (count_fold) ++summary_.capped_operation_spans;
  const std::uint32_t other = names_.Intern(kOtherOperation);
  const bool was_other = *name == other;
  *name = other;
  return was_other;
}

const TraceAssembler::OperationState& TraceAssembler::Operation(const ResourceState& r,
                                                               std::uint32_t name) {
  static const OperationState kNoOperation{kInvalidEntity, nullptr};
  if (r.operations == kNoSubgraph || r.service == kInvalidEntity) return kNoOperation;
  auto it = operations_.find(std::make_tuple(r.operations, r.service, name));
  if (it != operations_.end()) return it->second;
  // A new name: within the service's cap it gets its own entry; beyond, the request goes
  // to "(other)" (looked up each time, so the cache stays bounded by the cap).
  if (!AdmitName(Pack(r.operations, r.service), &name, /*count=*/true)) {
    it = operations_.find(std::make_tuple(r.operations, r.service, name));
    if (it != operations_.end()) return it->second;
  }
  const std::string op(names_.Get(name));
  const EntityId e = Entity(r.operations, EntityKind::kOperation,
                            StrCat("operation:", r.service_name, "/", op),
                            {{"service", r.service_name}, {"operation", op}});
  Structural(r.operations, r.service, e, EdgeKind::kContains);
  return operations_
      .emplace(std::make_tuple(r.operations, r.service, name),
               OperationState{e, EntityStats(r.operations, e)})
      .first->second;
}

EntityId TraceAssembler::EntryPointEntity(const ResourceState& r, std::uint32_t name) {
  auto it = entry_points_.find(std::make_tuple(r.traces, r.service, name));
  if (it != entry_points_.end()) return it->second;
  // Counted once per span, by Operation().
  if (!AdmitName(Pack(r.traces, r.service), &name, /*count=*/false)) {
    it = entry_points_.find(std::make_tuple(r.traces, r.service, name));
    if (it != entry_points_.end()) return it->second;
  }
  const std::string op(names_.Get(name));
  const EntityId e = Entity(r.traces, EntityKind::kEntryPoint,
                            StrCat("entry_point:", r.service_name, "/", op),
                            {{"service", r.service_name}, {"operation", op}});
  entry_points_.emplace(std::make_tuple(r.traces, r.service, name), e);
  return e;
}

// --- Analysis ----------------------------------------------------------------------------

void TraceAssembler::RecordUnpaired(ResourceState& r, const CompactSpan& call,
                                    std::uint32_t peer) {
  if (peer == kNone) {
    ++summary_.unpaired_client_spans;
    return;
  }
  const SketchValue d = SketchValue::Of(call.end - call.start);
  const EntityId target = PeerEntity(peer, r.traces);
  if (peers_[peer].kind == EntityKind::kQueue) {  // published; no consumer seen (yet)
    batch_.Add(StatsUpdate::At(EdgeStats(r.traces, r.service, target, EdgeKind::kAsync),
                               call.start)
        .Error(call.failed)
        .ClientLatency(d));
  } else {  // work left the service towards something with no spans of its own
    batch_.Add(StatsUpdate::At(EdgeStats(r.traces, r.service, target, peers_[peer].edge_kind),
                               call.start)
        .Error(call.failed)
        .Latency(d)
        .ClientLatency(d));
    batch_.Add(StatsUpdate::At(EntityStats(r.traces, target), call.start)
        .Error(call.failed)
        .Originated(call.failed)
        .Latency(d));
  }
  ++summary_.virtual_peers;
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

void TraceAssembler::Analyze(TraceBuffer& trace) {
  ValidateCaches();
  std::vector<CompactSpan>& s = trace.spans;
  const auto n = static_cast<std::uint32_t>(s.size());
  if (n == 0) return;
  ++summary_.traces;
  summary_.spans += n;

  // Index by span id; later arrivals of an id already seen are duplicates.
  // (span id, arrival) pairs sorted: ties keep arrival order, and the search below reads
  // one contiguous array.
  by_id_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) by_id_[i] = {s[i].span_id, i};
  std::sort(by_id_.begin(), by_id_.end());
  duplicate_.assign(n, false);
  for (std::uint32_t k = 1; k < n; ++k) {
    if (by_id_[k].first == by_id_[k - 1].first) {
      duplicate_[by_id_[k].second] = true;
      ++summary_.duplicate_spans;
    }
  }
  auto find = [&](std::uint64_t id) -> std::uint32_t {
    auto it = std::lower_bound(by_id_.begin(), by_id_.end(), std::make_pair(id, 0u));
    return it != by_id_.end() && it->first == id ? it->second : kMissing;
  };
  parent_.assign(n, kRoot);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (s[i].parent_id == 0) continue;
    const std::uint32_t p = find(s[i].parent_id);
    parent_[i] = (p == kMissing || p == i) ? kMissing : p;
  }
  // Children in CSR form (duplicates have none and are nobody's child).
  child_begin_.assign(n + 1, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!duplicate_[i] && parent_[i] < n) ++child_begin_[parent_[i] + 1];
  }
  for (std::uint32_t i = 1; i <= n; ++i) child_begin_[i] += child_begin_[i - 1];
  children_.assign(child_begin_[n], 0);
  fill_.assign(child_begin_.begin(), child_begin_.end() - 1);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!duplicate_[i] && parent_[i] < n) children_[fill_[parent_[i]]++] = i;
  }

  std::vector<EntityId>& service = service_;
  service.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) service[i] = Materialize(s[i].resource).service;
  // A handler starts work in a service: a root, an orphan, a span whose parent is in
  // another service, or a SERVER/CONSUMER span under a client/producer span of its own
  // service (a self-call). A SERVER span nested in a SERVER span of the same service
  // (framework layers) is part of the same request.
  handler_flag_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t p = parent_[i];
    handler_flag_[i] = p >= n || service[p] != service[i] ||
                       ((s[i].kind == SpanKind::kServer || s[i].kind == SpanKind::kConsumer) &&
                        ClientSide(s[p].kind));
  }
  auto is_handler = [&](std::uint32_t i) { return handler_flag_[i] != 0; };
  auto crosses = [&](std::uint32_t i) {  // a child of i is in another service
    for (std::uint32_t k = child_begin_[i]; k < child_begin_[i + 1]; ++k) {
      if (service[children_[k]] != service[i]) return true;
    }
    return false;
  };
  // Walks the same-service subtree under span `from` (client layers of one call, e.g. an
  // SDK span over an HTTP span), assigning it to handler `h`. Returns whether a handler
  // (the instrumented callee) is reached; *peer is the first peer named on the way.
  auto call_subtree = [&](std::uint32_t from, std::uint32_t h, std::uint32_t* peer) {
    bool reached = false;
    inner_.assign(1, from);
    while (!inner_.empty()) {
      const std::uint32_t x = inner_.back();
      inner_.pop_back();
      handler_[x] = h;
      if (*peer == kNone) *peer = s[x].peer;
      for (std::uint32_t k = child_begin_[x]; k < child_begin_[x + 1]; ++k) {
        const std::uint32_t c = children_[k];
        if (is_handler(c)) {
          reached = true;
        } else {
          inner_.push_back(c);
        }
      }
    }
    return reached;
  };

  // Which handler's local tree each span belongs to; statistics per handler.
  handler_.assign(n, kNone);
  op_of_.assign(n, OperationState{kInvalidEntity, nullptr});
  for (std::uint32_t h = 0; h < n; ++h) {
    if (duplicate_[h] || !is_handler(h)) continue;
    const CompactSpan& H = s[h];
    ResourceState& r = Materialize(H.resource);
    handler_[h] = h;
    intervals_.clear();
    bool failed_remote = false;
    stack_.assign(1, h);
    while (!stack_.empty()) {
      const std::uint32_t l = stack_.back();
      stack_.pop_back();
      const CompactSpan& L = s[l];
      const bool client_boundary =
          l != h && (ClientSide(L.kind) || (L.kind == SpanKind::kUnspecified && crosses(l)));
      if (client_boundary) {
        intervals_.emplace_back(L.start, L.end);
        failed_remote = failed_remote || L.failed;
        std::uint32_t peer = kNone;
        if (!call_subtree(l, h, &peer)) RecordUnpaired(r, L, peer);
        continue;
      }
      handler_[l] = h;
      for (std::uint32_t k = child_begin_[l]; k < child_begin_[l + 1]; ++k) {
        const std::uint32_t c = children_[k];
        if (is_handler(c)) {
          intervals_.emplace_back(s[c].start, s[c].end);
          failed_remote = failed_remote || s[c].failed;
        } else {
          stack_.push_back(c);
        }
      }
    }
    if (ClientSide(H.kind)) {  // e.g. a batch job whose root span is a database call
      std::uint32_t peer = kNone;
      if (!call_subtree(h, h, &peer)) RecordUnpaired(r, H, peer);
    }
    // Exclusive time: the handler's duration minus the union of remote intervals.
    std::sort(intervals_.begin(), intervals_.end());
    std::int64_t covered = 0, cur_begin = 0, cur_end = 0;
    bool open = false;
    for (auto [b, e] : intervals_) {
      b = std::max(b, H.start);
      e = std::min(e, H.end);
      if (e <= b) continue;
      if (open && b <= cur_end) {
        cur_end = std::max(cur_end, e);
      } else {
        if (open) covered += cur_end - cur_begin;
        cur_begin = b;
        cur_end = e;
        open = true;
      }
    }
    if (open) covered += cur_end - cur_begin;
    const std::int64_t duration = H.end - H.start;
    const std::int64_t self = std::max<std::int64_t>(duration - covered, 0);
    const bool originated = H.failed && !failed_remote;
    const SketchValue duration_v = SketchValue::Of(duration);
    const SketchValue self_v = SketchValue::Of(self);

    auto record = [&](WindowedStats* w) {
      batch_.Add(StatsUpdate::At(w, H.start)
          .Error(H.failed)
          .Originated(originated)
          .Latency(duration_v)
          .SelfTime(self_v));
    };
    record(r.service_stats);
    record(r.instance_stats);
    op_of_[h] = Operation(r, H.name);
    record(op_of_[h].stats);

    if (parent_[h] == kRoot) {
      const EntityId entry = EntryPointEntity(r, H.name);
      record(EntityStats(r.traces, entry));
      batch_.Add(StatsUpdate::At(EdgeStats(r.traces, entry, r.service, EdgeKind::kCalls),
                                 H.start)
          .Error(H.failed)
          .Latency(duration_v));
      if (H.kind == SpanKind::kServer || H.kind == SpanKind::kUnspecified) {
        EntityId& user = users_.try_emplace(r.traces, kInvalidEntity).first->second;
        if (user == kInvalidEntity) {
          // Parentheses keep it apart from any host name an "external:" peer can have.
          user = Entity(r.traces, EntityKind::kExternal, kUserId, {{"name", "user"}});
        }
        batch_.Add(StatsUpdate::At(EdgeStats(r.traces, user, entry, EdgeKind::kCalls), H.start)
            .Error(H.failed)
            .ClientLatency(duration_v));
      }
    } else if (parent_[h] == kMissing) {
      ++summary_.orphan_spans;
    }
    if (H.kind == SpanKind::kConsumer && H.peer != kNone &&
        peers_[H.peer].kind == EntityKind::kQueue &&
        (parent_[h] >= n || s[parent_[h]].kind != SpanKind::kProducer)) {
      // A consumer whose producer is not in this trace: the queue still feeds it.
      const EntityId queue = PeerEntity(H.peer, r.traces);
      batch_.Add(StatsUpdate::At(EdgeStats(r.traces, queue, r.service, EdgeKind::kAsync),
                                 H.start)
          .Error(H.failed)
          .Latency(duration_v));
    }
  }

  // Calls between services: every handler whose parent is in another service (or a
  // client span of the same service, for self-calls).
  for (std::uint32_t i = 0; i < n; ++i) {
    if (duplicate_[i] || parent_[i] >= n) continue;
    const std::uint32_t p = parent_[i];
    const CompactSpan& S = s[i];
    const CompactSpan& P = s[p];
    const bool cross = service[p] != service[i];
    const bool self_call = (P.kind == SpanKind::kClient && S.kind == SpanKind::kServer) ||
                           (P.kind == SpanKind::kProducer && S.kind == SpanKind::kConsumer);
    if (!cross && !self_call) continue;
    ResourceState& caller = Materialize(P.resource);
    const ResourceState& callee = Materialize(S.resource);
    const bool async = P.kind == SpanKind::kProducer || S.kind == SpanKind::kConsumer;
    const bool client_known = P.kind == SpanKind::kClient || P.kind == SpanKind::kProducer;
    const bool client_latency = client_known || P.kind == SpanKind::kUnspecified;
    const EdgeKind kind = async ? EdgeKind::kAsync : EdgeKind::kCalls;
    const std::int64_t server_d = S.end - S.start, client_d = P.end - P.start;
    const SketchValue server_v = SketchValue::Of(server_d);
    const SketchValue client_v = SketchValue::Of(client_d);
    auto record = [&](WindowedStats* w) {
      batch_.Add(StatsUpdate::At(w, P.start)
          .Error(S.failed || (client_known && P.failed))
          .Latency(server_v)
          .ClientLatency(client_latency ? client_v : SketchValue{}));
    };
    if (async && P.peer != kNone && peers_[P.peer].kind == EntityKind::kQueue) {
      // Through the queue: the producer side sees its publish, the consumer side its work.
      const EntityId queue = PeerEntity(P.peer, caller.traces);
      batch_.Add(StatsUpdate::At(EdgeStats(caller.traces, caller.service, queue, EdgeKind::kAsync),
                                 P.start)
          .Error(P.failed)
          .ClientLatency(client_v));
      batch_.Add(StatsUpdate::At(EdgeStats(caller.traces, queue, callee.service, EdgeKind::kAsync),
                                 S.start)
          .Error(S.failed)
          .Latency(server_v));
    } else {
      record(EdgeStats(caller.traces, caller.service, callee.service, kind));
    }
    if (client_known && (S.kind == SpanKind::kServer || S.kind == SpanKind::kConsumer)) {
      ++summary_.paired_calls;
    } else {
      ++summary_.unkinded_calls;
    }
    if (caller.operations != kNoSubgraph && handler_[p] != kNone) {
      const EntityId from = op_of_[handler_[p]].entity;
      const EntityId to = op_of_[i].entity;
      record(EdgeStats(caller.operations, from, to, kind));
    }
  }

  ResolveLinks(trace);
}

void TraceAssembler::ResolveLinks(const TraceBuffer& trace) {
  const std::vector<CompactSpan>& s = trace.spans;
  auto link_edge = [&](const LinkEnd& from, const LinkEnd& to, std::int64_t time) {
    if (from.service == to.service) return;
    if (WindowedStats* e = EdgeStats(from.subgraph, from.service, to.service, EdgeKind::kAsync)) {
      batch_.Add(StatsUpdate::At(e, time));
      ++summary_.link_edges;
    }
  };
  // Producer-side spans become link targets; links waiting for them resolve now.
  for (std::uint32_t i = 0; i < s.size(); ++i) {
    if (duplicate_[i]) continue;
    // Links mostly point at producers, but a link may name any span (a batch job linking
    // the requests that queued its work). Other spans are kept as targets once this input
    // has shown links at all, so link-free workloads pay nothing for them; the targets kept
    // are bounded (kMaxLinkEntries, oldest first out).
    if (s[i].kind != SpanKind::kProducer && !links_seen_) continue;
    const ResourceState& r = Materialize(s[i].resource);
    const LinkKey key{trace.id, s[i].span_id};
    const LinkEnd end{r.service, r.traces};
    auto waiting = waiting_links_.find(key);
    if (waiting != waiting_links_.end()) {
      for (const LinkEnd& consumer : waiting->second) link_edge(end, consumer, s[i].start);
      waiting_links_.erase(waiting);
    }
    if (link_targets_.emplace(key, end).second) {
      link_target_order_.push_back(key);
      if (link_target_order_.size() > kMaxLinkEntries) {
        link_targets_.erase(link_target_order_.front());
        link_target_order_.pop_front();
      }
    }
  }
  if (trace.links.empty()) return;
  std::size_t links_begin = 0;  // of span i in trace.links
  for (std::uint32_t i = 0; i < s.size(); links_begin += s[i].links_count, ++i) {
    if (duplicate_[i] || s[i].links_count == 0) continue;
    const ResourceState& r = Materialize(s[i].resource);
    const LinkEnd consumer{r.service, r.traces};
    for (std::uint32_t k = 0; k < s[i].links_count; ++k) {
      const SpanLinkRef& l = trace.links[links_begin + k];
      const LinkKey key{l.trace_id, l.span_id};
      auto target = link_targets_.find(key);
      if (target != link_targets_.end()) {
        link_edge(target->second, consumer, s[i].start);
      } else {
        auto [it, inserted] = waiting_links_.try_emplace(key);
        if (it->second.size() < kMaxWaitingPerTarget) {
          it->second.push_back(consumer);
        } else {
          ++summary_.dropped_links;
        }
        if (inserted) {
          waiting_order_.push_back(key);
          if (waiting_order_.size() > kMaxLinkEntries) {
            auto evicted = waiting_links_.find(waiting_order_.front());
            if (evicted != waiting_links_.end()) {
              evicted_links_ += evicted->second.size();
              waiting_links_.erase(evicted);
            }
            waiting_order_.pop_front();
          }
        }
      }
    }
  }
}

}  // namespace faultline::internal
