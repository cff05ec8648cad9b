// Tests of Snapshot: a property test comparing every query with the builder on random
// graphs of graphs, concurrent queries, the Save/Load round trip, and the errors for
// corrupt, truncated, foreign and newer-version files.
#include "faultline/model/snapshot.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/model/model_builder.h"
#include "gtest/gtest.h"
#include "model/model_test_util.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::HasCode;
using ::faultline::testing::MessageContains;
using ::faultline::testing::Must;
using ::faultline::testing::MustOk;

constexpr std::int64_t kSecond = 1'000'000'000;

// --- A random graph of graphs, with a shadow model of what the builder should hold ---------

struct RandomModel {
  ModelBuilder builder;
  std::vector<std::string> live;                         // live subgraphs, creation order
  std::map<std::string, std::string> parent;             // subgraph -> parent ("" top level)
  std::map<std::string, std::set<std::string>> members;  // live subgraph -> member ids
  std::map<std::string, EntityKind> kinds;               // every id ever added
  std::map<std::string, std::vector<EdgeRef>> edge_refs; // live subgraph -> its edges
  // live subgraph -> its edges; link set -> its links; both as (from id, to id, kind).
  std::map<std::string, std::set<std::tuple<std::string, std::string, EdgeKind>>> edges;
  std::map<std::string, std::set<std::tuple<std::string, std::string, EdgeKind>>> links;
  // Statistics recorded, per live subgraph: by entity id and by edge.
  std::map<std::string, std::map<std::string, WindowedStats>> entity_stats;
  std::map<std::string, std::map<std::tuple<std::string, std::string, EdgeKind>, WindowedStats>>
      edge_stats;
  std::map<std::string, std::vector<std::tuple<std::string, std::string, EdgeKind>>> ref_keys;
  std::vector<std::string> pool;                         // candidate entity ids
  int cross_links = 0;
  int dangling_candidates = 0;
};

std::string PoolId(EntityKind kind, int j) {
  return std::string(EntityKindName(kind)) + ":e" + std::to_string(j);
}

// Removes `name` and its descendants from the shadow model's live set.
void ForgetSubtree(RandomModel& m, const std::string& name, bool keep_root) {
  std::vector<std::string> doomed = {name};
  for (bool grew = true; grew;) {
    grew = false;
    for (const std::string& s : m.live) {
      if (std::find(doomed.begin(), doomed.end(), s) != doomed.end()) continue;
      if (std::find(doomed.begin(), doomed.end(), m.parent[s]) != doomed.end()) {
        doomed.push_back(s);
        grew = true;
      }
    }
  }
  for (const std::string& s : doomed) {
    m.members.erase(s);
    m.edge_refs.erase(s);
    m.edges.erase(s);
    m.entity_stats.erase(s);
    m.edge_stats.erase(s);
    m.ref_keys.erase(s);
    if (keep_root && s == name) {
      m.members[s];
      m.edge_refs[s];
      continue;
    }
    m.live.erase(std::remove(m.live.begin(), m.live.end(), s), m.live.end());
  }
}

