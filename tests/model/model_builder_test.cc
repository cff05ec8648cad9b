// Tests of ModelBuilder: entity identity, edges of every kind, the subgraph lifecycle
// (create, nest, replace, remove), home subgraphs, cross links, the meta-graph, statistics
// merged at Freeze(), and deterministic freezing.
#include "faultline/model/model_builder.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "model/model_test_util.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::AllEdgeKeys;
using ::faultline::testing::Contains;
using ::faultline::testing::EdgeKey;
using ::faultline::testing::FindEdge;
using ::faultline::testing::HasCode;
using ::faultline::testing::MemberIds;
using ::faultline::testing::MessageContains;
using ::faultline::testing::Must;
using ::faultline::testing::MustOk;
using ::faultline::testing::SubgraphEdgeKeys;

constexpr std::int64_t kSecond = 1'000'000'000;

SubgraphOptions Nested(std::string parent, std::string kind = "module") {
  SubgraphOptions options;
  options.parent = std::move(parent);
  options.kind = std::move(kind);
  return options;
}

// --- Entities -----------------------------------------------------------------------------

TEST(ModelBuilderTest, SameIdStringGivesTheSameEntityIdInEverySubgraph) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("traces/prod"));
  const SubgraphId b = Must(builder.AddSubgraph("topology/shop"));
  const EntityId first = Must(builder.AddEntity(a, EntityKind::kService, "service:checkout"));
  const EntityId again = Must(builder.AddEntity(a, EntityKind::kService, "service:checkout"));
  const EntityId other = Must(builder.AddEntity(b, EntityKind::kService, "service:checkout"));
  const EntityId second = Must(builder.AddEntity(b, EntityKind::kDatabase, "database:orders"));
  EXPECT_EQ(first, again);
  EXPECT_EQ(first, other);
  EXPECT_NE(first, second);
  EXPECT_EQ(builder.entity_count(), 2u);
  EXPECT_EQ(builder.FindEntity("service:checkout"), first);
  EXPECT_EQ(builder.FindEntity("database:orders"), second);
  EXPECT_FALSE(builder.FindEntity("service:nope").has_value());
  EXPECT_EQ(builder.EntityIdString(second), "database:orders");
  EXPECT_EQ(builder.EntityKindOf(first), EntityKind::kService);
  EXPECT_EQ(builder.EntityKindOf(second), EntityKind::kDatabase);
}

TEST(ModelBuilderTest, AddingAnIdWithAnotherKindIsFailedPrecondition) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  Must(builder.AddEntity(a, EntityKind::kService, "orders"));
  auto conflict = builder.AddEntity(b, EntityKind::kDatabase, "orders");
  EXPECT_TRUE(HasCode(conflict, absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(MessageContains(conflict, "orders"));
  EXPECT_EQ(builder.EntityKindOf(*builder.FindEntity("orders")), EntityKind::kService);
  // The failed call did not make the entity a member of b.
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_TRUE(MemberIds(snapshot, "b").empty());
}

TEST(ModelBuilderTest, EmptyEntityIdIsInvalidArgument) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  EXPECT_TRUE(HasCode(builder.AddEntity(a, EntityKind::kService, ""),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(builder.entity_count(), 0u);
}

TEST(ModelBuilderTest, AddEntityToUnknownSubgraphIsNotFound) {
  ModelBuilder builder;
  Must(builder.AddSubgraph("a"));
  EXPECT_TRUE(HasCode(builder.AddEntity(17, EntityKind::kService, "service:x"),
                      absl::StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(builder.AddEntity(kNoSubgraph, EntityKind::kService, "service:x"),
                      absl::StatusCode::kNotFound));
}

TEST(ModelBuilderTest, LaterAttributeValuesReplaceEarlierOnes) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  Must(builder.AddEntity(a, EntityKind::kService, "service:x",
                         {{"team", "payments"}, {"tier", "1"}}));
  Must(builder.AddEntity(b, EntityKind::kService, "service:x", {{"tier", "0"}, {"lang", "go"}}));
  const Snapshot snapshot = Must(builder.Freeze());
  const EntityId x = Must(snapshot.Lookup("service:x"));
  EXPECT_EQ(snapshot.EntityAttribute(x, "team"), "payments");
  EXPECT_EQ(snapshot.EntityAttribute(x, "tier"), "0");
  EXPECT_EQ(snapshot.EntityAttribute(x, "lang"), "go");
  EXPECT_FALSE(snapshot.EntityAttribute(x, "missing").has_value());
  EXPECT_EQ(snapshot.EntityAttributes(x).size(), 3u);
}

// --- Edges --------------------------------------------------------------------------------

TEST(ModelBuilderTest, EveryEdgeKindCanBeAddedAndReadBackWithItsKind) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId from = Must(builder.AddEntity(g, EntityKind::kService, "service:from"));
  std::vector<EntityId> targets;
  for (int k = 0; k < kEdgeKindCount; ++k) {
    const EntityId to = Must(builder.AddEntity(
        g, EntityKind::kNode, "node:" + std::string(EdgeKindName(static_cast<EdgeKind>(k)))));
    Must(builder.AddEdge(g, from, to, static_cast<EdgeKind>(k)));
  }
  EXPECT_EQ(builder.edge_count(), static_cast<std::size_t>(kEdgeKindCount));
  const Snapshot snapshot = Must(builder.Freeze());
  const EntityId s_from = Must(snapshot.Lookup("service:from"));
  ASSERT_EQ(snapshot.OutEdges(s_from).size(), static_cast<std::size_t>(kEdgeKindCount));
  for (int k = 0; k < kEdgeKindCount; ++k) {
    const auto kind = static_cast<EdgeKind>(k);
    const EdgeRange edges = snapshot.OutEdges(s_from, kind);
    ASSERT_EQ(edges.size(), 1u) << EdgeKindName(kind);
    const EdgeIndex e = *edges.begin();
    EXPECT_EQ(snapshot.KindOf(e), kind);
    EXPECT_EQ(snapshot.Edge(e).kind, kind);
    EXPECT_EQ(snapshot.EntityIdString(snapshot.Target(e)), "node:" + std::string(EdgeKindName(kind)));
    EXPECT_EQ(snapshot.Source(e), s_from);
  }
}

TEST(ModelBuilderTest, AddEdgeIsIdempotentWithinOneSubgraph) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a"));
  const EntityId b = Must(builder.AddEntity(g, EntityKind::kService, "service:b"));
  const EdgeRef first = Must(builder.AddEdge(g, a, b, EdgeKind::kCalls));
  const EdgeRef again = Must(builder.AddEdge(g, a, b, EdgeKind::kCalls));
  EXPECT_EQ(first, again);
  EXPECT_EQ(builder.edge_count(), 1u);
  // Another kind between the same entities is another edge.
  const EdgeRef async = Must(builder.AddEdge(g, a, b, EdgeKind::kAsync));
  EXPECT_FALSE(async == first);
  EXPECT_EQ(builder.edge_count(), 2u);
  const std::vector<Neighbor> expected = {{b, EdgeKind::kCalls}, {b, EdgeKind::kAsync}};
  EXPECT_EQ(builder.OutNeighbors(a), expected);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.edge_count(), 2u);
}

