// TraceAssembler: span links. Spans that links may point at are remembered as link targets
// (bounded, oldest first out); a link whose target was seen becomes an async edge between
// the two services at once, others wait (bounded per target and in total) for the target
// to arrive.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ingest/trace_assembler.h"

namespace faultline::internal {
namespace {

// The link targets kept, and the targets links wait for (each bound on its own).
constexpr std::size_t kMaxLinkEntries = 1u << 20;
// The links waiting for one target.
constexpr std::size_t kMaxWaitingPerTarget = 64;

}  // namespace

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