std::unique_ptr<RandomModel> MakeRandomModel(std::uint64_t seed, int entities, int operations) {
  auto m = std::make_unique<RandomModel>();
  std::mt19937_64 rng(seed);
  auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };

  for (int j = 0; j < entities; ++j) {
    const auto kind = static_cast<EntityKind>(pick(kEntityKindCount));
    m->pool.push_back(PoolId(kind, j));
    m->kinds[m->pool.back()] = kind;
  }
  int next_subgraph = 0;
  auto add_subgraph = [&]() {
    std::string parent;
    if (!m->live.empty() && pick(3) == 0) parent = m->live[pick(m->live.size())];
    const std::string name =
        (parent.empty() ? "sg" : parent + "/sub") + std::to_string(next_subgraph++);
    SubgraphOptions options;
    options.parent = parent;
    options.kind = pick(2) == 0 ? "traces" : "stack";
    if (pick(2) == 0) options.attributes = {{"owner", "team-" + std::to_string(pick(4))}};
    MustOk(m->builder.AddSubgraph(name, options).status(), "AddSubgraph");
    m->live.push_back(name);
    m->parent[name] = parent;
    m->members[name];
    m->edge_refs[name];
  };
  const int initial = 2 + static_cast<int>(pick(6));
  for (int i = 0; i < initial; ++i) add_subgraph();

  auto add_member = [&](const std::string& sg, const std::string& id) {
    Attributes attributes;
    if (pick(4) == 0) {
      attributes = {{"k" + std::to_string(pick(3)), "v" + std::to_string(pick(100))}};
    }
    const SubgraphId sid = *m->builder.FindSubgraph(sg);
    const EntityId e = Must(m->builder.AddEntity(sid, m->kinds[id], id, attributes), "AddEntity");
    m->members[sg].insert(id);
    return e;
  };

  std::vector<std::tuple<std::string, std::string, EdgeKind>> triples;
  for (int op = 0; op < operations; ++op) {
    if (m->live.empty()) add_subgraph();
    const std::string sg = m->live[pick(m->live.size())];
    const SubgraphId sid = *m->builder.FindSubgraph(sg);
    const int roll = static_cast<int>(pick(100));
    if (roll < 50) {
      std::string from_id = m->pool[pick(m->pool.size())];
      std::string to_id = pick(10) == 0 ? from_id : m->pool[pick(m->pool.size())];
      auto kind = static_cast<EdgeKind>(pick(kEdgeKindCount));
      if (!triples.empty() && pick(6) == 0) {
        // An edge another subgraph (or this one) already has: parallel edges or a no-op.
        std::tie(from_id, to_id, kind) = triples[pick(triples.size())];
      }
      triples.emplace_back(from_id, to_id, kind);
      const EntityId from = add_member(sg, from_id);
      const EntityId to = add_member(sg, to_id);
      const EdgeRef ref = Must(m->builder.AddEdge(sid, from, to, kind), "AddEdge");
      m->edges[sg].emplace(from_id, to_id, kind);
      m->edge_refs[sg].push_back(ref);
      m->ref_keys[sg].emplace_back(from_id, to_id, kind);
      if (pick(10) == 0) Must(m->builder.AddEdge(sid, from, to, kind), "AddEdge again");
    } else if (roll < 62) {
      add_member(sg, m->pool[pick(m->pool.size())]);
    } else if (roll < 75) {
      // Some links name ids that were never added anywhere: they dangle.
      std::string from =
          pick(8) == 0 ? "service:ghost" + std::to_string(pick(5)) : m->pool[pick(m->pool.size())];
      std::string to = m->pool[pick(m->pool.size())];
      auto kind = static_cast<EdgeKind>(pick(kEdgeKindCount));
      if (!triples.empty() && pick(5) == 0) std::tie(from, to, kind) = triples[pick(triples.size())];
      CrossLink link{from, to, kind, "rule-" + std::to_string(pick(2)),
                     "detail-" + std::to_string(pick(50))};
      const std::string set = "set" + std::to_string(pick(3));
      m->links[set].emplace(link.from, link.to, link.kind);
      MustOk(m->builder.AddCrossLink(set, link), "AddCrossLink");
      ++m->cross_links;
    } else if (roll < 91) {
      auto& refs = m->edge_refs[sg];
      const std::int64_t t = static_cast<std::int64_t>(pick(600)) * kSecond / 3;
      if (!refs.empty() && pick(2) == 0) {
        const std::size_t r = pick(refs.size());
        const bool error = pick(9) == 0;
        const auto latency = static_cast<std::int64_t>(1000 + pick(50'000'000));
        m->builder.EdgeStats(refs[r]).Record(t, error, latency);
        m->edge_stats[sg][m->ref_keys[sg][r]].Record(t, error, latency);
      } else if (!m->members[sg].empty()) {
        auto it = m->members[sg].begin();
        std::advance(it, pick(m->members[sg].size()));
        const EntityId e = *m->builder.FindEntity(*it);
        const bool error = pick(5) == 0;
        const auto latency = static_cast<std::int64_t>(2000 + pick(90'000'000));
        m->builder.EntityStats(sid, e).Record(t, error, latency);
        m->entity_stats[sg][*it].Record(t, error, latency);
      }
    } else if (roll < 96) {
      add_subgraph();
    } else if (roll < 98) {
      SubgraphOptions options;
      options.parent = m->parent[sg];
      options.kind = "replaced";
      MustOk(m->builder.ReplaceSubgraph(sg, options).status(), "ReplaceSubgraph");
      ForgetSubtree(*m, sg, /*keep_root=*/true);
    } else {
      MustOk(m->builder.RemoveSubgraph(sg), "RemoveSubgraph");
      ForgetSubtree(*m, sg, /*keep_root=*/false);
    }
  }
  return m;
}

std::set<std::string> LiveEntities(const RandomModel& m) {
  std::set<std::string> out;
  for (const auto& [sg, ids] : m.members) out.insert(ids.begin(), ids.end());
  return out;
}

using NamedNeighbor = std::pair<std::string, EdgeKind>;

// --- The property test --------------------------------------------------------------------

