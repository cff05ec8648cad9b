// TraceAssembler: buffering spans per trace and deciding when each trace is analysed:
// construction, resources, AddSpan(), expiry on the pairing horizon and the pending-trace
// cap (FlushExpired()), the end of the input (FlushAll()), and releasing analysed buffers.
// The other jobs live beside it (trace_assembler.h lists them).
#include "ingest/trace_assembler.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace faultline::internal {
namespace {

// Expiry is checked at most once per this many spans (or per pending trace, if more).
constexpr std::uint64_t kCheckEvery = 4096;
// Statistics updates are applied in batches of about this many (several traces' worth).
constexpr std::size_t kBatchUpdates = 64;
// A trace expires on event time only once this many spans of other traces have arrived
// since its last span: files read newest-first, or one span with a far-future clock, must
// not split traces that are still arriving.
constexpr std::uint64_t kArrivalSlack = 65536;
// Buffers of analysed traces are reused; one that grew past this is given back.
constexpr std::size_t kKeepBufferCapacity = 4096;

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

}  // namespace faultline::internal