TEST(ModelBuilderTest, SameEdgeFromTwoSubgraphsIsTwoEdgesWithTheirProvenance) {
  ModelBuilder builder;
  const SubgraphId traces = Must(builder.AddSubgraph("traces/prod"));
  const SubgraphId topo = Must(builder.AddSubgraph("topology/shop"));
  const EntityId a = Must(builder.AddEntity(traces, EntityKind::kService, "service:a"));
  const EntityId b = Must(builder.AddEntity(traces, EntityKind::kService, "service:b"));
  Must(builder.AddEdge(traces, a, b, EdgeKind::kCalls));
  Must(builder.AddEdge(topo, a, b, EdgeKind::kCalls));
  EXPECT_EQ(builder.edge_count(), 2u);
  EXPECT_EQ(builder.OutNeighbors(a).size(), 2u);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_TRUE(FindEdge(snapshot, "service:a", "service:b", EdgeKind::kCalls, "traces/prod"));
  EXPECT_TRUE(FindEdge(snapshot, "service:a", "service:b", EdgeKind::kCalls, "topology/shop"));
  EXPECT_EQ(snapshot.OutNeighbors(Must(snapshot.Lookup("service:a"))).size(), 2u);
}

TEST(ModelBuilderTest, AddEdgeMakesBothEndsMembersOfTheSubgraph) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  const EntityId y = Must(builder.AddEntity(a, EntityKind::kService, "service:y"));
  Must(builder.AddEdge(b, x, y, EdgeKind::kCalls));
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(MemberIds(snapshot, "b"), (std::vector<std::string>{"service:x", "service:y"}));
  // Their home stays the earlier subgraph.
  EXPECT_EQ(snapshot.HomeSubgraph(Must(snapshot.Lookup("service:x"))), *snapshot.FindSubgraph("a"));
}

TEST(ModelBuilderTest, SelfLoopsAreKept) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:recursive"));
  Must(builder.AddEdge(g, a, a, EdgeKind::kCalls));
  EXPECT_EQ(builder.OutNeighbors(a), (std::vector<Neighbor>{{a, EdgeKind::kCalls}}));
  const Snapshot snapshot = Must(builder.Freeze());
  const EntityId s = Must(snapshot.Lookup("service:recursive"));
  ASSERT_EQ(snapshot.OutNeighbors(s).size(), 1u);
  EXPECT_EQ(snapshot.OutNeighbors(s)[0], s);
  ASSERT_EQ(snapshot.InNeighbors(s).size(), 1u);
  EXPECT_EQ(snapshot.InNeighbors(s)[0], s);
}