void CheckSnapshotAgainstModel(const RandomModel& m, const Snapshot& s) {
  const ModelBuilder& b = m.builder;
  const std::set<std::string> live = LiveEntities(m);

  // Entities, identity and kinds.
  ASSERT_EQ(b.entity_count(), live.size());
  ASSERT_EQ(s.entity_count(), live.size());
  std::set<std::string> snapshot_ids;
  for (EntityId e = 0; e < s.entity_count(); ++e) {
    const std::string id(s.EntityIdString(e));
    snapshot_ids.insert(id);
    EXPECT_EQ(s.Find(id), e);
    EXPECT_EQ(Must(s.Lookup(id)), e);
    EXPECT_EQ(s.Kind(e), m.kinds.at(id)) << id;
  }
  EXPECT_EQ(snapshot_ids, live);

  // Out-edges against the builder, as multisets of (target id, kind).
  std::size_t builder_edges = 0;
  for (const std::string& id : live) {
    const EntityId be = *b.FindEntity(id);
    const EntityId se = *s.Find(id);
    EXPECT_EQ(b.EntityKindOf(be), m.kinds.at(id));
    std::vector<NamedNeighbor> expected;
    for (const Neighbor& n : b.OutNeighbors(be)) {
      expected.emplace_back(std::string(b.EntityIdString(n.entity)), n.kind);
    }
    builder_edges += expected.size();
    std::sort(expected.begin(), expected.end());

    // The builder agrees with the shadow model: subgraph edges once per subgraph, links
    // once per set and only when both ends are live.
    std::vector<NamedNeighbor> shadow;
    for (const auto& [sg, triples] : m.edges) {
      for (const auto& [from, to, kind] : triples) {
        if (from == id) shadow.emplace_back(to, kind);
      }
    }
    for (const auto& [set, triples] : m.links) {
      for (const auto& [from, to, kind] : triples) {
        if (from == id && live.count(to) != 0) shadow.emplace_back(to, kind);
      }
    }
    std::sort(shadow.begin(), shadow.end());
    EXPECT_EQ(expected, shadow) << id;

    std::vector<NamedNeighbor> actual;
    const EdgeRange out = s.OutEdges(se);
    const auto targets = s.OutNeighbors(se);
    ASSERT_EQ(targets.size(), out.size()) << id;
    std::size_t j = 0;
    EdgeKind previous_kind = EdgeKind::kCalls;
    for (EdgeIndex e : out) {
      EXPECT_EQ(s.Source(e), se);
      EXPECT_EQ(targets[j++], s.Target(e));
      EXPECT_GE(s.KindOf(e), previous_kind) << "out-edges grouped by kind";
      previous_kind = s.KindOf(e);
      actual.emplace_back(std::string(s.EntityIdString(s.Target(e))), s.KindOf(e));
    }
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual, expected) << id;

    std::size_t per_kind_total = 0;
    for (int k = 0; k < kEdgeKindCount; ++k) {
      const auto kind = static_cast<EdgeKind>(k);
      const EdgeRange of_kind = s.OutEdges(se, kind);
      const auto kind_targets = s.OutNeighbors(se, kind);
      ASSERT_EQ(kind_targets.size(), of_kind.size());
      std::size_t i = 0;
      for (EdgeIndex e : of_kind) {
        EXPECT_EQ(s.KindOf(e), kind);
        EXPECT_EQ(s.Source(e), se);
        EXPECT_EQ(kind_targets[i++], s.Target(e));
      }
      const auto expected_of_kind = std::count_if(
          expected.begin(), expected.end(), [&](const NamedNeighbor& n) { return n.second == kind; });
      EXPECT_EQ(of_kind.size(), static_cast<std::size_t>(expected_of_kind)) << id;
      per_kind_total += of_kind.size();
    }
    EXPECT_EQ(per_kind_total, out.size());
  }
  ASSERT_EQ(s.edge_count(), builder_edges);

  // Edge order and accessors.
  std::vector<std::vector<EdgeIndex>> in_expected(s.entity_count());
  for (EdgeIndex e = 0; e < s.edge_count(); ++e) {
    const EdgeView v = s.Edge(e);
    EXPECT_EQ(v.index, e);
    EXPECT_EQ(v.source, s.Source(e));
    EXPECT_EQ(v.target, s.Target(e));
    EXPECT_EQ(v.kind, s.KindOf(e));
    EXPECT_EQ(v.subgraph, s.EdgeSubgraph(e));
    EXPECT_EQ(s.CrossLinkOf(e).has_value(), v.subgraph == kNoSubgraph);
    if (e > 0) {
      const EdgeView p = s.Edge(e - 1);
      EXPECT_LE(std::make_tuple(p.source, p.kind, p.target, p.subgraph),
                std::make_tuple(v.source, v.kind, v.target, v.subgraph))
          << "edges in (source, kind, target, subgraph) order at " << e;
    }
    in_expected[v.target].push_back(e);
  }

  // In-edges are the transpose.
  for (EntityId t = 0; t < s.entity_count(); ++t) {
    const auto in = s.InEdges(t);
    const auto sources = s.InNeighbors(t);
    ASSERT_EQ(in.size(), sources.size());
    std::vector<EdgeIndex> got(in.begin(), in.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, in_expected[t]) << s.EntityIdString(t);
    for (std::size_t j = 0; j < in.size(); ++j) {
      EXPECT_EQ(s.Target(in[j]), t);
      EXPECT_EQ(sources[j], s.Source(in[j]));
      if (j > 0) {
        EXPECT_LE(std::make_pair(s.KindOf(in[j - 1]), s.Source(in[j - 1])),
                  std::make_pair(s.KindOf(in[j]), s.Source(in[j])))
            << "in-edges grouped by (kind, source)";
      }
    }
    std::size_t per_kind_total = 0;
    for (int k = 0; k < kEdgeKindCount; ++k) {
      const auto kind = static_cast<EdgeKind>(k);
      const auto of_kind = s.InEdges(t, kind);
      const auto kind_sources = s.InNeighbors(t, kind);
      ASSERT_EQ(of_kind.size(), kind_sources.size());
      for (std::size_t j = 0; j < of_kind.size(); ++j) {
        EXPECT_EQ(s.KindOf(of_kind[j]), kind);
        EXPECT_EQ(s.Target(of_kind[j]), t);
        EXPECT_EQ(kind_sources[j], s.Source(of_kind[j]));
      }
      per_kind_total += of_kind.size();
    }
    EXPECT_EQ(per_kind_total, in.size());
  }

  // Entities by kind.
  std::size_t by_kind_total = 0;
  for (int k = 0; k < kEntityKindCount; ++k) {
    const auto kind = static_cast<EntityKind>(k);
    const auto of_kind = s.EntitiesOfKind(kind);
    EXPECT_TRUE(std::is_sorted(of_kind.begin(), of_kind.end()));
    for (EntityId e : of_kind) EXPECT_EQ(s.Kind(e), kind);
    by_kind_total += of_kind.size();
  }
  EXPECT_EQ(by_kind_total, s.entity_count());

  // Subgraphs: creation order, members, home subgraphs, owned edges.
  ASSERT_EQ(b.SubgraphIds(), m.live);
  ASSERT_EQ(s.subgraph_count(), m.live.size());
  std::size_t owned_edges = 0;
  for (SubgraphId g = 0; g < s.subgraph_count(); ++g) {
    const std::string name(s.Subgraph(g).name);
    EXPECT_EQ(name, m.live[g]);
    EXPECT_EQ(s.Subgraph(g).id, g);
    EXPECT_EQ(s.FindSubgraph(name), g);
    const std::string& parent = m.parent.at(name);
    EXPECT_EQ(s.Subgraph(g).parent,
              parent.empty() ? kNoSubgraph : *s.FindSubgraph(parent)) << name;
    const auto member_span = s.SubgraphMembers(g);
    EXPECT_TRUE(std::is_sorted(member_span.begin(), member_span.end()));
    std::set<std::string> member_ids;
    for (EntityId e : member_span) member_ids.emplace(s.EntityIdString(e));
    EXPECT_EQ(member_ids, m.members.at(name)) << name;
    EXPECT_EQ(member_span.size(), member_ids.size()) << name;
    const std::vector<EdgeIndex> edges = s.SubgraphEdges(g);
    EXPECT_TRUE(std::is_sorted(edges.begin(), edges.end()));
    for (EdgeIndex e : edges) EXPECT_EQ(s.EdgeSubgraph(e), g);
    owned_edges += edges.size();
  }
  std::size_t link_edges = 0;
  for (EdgeIndex e = 0; e < s.edge_count(); ++e) link_edges += s.EdgeSubgraph(e) == kNoSubgraph;
  EXPECT_EQ(owned_edges + link_edges, s.edge_count());

  for (EntityId e = 0; e < s.entity_count(); ++e) {
    const std::string id(s.EntityIdString(e));
    SubgraphId expected_home = kNoSubgraph;
    for (std::size_t g = 0; g < m.live.size(); ++g) {
      if (m.members.at(m.live[g]).count(id) != 0) {
        expected_home = static_cast<SubgraphId>(g);
        break;
      }
    }
    EXPECT_EQ(s.HomeSubgraph(e), expected_home) << id;
  }

  // Statistics: an entity's containers merged over its live subgraphs; edges' as recorded.
  std::map<std::string, WindowedStats> merged;
  for (const auto& [sg, by_id] : m.entity_stats) {
    for (const auto& [id, stats] : by_id) ASSERT_OK(merged[id].Merge(stats));
  }
  for (EntityId e = 0; e < s.entity_count(); ++e) {
    const std::string id(s.EntityIdString(e));
    const auto it = merged.find(id);
    const WindowedStats* stats = s.EntityStats(e);
    if (it == merged.end()) {
      EXPECT_EQ(stats, nullptr) << id;
    } else {
      ASSERT_NE(stats, nullptr) << id;
      EXPECT_EQ(*stats, it->second) << id;
    }
  }
  std::size_t edges_with_stats = 0;
  for (const auto& [sg, by_edge] : m.edge_stats) {
    for (const auto& [key, stats] : by_edge) {
      const auto& [from, to, kind] = key;
      const auto e = ::faultline::testing::FindEdge(s, from, to, kind, sg);
      ASSERT_TRUE(e.has_value()) << sg << ": " << from << " -> " << to;
      ASSERT_NE(s.EdgeStats(*e), nullptr);
      EXPECT_EQ(*s.EdgeStats(*e), stats) << sg << ": " << from << " -> " << to;
      ++edges_with_stats;
    }
  }
  std::size_t snapshot_edges_with_stats = 0;
  for (EdgeIndex e = 0; e < s.edge_count(); ++e) snapshot_edges_with_stats += s.EdgeStats(e) != nullptr;
  EXPECT_EQ(snapshot_edges_with_stats, edges_with_stats);
  EXPECT_EQ(s.has_statistics(), !merged.empty() || edges_with_stats > 0);

  // The meta-graph, from the edges and the homes.
  std::map<std::pair<SubgraphId, SubgraphId>, std::uint32_t> meta_expected;
  for (EdgeIndex e = 0; e < s.edge_count(); ++e) {
    const SubgraphId from = s.HomeSubgraph(s.Source(e));
    const SubgraphId to = s.HomeSubgraph(s.Target(e));
    if (from != to) ++meta_expected[{from, to}];
  }
  std::map<std::pair<SubgraphId, SubgraphId>, std::uint32_t> meta_actual;
  const auto meta = s.MetaGraph();
  for (std::size_t i = 0; i < meta.size(); ++i) {
    meta_actual[{meta[i].from, meta[i].to}] = meta[i].edge_count;
    if (i > 0) {
      EXPECT_LT(std::make_pair(meta[i - 1].from, meta[i - 1].to),
                std::make_pair(meta[i].from, meta[i].to));
    }
  }
  EXPECT_EQ(meta_actual, meta_expected);

  // Unknown ids.
  EXPECT_FALSE(s.Find("service:never-added").has_value());
  const auto missing = s.Lookup("service:never-added");
  EXPECT_TRUE(HasCode(missing, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(missing, "service:never-added"));
  EXPECT_FALSE(s.FindSubgraph("no/such/subgraph").has_value());
}

