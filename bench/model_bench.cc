// bench/model_bench.cc
//
// Benchmarks of the model layer: ModelBuilder::Freeze() and neighbour iteration on a
// frozen Snapshot, each beside a boost::adjacency_list baseline built from the same edges
// in the same run. Sizes are edge counts from 2^10 to 2^20; the graph is random (edges/8
// entities, uniform edge kinds, four subgraphs, a few cross links) and generated once per
// size, outside the timed loops, from a fixed seed.
//
// Memory counters:
//   bytes_per_edge       Snapshot::MemoryUsage() / edges (what the snapshot says it holds)
//   heap_bytes_per_edge  growth of glibc's in-use heap (mallinfo2: uordblks + hblkhd, so
//                        blocks served by mmap count too) while the result is alive,
//                        divided by edges; measured the same way for Freeze() and Boost.

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "benchmark/benchmark.h"
#include "boost/graph/adjacency_list.hpp"
#include "faultline/internal/random.h"
#include "faultline/model/edge.h"
#include "faultline/model/entity.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"

namespace faultline {
namespace {

// --- The random graph ----------------------------------------------------------------

using internal::SplitMix64;

struct SubgraphSpec {
  const char* id;
  const char* parent;
  const char* kind;
  std::vector<EntityKind> entity_kinds;
};

const std::vector<SubgraphSpec>& Subgraphs() {
  static const auto* specs = new std::vector<SubgraphSpec>{
      {"traces/prod", "", "traces",
       {EntityKind::kService, EntityKind::kOperation, EntityKind::kInstance,
        EntityKind::kDatabase, EntityKind::kQueue, EntityKind::kExternal}},
      {"iac/network", "", "stack", {EntityKind::kIacResource, EntityKind::kIacModule}},
      {"iac/network/module.vpc", "iac/network", "module", {EntityKind::kIacResource}},
      {"k8s/cluster-a", "", "kubernetes",
       {EntityKind::kNode, EntityKind::kZone, EntityKind::kInstance, EntityKind::kNamespace}},
  };
  return *specs;
}

// Share of edges whose target is drawn from the whole graph rather than from the source's
// subgraph; those that land in another subgraph become cross links.
constexpr std::uint32_t kCrossPerMille = 20;

struct RawEdge {
  EntityId from;
  EntityId to;
  EdgeKind kind;
  bool cross_link;
};

struct RandomGraph {
  std::vector<std::string> ids;  // canonical id of entity i
  std::vector<EntityKind> kinds;
  std::vector<std::uint32_t> home;  // index into Subgraphs()
  std::vector<RawEdge> edges;       // distinct (from, to, kind), in generation order
};

RandomGraph MakeRandomGraph(std::size_t edge_count) {
  const auto& subgraphs = Subgraphs();
  const auto subgraph_count = static_cast<std::uint32_t>(subgraphs.size());
  const auto entity_count = static_cast<std::uint32_t>(edge_count / 8 < 16 ? 16 : edge_count / 8);
  SplitMix64 rng(0x5eed0000ULL + edge_count);

  RandomGraph g;
  g.ids.reserve(entity_count);
  g.kinds.reserve(entity_count);
  g.home.reserve(entity_count);
  // Entities are laid out in contiguous blocks, one block per subgraph.
  auto block_begin = [&](std::uint32_t s) {
    return static_cast<std::uint32_t>(std::uint64_t{entity_count} * s / subgraph_count);
  };
  for (std::uint32_t s = 0; s < subgraph_count; ++s) {
    const auto& spec = subgraphs[s];
    for (std::uint32_t i = block_begin(s); i < block_begin(s + 1); ++i) {
      const EntityKind kind =
          spec.entity_kinds[rng.Below(static_cast<std::uint32_t>(spec.entity_kinds.size()))];
      g.ids.push_back(std::string(EntityKindName(kind)) + ":bench/" + std::to_string(i));
      g.kinds.push_back(kind);
      g.home.push_back(s);
    }
  }

  std::unordered_set<std::uint64_t> seen;
  seen.reserve(edge_count * 2);
  g.edges.reserve(edge_count);
  while (g.edges.size() < edge_count) {
    const EntityId from = rng.Below(entity_count);
    const std::uint32_t s = g.home[from];
    EntityId to;
    if (rng.Below(1000) < kCrossPerMille) {
      to = rng.Below(entity_count);
    } else {
      to = block_begin(s) + rng.Below(block_begin(s + 1) - block_begin(s));
    }
    const auto kind = static_cast<EdgeKind>(rng.Below(kEdgeKindCount));
    const std::uint64_t key = (std::uint64_t{from} << 32) | (std::uint64_t{to} << 3) |
                              static_cast<std::uint64_t>(kind);
    if (!seen.insert(key).second) continue;
    g.edges.push_back({from, to, kind, g.home[to] != s});
  }
  return g;
}

// --- The structures under test ---------------------------------------------------------

struct EdgeKindProperty {
  EdgeKind kind;
};
using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                         boost::no_property, EdgeKindProperty>;

std::unique_ptr<BoostGraph> BuildBoostGraph(const RandomGraph& g) {
  auto graph = std::make_unique<BoostGraph>(g.ids.size());
  for (const RawEdge& e : g.edges) {
    boost::add_edge(e.from, e.to, EdgeKindProperty{e.kind}, *graph);
  }
  return graph;
}

absl::Status FillBuilder(const RandomGraph& g, ModelBuilder* builder) {
  const auto& specs = Subgraphs();
  std::vector<SubgraphId> subgraph_ids;
  for (const auto& spec : specs) {
    SubgraphOptions options;
    options.parent = spec.parent;
    options.kind = spec.kind;
    auto id = builder->AddSubgraph(spec.id, options);
    if (!id.ok()) return id.status();
    subgraph_ids.push_back(*id);
  }
  for (std::size_t i = 0; i < g.ids.size(); ++i) {
    auto id = builder->AddEntity(subgraph_ids[g.home[i]], g.kinds[i], g.ids[i]);
    if (!id.ok()) return id.status();
    if (*id != i) return absl::InternalError("entity ids are not dense in insertion order");
  }
  for (const RawEdge& e : g.edges) {
    if (e.cross_link) {
      CrossLink link;
      link.from = g.ids[e.from];
      link.to = g.ids[e.to];
      link.kind = e.kind;
      link.rule = "bench";
      absl::Status status = builder->AddCrossLink("bench", std::move(link));
      if (!status.ok()) return status;
    } else {
      auto ref = builder->AddEdge(subgraph_ids[g.home[e.from]], e.from, e.to, e.kind);
      if (!ref.ok()) return ref.status();
    }
  }
  return absl::OkStatus();
}

// Fixture: everything built for one size, made on first use and kept for the whole run,
// so each benchmark times only its own operation.
class Fixture {
 public:
  explicit Fixture(std::size_t edge_count) : graph_(MakeRandomGraph(edge_count)) {}