TEST(ModelBuilderTest, AddEdgeRejectsUnknownEntitiesAndSubgraphs) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a"));
  EXPECT_TRUE(HasCode(builder.AddEdge(g, a, 99, EdgeKind::kCalls),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(builder.AddEdge(g, kInvalidEntity, a, EdgeKind::kCalls),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(builder.AddEdge(g + 5, a, a, EdgeKind::kCalls),
                      absl::StatusCode::kNotFound));
  EXPECT_EQ(builder.edge_count(), 0u);
}

// --- Subgraphs ----------------------------------------------------------------------------

TEST(ModelBuilderTest, AddSubgraphReturnsTheExistingSubgraphForAKnownId) {
  ModelBuilder builder;
  const SubgraphId first = Must(builder.AddSubgraph("iac/network"));
  const SubgraphId again = Must(builder.AddSubgraph("iac/network"));
  EXPECT_EQ(first, again);
  EXPECT_EQ(builder.FindSubgraph("iac/network"), first);
  EXPECT_FALSE(builder.FindSubgraph("iac/other").has_value());
  EXPECT_EQ(builder.SubgraphIds(), std::vector<std::string>{"iac/network"});
}

TEST(ModelBuilderTest, NestedSubgraphsRecordTheirParentAndChildren) {
  ModelBuilder builder;
  SubgraphOptions stack;
  stack.kind = "stack";
  stack.attributes = {{"backend", "s3"}};
  Must(builder.AddSubgraph("iac/network", stack));
  Must(builder.AddSubgraph("iac/network/module.vpc", Nested("iac/network")));
  Must(builder.AddSubgraph("iac/network/module.dns", Nested("iac/network")));
  Must(builder.AddSubgraph("traces/prod"));
  EXPECT_EQ(builder.SubgraphIds(),
            (std::vector<std::string>{"iac/network", "iac/network/module.vpc",
                                      "iac/network/module.dns", "traces/prod"}));

  const Snapshot snapshot = Must(builder.Freeze());
  ASSERT_EQ(snapshot.subgraph_count(), 4u);
  const SubgraphId network = *snapshot.FindSubgraph("iac/network");
  const SubgraphId vpc = *snapshot.FindSubgraph("iac/network/module.vpc");
  const SubgraphId dns = *snapshot.FindSubgraph("iac/network/module.dns");
  // Subgraphs are numbered in creation order.
  EXPECT_EQ(network, 0u);
  EXPECT_EQ(vpc, 1u);
  EXPECT_EQ(dns, 2u);
  EXPECT_EQ(snapshot.Subgraph(network).parent, kNoSubgraph);
  EXPECT_EQ(snapshot.Subgraph(network).kind, "stack");
  EXPECT_EQ(snapshot.Subgraph(network).name, "iac/network");
  ASSERT_NE(snapshot.Subgraph(network).attributes, nullptr);
  EXPECT_EQ(*snapshot.Subgraph(network).attributes, (Attributes{{"backend", "s3"}}));
  EXPECT_EQ(snapshot.Subgraph(vpc).parent, network);
  EXPECT_EQ(snapshot.Subgraph(vpc).kind, "module");
  const auto children = snapshot.SubgraphChildren(network);
  EXPECT_EQ(std::vector<SubgraphId>(children.begin(), children.end()),
            (std::vector<SubgraphId>{vpc, dns}));
  EXPECT_TRUE(snapshot.SubgraphChildren(vpc).empty());
}

TEST(ModelBuilderTest, UnknownParentIsNotFound) {
  ModelBuilder builder;
  auto result = builder.AddSubgraph("iac/network/module.vpc", Nested("iac/network"));
  EXPECT_TRUE(HasCode(result, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(result, "iac/network"));
  EXPECT_TRUE(builder.SubgraphIds().empty());
}

TEST(ModelBuilderTest, ExistingSubgraphWithAnotherParentIsFailedPrecondition) {
  ModelBuilder builder;
  Must(builder.AddSubgraph("p1"));
  Must(builder.AddSubgraph("p2"));
  Must(builder.AddSubgraph("child", Nested("p1")));
  EXPECT_TRUE(HasCode(builder.AddSubgraph("child", Nested("p2")),
                      absl::StatusCode::kFailedPrecondition));
  EXPECT_OK(builder.AddSubgraph("child", Nested("p1")));
}

TEST(ModelBuilderTest, AddSubgraphWithoutParentLooksUpAnExistingNestedSubgraph) {
  ModelBuilder builder;
  Must(builder.AddSubgraph("p1"));
  const SubgraphId child = Must(builder.AddSubgraph("child", Nested("p1")));
  EXPECT_EQ(Must(builder.AddSubgraph("child")), child);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.Subgraph(*snapshot.FindSubgraph("child")).parent,
            *snapshot.FindSubgraph("p1"));
}

TEST(ModelBuilderTest, MalformedSubgraphIdIsInvalidArgument) {
  ModelBuilder builder;
  for (const std::string& bad :
       {std::string(""), std::string("traces prod"), std::string("tab\there"),
        std::string("new\nline"), std::string("nul\0x", 5), std::string(" leading")}) {
    EXPECT_TRUE(HasCode(builder.AddSubgraph(bad), absl::StatusCode::kInvalidArgument))
        << "'" << bad << "'";
    EXPECT_TRUE(HasCode(builder.ReplaceSubgraph(bad), absl::StatusCode::kInvalidArgument))
        << "'" << bad << "'";
  }
  EXPECT_TRUE(builder.SubgraphIds().empty());
  EXPECT_OK(builder.AddSubgraph("k8s/cluster-a"));
  EXPECT_OK(builder.AddSubgraph("tf:network:aws_db_instance.orders[0]"));
}

TEST(ModelBuilderTest, VersionsStartAtOneAndCountReplacements) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  EXPECT_EQ(builder.SubgraphVersion(g), 1u);
  EXPECT_EQ(Must(builder.AddSubgraph("g")), g);
  EXPECT_EQ(builder.SubgraphVersion(g), 1u);  // adding again is not a replacement
  const SubgraphId g2 = Must(builder.ReplaceSubgraph("g"));
  EXPECT_EQ(builder.SubgraphVersion(g2), 2u);
  const SubgraphId g3 = Must(builder.ReplaceSubgraph("g"));
  EXPECT_EQ(builder.SubgraphVersion(g3), 3u);

  SubgraphOptions explicit_version;
  explicit_version.version = 42;
  const SubgraphId s = Must(builder.AddSubgraph("serial", explicit_version));
  EXPECT_EQ(builder.SubgraphVersion(s), 42u);
  explicit_version.version = 43;
  const SubgraphId s2 = Must(builder.ReplaceSubgraph("serial", explicit_version));
  EXPECT_EQ(builder.SubgraphVersion(s2), 43u);

  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.Subgraph(*snapshot.FindSubgraph("g")).version, 3u);
  EXPECT_EQ(snapshot.Subgraph(*snapshot.FindSubgraph("serial")).version, 43u);
}