TEST(SnapshotTest, QueriesMatchTheBuilderOnRandomGraphsOfGraphs) {
  // What the random models exercised, summed over the seeds.
  std::size_t self_loops = 0, link_edges = 0, dropped_links = 0, nested = 0, parallel = 0,
              edges = 0, subgraphs = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const int entities = 10 + static_cast<int>(seed * 13 % 120);
    const auto model = MakeRandomModel(seed, entities, entities * 6);
    const Snapshot snapshot = Must(model->builder.Freeze());
    CheckSnapshotAgainstModel(*model, snapshot);
    if (::testing::Test::HasFatalFailure()) return;

    edges += snapshot.edge_count();
    subgraphs += snapshot.subgraph_count();
    dropped_links += snapshot.freeze_report().dropped_cross_links;
    for (EdgeIndex e = 0; e < snapshot.edge_count(); ++e) {
      self_loops += snapshot.Source(e) == snapshot.Target(e);
      link_edges += snapshot.EdgeSubgraph(e) == kNoSubgraph;
      if (e > 0 && snapshot.Source(e - 1) == snapshot.Source(e) &&
          snapshot.Target(e - 1) == snapshot.Target(e) &&
          snapshot.KindOf(e - 1) == snapshot.KindOf(e)) {
        ++parallel;  // the same (from, to, kind) from two subgraphs or link sets
      }
    }
    for (SubgraphId g = 0; g < snapshot.subgraph_count(); ++g) {
      nested += snapshot.Subgraph(g).parent != kNoSubgraph;
    }
  }
  EXPECT_GT(edges, 1000u);
  EXPECT_GT(subgraphs, 30u);
  EXPECT_GT(self_loops, 0u);
  EXPECT_GT(link_edges, 0u);
  EXPECT_GT(dropped_links, 0u);
  EXPECT_GT(nested, 0u);
  EXPECT_GT(parallel, 0u);
  std::cout << "edges " << edges << ", subgraphs " << subgraphs << ", self loops " << self_loops
            << ", link edges " << link_edges << ", dropped links " << dropped_links
            << ", nested subgraphs " << nested << ", parallel edges " << parallel << "\n";
}