  const RandomGraph& graph() const { return graph_; }

  const ModelBuilder* Builder(std::string* error) {
    if (!builder_) {
      auto builder = std::make_unique<ModelBuilder>();
      absl::Status status = FillBuilder(graph_, builder.get());
      if (!status.ok()) {
        *error = status.ToString();
        return nullptr;
      }
      builder_ = std::move(builder);
    }
    return builder_.get();
  }

  const Snapshot* Frozen(std::string* error) {
    if (!snapshot_) {
      const ModelBuilder* builder = Builder(error);
      if (builder == nullptr) return nullptr;
      auto snapshot = builder->Freeze();
      if (!snapshot.ok()) {
        *error = snapshot.status().ToString();
        return nullptr;
      }
      snapshot_.emplace(*std::move(snapshot));
    }
    return &*snapshot_;
  }

  const BoostGraph& Boost() {
    if (!boost_) boost_ = BuildBoostGraph(graph_);
    return *boost_;
  }

 private:
  RandomGraph graph_;
  std::unique_ptr<ModelBuilder> builder_;
  std::optional<Snapshot> snapshot_;
  std::unique_ptr<BoostGraph> boost_;
};

Fixture& GetFixture(std::int64_t edge_count) {
  static auto* fixtures = new std::map<std::int64_t, std::unique_ptr<Fixture>>();
  auto& slot = (*fixtures)[edge_count];
  if (!slot) slot = std::make_unique<Fixture>(static_cast<std::size_t>(edge_count));
  return *slot;
}

// In-use heap bytes: small blocks (uordblks) plus blocks served by mmap (hblkhd).
std::size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

double PerEdge(std::size_t bytes, std::size_t edges) {
  return edges == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(edges);
}

// --- Building --------------------------------------------------------------------------

void BM_Freeze(benchmark::State& state) {
  Fixture& fixture = GetFixture(state.range(0));
  std::string error;
  const ModelBuilder* builder = fixture.Builder(&error);
  if (builder == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    auto snapshot = builder->Freeze();
    if (!snapshot.ok()) {
      error = snapshot.status().ToString();
      state.SkipWithError(error.c_str());
      return;
    }
    benchmark::DoNotOptimize(snapshot->edge_count());
  }

  const std::size_t heap_before = HeapInUse();
  auto snapshot = builder->Freeze();
  const std::size_t heap_after = HeapInUse();
  if (!snapshot.ok()) return;
  const std::size_t edges = snapshot->edge_count();
  state.counters["edges"] = static_cast<double>(edges);
  state.counters["entities"] = static_cast<double>(snapshot->entity_count());
  state.counters["bytes_per_edge"] = PerEdge(snapshot->MemoryUsage(), edges);
  state.counters["heap_bytes_per_edge"] =
      PerEdge(heap_after > heap_before ? heap_after - heap_before : 0, edges);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(edges));
  state.SetComplexityN(state.range(0));
}

void BM_BoostAdjacencyListBuild(benchmark::State& state) {
  Fixture& fixture = GetFixture(state.range(0));
  const RandomGraph& graph = fixture.graph();
  for (auto _ : state) {
    auto boost_graph = BuildBoostGraph(graph);
    benchmark::DoNotOptimize(boost::num_edges(*boost_graph));
  }

  const std::size_t heap_before = HeapInUse();
  auto boost_graph = BuildBoostGraph(graph);
  const std::size_t heap_after = HeapInUse();
  const std::size_t edges = boost::num_edges(*boost_graph);
  state.counters["edges"] = static_cast<double>(edges);
  state.counters["entities"] = static_cast<double>(boost::num_vertices(*boost_graph));
  state.counters["heap_bytes_per_edge"] =
      PerEdge(heap_after > heap_before ? heap_after - heap_before : 0, edges);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(edges));
  state.SetComplexityN(state.range(0));
}