// Builds two sibling subgraphs with entities, edges and statistics; "a" also has a nested
// module and shares service:shared with "b".
void BuildTwoSubgraphs(ModelBuilder& builder) {
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const SubgraphId mod = Must(builder.AddSubgraph("a/module.x", Nested("a")));
  const EntityId a1 = Must(builder.AddEntity(a, EntityKind::kService, "service:a1"));
  const EntityId shared = Must(builder.AddEntity(a, EntityKind::kService, "service:shared"));
  const EntityId m1 = Must(builder.AddEntity(mod, EntityKind::kIacResource, "tf:a:res.m1"));
  const EntityId b1 = Must(builder.AddEntity(b, EntityKind::kService, "service:b1"));
  const EntityId b2 = Must(builder.AddEntity(b, EntityKind::kDatabase, "database:b2",
                                             {{"system", "postgresql"}}));
  Must(builder.AddEntity(b, EntityKind::kService, "service:shared"));
  const EdgeRef a_edge = Must(builder.AddEdge(a, a1, shared, EdgeKind::kCalls));
  Must(builder.AddEdge(mod, m1, a1, EdgeKind::kDependsOn));
  const EdgeRef b_edge = Must(builder.AddEdge(b, b1, b2, EdgeKind::kUses));
  Must(builder.AddEdge(b, shared, b1, EdgeKind::kCalls));
  Must(builder.AddEdge(b, b1, b1, EdgeKind::kCalls));
  for (int i = 0; i < 50; ++i) {
    builder.EdgeStats(a_edge).Record(i * kSecond, i % 5 == 0, 1'000'000 + i * 1000);
    builder.EdgeStats(b_edge).Record(i * kSecond, i % 7 == 0, 3'000'000 + i * 1000);
    builder.EntityStats(b, b1).Record(i * kSecond, i % 3 == 0, 2'000'000 + i);
    builder.EntityStats(a, shared).Record(i * kSecond, true, 9'000'000);
    builder.EntityStats(b, shared).Record(i * kSecond, false, 1'000'000);
  }
}

TEST(ModelBuilderTest, ReplaceSubgraphLeavesOtherSubgraphsIdentical) {
  ModelBuilder builder;
  BuildTwoSubgraphs(builder);
  const Snapshot before = Must(builder.Freeze());

  const SubgraphId a = Must(builder.ReplaceSubgraph("a"));
  const EntityId fresh = Must(builder.AddEntity(a, EntityKind::kService, "service:a-new"));
  const EntityId shared = *builder.FindEntity("service:shared");
  Must(builder.AddEdge(a, fresh, shared, EdgeKind::kCalls));
  const Snapshot after = Must(builder.Freeze());

  // Subgraph b: same members, edges, version, and statistics.
  EXPECT_EQ(MemberIds(after, "b"), MemberIds(before, "b"));
  EXPECT_EQ(SubgraphEdgeKeys(after, "b"), SubgraphEdgeKeys(before, "b"));
  EXPECT_EQ(after.Subgraph(*after.FindSubgraph("b")).version,
            before.Subgraph(*before.FindSubgraph("b")).version);
  for (const EdgeKey& key : SubgraphEdgeKeys(before, "b")) {
    const auto& [from, to, kind, sub] = key;
    const EdgeIndex e_before = *FindEdge(before, from, to, kind, sub);
    const auto e_after = FindEdge(after, from, to, kind, sub);
    ASSERT_TRUE(e_after.has_value());
    const WindowedStats* s_before = before.EdgeStats(e_before);
    const WindowedStats* s_after = after.EdgeStats(*e_after);
    ASSERT_EQ(s_before == nullptr, s_after == nullptr) << from << " -> " << to;
    if (s_before != nullptr) {
      EXPECT_EQ(*s_after, *s_before) << from << " -> " << to;
    }
  }
  for (const std::string id : {"service:b1", "database:b2"}) {
    const WindowedStats* s_before = before.EntityStats(Must(before.Lookup(id)));
    const WindowedStats* s_after = after.EntityStats(Must(after.Lookup(id)));
    ASSERT_EQ(s_before == nullptr, s_after == nullptr) << id;
    if (s_before != nullptr) {
      EXPECT_EQ(*s_after, *s_before) << id;
    }
  }
  EXPECT_EQ(after.EntityAttribute(Must(after.Lookup("database:b2")), "system"), "postgresql");

  // Subgraph a: new content only, version bumped.
  EXPECT_EQ(MemberIds(after, "a"),
            (std::vector<std::string>{"service:a-new", "service:shared"}));
  EXPECT_EQ(after.Subgraph(*after.FindSubgraph("a")).version,
            before.Subgraph(*before.FindSubgraph("a")).version + 1);
  EXPECT_FALSE(after.Find("service:a1").has_value());
  EXPECT_FALSE(FindEdge(after, "service:a1", "service:shared", EdgeKind::kCalls, "a"));

  // The shared entity keeps only the statistics b recorded for it.
  const WindowedStats* shared_stats = after.EntityStats(Must(after.Lookup("service:shared")));
  ASSERT_NE(shared_stats, nullptr);
  EXPECT_EQ(shared_stats->Total().requests, 50u);
  EXPECT_EQ(shared_stats->Total().errors, 0u);
}