TEST(SnapshotTest, QueriesMatchTheBuilderOnALargerRandomGraph) {
  const auto model = MakeRandomModel(99, 2000, 12000);
  const Snapshot snapshot = Must(model->builder.Freeze());
  CheckSnapshotAgainstModel(*model, snapshot);
}

TEST(SnapshotTest, DefaultSnapshotIsEmpty) {
  const Snapshot s;
  EXPECT_EQ(s.entity_count(), 0u);
  EXPECT_EQ(s.edge_count(), 0u);
  EXPECT_EQ(s.subgraph_count(), 0u);
  EXPECT_FALSE(s.Find("service:x").has_value());
  EXPECT_TRUE(HasCode(s.Lookup("service:x"), absl::StatusCode::kNotFound));
  EXPECT_TRUE(s.EntitiesOfKind(EntityKind::kService).empty());
  EXPECT_TRUE(s.MetaGraph().empty());
}

TEST(SnapshotTest, EmptySnapshotRoundTripsToIdenticalBytes) {
  for (const Snapshot& empty : {Snapshot(), Must(ModelBuilder().Freeze())}) {
    const std::string bytes = empty.Serialize();
    const Snapshot copy = Must(Snapshot::Deserialize(bytes));
    EXPECT_EQ(copy.entity_count(), 0u);
    EXPECT_EQ(copy.subgraph_count(), 0u);
    EXPECT_EQ(copy.Serialize(), bytes);
  }
}

TEST(SnapshotTest, CopiesShareTheSameAnswers) {
  const auto model = MakeRandomModel(5, 60, 240);
  const Snapshot original = Must(model->builder.Freeze());
  Snapshot copy = original;
  EXPECT_EQ(copy.Serialize(), original.Serialize());
  Snapshot moved = std::move(copy);
  EXPECT_EQ(moved.Serialize(), original.Serialize());
  EXPECT_GT(original.MemoryUsage(), 0u);
}

// --- Concurrency --------------------------------------------------------------------------

