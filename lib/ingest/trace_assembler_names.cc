// TraceAssembler: operation names. Span names interned as operation names (normalized by
// NormalizeOperationName(), behind a cache of raw names), the cap on distinct names per
// service (names beyond it fold into "(other)"), and the operation and entry point
// entities of a service.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "faultline/internal/str_cat.h"
#include "ingest/attribute_cache.h"
#include "ingest/operation_name.h"
#include "ingest/trace_assembler.h"

namespace faultline::internal {

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

}  // namespace faultline::internal
