// TraceAssembler: the analysis of one complete trace (Analyze()) into the model: service,
// operation and entry point statistics with exclusive time and originated errors, calls
// between services (through queues for producer/consumer pairs), and then its span links.
//
// Vocabulary used below:
// - handler: a span that starts work in a service: SERVER or CONSUMER, a root, a span
//   whose parent was never seen, or a span whose parent is in another service.
// - local tree: a handler and the spans of the same service nested in it, down to the
//   boundaries where work leaves the service.
// - boundary: where work leaves the service: a CLIENT/PRODUCER span, an unkinded local span
//   with a child in another service, or a handler child of a local span.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "ingest/trace_assembler.h"

namespace faultline::internal {
namespace {

// The parent of a span without a parent id, and of one whose parent is not in the trace.
constexpr std::uint32_t kRoot = 0xfffffffeu;
constexpr std::uint32_t kMissing = 0xfffffffdu;
// The callers of a trace's entry points.
constexpr char kUserId[] = "external:(user)";

bool ClientSide(SpanKind k) {
  return k == SpanKind::kClient || k == SpanKind::kProducer;
}

}  // namespace

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

}  // namespace faultline::internal