// Runs a wide set of queries and returns their answers as text.
std::string Digest(const Snapshot& s) {
  std::ostringstream out;
  for (EntityId e = 0; e < s.entity_count(); ++e) {
    const std::string_view id = s.EntityIdString(e);
    out << id << ' ' << static_cast<int>(s.Kind(e)) << ' ' << s.HomeSubgraph(e) << ' '
        << s.Find(id).value_or(kInvalidEntity) << " out:";
    for (EntityId t : s.OutNeighbors(e)) out << t << ',';
    out << " in:";
    for (EdgeIndex i : s.InEdges(e)) out << i << '/' << s.Source(i) << ',';
    for (int k = 0; k < kEdgeKindCount; ++k) {
      out << " k" << k << ':' << s.OutEdges(e, static_cast<EdgeKind>(k)).size() << '/'
          << s.InNeighbors(e, static_cast<EdgeKind>(k)).size();
    }
    for (const auto& [key, value] : s.EntityAttributes(e)) out << ' ' << key << '=' << value;
    if (const WindowedStats* stats = s.EntityStats(e)) {
      const BucketStats total = stats->Total();
      out << " stats:" << total.requests << '/' << total.errors << '/'
          << total.latency.Quantile(0.99);
    }
    out << '\n';
  }
  for (EdgeIndex i = 0; i < s.edge_count(); ++i) {
    if (const WindowedStats* stats = s.EdgeStats(i)) {
      out << "edge " << i << ' ' << stats->Aggregate(0, 100 * kSecond).requests << '\n';
    }
    if (auto link = s.CrossLinkOf(i)) out << "link " << i << ' ' << link->link_set << '\n';
  }
  for (int k = 0; k < kEntityKindCount; ++k) {
    out << "kind " << k << ':' << s.EntitiesOfKind(static_cast<EntityKind>(k)).size() << '\n';
  }
  for (SubgraphId g = 0; g < s.subgraph_count(); ++g) {
    out << "subgraph " << s.Subgraph(g).name << ' ' << s.SubgraphMembers(g).size() << ' '
        << s.SubgraphEdges(g).size() << ' ' << s.SubgraphChildren(g).size() << '\n';
  }
  for (const MetaEdge& edge : s.MetaGraph()) {
    out << "meta " << edge.from << "->" << edge.to << ' ' << edge.edge_count << '\n';
  }
  return out.str();
}

TEST(SnapshotTest, ConcurrentQueriesGiveTheSameAnswersAsOneThread) {
  const auto model = MakeRandomModel(42, 400, 2400);
  const Snapshot snapshot = Must(model->builder.Freeze());
  const std::string expected = Digest(snapshot);
  ASSERT_FALSE(expected.empty());

  constexpr int kThreads = 6;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread works on its own copy of the handle (copies share the data).
      const Snapshot local = snapshot;
      std::string digest;
      for (int round = 0; round < 5; ++round) {
        digest = Digest(t % 2 == 0 ? snapshot : local);
        if (digest != expected) break;
      }
      results[t] = std::move(digest);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(results[t], expected) << "thread " << t;
}

// --- Save / Load --------------------------------------------------------------------------

std::string TempPath(const std::string& name) {
  return (::faultline::testing::ScratchDir() / name).string();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void ExpectSameContent(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.entity_count(), b.entity_count());
  ASSERT_EQ(a.edge_count(), b.edge_count());
  ASSERT_EQ(a.subgraph_count(), b.subgraph_count());
  EXPECT_EQ(a.bucket_width_ns(), b.bucket_width_ns());
  EXPECT_EQ(a.has_statistics(), b.has_statistics());
  for (EntityId e = 0; e < a.entity_count(); ++e) {
    EXPECT_EQ(a.EntityIdString(e), b.EntityIdString(e));
    EXPECT_EQ(a.Kind(e), b.Kind(e));
    EXPECT_EQ(a.HomeSubgraph(e), b.HomeSubgraph(e));
    EXPECT_EQ(a.EntityAttributes(e), b.EntityAttributes(e));
    const WindowedStats* sa = a.EntityStats(e);
    const WindowedStats* sb = b.EntityStats(e);
    ASSERT_EQ(sa == nullptr, sb == nullptr);
    if (sa != nullptr) {
      EXPECT_EQ(*sa, *sb);
    }
  }
  for (EdgeIndex e = 0; e < a.edge_count(); ++e) {
    EXPECT_EQ(a.Source(e), b.Source(e));
    EXPECT_EQ(a.Target(e), b.Target(e));
    EXPECT_EQ(a.KindOf(e), b.KindOf(e));
    EXPECT_EQ(a.EdgeSubgraph(e), b.EdgeSubgraph(e));
    const auto la = a.CrossLinkOf(e);
    const auto lb = b.CrossLinkOf(e);
    ASSERT_EQ(la.has_value(), lb.has_value());
    if (la) {
      EXPECT_EQ(la->link_set, lb->link_set);
      EXPECT_EQ(la->rule, lb->rule);
      EXPECT_EQ(la->detail, lb->detail);
    }
    const WindowedStats* sa = a.EdgeStats(e);
    const WindowedStats* sb = b.EdgeStats(e);
    ASSERT_EQ(sa == nullptr, sb == nullptr);
    if (sa != nullptr) {
      EXPECT_EQ(*sa, *sb);
    }
  }
  for (SubgraphId g = 0; g < a.subgraph_count(); ++g) {
    const SubgraphInfo ia = a.Subgraph(g);
    const SubgraphInfo ib = b.Subgraph(g);
    EXPECT_EQ(ia.name, ib.name);
    EXPECT_EQ(ia.kind, ib.kind);
    EXPECT_EQ(ia.parent, ib.parent);
    EXPECT_EQ(ia.version, ib.version);
    ASSERT_NE(ia.attributes, nullptr);
    ASSERT_NE(ib.attributes, nullptr);
    EXPECT_EQ(*ia.attributes, *ib.attributes);
  }
  EXPECT_EQ(Digest(a), Digest(b));
}

