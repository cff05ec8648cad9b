// TraceAssembler: uninstrumented peers. What a client or producer span's attributes name
// (a queue, a database, an uninstrumented service or an external host: InternPeer() and
// MakePeer(), behind a cache of the naming attributes), the peer's entity in a subgraph, and
// the statistics of calls that reached a peer and no instrumented callee (RecordUnpaired()).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "faultline/internal/str_cat.h"
#include "ingest/attribute_cache.h"
#include "ingest/trace_assembler.h"

namespace faultline::internal {

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

}  // namespace faultline::internal
