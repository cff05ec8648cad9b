// Snapshot queries: every method is a read of immutable SnapshotData.
#include "faultline/model/snapshot.h"

#include <algorithm>

#include "faultline/internal/str_cat.h"
#include "model/snapshot_data.h"

namespace faultline {
namespace {

const internal::SnapshotData& EmptyData() {
  static const auto* empty = [] {
    internal::SnapshotInput in;
    auto built = internal::BuildSnapshotData(std::move(in));
    return new std::shared_ptr<const internal::SnapshotData>(*built);
  }();
  return **empty;
}

// The sub-range of [begin, end) of a kind-sorted array whose kind equals `kind`.
template <typename KindAt>
std::pair<std::uint32_t, std::uint32_t> KindRange(std::uint32_t begin, std::uint32_t end,
                                                  EdgeKind kind, KindAt kind_at) {
  std::uint32_t lo = begin, hi = end;
  while (lo < hi) {  // first position with kind_at >= kind
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (kind_at(mid) < kind) lo = mid + 1; else hi = mid;
  }
  std::uint32_t first = lo;
  hi = end;
  while (lo < hi) {  // first position with kind_at > kind
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (kind_at(mid) <= kind) lo = mid + 1; else hi = mid;
  }
  return {first, lo};
}

const internal::SnapshotData& DataOf(const std::shared_ptr<const internal::SnapshotData>& p) {
  return p ? *p : EmptyData();
}

}  // namespace

Snapshot::Snapshot() : data_(nullptr) {}
Snapshot::~Snapshot() = default;
Snapshot::Snapshot(const Snapshot&) = default;
Snapshot& Snapshot::operator=(const Snapshot&) = default;
Snapshot::Snapshot(Snapshot&&) noexcept = default;
Snapshot& Snapshot::operator=(Snapshot&&) noexcept = default;
Snapshot::Snapshot(std::shared_ptr<const internal::SnapshotData> data) : data_(std::move(data)) {}


std::size_t Snapshot::entity_count() const { return DataOf(data_).kinds.size(); }
std::size_t Snapshot::edge_count() const { return DataOf(data_).targets.size(); }
std::size_t Snapshot::subgraph_count() const { return DataOf(data_).subgraphs.size(); }
std::int64_t Snapshot::bucket_width_ns() const { return DataOf(data_).bucket_width_ns; }

std::optional<EntityId> Snapshot::Find(std::string_view id) const {
  const auto& d = DataOf(data_);
  auto it = d.by_id.find(id);
  if (it == d.by_id.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<EntityId> Snapshot::Lookup(std::string_view id) const {
  auto e = Find(id);
  if (!e) return absl::NotFoundError(internal::StrCat("no entity \"", id, "\" in the snapshot"));
  return *e;
}

std::string_view Snapshot::EntityIdString(EntityId entity) const {
  return DataOf(data_).IdOf(entity);
}
EntityKind Snapshot::Kind(EntityId entity) const { return DataOf(data_).kinds[entity]; }
SubgraphId Snapshot::HomeSubgraph(EntityId entity) const {
  return DataOf(data_).home[entity];
}
const Attributes& Snapshot::EntityAttributes(EntityId entity) const {
  return DataOf(data_).attributes[entity];
}
std::optional<std::string_view> Snapshot::EntityAttribute(EntityId entity,
                                                          std::string_view key) const {
  for (const Attribute& a : EntityAttributes(entity)) {
    if (a.first == key) return std::string_view(a.second);
  }
  return std::nullopt;
}

absl::Span<const EntityId> Snapshot::EntitiesOfKind(EntityKind kind) const {
  const auto& d = DataOf(data_);
  const auto k = static_cast<std::size_t>(kind);
  if (k >= static_cast<std::size_t>(kEntityKindCount)) return {};
  return absl::MakeConstSpan(d.by_kind).subspan(d.kind_offsets[k],
                                                d.kind_offsets[k + 1] - d.kind_offsets[k]);
}

EdgeRange Snapshot::OutEdges(EntityId entity) const {
  const auto& d = DataOf(data_);
  return EdgeRange(d.out_offsets[entity], d.out_offsets[entity + 1]);
}

EdgeRange Snapshot::OutEdges(EntityId entity, EdgeKind kind) const {
  const auto& d = DataOf(data_);
  auto [b, e] = KindRange(d.out_offsets[entity], d.out_offsets[entity + 1], kind,
                          [&](std::uint32_t i) { return d.edge_kinds[i]; });
  return EdgeRange(b, e);
}

absl::Span<const EntityId> Snapshot::OutNeighbors(EntityId entity) const {
  const auto& d = DataOf(data_);
  return absl::MakeConstSpan(d.targets).subspan(
      d.out_offsets[entity], d.out_offsets[entity + 1] - d.out_offsets[entity]);
}

absl::Span<const EntityId> Snapshot::OutNeighbors(EntityId entity, EdgeKind kind) const {
  const EdgeRange r = OutEdges(entity, kind);
  return absl::MakeConstSpan(DataOf(data_).targets).subspan(*r.begin(), r.size());
}

absl::Span<const EdgeIndex> Snapshot::InEdges(EntityId entity) const {
  const auto& d = DataOf(data_);
  return absl::MakeConstSpan(d.in_edges).subspan(
      d.in_offsets[entity], d.in_offsets[entity + 1] - d.in_offsets[entity]);
}

absl::Span<const EdgeIndex> Snapshot::InEdges(EntityId entity, EdgeKind kind) const {
  const auto& d = DataOf(data_);
  auto [b, e] = KindRange(d.in_offsets[entity], d.in_offsets[entity + 1], kind,
                          [&](std::uint32_t i) { return d.edge_kinds[d.in_edges[i]]; });
  return absl::MakeConstSpan(d.in_edges).subspan(b, e - b);
}

absl::Span<const EntityId> Snapshot::InNeighbors(EntityId entity) const {
  const auto& d = DataOf(data_);
  return absl::MakeConstSpan(d.in_sources).subspan(
      d.in_offsets[entity], d.in_offsets[entity + 1] - d.in_offsets[entity]);
}

absl::Span<const EntityId> Snapshot::InNeighbors(EntityId entity, EdgeKind kind) const {
  const auto& d = DataOf(data_);
  auto [b, e] = KindRange(d.in_offsets[entity], d.in_offsets[entity + 1], kind,
                          [&](std::uint32_t i) { return d.edge_kinds[d.in_edges[i]]; });
  return absl::MakeConstSpan(d.in_sources).subspan(b, e - b);
}

EdgeView Snapshot::Edge(EdgeIndex edge) const {
  const auto& d = DataOf(data_);
  return EdgeView{edge, d.sources[edge], d.targets[edge], d.edge_kinds[edge],
                  d.edge_subgraphs[edge]};
}
EntityId Snapshot::Source(EdgeIndex edge) const { return DataOf(data_).sources[edge]; }
EntityId Snapshot::Target(EdgeIndex edge) const { return DataOf(data_).targets[edge]; }
EdgeKind Snapshot::KindOf(EdgeIndex edge) const {
  return DataOf(data_).edge_kinds[edge];
}
SubgraphId Snapshot::EdgeSubgraph(EdgeIndex edge) const {
  return DataOf(data_).edge_subgraphs[edge];
}

std::optional<CrossLinkInfo> Snapshot::CrossLinkOf(EdgeIndex edge) const {
  const auto& d = DataOf(data_);
  auto it = d.link_of_edge.find(edge);
  if (it == d.link_of_edge.end()) return std::nullopt;
  const internal::LinkRecord& l = d.links[it->second];
  return CrossLinkInfo{l.link_set, l.rule, l.detail};
}

const WindowedStats* Snapshot::EdgeStats(EdgeIndex edge) const {
  const auto& d = DataOf(data_);
  auto it = d.edge_stats.find(edge);
  return it == d.edge_stats.end() ? nullptr : &it->second;
}

const WindowedStats* Snapshot::EntityStats(EntityId entity) const {
  const auto& d = DataOf(data_);
  auto it = d.entity_stats.find(entity);
  return it == d.entity_stats.end() ? nullptr : &it->second;
}

bool Snapshot::has_statistics() const {
  const auto& d = DataOf(data_);
  return !d.edge_stats.empty() || !d.entity_stats.empty();
}

// --- Signals -------------------------------------------------------------------------------

namespace {

const std::vector<std::pair<std::string, SeriesStats>>* SeriesOf(const internal::SnapshotData& d,
                                                                  EntityId entity) {
  auto it = d.metrics.find(entity);
  return it == d.metrics.end() ? nullptr : &it->second;
}

template <typename Map>
absl::Span<const std::uint32_t> IndicesOf(const Map& map, EntityId entity) {
  auto it = map.find(entity);
  if (it == map.end()) return {};
  return absl::MakeConstSpan(it->second);
}

}  // namespace

std::vector<std::string_view> Snapshot::MetricNames(EntityId entity) const {
  std::vector<std::string_view> out;
  if (const auto* list = SeriesOf(DataOf(data_), entity)) {
    out.reserve(list->size());
    for (const auto& [name, series] : *list) out.emplace_back(name);
  }
  return out;
}

const SeriesStats* Snapshot::MetricSeries(EntityId entity, std::string_view metric) const {
  const auto* list = SeriesOf(DataOf(data_), entity);
  if (list == nullptr) return nullptr;
  auto it = std::lower_bound(list->begin(), list->end(), metric,
                             [](const auto& kv, std::string_view m) { return kv.first < m; });
  return it != list->end() && it->first == metric ? &it->second : nullptr;
}

std::string_view Snapshot::MetricType(std::string_view metric) const {
  const auto& types = DataOf(data_).metric_types;
  auto it = std::lower_bound(types.begin(), types.end(), metric,
                             [](const auto& kv, std::string_view m) { return kv.first < m; });
  return it != types.end() && it->first == metric ? std::string_view(it->second)
                                                  : std::string_view();
}

absl::Span<const EntityId> Snapshot::EntitiesWithMetrics() const {
  return absl::MakeConstSpan(DataOf(data_).metric_entities);
}

absl::Span<const EntityId> Snapshot::EntitiesWithLogs() const {
  return absl::MakeConstSpan(DataOf(data_).log_entities);
}

const LogStats* Snapshot::EntityLogs(EntityId entity) const {
  const auto& d = DataOf(data_);
  auto it = d.logs.find(entity);
  return it == d.logs.end() ? nullptr : &it->second;
}

std::size_t Snapshot::log_template_count() const { return DataOf(data_).log_templates.size(); }

std::string_view Snapshot::LogTemplate(std::uint32_t id) const {
  const auto& t = DataOf(data_).log_templates;
  return id < t.size() ? std::string_view(t[id]) : std::string_view();
}

absl::Span<const Snapshot::AlertRecord> Snapshot::Alerts() const {
  return absl::MakeConstSpan(DataOf(data_).alerts);
}

absl::Span<const Snapshot::EventRecord> Snapshot::Events() const {
  return absl::MakeConstSpan(DataOf(data_).events);
}

absl::Span<const std::uint32_t> Snapshot::AlertsOf(EntityId entity) const {
  return IndicesOf(DataOf(data_).alerts_of, entity);
}

absl::Span<const std::uint32_t> Snapshot::EventsOf(EntityId entity) const {
  return IndicesOf(DataOf(data_).events_of, entity);
}

bool Snapshot::has_signals() const {
  const auto& d = DataOf(data_);
  return !d.metrics.empty() || !d.logs.empty() || !d.alerts.empty() || !d.events.empty();
}

std::optional<SubgraphId> Snapshot::FindSubgraph(std::string_view name) const {
  const auto& d = DataOf(data_);
  auto it = d.subgraph_by_name.find(internal::ToAbsl(name));
  if (it == d.subgraph_by_name.end()) return std::nullopt;
  return it->second;
}

SubgraphInfo Snapshot::Subgraph(SubgraphId subgraph) const {
  const internal::SubgraphRecord& s = DataOf(data_).subgraphs[subgraph];
  return SubgraphInfo{subgraph, s.name, s.kind, s.parent, s.version, &s.attributes};
}

absl::Span<const SubgraphId> Snapshot::SubgraphChildren(SubgraphId subgraph) const {
  return DataOf(data_).children[subgraph];
}

absl::Span<const EntityId> Snapshot::SubgraphMembers(SubgraphId subgraph) const {
  return DataOf(data_).subgraphs[subgraph].members;
}

std::vector<EdgeIndex> Snapshot::SubgraphEdges(SubgraphId subgraph) const {
  const auto& d = DataOf(data_);
  std::vector<EdgeIndex> out;
  for (EdgeIndex k = 0; k < d.edge_subgraphs.size(); ++k) {
    if (d.edge_subgraphs[k] == subgraph) out.push_back(k);
  }
  return out;
}

absl::Span<const MetaEdge> Snapshot::MetaGraph() const { return DataOf(data_).meta; }

const FreezeReport& Snapshot::freeze_report() const { return DataOf(data_).report; }

namespace {

template <typename T>
std::size_t VectorBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

std::size_t AttributesBytes(const Attributes& attrs) {
  std::size_t n = VectorBytes(attrs);
  for (const auto& [k, v] : attrs) {
    if (k.capacity() > 15) n += k.capacity() + 1;
    if (v.capacity() > 15) n += v.capacity() + 1;
  }
  return n;
}

std::size_t StatsBytes(const WindowedStats& s) {
  std::size_t n = sizeof(WindowedStats);
  for (const auto& [index, bucket] : s.buckets()) {
    n += sizeof(index) + sizeof(bucket) + 16 + bucket.latency.heap_bytes() +
         bucket.client_latency.heap_bytes() + bucket.self_time.heap_bytes();
  }
  return n;
}

template <typename Map>
std::size_t HashMapBytes(const Map& m) {
  // Swiss tables: one control byte plus one slot per bucket.
  return m.bucket_count() * (sizeof(typename Map::value_type) + 1);
}

}  // namespace

std::size_t Snapshot::MemoryUsage() const {
  if (!data_) return 0;
  const auto& d = *data_;
  std::size_t n = sizeof(d);
  n += d.id_chars.capacity() + VectorBytes(d.id_offsets) + VectorBytes(d.kinds) +
       VectorBytes(d.home) + VectorBytes(d.attributes) + HashMapBytes(d.by_id) +
       VectorBytes(d.by_kind);
  for (const Attributes& a : d.attributes) n += AttributesBytes(a);
  n += VectorBytes(d.out_offsets) + VectorBytes(d.sources) + VectorBytes(d.targets) +
       VectorBytes(d.edge_kinds) + VectorBytes(d.edge_subgraphs) + VectorBytes(d.in_offsets) +
       VectorBytes(d.in_edges) + VectorBytes(d.in_sources);
  n += HashMapBytes(d.link_of_edge) + VectorBytes(d.links);
  for (const auto& l : d.links) n += l.link_set.capacity() + l.rule.capacity() + l.detail.capacity();
  n += HashMapBytes(d.edge_stats) + HashMapBytes(d.entity_stats);
  for (const auto& [e, s] : d.edge_stats) n += StatsBytes(s);
  for (const auto& [e, s] : d.entity_stats) n += StatsBytes(s);
  n += HashMapBytes(d.metrics) + VectorBytes(d.metric_entities) + HashMapBytes(d.logs) +
       VectorBytes(d.log_entities) + VectorBytes(d.log_templates) + VectorBytes(d.metric_types) +
       VectorBytes(d.alerts) + VectorBytes(d.events) + HashMapBytes(d.alerts_of) +
       HashMapBytes(d.events_of);
  for (const auto& [e, list] : d.metrics) {
    n += VectorBytes(list);
    for (const auto& [name, series] : list) {
      n += name.capacity() + series.buckets().size() * (sizeof(std::int64_t) + sizeof(SeriesBucket));
    }
  }
  for (const auto& [e, logs] : d.logs) {
    for (const auto& [index, bucket] : logs.buckets()) {
      n += sizeof(index) + sizeof(bucket) + VectorBytes(bucket.by_template);
    }
  }
  for (const auto& t : d.log_templates) n += t.capacity();
  for (const auto& a : d.alerts) {
    n += a.alert.name.capacity() + a.alert.summary.capacity() + AttributesBytes(a.alert.labels);
  }
  for (const auto& e : d.events) n += e.event.kind.capacity() + e.event.detail.capacity();
  n += VectorBytes(d.subgraphs) + HashMapBytes(d.subgraph_by_name) + VectorBytes(d.meta) +
       VectorBytes(d.children);
  for (const auto& s : d.subgraphs) {
    n += s.name.capacity() + s.kind.capacity() + VectorBytes(s.members) +
         AttributesBytes(s.attributes);
  }
  for (const auto& c : d.children) n += VectorBytes(c);
  return n;
}

}  // namespace faultline