TEST(ModelBuilderTest, ReplaceSubgraphRemovesItsNestedSubgraphs) {
  ModelBuilder builder;
  BuildTwoSubgraphs(builder);
  Must(builder.AddSubgraph("a/module.x/deeper", Nested("a/module.x")));
  Must(builder.ReplaceSubgraph("a"));
  EXPECT_FALSE(builder.FindSubgraph("a/module.x").has_value());
  EXPECT_FALSE(builder.FindSubgraph("a/module.x/deeper").has_value());
  EXPECT_EQ(builder.SubgraphIds(), (std::vector<std::string>{"a", "b"}));
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.subgraph_count(), 2u);
  EXPECT_FALSE(snapshot.FindSubgraph("a/module.x").has_value());
  EXPECT_FALSE(snapshot.Find("tf:a:res.m1").has_value());
  EXPECT_TRUE(snapshot.SubgraphChildren(*snapshot.FindSubgraph("a")).empty());
  // A nested subgraph can be created again afterwards.
  EXPECT_OK(builder.AddSubgraph("a/module.x", Nested("a")));
}

TEST(ModelBuilderTest, ReplaceSubgraphCreatesAnAbsentSubgraph) {
  ModelBuilder builder;
  SubgraphOptions options;
  options.kind = "topology";
  const SubgraphId g = Must(builder.ReplaceSubgraph("topology/shop", options));
  EXPECT_EQ(builder.FindSubgraph("topology/shop"), g);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.Subgraph(*snapshot.FindSubgraph("topology/shop")).kind, "topology");
  EXPECT_TRUE(HasCode(builder.ReplaceSubgraph("x", Nested("missing")),
                      absl::StatusCode::kNotFound));
}

TEST(ModelBuilderTest, RemoveSubgraphRemovesItAndItsNestedSubgraphs) {
  ModelBuilder builder;
  BuildTwoSubgraphs(builder);
  const std::size_t edges_before = builder.edge_count();
  ASSERT_OK(builder.RemoveSubgraph("a"));
  EXPECT_EQ(builder.SubgraphIds(), std::vector<std::string>{"b"});
  EXPECT_FALSE(builder.FindSubgraph("a").has_value());
  EXPECT_FALSE(builder.FindSubgraph("a/module.x").has_value());
  // a held service:a1 (and its module tf:a:res.m1) alone; service:shared lives on in b.
  EXPECT_EQ(builder.entity_count(), 3u);
  EXPECT_EQ(builder.edge_count(), edges_before - 2);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.subgraph_count(), 1u);
  EXPECT_EQ(snapshot.entity_count(), 3u);
  EXPECT_FALSE(snapshot.Find("service:a1").has_value());
  EXPECT_TRUE(snapshot.Find("service:shared").has_value());
  EXPECT_EQ(snapshot.HomeSubgraph(*snapshot.Find("service:shared")), *snapshot.FindSubgraph("b"));

  auto missing = builder.RemoveSubgraph("a");
  EXPECT_TRUE(HasCode(missing, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(missing, "a"));
  EXPECT_TRUE(HasCode(builder.RemoveSubgraph("never"), absl::StatusCode::kNotFound));
}

TEST(ModelBuilderTest, HomeSubgraphIsTheFirstLiveSubgraphInCreationOrder) {
  ModelBuilder builder;
  const SubgraphId first = Must(builder.AddSubgraph("first"));
  const SubgraphId second = Must(builder.AddSubgraph("second"));
  const SubgraphId third = Must(builder.AddSubgraph("third"));
  // Added to the later subgraphs first: creation order of subgraphs decides, not call order.
  Must(builder.AddEntity(third, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(second, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(first, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(third, EntityKind::kService, "service:y"));
  {
    const Snapshot snapshot = Must(builder.Freeze());
    EXPECT_EQ(snapshot.Subgraph(snapshot.HomeSubgraph(Must(snapshot.Lookup("service:x")))).name,
              "first");
    EXPECT_EQ(snapshot.Subgraph(snapshot.HomeSubgraph(Must(snapshot.Lookup("service:y")))).name,
              "third");
  }
  ASSERT_OK(builder.RemoveSubgraph("first"));
  {
    const Snapshot snapshot = Must(builder.Freeze());
    EXPECT_EQ(snapshot.Subgraph(snapshot.HomeSubgraph(Must(snapshot.Lookup("service:x")))).name,
              "second");
  }
  Must(builder.ReplaceSubgraph("second"));
  {
    const Snapshot snapshot = Must(builder.Freeze());
    EXPECT_EQ(snapshot.Subgraph(snapshot.HomeSubgraph(Must(snapshot.Lookup("service:x")))).name,
              "third");
  }
}

// --- Cross links --------------------------------------------------------------------------

TEST(ModelBuilderTest, CrossLinksAreResolvedByIdAtFreeze) {
  ModelBuilder builder;
  const SubgraphId traces = Must(builder.AddSubgraph("traces/prod"));
  Must(builder.AddEntity(traces, EntityKind::kService, "service:checkout"));
  // The target does not exist yet when the link is added.
  ASSERT_OK(builder.AddCrossLink(
      "db-address", {"service:checkout", "tf:data:aws_db_instance.orders", EdgeKind::kUses,
                     "db-address", "orders.db.internal:5432"}));
  const SubgraphId iac = Must(builder.AddSubgraph("iac/data"));
  Must(builder.AddEntity(iac, EntityKind::kIacResource, "tf:data:aws_db_instance.orders"));

  const EntityId checkout = *builder.FindEntity("service:checkout");
  const EntityId db = *builder.FindEntity("tf:data:aws_db_instance.orders");
  EXPECT_EQ(builder.OutNeighbors(checkout), (std::vector<Neighbor>{{db, EdgeKind::kUses}}));
  EXPECT_EQ(builder.edge_count(), 1u);

  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.freeze_report().dropped_cross_links, 0u);
  const auto e = FindEdge(snapshot, "service:checkout", "tf:data:aws_db_instance.orders",
                          EdgeKind::kUses, "<link>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(snapshot.EdgeSubgraph(*e), kNoSubgraph);
  const auto info = snapshot.CrossLinkOf(*e);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->link_set, "db-address");
  EXPECT_EQ(info->rule, "db-address");
  EXPECT_EQ(info->detail, "orders.db.internal:5432");
}

TEST(ModelBuilderTest, SubgraphEdgesHaveNoCrossLinkRecord) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a"));
  const EntityId b = Must(builder.AddEntity(g, EntityKind::kService, "service:b"));
  Must(builder.AddEdge(g, a, b, EdgeKind::kCalls));
  const Snapshot snapshot = Must(builder.Freeze());
  ASSERT_EQ(snapshot.edge_count(), 1u);
  EXPECT_FALSE(snapshot.CrossLinkOf(0).has_value());
  EXPECT_EQ(snapshot.EdgeSubgraph(0), *snapshot.FindSubgraph("g"));
}

TEST(ModelBuilderTest, DanglingCrossLinksAreDroppedAndCounted) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(b, EntityKind::kService, "service:y"));
  ASSERT_OK(builder.AddCrossLink("links", {"service:x", "service:y", EdgeKind::kCalls,
                                           "rule", ""}));
  ASSERT_OK(builder.AddCrossLink("links", {"service:x", "service:ghost",
                                           EdgeKind::kCalls, "rule", ""}));
  ASSERT_OK(builder.AddCrossLink("other", {"service:phantom", "service:y",
                                           EdgeKind::kUses, "rule", ""}));
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.edge_count(), 1u);
  EXPECT_EQ(snapshot.entity_count(), 2u);
  EXPECT_FALSE(snapshot.Find("service:ghost").has_value());
  const FreezeReport& report = snapshot.freeze_report();
  EXPECT_EQ(report.dropped_cross_links, 2u);
  ASSERT_EQ(report.dropped_examples.size(), 2u);
  std::vector<std::string> examples = report.dropped_examples;
  std::sort(examples.begin(), examples.end());
  EXPECT_EQ(examples[0], "links: service:x -> service:ghost");
  EXPECT_EQ(examples[1], "other: service:phantom -> service:y");
}