TEST(SnapshotTest, SaveAndLoadRoundTripPreservesEverything) {
  for (std::uint64_t seed : {3u, 17u, 23u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto model = MakeRandomModel(seed, 150, 900);
    const Snapshot original = Must(model->builder.Freeze());
    ASSERT_TRUE(original.has_statistics());
    const std::string path = TempPath("roundtrip_" + std::to_string(seed) + ".flsnap");
    ASSERT_OK(original.Save(path));
    const Snapshot loaded = Must(Snapshot::Load(path));
    ExpectSameContent(original, loaded);
    EXPECT_EQ(loaded.Serialize(), original.Serialize());
    // The loaded snapshot still answers like the builder.
    CheckSnapshotAgainstModel(*model, loaded);
    std::filesystem::remove(path);
  }
}

TEST(SnapshotTest, DeserializeOfSerializeGivesIdenticalBytes) {
  const auto model = MakeRandomModel(8, 80, 400);
  const Snapshot original = Must(model->builder.Freeze());
  const std::string bytes = original.Serialize();
  const Snapshot copy = Must(Snapshot::Deserialize(bytes, "memory"));
  ExpectSameContent(original, copy);
  EXPECT_EQ(copy.Serialize(), bytes);
}

TEST(SnapshotTest, SaveReplacesAnExistingFileAndLeavesNoTemporaryFiles) {
  const std::filesystem::path dir =
      ::faultline::testing::ScratchDir() / "save_atomic";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "model.flsnap").string();
  WriteFile(path, "old content");
  const Snapshot first = Must(MakeRandomModel(1, 30, 100)->builder.Freeze());
  const Snapshot second = Must(MakeRandomModel(2, 30, 100)->builder.Freeze());
  ASSERT_OK(first.Save(path));
  ASSERT_OK(second.Save(path));
  EXPECT_EQ(Must(Snapshot::Load(path)).Serialize(), second.Serialize());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"model.flsnap"});
  std::filesystem::remove_all(dir);
}

TEST(SnapshotTest, SaveIntoAMissingDirectoryFailsNamingThePath) {
  const Snapshot snapshot = Must(MakeRandomModel(1, 10, 30)->builder.Freeze());
  const std::string path = TempPath("no_such_dir_faultline/sub/model.flsnap");
  const absl::Status status = snapshot.Save(path);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(MessageContains(status, path));
}

// --- Corrupt input ------------------------------------------------------------------------

Snapshot SmallSnapshot() {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("traces/prod"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a", {{"k", "v"}}));
  const EntityId d = Must(builder.AddEntity(g, EntityKind::kDatabase, "database:d"));
  const EdgeRef ad = Must(builder.AddEdge(g, a, d, EdgeKind::kUses));
  builder.EdgeStats(ad).Record(5 * kSecond, true, 1234567);
  return Must(builder.Freeze());
}

// An empty input is both "not a snapshot" and "a snapshot cut at byte 0": either code fits.
::testing::AssertionResult IsNotASnapshotOrDataLoss(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInvalidArgument ||
      status.code() == absl::StatusCode::kDataLoss) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected INVALID_ARGUMENT or DATA_LOSS, got " << status;
}

TEST(SnapshotTest, EmptyInputIsAnErrorNamingTheSource) {
  const auto result = Snapshot::Deserialize("", "empty.flsnap");
  EXPECT_TRUE(IsNotASnapshotOrDataLoss(result.status()));
  EXPECT_TRUE(MessageContains(result, "empty.flsnap"));

  const std::string path = TempPath("empty_file.flsnap");
  WriteFile(path, "");
  const auto loaded = Snapshot::Load(path);
  EXPECT_TRUE(IsNotASnapshotOrDataLoss(loaded.status()));
  EXPECT_TRUE(MessageContains(loaded, path));
}