// --- Iterating -------------------------------------------------------------------------

// Runs `visit(entity, &sum)` over every entity of the snapshot per iteration.
template <typename Visit>
void IterateSnapshot(benchmark::State& state, Visit visit) {
  std::string error;
  const Snapshot* snapshot = GetFixture(state.range(0)).Frozen(&error);
  if (snapshot == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  const auto entity_count = static_cast<EntityId>(snapshot->entity_count());
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (EntityId v = 0; v < entity_count; ++v) visit(*snapshot, v, &sum);
    benchmark::DoNotOptimize(sum);
  }
  state.counters["edges"] = static_cast<double>(snapshot->edge_count());
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(snapshot->edge_count()));
  state.SetComplexityN(state.range(0));
}

template <typename Visit>
void IterateBoost(benchmark::State& state, Visit visit) {
  const BoostGraph& graph = GetFixture(state.range(0)).Boost();
  const auto vertex_count = boost::num_vertices(graph);
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (std::size_t v = 0; v < vertex_count; ++v) visit(graph, v, &sum);
    benchmark::DoNotOptimize(sum);
  }
  state.counters["edges"] = static_cast<double>(boost::num_edges(graph));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(boost::num_edges(graph)));
  state.SetComplexityN(state.range(0));
}

void BM_OutNeighbors(benchmark::State& state) {
  IterateSnapshot(state, [](const Snapshot& s, EntityId v, std::uint64_t* sum) {
    for (EntityId w : s.OutNeighbors(v)) *sum += w;
  });
}

void BM_InNeighbors(benchmark::State& state) {
  IterateSnapshot(state, [](const Snapshot& s, EntityId v, std::uint64_t* sum) {
    for (EntityId w : s.InNeighbors(v)) *sum += w;
  });
}

void BM_OutNeighborsByKind(benchmark::State& state) {
  IterateSnapshot(state, [](const Snapshot& s, EntityId v, std::uint64_t* sum) {
    for (int k = 0; k < kEdgeKindCount; ++k) {
      for (EntityId w : s.OutNeighbors(v, static_cast<EdgeKind>(k))) *sum += w;
    }
  });
}

void BM_BoostOutEdges(benchmark::State& state) {
  IterateBoost(state, [](const BoostGraph& g, std::size_t v, std::uint64_t* sum) {
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) *sum += boost::target(*it, g);
  });
}

void BM_BoostInEdges(benchmark::State& state) {
  IterateBoost(state, [](const BoostGraph& g, std::size_t v, std::uint64_t* sum) {
    for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) *sum += boost::source(*it, g);
  });
}

// The adjacency list keeps no per-kind order, so each kind is a filtered scan.
void BM_BoostOutEdgesByKind(benchmark::State& state) {
  IterateBoost(state, [](const BoostGraph& g, std::size_t v, std::uint64_t* sum) {
    for (int k = 0; k < kEdgeKindCount; ++k) {
      for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
        if (g[*it].kind == static_cast<EdgeKind>(k)) *sum += boost::target(*it, g);
      }
    }
  });
}

constexpr std::int64_t kMinEdges = 1 << 10;
constexpr std::int64_t kMaxEdges = 1 << 20;

BENCHMARK(BM_Freeze)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK(BM_BoostAdjacencyListBuild)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();
BENCHMARK(BM_OutNeighbors)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();
BENCHMARK(BM_BoostOutEdges)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();
BENCHMARK(BM_InNeighbors)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();
BENCHMARK(BM_BoostInEdges)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();
BENCHMARK(BM_OutNeighborsByKind)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();
BENCHMARK(BM_BoostOutEdgesByKind)
    ->RangeMultiplier(4)
    ->Range(kMinEdges, kMaxEdges)
    ->Unit(benchmark::kMicrosecond)
    ->Complexity();

}  // namespace
}  // namespace faultline

BENCHMARK_MAIN();