TEST(ModelBuilderTest, CrossLinksToARemovedSubgraphsEntitiesAreDropped) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(b, EntityKind::kService, "service:y"));
  ASSERT_OK(builder.AddCrossLink("links", {"service:x", "service:y", EdgeKind::kCalls,
                                           "rule", ""}));
  ASSERT_OK(builder.RemoveSubgraph("b"));
  EXPECT_TRUE(builder.OutNeighbors(x).empty());
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.edge_count(), 0u);
  EXPECT_EQ(snapshot.freeze_report().dropped_cross_links, 1u);
}

TEST(ModelBuilderTest, RepeatedCrossLinkInOneSetIsKeptOnce) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  const EntityId y = Must(builder.AddEntity(b, EntityKind::kService, "service:y"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(builder.AddCrossLink(
        "links", {"service:x", "service:y", EdgeKind::kCalls, "rule", std::to_string(i)}));
  }
  EXPECT_EQ(builder.OutNeighbors(x), (std::vector<Neighbor>{{y, EdgeKind::kCalls}}));
  // Another kind, or the same link in another set, is a separate link.
  ASSERT_OK(
      builder.AddCrossLink("links", {"service:x", "service:y", EdgeKind::kUses, "rule", ""}));
  ASSERT_OK(
      builder.AddCrossLink("more", {"service:x", "service:y", EdgeKind::kCalls, "rule", ""}));
  EXPECT_EQ(builder.OutNeighbors(x),
            (std::vector<Neighbor>{{y, EdgeKind::kCalls}, {y, EdgeKind::kCalls},
                                   {y, EdgeKind::kUses}}));
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.edge_count(), 3u);
}