TEST(SnapshotTest, WrongMagicIsInvalidArgumentNamingThePath) {
  std::string bytes = SmallSnapshot().Serialize();
  bytes[0] = static_cast<char>(bytes[0] ^ 0x5a);
  const std::string path = TempPath("wrong_magic.flsnap");
  WriteFile(path, bytes);
  const auto loaded = Snapshot::Load(path);
  EXPECT_TRUE(HasCode(loaded, absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(MessageContains(loaded, path));

  const std::string text = "{\"this\": \"is JSON, not a faultline snapshot at all\"}";
  const auto foreign = Snapshot::Deserialize(text, "foreign.json");
  EXPECT_TRUE(HasCode(foreign, absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(MessageContains(foreign, "foreign.json"));
}

// Truncations inside the 8-byte magic may read as "not a snapshot"; later ones are data loss.
void ExpectTruncationError(const std::string& bytes, std::size_t size) {
  const auto result = Snapshot::Deserialize(std::string_view(bytes.data(), size), "cut.flsnap");
  ASSERT_FALSE(result.ok()) << "prefix of " << size << " bytes was accepted";
  if (size >= 8) {
    EXPECT_TRUE(HasCode(result, absl::StatusCode::kDataLoss)) << "prefix of " << size;
  } else {
    EXPECT_TRUE(IsNotASnapshotOrDataLoss(result.status())) << "prefix of " << size;
  }
  EXPECT_TRUE(MessageContains(result, "cut.flsnap")) << "prefix of " << size;
}

TEST(SnapshotTest, EveryTruncationOfASmallSnapshotIsAnError) {
  const std::string bytes = SmallSnapshot().Serialize();
  ASSERT_GT(bytes.size(), 24u);
  for (std::size_t size = 0; size < bytes.size(); ++size) ExpectTruncationError(bytes, size);
  EXPECT_OK(Snapshot::Deserialize(bytes));
}

TEST(SnapshotTest, RandomTruncationsOfALargerSnapshotAreDataLoss) {
  const std::string bytes = Must(MakeRandomModel(77, 300, 1500)->builder.Freeze()).Serialize();
  std::mt19937_64 rng(5);
  for (int i = 0; i < 300; ++i) {
    ExpectTruncationError(bytes, 8 + rng() % (bytes.size() - 8));
  }
  ExpectTruncationError(bytes, bytes.size() - 1);
}

TEST(SnapshotTest, TrailingGarbageIsAnError) {
  const std::string bytes = SmallSnapshot().Serialize() + "extra";
  const auto result = Snapshot::Deserialize(bytes, "long.flsnap");
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(MessageContains(result, "long.flsnap"));
}

TEST(SnapshotTest, FlippedPayloadBytesAreDataLoss) {
  const std::string bytes = Must(MakeRandomModel(31, 100, 500)->builder.Freeze()).Serialize();
  ASSERT_GT(bytes.size(), 200u);
  std::mt19937_64 rng(9);
  // The header (magic, version, length, checksum) fits in the first 40 bytes; flip only
  // bytes after it, in the payload.
  for (int i = 0; i < 100; ++i) {
    std::string corrupt = bytes;
    const std::size_t at = 40 + rng() % (bytes.size() - 40);
    corrupt[at] = static_cast<char>(corrupt[at] ^ (1 + rng() % 255));
    const auto result = Snapshot::Deserialize(corrupt, "flipped.flsnap");
    ASSERT_FALSE(result.ok()) << "flip at " << at << " was accepted";
    EXPECT_TRUE(HasCode(result, absl::StatusCode::kDataLoss)) << "flip at " << at;
    EXPECT_TRUE(MessageContains(result, "flipped.flsnap"));
  }
  const std::string path = TempPath("flipped.flsnap");
  std::string corrupt = bytes;
  corrupt[bytes.size() / 2] = static_cast<char>(corrupt[bytes.size() / 2] ^ 0x01);
  WriteFile(path, corrupt);
  const auto loaded = Snapshot::Load(path);
  EXPECT_TRUE(HasCode(loaded, absl::StatusCode::kDataLoss));
  EXPECT_TRUE(MessageContains(loaded, path));
}

TEST(SnapshotTest, NewerFormatVersionIsFailedPreconditionNamingTheVersion) {
  std::string bytes = SmallSnapshot().Serialize();
  // The format version follows the 8-byte magic as a little-endian 32-bit integer.
  std::uint32_t version = 0;
  ASSERT_GE(bytes.size(), 12u);
  for (int i = 3; i >= 0; --i) {
    version = (version << 8) | static_cast<unsigned char>(bytes[8 + i]);
  }
  ASSERT_EQ(version, Snapshot::kFormatVersion) << "version field not at offset 8";
  const std::uint32_t newer = Snapshot::kFormatVersion + 6;
  for (int i = 0; i < 4; ++i) bytes[8 + i] = static_cast<char>((newer >> (8 * i)) & 0xff);
  const auto result = Snapshot::Deserialize(bytes, "future.flsnap");
  EXPECT_TRUE(HasCode(result, absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(MessageContains(result, std::to_string(newer)));
  EXPECT_TRUE(MessageContains(result, "future.flsnap"));

  const std::string path = TempPath("future.flsnap");
  WriteFile(path, bytes);
  const auto loaded = Snapshot::Load(path);
  EXPECT_TRUE(HasCode(loaded, absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(MessageContains(loaded, path));
}

TEST(SnapshotTest, LoadOfAMissingFileIsNotFoundNamingThePath) {
  const std::string path = TempPath("does_not_exist_faultline.flsnap");
  std::filesystem::remove(path);
  const auto loaded = Snapshot::Load(path);
  EXPECT_TRUE(HasCode(loaded, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(loaded, path));
}

}  // namespace
}  // namespace faultline
