// BuildSnapshotData(): validation and CSR indexing shared by Freeze() and Load().
#include <algorithm>
#include <map>
#include <tuple>
#include <limits>
#include <numeric>

#include "faultline/internal/str_cat.h"
#include "model/snapshot_data.h"

namespace faultline::internal {
namespace {

// Stable counting sort of `order` by key(order[i]) in [0, key_count).
template <typename KeyFn>
void StableCountingSort(std::vector<std::uint32_t>& order, std::size_t key_count, KeyFn key,
                        std::vector<std::uint32_t>& scratch) {
  std::vector<std::uint32_t> count(key_count + 1, 0);
  for (std::uint32_t i : order) ++count[key(i) + 1];
  for (std::size_t k = 1; k <= key_count; ++k) count[k] += count[k - 1];
  scratch.resize(order.size());
  for (std::uint32_t i : order) scratch[count[key(i)]++] = i;
  order.swap(scratch);
}

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(internal::StrCat("inconsistent snapshot: ", what));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const SnapshotData>> BuildSnapshotData(SnapshotInput in) {
  auto d = std::make_shared<SnapshotData>();
  if (in.bucket_width_ns <= 0) return Corrupt("bucket width is not positive");
  d->bucket_width_ns = in.bucket_width_ns;

  // --- Entities ---
  const std::size_t V = in.entities.size();
  if (V >= kInvalidEntity) return Corrupt("too many entities");
  std::size_t id_bytes = 0;
  for (const EntityRecord& e : in.entities) id_bytes += e.id.size();
  if (id_bytes >= std::numeric_limits<std::uint32_t>::max()) {
    return Corrupt("entity ids exceed 4 GiB");
  }
  d->id_chars.reserve(id_bytes);
  d->id_offsets.reserve(V + 1);
  d->kinds.reserve(V);
  d->attributes.reserve(V);
  d->id_offsets.push_back(0);
  for (std::size_t i = 0; i < V; ++i) {
    EntityRecord& e = in.entities[i];
    if (e.id.empty()) return Corrupt(internal::StrCat("entity #", i, " has an empty id"));
    if (static_cast<int>(e.kind) >= kEntityKindCount) {
      return Corrupt(internal::StrCat("entity \"", e.id, "\" has unknown kind ",
                                  static_cast<int>(e.kind)));
    }
    d->id_chars += e.id;
    d->id_offsets.push_back(static_cast<std::uint32_t>(d->id_chars.size()));
    d->kinds.push_back(e.kind);
    d->attributes.push_back(std::move(e.attributes));
  }
  d->by_id.reserve(V);
  for (EntityId i = 0; i < V; ++i) {
    if (!d->by_id.emplace(d->IdOf(i), i).second) {
      return Corrupt(internal::StrCat("entity id \"", d->IdOf(i), "\" appears twice"));
    }
  }
  {
    std::vector<std::uint32_t> order(V), scratch;
    std::iota(order.begin(), order.end(), 0);
    StableCountingSort(order, kEntityKindCount,
                       [&](std::uint32_t e) { return static_cast<std::size_t>(d->kinds[e]); },
                       scratch);
    d->by_kind = std::move(order);
    d->kind_offsets.fill(0);
    for (EntityKind k : d->kinds) ++d->kind_offsets[static_cast<std::size_t>(k) + 1];
    for (int k = 1; k <= kEntityKindCount; ++k) d->kind_offsets[k] += d->kind_offsets[k - 1];
  }

  // --- Subgraphs ---
  const std::size_t S = in.subgraphs.size();
  if (S >= kNoSubgraph) return Corrupt("too many subgraphs");
  d->home.assign(V, kNoSubgraph);
  d->children.resize(S);
  // Every parent in range first, then no cycles: O(S) with depth marks (0 unknown,
  // 1 on the current walk, 2 known to reach a root).
  for (SubgraphId s = 0; s < S; ++s) {
    const SubgraphId p = in.subgraphs[s].parent;
    if (p != kNoSubgraph && p >= S) {
      return Corrupt(internal::StrCat("subgraph #", s, " has parent #", p, " of ", S));
    }
  }
  {
    std::vector<std::uint8_t> mark(S, 0);
    std::vector<SubgraphId> walk;
    for (SubgraphId s = 0; s < S; ++s) {
      walk.clear();
      SubgraphId p = s;
      while (p != kNoSubgraph && mark[p] == 0) {
        mark[p] = 1;
        walk.push_back(p);
        p = in.subgraphs[p].parent;
      }
      if (p != kNoSubgraph && mark[p] == 1) {
        return Corrupt(internal::StrCat("subgraph \"", in.subgraphs[p].name,
                                        "\" is nested in itself"));
      }
      for (SubgraphId w : walk) mark[w] = 2;
    }
  }
  for (SubgraphId s = 0; s < S; ++s) {
    SubgraphRecord& sg = in.subgraphs[s];
    if (sg.name.empty()) return Corrupt(internal::StrCat("subgraph #", s, " has no name"));
    if (!d->subgraph_by_name.emplace(sg.name, s).second) {
      return Corrupt(internal::StrCat("subgraph \"", sg.name, "\" appears twice"));
    }
    if (sg.parent != kNoSubgraph && sg.parent >= S) {
      return Corrupt(internal::StrCat("subgraph \"", sg.name, "\" has parent #", sg.parent,
                                  " of ", S));
    }
    if (sg.parent != kNoSubgraph) d->children[sg.parent].push_back(s);
    std::sort(sg.members.begin(), sg.members.end());
    sg.members.erase(std::unique(sg.members.begin(), sg.members.end()), sg.members.end());
    if (!sg.members.empty() && sg.members.back() >= V) {
      return Corrupt(internal::StrCat("subgraph \"", sg.name, "\" holds entity #",
                                  sg.members.back(), " of ", V));
    }
    for (EntityId e : sg.members) {
      if (d->home[e] == kNoSubgraph) d->home[e] = s;
    }
  }
  for (EntityId e = 0; e < V; ++e) {
    if (d->home[e] == kNoSubgraph) {
      return Corrupt(internal::StrCat("entity \"", d->IdOf(e), "\" is held by no subgraph"));
    }
  }

  // --- Edges ---
  const std::size_t E = in.edges.size();
  if (E >= std::numeric_limits<EdgeIndex>::max()) return Corrupt("too many edges");
  for (std::size_t i = 0; i < E; ++i) {
    const RawEdge& e = in.edges[i];
    if (e.source >= V || e.target >= V) {
      return Corrupt(internal::StrCat("edge #", i, " names entity #",
                                  e.source >= V ? e.source : e.target, " of ", V));
    }
    if (static_cast<int>(e.kind) >= kEdgeKindCount) {
      return Corrupt(internal::StrCat("edge #", i, " has unknown kind ", static_cast<int>(e.kind)));
    }
    if (e.subgraph == kNoSubgraph) {
      if (e.link < 0 || static_cast<std::size_t>(e.link) >= in.links.size()) {
        return Corrupt(internal::StrCat("cross link edge #", i, " has no link record"));
      }
    } else if (e.subgraph >= S || e.link != -1) {
      return Corrupt(internal::StrCat("edge #", i, " has subgraph #", e.subgraph, " of ", S));
    }
  }
  // Order edges by (source, kind, target, subgraph, link): LSD counting sorts.
  std::vector<std::uint32_t> order(E), scratch;
  std::iota(order.begin(), order.end(), 0);
  StableCountingSort(order, in.links.size() + 1,
                     [&](std::uint32_t i) { return static_cast<std::size_t>(in.edges[i].link + 1); },
                     scratch);
  StableCountingSort(order, S + 1,
                     [&](std::uint32_t i) {
                       const SubgraphId s = in.edges[i].subgraph;
                       return s == kNoSubgraph ? S : static_cast<std::size_t>(s);
                     },
                     scratch);
  StableCountingSort(order, V, [&](std::uint32_t i) { return std::size_t{in.edges[i].target}; },
                     scratch);
  StableCountingSort(order, kEdgeKindCount,
                     [&](std::uint32_t i) { return static_cast<std::size_t>(in.edges[i].kind); },
                     scratch);
  StableCountingSort(order, V, [&](std::uint32_t i) { return std::size_t{in.edges[i].source}; },
                     scratch);

  std::vector<EdgeIndex> new_index(E);
  d->sources.resize(E);
  d->targets.resize(E);
  d->edge_kinds.resize(E);
  d->edge_subgraphs.resize(E);
  d->out_offsets.assign(V + 1, 0);
  for (EdgeIndex k = 0; k < E; ++k) {
    const RawEdge& e = in.edges[order[k]];
    new_index[order[k]] = k;
    d->sources[k] = e.source;
    d->targets[k] = e.target;
    d->edge_kinds[k] = e.kind;
    d->edge_subgraphs[k] = e.subgraph;
    ++d->out_offsets[e.source + 1];
    if (e.subgraph == kNoSubgraph) {
      d->link_of_edge.emplace(k, static_cast<std::uint32_t>(e.link));
    }
  }
  for (std::size_t v = 1; v <= V; ++v) d->out_offsets[v] += d->out_offsets[v - 1];
  d->links = std::move(in.links);

  // In-CSR: edges are already source-major; sort stably by kind, then by target.
  std::vector<std::uint32_t> in_order(E);
  std::iota(in_order.begin(), in_order.end(), 0);
  StableCountingSort(in_order, kEdgeKindCount,
                     [&](std::uint32_t k) { return static_cast<std::size_t>(d->edge_kinds[k]); },
                     scratch);
  StableCountingSort(in_order, V, [&](std::uint32_t k) { return std::size_t{d->targets[k]}; },
                     scratch);
  d->in_edges = std::move(in_order);
  d->in_sources.resize(E);
  d->in_offsets.assign(V + 1, 0);
  for (EdgeIndex i = 0; i < E; ++i) {
    d->in_sources[i] = d->sources[d->in_edges[i]];
    ++d->in_offsets[d->targets[d->in_edges[i]] + 1];
  }
  for (std::size_t v = 1; v <= V; ++v) d->in_offsets[v] += d->in_offsets[v - 1];

  // --- Statistics ---
  for (auto& [raw, stats] : in.edge_stats) {
    if (raw >= E) return Corrupt(internal::StrCat("statistics for edge #", raw, " of ", E));
    if (stats.bucket_width_ns() != d->bucket_width_ns) {
      return Corrupt(internal::StrCat("statistics of edge #", raw, " have bucket width ",
                                  stats.bucket_width_ns(), " ns, not ", d->bucket_width_ns));
    }
    auto [it, inserted] = d->edge_stats.try_emplace(new_index[raw], std::move(stats));
    if (!inserted) return Corrupt(internal::StrCat("statistics for edge #", raw, " appear twice"));
  }
  for (auto& [e, stats] : in.entity_stats) {
    if (e >= V) return Corrupt(internal::StrCat("statistics for entity #", e, " of ", V));
    auto [it, inserted] = d->entity_stats.try_emplace(e, d->bucket_width_ns);
    absl::Status merged = it->second.Merge(stats);
    if (!merged.ok()) {
      return Corrupt(internal::StrCat("statistics of entity \"", d->IdOf(e), "\": ",
                                  merged.message()));
    }
  }

  // --- Signals ---
  std::map<std::pair<EntityId, std::string>, SeriesStats> series;
  for (MetricRecord& m : in.metrics) {
    if (m.entity >= V) return Corrupt(internal::StrCat("metric series for entity #", m.entity, " of ", V));
    if (m.name.empty()) return Corrupt(internal::StrCat("metric series of entity \"", d->IdOf(m.entity), "\" has no name"));
    auto [it, inserted] = series.try_emplace({m.entity, m.name}, d->bucket_width_ns);
    absl::Status merged = it->second.Merge(m.series);
    if (!merged.ok()) {
      return Corrupt(internal::StrCat("metric \"", m.name, "\" of entity \"", d->IdOf(m.entity),
                                      "\": ", merged.message()));
    }
  }
  for (auto& [key, stats] : series) {
    auto& list = d->metrics[key.first];
    if (list.empty()) d->metric_entities.push_back(key.first);
    list.emplace_back(key.second, std::move(stats));
  }
  const std::size_t templates = in.log_templates.size();
  for (auto& [e, stats] : in.logs) {
    if (e >= V) return Corrupt(internal::StrCat("log counts for entity #", e, " of ", V));
    for (const auto& [index, bucket] : stats.buckets()) {
      for (const auto& [id, count] : bucket.by_template) {
        if (id >= templates) {
          return Corrupt(internal::StrCat("log counts of entity \"", d->IdOf(e),
                                          "\" name template #", id, " of ", templates));
        }
      }
    }
    auto [it, inserted] = d->logs.try_emplace(e, d->bucket_width_ns);
    absl::Status merged = it->second.Merge(stats);
    if (!merged.ok()) {
      return Corrupt(internal::StrCat("log counts of entity \"", d->IdOf(e), "\": ",
                                      merged.message()));
    }
    if (inserted) d->log_entities.push_back(e);
  }
  std::sort(d->log_entities.begin(), d->log_entities.end());
  d->log_templates = std::move(in.log_templates);
  std::sort(in.metric_types.begin(), in.metric_types.end());
  for (auto& kv : in.metric_types) {
    if (!d->metric_types.empty() && d->metric_types.back().first == kv.first) {
      d->metric_types.back().second = std::move(kv.second);
    } else {
      d->metric_types.push_back(std::move(kv));
    }
  }
  for (const Snapshot::AlertRecord& a : in.alerts) {
    if (a.entity >= V) return Corrupt(internal::StrCat("alert for entity #", a.entity, " of ", V));
  }
  for (const Snapshot::EventRecord& e : in.events) {
    if (e.entity >= V) return Corrupt(internal::StrCat("event for entity #", e.entity, " of ", V));
  }
  d->alerts = std::move(in.alerts);
  std::sort(d->alerts.begin(), d->alerts.end(),
            [](const Snapshot::AlertRecord& x, const Snapshot::AlertRecord& y) {
              const Alert& a = x.alert;
              const Alert& b = y.alert;
              return std::tie(a.starts_ns, x.entity, a.name, a.ends_ns, a.state, a.severity,
                              a.labels, a.summary, a.source) <
                     std::tie(b.starts_ns, y.entity, b.name, b.ends_ns, b.state, b.severity,
                              b.labels, b.summary, b.source);
            });
  d->events = std::move(in.events);
  std::sort(d->events.begin(), d->events.end(),
            [](const Snapshot::EventRecord& x, const Snapshot::EventRecord& y) {
              const ChangeEvent& a = x.event;
              const ChangeEvent& b = y.event;
              return std::tie(a.time_ns, x.entity, a.kind, a.last_ns, a.reason, a.detail,
                              a.warning, a.count, a.source) <
                     std::tie(b.time_ns, y.entity, b.kind, b.last_ns, b.reason, b.detail,
                              b.warning, b.count, b.source);
            });
  for (std::uint32_t i = 0; i < d->alerts.size(); ++i) d->alerts_of[d->alerts[i].entity].push_back(i);
  for (std::uint32_t i = 0; i < d->events.size(); ++i) d->events_of[d->events[i].entity].push_back(i);

  // --- Meta-graph ---
  absl::flat_hash_map<std::uint64_t, std::uint32_t> meta;
  for (EdgeIndex k = 0; k < E; ++k) {
    const SubgraphId a = d->home[d->sources[k]];
    const SubgraphId b = d->home[d->targets[k]];
    if (a != b) ++meta[(std::uint64_t{a} << 32) | b];
  }
  d->meta.reserve(meta.size());
  for (const auto& [key, count] : meta) {
    d->meta.push_back(MetaEdge{static_cast<SubgraphId>(key >> 32),
                               static_cast<SubgraphId>(key & 0xffffffffu), count});
  }
  std::sort(d->meta.begin(), d->meta.end(), [](const MetaEdge& x, const MetaEdge& y) {
    return x.from != y.from ? x.from < y.from : x.to < y.to;
  });

  d->subgraphs = std::move(in.subgraphs);
  d->report = std::move(in.report);
  return std::shared_ptr<const SnapshotData>(std::move(d));
}

}  // namespace faultline::internal