TEST(ModelBuilderTest, CrossLinkWithEmptyIdsOrSetIsInvalidArgument) {
  ModelBuilder builder;
  EXPECT_TRUE(HasCode(builder.AddCrossLink("", {"a", "b", EdgeKind::kCalls, "r", ""}),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(builder.AddCrossLink("s", {"", "b", EdgeKind::kCalls, "r", ""}),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(HasCode(builder.AddCrossLink("s", {"a", "", EdgeKind::kCalls, "r", ""}),
                      absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(builder.edge_count(), 0u);
}

TEST(ModelBuilderTest, ClearCrossLinksRemovesOnlyThatSet) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  const EntityId y = Must(builder.AddEntity(b, EntityKind::kService, "service:y"));
  ASSERT_OK(builder.AddCrossLink("one", {"service:x", "service:y", EdgeKind::kCalls,
                                         "r", ""}));
  ASSERT_OK(builder.AddCrossLink("two", {"service:x", "service:y", EdgeKind::kUses,
                                         "r", ""}));
  builder.ClearCrossLinks("one");
  builder.ClearCrossLinks("never-existed");
  EXPECT_EQ(builder.OutNeighbors(x), (std::vector<Neighbor>{{y, EdgeKind::kUses}}));
  const Snapshot snapshot = Must(builder.Freeze());
  ASSERT_EQ(snapshot.edge_count(), 1u);
  EXPECT_EQ(snapshot.CrossLinkOf(0)->link_set, "two");
}

// --- Meta-graph ---------------------------------------------------------------------------

TEST(ModelBuilderTest, MetaGraphHasOneEdgePerLinkedSubgraphPair) {
  ModelBuilder builder;
  const SubgraphId b = Must(builder.AddSubgraph("b"));  // created first: homes b-entities
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId c = Must(builder.AddSubgraph("c"));
  const EntityId bx = Must(builder.AddEntity(b, EntityKind::kDatabase, "database:bx"));
  const EntityId by = Must(builder.AddEntity(b, EntityKind::kNode, "node:by"));
  const EntityId ax = Must(builder.AddEntity(a, EntityKind::kService, "service:ax"));
  const EntityId ay = Must(builder.AddEntity(a, EntityKind::kService, "service:ay"));
  Must(builder.AddEntity(c, EntityKind::kZone, "zone:cz"));
  Must(builder.AddEdge(a, ax, ay, EdgeKind::kCalls));   // inside a: no meta edge
  Must(builder.AddEdge(b, bx, by, EdgeKind::kRunsOn));  // inside b: no meta edge
  Must(builder.AddEdge(a, ax, bx, EdgeKind::kUses));    // a -> b (bx stays homed in b)
  Must(builder.AddEdge(a, ay, bx, EdgeKind::kUses));    // a -> b again
  ASSERT_OK(
      builder.AddCrossLink("placement", {"node:by", "zone:cz", EdgeKind::kRunsOn, "r", ""}));

  const Snapshot snapshot = Must(builder.Freeze());
  const SubgraphId sa = *snapshot.FindSubgraph("a");
  const SubgraphId sb = *snapshot.FindSubgraph("b");
  const SubgraphId sc = *snapshot.FindSubgraph("c");
  const auto meta = snapshot.MetaGraph();
  ASSERT_EQ(meta.size(), 2u);
  std::vector<std::tuple<SubgraphId, SubgraphId, std::uint32_t>> got;
  for (const MetaEdge& m : meta) got.emplace_back(m.from, m.to, m.edge_count);
  // Sorted by (from, to).
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  std::vector<std::tuple<SubgraphId, SubgraphId, std::uint32_t>> expected = {{sa, sb, 2},
                                                                             {sb, sc, 1}};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
}

TEST(ModelBuilderTest, MetaGraphIsEmptyWithoutLinksBetweenSubgraphs) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  const EntityId y = Must(builder.AddEntity(b, EntityKind::kService, "service:y"));
  Must(builder.AddEdge(a, x, x, EdgeKind::kCalls));
  Must(builder.AddEdge(b, y, y, EdgeKind::kCalls));
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_TRUE(snapshot.MetaGraph().empty());
}

// --- Statistics ---------------------------------------------------------------------------

TEST(ModelBuilderTest, EntityStatisticsAreMergedAcrossSubgraphsAtFreeze) {
  ModelBuilder builder;
  const SubgraphId a = Must(builder.AddSubgraph("a"));
  const SubgraphId b = Must(builder.AddSubgraph("b"));
  const EntityId x = Must(builder.AddEntity(a, EntityKind::kService, "service:x"));
  Must(builder.AddEntity(b, EntityKind::kService, "service:x"));
  const EntityId quiet = Must(builder.AddEntity(a, EntityKind::kService, "service:quiet"));
  WindowedStats expected;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t t = (i % 37) * kSecond;
    const bool error = i % 11 == 0;
    const std::int64_t latency = 1000 + i * 977;
    builder.EntityStats(i % 2 == 0 ? a : b, x).Record(t, error, latency);
    expected.Record(t, error, latency);
  }
  // Both subgraphs' containers stay separate in the builder.
  EXPECT_EQ(builder.EntityStats(a, x).Total().requests, 100u);
  EXPECT_EQ(builder.EntityStats(b, x).Total().requests, 100u);
  (void)quiet;

  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_TRUE(snapshot.has_statistics());
  const WindowedStats* merged = snapshot.EntityStats(Must(snapshot.Lookup("service:x")));
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(*merged, expected);
  EXPECT_EQ(snapshot.EntityStats(Must(snapshot.Lookup("service:quiet"))), nullptr);
}

TEST(ModelBuilderTest, EdgeStatisticsReachTheSnapshotEdge) {
  ModelBuilder builder;
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a"));
  const EntityId b = Must(builder.AddEntity(g, EntityKind::kService, "service:b"));
  const EntityId c = Must(builder.AddEntity(g, EntityKind::kService, "service:c"));
  const EdgeRef ab = Must(builder.AddEdge(g, a, b, EdgeKind::kCalls));
  Must(builder.AddEdge(g, a, c, EdgeKind::kCalls));
  for (int i = 0; i < 30; ++i) builder.EdgeStats(ab).Record(i * kSecond, i == 3, 5000 + i);
  const WindowedStats recorded = builder.EdgeStats(ab);
  const Snapshot snapshot = Must(builder.Freeze());
  const auto e_ab = FindEdge(snapshot, "service:a", "service:b", EdgeKind::kCalls, "g");
  const auto e_ac = FindEdge(snapshot, "service:a", "service:c", EdgeKind::kCalls, "g");
  ASSERT_TRUE(e_ab && e_ac);
  ASSERT_NE(snapshot.EdgeStats(*e_ab), nullptr);
  EXPECT_EQ(*snapshot.EdgeStats(*e_ab), recorded);
  EXPECT_EQ(snapshot.EdgeStats(*e_ac), nullptr);
}

TEST(ModelBuilderTest, StatisticsUseTheBuildersBucketWidth) {
  ModelOptions options;
  options.bucket_width_ns = 5 * kSecond;
  ModelBuilder builder(options);
  EXPECT_EQ(builder.options().bucket_width_ns, 5 * kSecond);
  const SubgraphId g = Must(builder.AddSubgraph("g"));
  const EntityId a = Must(builder.AddEntity(g, EntityKind::kService, "service:a"));
  EXPECT_EQ(builder.EntityStats(g, a).bucket_width_ns(), 5 * kSecond);
  builder.EntityStats(g, a).Record(7 * kSecond, false, 10);
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.bucket_width_ns(), 5 * kSecond);
  EXPECT_EQ(snapshot.EntityStats(0)->bucket_width_ns(), 5 * kSecond);
  EXPECT_EQ(snapshot.EntityStats(0)->buckets().begin()->first, 1);
  EXPECT_EQ(ModelBuilder().options().bucket_width_ns, kDefaultBucketWidthNs);
}

// --- Freezing -----------------------------------------------------------------------------

// A builder exercising every feature: nested subgraphs, attributes, statistics, cross
// links (one dangling), a replaced and a removed subgraph.
ModelBuilder RichBuilder() {
  ModelBuilder builder;
  BuildTwoSubgraphs(builder);
  SubgraphOptions k8s;
  k8s.kind = "k8s";
  k8s.attributes = {{"cluster", "a"}, {"region", "eu-west-1"}};
  const SubgraphId k = Must(builder.AddSubgraph("k8s/cluster-a", k8s));
  const EntityId node = Must(builder.AddEntity(k, EntityKind::kNode, "k8s:cluster-a/node/n1"));
  const EntityId zone = Must(builder.AddEntity(k, EntityKind::kZone, "zone:eu-west-1a"));
  Must(builder.AddEdge(k, node, zone, EdgeKind::kRunsOn));
  MustOk(builder.AddCrossLink("placement", {"service:b1", "k8s:cluster-a/node/n1",
                                          EdgeKind::kRunsOn, "k8s-pod", "pod b1-7f"}));
  MustOk(builder.AddCrossLink("placement", {"service:gone", "k8s:cluster-a/node/n1",
                                          EdgeKind::kRunsOn, "k8s-pod", ""}));
  Must(builder.AddSubgraph("scratch"));
  MustOk(builder.RemoveSubgraph("scratch"));
  const SubgraphId a = Must(builder.ReplaceSubgraph("a"));
  Must(builder.AddEntity(a, EntityKind::kService, "service:a2", {{"owner", "team-a"}}));
  return builder;
}

TEST(ModelBuilderTest, FreezeIsDeterministicByteForByte) {
  const ModelBuilder one = RichBuilder();
  const ModelBuilder two = RichBuilder();
  const std::string bytes_one = Must(one.Freeze()).Serialize();
  const std::string bytes_two = Must(two.Freeze()).Serialize();
  EXPECT_FALSE(bytes_one.empty());
  EXPECT_EQ(bytes_one, bytes_two);
  // Freezing again, or freezing a copy, gives the same bytes.
  EXPECT_EQ(Must(one.Freeze()).Serialize(), bytes_one);
  const ModelBuilder copy = one;
  EXPECT_EQ(Must(copy.Freeze()).Serialize(), bytes_one);
}

TEST(ModelBuilderTest, FreezeLeavesTheBuilderUsable) {
  ModelBuilder builder = RichBuilder();
  const std::size_t entities = builder.entity_count();
  const std::size_t edges = builder.edge_count();
  const Snapshot first = Must(builder.Freeze());
  EXPECT_EQ(builder.entity_count(), entities);
  EXPECT_EQ(builder.edge_count(), edges);
  EXPECT_EQ(first.entity_count(), entities);

  const SubgraphId b = *builder.FindSubgraph("b");
  Must(builder.AddEntity(b, EntityKind::kService, "service:late"));
  const Snapshot second = Must(builder.Freeze());
  EXPECT_EQ(second.entity_count(), entities + 1);
  // The first snapshot is immutable.
  EXPECT_EQ(first.entity_count(), entities);
  EXPECT_FALSE(first.Find("service:late").has_value());
}

TEST(ModelBuilderTest, CopiedBuilderIsIndependent) {
  ModelBuilder original = RichBuilder();
  const std::string original_bytes = Must(original.Freeze()).Serialize();
  ModelBuilder copy = original;
  const SubgraphId b = *copy.FindSubgraph("b");
  Must(copy.AddEntity(b, EntityKind::kService, "service:only-in-copy"));
  ASSERT_OK(copy.RemoveSubgraph("k8s/cluster-a"));
  EXPECT_EQ(Must(original.Freeze()).Serialize(), original_bytes);
  EXPECT_FALSE(original.FindEntity("service:only-in-copy").has_value());
  EXPECT_TRUE(original.FindSubgraph("k8s/cluster-a").has_value());

  ModelBuilder assigned;
  assigned = original;
  Must(original.ReplaceSubgraph("b"));
  EXPECT_EQ(Must(assigned.Freeze()).Serialize(), original_bytes);

  ModelBuilder moved = std::move(assigned);
  EXPECT_EQ(Must(moved.Freeze()).Serialize(), original_bytes);
}

TEST(ModelBuilderTest, EmptyBuilderFreezesToAnEmptySnapshot) {
  const ModelBuilder builder;
  const Snapshot snapshot = Must(builder.Freeze());
  EXPECT_EQ(snapshot.entity_count(), 0u);
  EXPECT_EQ(snapshot.edge_count(), 0u);
  EXPECT_EQ(snapshot.subgraph_count(), 0u);
  EXPECT_TRUE(snapshot.MetaGraph().empty());
  EXPECT_FALSE(snapshot.has_statistics());
}

}  // namespace
}  // namespace faultline
