// Tests of ModelBuilder::AddTopology(): the entities and edges a topology document creates,
// default and explicit dependency kinds, placement chains, replacement on re-reading, and
// the errors for malformed or inconsistent documents (with the builder left unchanged).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "faultline/io/source.h"
#include "faultline/ingest/topology.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "model/model_test_util.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::Contains;
using ::faultline::testing::FindEdge;
using ::faultline::testing::HasCode;
using ::faultline::testing::MemberIds;
using ::faultline::testing::MessageContains;
using ::faultline::testing::Must;
using ::faultline::testing::SubgraphEdgeKeys;

// A small shop: three services, a database, a queue, an external API, two hosts in two
// zones (one declared, one implicit), a cluster, and two entry points.
constexpr char kShopJson[] = R"json({
  "name": "shop",
  "environment": "prod",
  "services": [
    {
      "name": "frontend",
      "dependsOn": [{"target": "checkout"}, {"target": "cart", "kind": "async"}],
      "runsOn": ["host-a"],
      "entryPoints": ["GET /", "POST /cart"],
      "labels": {"team": "web"}
    },
    {
      "name": "checkout",
      "dependsOn": [
        {"target": "orders-db"},
        {"target": "events"},
        {"target": "payments-api"}
      ],
      "runsOn": ["host-b"]
    },
    {"name": "cart", "zone": "eu-west-1a"}
  ],
  "databases": [{"name": "orders-db", "system": "postgresql", "runsOn": ["host-b"]}],
  "queues": [{"name": "events", "system": "kafka", "zone": "eu-west-1b"}],
  "externals": [{"name": "payments-api"}],
  "hosts": [
    {"name": "host-a", "zone": "eu-west-1a"},
    {"name": "host-b", "zone": "eu-west-1b", "cluster": "prod"}
  ],
  "zones": [{"name": "eu-west-1a", "region": "eu-west-1"}],
  "clusters": [{"name": "prod"}]
})json";

constexpr const char* kShopEntities[] = {
    "cluster:prod",          "database:orders-db",        "entry_point:frontend/GET /",
    "entry_point:frontend/POST /cart", "external:payments-api", "node:host-a",
    "node:host-b",           "queue:events",              "region:eu-west-1",
    "service:cart",          "service:checkout",          "service:frontend",
    "zone:eu-west-1a",       "zone:eu-west-1b",
};

InputSource Json(const std::string& text, const std::string& name = "inline.json") {
  return InputSource::FromBytes(text, name);
}

bool HasEdge(const Snapshot& s, const std::string& from, const std::string& to, EdgeKind kind,
             const std::string& subgraph) {
  return FindEdge(s, from, to, kind, subgraph).has_value();
}

// True when the message names line `line`, as "line N" or as "name:N:".
::testing::AssertionResult NamesLine(const absl::Status& status, int line) {
  const std::string message(status.message());
  const std::string n = std::to_string(line);
  if (message.find("line " + n) != std::string::npos ||
      message.find(":" + n + ":") != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no line " << n << " in: " << status;
}

TEST(TopologyTest, ShopDocumentCreatesEveryEntityOfItsSubgraph) {
  ModelBuilder builder;
  const TopologyReport report = Must(AddTopology(builder, Json(kShopJson)));
  EXPECT_EQ(report.subgraph, "topology/shop");
  EXPECT_EQ(report.services, 3u);
  EXPECT_EQ(report.entities, std::size(kShopEntities));
  EXPECT_EQ(report.edges, 16u);
  EXPECT_EQ(report.implicit_zones, 1u);

  const Snapshot s = Must(builder.Freeze());
  ASSERT_TRUE(s.FindSubgraph("topology/shop").has_value());
  EXPECT_EQ(MemberIds(s, "topology/shop"),
            std::vector<std::string>(std::begin(kShopEntities), std::end(kShopEntities)));
  EXPECT_EQ(SubgraphEdgeKeys(s, "topology/shop").size(), report.edges);
  EXPECT_EQ(s.entity_count(), report.entities);

  const auto kind_of = [&](const char* id) { return s.Kind(Must(s.Lookup(id))); };
  EXPECT_EQ(kind_of("service:frontend"), EntityKind::kService);
  EXPECT_EQ(kind_of("database:orders-db"), EntityKind::kDatabase);
  EXPECT_EQ(kind_of("queue:events"), EntityKind::kQueue);
  EXPECT_EQ(kind_of("external:payments-api"), EntityKind::kExternal);
  EXPECT_EQ(kind_of("node:host-a"), EntityKind::kNode);
  EXPECT_EQ(kind_of("zone:eu-west-1b"), EntityKind::kZone);
  EXPECT_EQ(kind_of("region:eu-west-1"), EntityKind::kRegion);
  EXPECT_EQ(kind_of("cluster:prod"), EntityKind::kCluster);
  EXPECT_EQ(kind_of("entry_point:frontend/GET /"), EntityKind::kEntryPoint);
}

TEST(TopologyTest, DependencyKindsDefaultByTargetKind) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const Snapshot s = Must(builder.Freeze());
  const std::string g = "topology/shop";
  EXPECT_TRUE(HasEdge(s, "service:frontend", "service:checkout", EdgeKind::kCalls, g));
  EXPECT_TRUE(HasEdge(s, "service:checkout", "database:orders-db", EdgeKind::kUses, g));
  EXPECT_TRUE(HasEdge(s, "service:checkout", "queue:events", EdgeKind::kAsync, g));
  EXPECT_TRUE(HasEdge(s, "service:checkout", "external:payments-api", EdgeKind::kCalls, g));
  // Exactly one edge per dependency: no other kinds slipped in.
  const EntityId checkout = Must(s.Lookup("service:checkout"));
  EXPECT_EQ(s.OutEdges(checkout, EdgeKind::kCalls).size(), 1u);
  EXPECT_EQ(s.OutEdges(checkout, EdgeKind::kUses).size(), 1u);
  EXPECT_EQ(s.OutEdges(checkout, EdgeKind::kAsync).size(), 1u);
}

TEST(TopologyTest, ExplicitDependencyKindOverridesTheDefault) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const Snapshot s = Must(builder.Freeze());
  EXPECT_TRUE(HasEdge(s, "service:frontend", "service:cart", EdgeKind::kAsync, "topology/shop"));
  EXPECT_FALSE(HasEdge(s, "service:frontend", "service:cart", EdgeKind::kCalls, "topology/shop"));
}

TEST(TopologyTest, EntryPointsCallTheirService) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const Snapshot s = Must(builder.Freeze());
  for (const char* id : {"entry_point:frontend/GET /", "entry_point:frontend/POST /cart"}) {
    EXPECT_TRUE(HasEdge(s, id, "service:frontend", EdgeKind::kCalls, "topology/shop")) << id;
    EXPECT_EQ(s.OutEdges(Must(s.Lookup(id))).size(), 1u) << id;
  }
  const auto entry_points = s.EntitiesOfKind(EntityKind::kEntryPoint);
  EXPECT_EQ(entry_points.size(), 2u);
}

TEST(TopologyTest, HostsZonesAndRegionsFormARunsOnChain) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const Snapshot s = Must(builder.Freeze());
  const std::string g = "topology/shop";
  EXPECT_TRUE(HasEdge(s, "service:frontend", "node:host-a", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "node:host-a", "zone:eu-west-1a", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "zone:eu-west-1a", "region:eu-west-1", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "service:checkout", "node:host-b", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "database:orders-db", "node:host-b", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "node:host-b", "zone:eu-west-1b", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "node:host-b", "cluster:prod", EdgeKind::kRunsOn, g));
  // Placement by zone, without a host.
  EXPECT_TRUE(HasEdge(s, "service:cart", "zone:eu-west-1a", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "queue:events", "zone:eu-west-1b", EdgeKind::kRunsOn, g));
  // The implicit zone has no region.
  EXPECT_TRUE(s.OutEdges(Must(s.Lookup("zone:eu-west-1b"))).empty());
  // Everything on host-b depends on it.
  const EntityId host_b = Must(s.Lookup("node:host-b"));
  std::vector<std::string> hosted;
  for (EntityId e : s.InNeighbors(host_b, EdgeKind::kRunsOn)) {
    hosted.emplace_back(s.EntityIdString(e));
  }
  std::sort(hosted.begin(), hosted.end());
  EXPECT_EQ(hosted, (std::vector<std::string>{"database:orders-db", "service:checkout"}));
}

TEST(TopologyTest, SnakeCaseKeysAreAcceptedLikeCamelCase) {
  std::string snake = kShopJson;
  for (const auto& [camel, under] : std::vector<std::pair<std::string, std::string>>{
           {"dependsOn", "depends_on"}, {"runsOn", "runs_on"}, {"entryPoints", "entry_points"}}) {
    for (std::size_t at = snake.find(camel); at != std::string::npos; at = snake.find(camel)) {
      snake.replace(at, camel.size(), under);
    }
  }
  ModelBuilder camel_builder;
  ModelBuilder snake_builder;
  Must(AddTopology(camel_builder, Json(kShopJson)));
  Must(AddTopology(snake_builder, Json(snake)));
  EXPECT_EQ(Must(snake_builder.Freeze()).Serialize(), Must(camel_builder.Freeze()).Serialize());
}

TEST(TopologyTest, KindPrefixSelectsATargetWhoseNameTwoKindsShare) {
  const std::string json = R"json({
    "name": "shared-names",
    "services": [
      {"name": "orders"},
      {"name": "api", "dependsOn": [{"target": "database:orders"}, {"target": "service:orders"}]}
    ],
    "databases": [{"name": "orders"}]
  })json";
  ModelBuilder builder;
  Must(AddTopology(builder, Json(json)));
  const Snapshot s = Must(builder.Freeze());
  const std::string g = "topology/shared-names";
  EXPECT_TRUE(HasEdge(s, "service:api", "database:orders", EdgeKind::kUses, g));
  EXPECT_TRUE(HasEdge(s, "service:api", "service:orders", EdgeKind::kCalls, g));
}

TEST(TopologyTest, DuplicateDependencyGivesAWarningAndOneEdge) {
  const std::string json = R"json({
    "name": "dup",
    "services": [
      {"name": "a", "dependsOn": [{"target": "b"}, {"target": "b"}]},
      {"name": "b"}
    ]
  })json";
  ModelBuilder builder;
  const TopologyReport report = Must(AddTopology(builder, Json(json)));
  EXPECT_FALSE(report.warnings.empty());
  EXPECT_EQ(report.edges, 1u);
  const Snapshot s = Must(builder.Freeze());
  EXPECT_EQ(s.OutEdges(Must(s.Lookup("service:a"))).size(), 1u);
}

TEST(TopologyTest, OptionsSubgraphOverridesTheDocumentName) {
  ModelBuilder builder;
  TopologyOptions options;
  options.subgraph = "topology/custom";
  const TopologyReport report = Must(AddTopology(builder, Json(kShopJson), options));
  EXPECT_EQ(report.subgraph, "topology/custom");
  EXPECT_EQ(builder.SubgraphIds(), std::vector<std::string>{"topology/custom"});
}

TEST(TopologyTest, DocumentWithoutNameUsesTheFileStem) {
  const std::string path =
      (::faultline::testing::ScratchDir() / "warehouse.json").string();
  {
    std::ofstream out(path, std::ios::trunc);
    out << R"json({"services": [{"name": "picker"}]})json";
  }
  ModelBuilder builder;
  const TopologyReport report = Must(AddTopology(builder, InputSource::FromFile(path)));
  EXPECT_EQ(report.subgraph, "topology/warehouse");
  EXPECT_TRUE(builder.FindSubgraph("topology/warehouse").has_value());
  std::filesystem::remove(path);
}

TEST(TopologyTest, ReAddingTheSameTopologyReplacesItsSubgraph) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const std::size_t entities = builder.entity_count();
  const std::size_t edges = builder.edge_count();
  const std::string first = Must(builder.Freeze()).Serialize();

  const TopologyReport again = Must(AddTopology(builder, Json(kShopJson)));
  EXPECT_EQ(again.edges, 16u);
  EXPECT_EQ(builder.entity_count(), entities);
  EXPECT_EQ(builder.edge_count(), edges);
  EXPECT_EQ(builder.SubgraphIds(), std::vector<std::string>{"topology/shop"});
  const SubgraphId g = *builder.FindSubgraph("topology/shop");
  EXPECT_EQ(builder.SubgraphVersion(g), 2u);
  const Snapshot s = Must(builder.Freeze());
  EXPECT_EQ(s.edge_count(), edges);
  EXPECT_EQ(s.Subgraph(*s.FindSubgraph("topology/shop")).version, 2u);
}

TEST(TopologyTest, ReAddingAChangedTopologyDropsWhatItNoLongerHolds) {
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const std::string smaller = R"json({
    "name": "shop",
    "services": [{"name": "frontend", "dependsOn": [{"target": "checkout"}]}, {"name": "checkout"}]
  })json";
  const TopologyReport report = Must(AddTopology(builder, Json(smaller)));
  EXPECT_EQ(report.services, 2u);
  EXPECT_EQ(report.edges, 1u);
  const Snapshot s = Must(builder.Freeze());
  EXPECT_EQ(s.entity_count(), 2u);
  EXPECT_EQ(s.edge_count(), 1u);
  EXPECT_FALSE(s.Find("database:orders-db").has_value());
  EXPECT_FALSE(s.Find("node:host-a").has_value());
}

TEST(TopologyTest, OtherSubgraphsAreUntouched) {
  ModelBuilder builder;
  const SubgraphId traces = Must(builder.AddSubgraph("traces/prod"));
  const EntityId f = Must(builder.AddEntity(traces, EntityKind::kService, "service:frontend"));
  const EntityId x = Must(builder.AddEntity(traces, EntityKind::kService, "service:x"));
  Must(builder.AddEdge(traces, f, x, EdgeKind::kCalls));
  Must(AddTopology(builder, Json(kShopJson)));
  Must(AddTopology(builder, Json(kShopJson)));
  const Snapshot s = Must(builder.Freeze());
  EXPECT_EQ(MemberIds(s, "traces/prod"),
            (std::vector<std::string>{"service:frontend", "service:x"}));
  EXPECT_TRUE(HasEdge(s, "service:frontend", "service:x", EdgeKind::kCalls, "traces/prod"));
  EXPECT_EQ(s.Subgraph(*s.FindSubgraph("traces/prod")).version, 1u);
  // The shared service is homed in the earlier subgraph and has the edges of both.
  EXPECT_EQ(s.HomeSubgraph(Must(s.Lookup("service:frontend"))), *s.FindSubgraph("traces/prod"));
  EXPECT_EQ(s.OutEdges(Must(s.Lookup("service:frontend"))).size(), 4u);
}

// --- Errors -------------------------------------------------------------------------------

// Expects AddTopology(source) to fail with `code` and leave `builder` as it was.
absl::Status ExpectRejectedWithoutChange(ModelBuilder& builder, const InputSource& source,
                                         absl::StatusCode code) {
  const std::string before = Must(builder.Freeze()).Serialize();
  const std::vector<std::string> subgraphs = builder.SubgraphIds();
  const std::size_t entities = builder.entity_count();
  const std::size_t edges = builder.edge_count();
  const auto result = AddTopology(builder, source);
  EXPECT_TRUE(HasCode(result, code));
  EXPECT_EQ(builder.SubgraphIds(), subgraphs);
  EXPECT_EQ(builder.entity_count(), entities);
  EXPECT_EQ(builder.edge_count(), edges);
  EXPECT_EQ(Must(builder.Freeze()).Serialize(), before);
  return result.status();
}

TEST(TopologyTest, UnknownDependencyTargetIsInvalidArgumentNamingTheFieldPath) {
  const std::string json = R"json({
    "name": "shop",
    "services": [
      {"name": "a"},
      {"name": "b", "dependsOn": [{"target": "a"}, {"target": "nowhere"}]}
    ]
  })json";
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "deps.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "nowhere"));
  EXPECT_TRUE(MessageContains(status, "services[1]"));
  EXPECT_TRUE(MessageContains(status, "[1].target"));
  EXPECT_TRUE(MessageContains(status, "deps.json"));
}

TEST(TopologyTest, UnknownHostIsAnErrorNamingTheHost) {
  const std::string json = R"json({
    "name": "shop",
    "services": [{"name": "a", "runsOn": ["host-zzz"]}],
    "hosts": [{"name": "host-a"}]
  })json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "hosts.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "host-zzz"));
  EXPECT_TRUE(MessageContains(status, "services[0]"));
  EXPECT_TRUE(MessageContains(status, "hosts.json"));
}

TEST(TopologyTest, MalformedJsonIsInvalidArgumentNamingSourceAndLine) {
  const std::string json = "{\n  \"name\": \"broken\",\n  \"services\": [{\"name\": \"a\",, }]\n}\n";
  ModelBuilder builder;
  Must(AddTopology(builder, Json(kShopJson)));
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "broken.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "broken.json"));
  EXPECT_TRUE(NamesLine(status, 3));
}

TEST(TopologyTest, TruncatedJsonIsInvalidArgument) {
  ModelBuilder builder;
  const std::string text(kShopJson);
  const absl::Status status = ExpectRejectedWithoutChange(
      builder, Json(text.substr(0, text.size() / 2), "half.json"),
      absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "half.json"));
}

TEST(TopologyTest, UnknownFieldIsInvalidArgumentNamingTheField) {
  const std::string json = R"json({
    "name": "shop",
    "services": [{"name": "a", "colour": "red"}]
  })json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "fields.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "colour"));
  EXPECT_TRUE(MessageContains(status, "fields.json"));
}

TEST(TopologyTest, WrongScalarTypeIsInvalidArgument) {
  const std::string json = R"json({"name": "shop", "services": [{"name": {"first": "a"}}]})json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "types.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "types.json"));
}

TEST(TopologyTest, ObjectWhereAListBelongsIsInvalidArgument) {
  const std::string json = R"json({"name": "shop", "services": {"name": "a"}})json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "types.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "types.json"));
  EXPECT_TRUE(MessageContains(status, "services"));
}

TEST(TopologyTest, StringWhereAListBelongsIsInvalidArgument) {
  const std::string json = R"json({"name": "shop", "services": [{"name": "a", "runsOn": "h"}],
    "hosts": [{"name": "h"}]})json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "types.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "types.json"));
}

TEST(TopologyTest, UnknownDependencyKindIsInvalidArgument) {
  const std::string json = R"json({
    "name": "shop",
    "services": [{"name": "a", "dependsOn": [{"target": "b", "kind": "sideways"}]}, {"name": "b"}]
  })json";
  ModelBuilder builder;
  const absl::Status status = ExpectRejectedWithoutChange(builder, Json(json, "kinds.json"),
                                                          absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MessageContains(status, "sideways"));
}

TEST(TopologyTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path =
      (::faultline::testing::ScratchDir() / "no_such_topology.json").string();
  std::filesystem::remove(path);
  ModelBuilder builder;
  const absl::Status status =
      ExpectRejectedWithoutChange(builder, InputSource::FromFile(path), absl::StatusCode::kNotFound);
  EXPECT_TRUE(MessageContains(status, path));
}

// --- The bundled Online Boutique topology -------------------------------------------------

std::string BoutiquePath() {
  return std::string(FAULTLINE_DATASETS_DIR) + "/topology/online-boutique.json";
}

TEST(TopologyTest, OnlineBoutiqueDatasetLoads) {
  if (!std::filesystem::exists(BoutiquePath())) GTEST_SKIP() << BoutiquePath() << " absent";
  ModelBuilder builder;
  const TopologyReport report = Must(AddTopology(builder, InputSource::FromFile(BoutiquePath())));
  EXPECT_EQ(report.subgraph, "topology/online-boutique");
  EXPECT_EQ(report.services, 10u);
  EXPECT_EQ(report.entities, 26u);
  EXPECT_EQ(report.implicit_zones, 0u);
  const Snapshot s = Must(builder.Freeze());
  EXPECT_EQ(s.entity_count(), 26u);
  EXPECT_EQ(s.edge_count(), report.edges);
  EXPECT_EQ(s.EntitiesOfKind(EntityKind::kService).size(), 10u);
  EXPECT_EQ(s.EntitiesOfKind(EntityKind::kEntryPoint).size(), 7u);
  EXPECT_EQ(s.EntitiesOfKind(EntityKind::kNode).size(), 3u);

  const std::string g = "topology/online-boutique";
  const EntityId frontend = Must(s.Lookup("service:frontend"));
  EXPECT_EQ(s.OutEdges(frontend, EdgeKind::kCalls).size(), 7u);
  EXPECT_EQ(s.OutEdges(frontend, EdgeKind::kRunsOn).size(), 2u);
  EXPECT_EQ(s.OutEdges(Must(s.Lookup("service:checkoutservice")), EdgeKind::kCalls).size(), 6u);
  EXPECT_TRUE(HasEdge(s, "service:cartservice", "database:redis-cart", EdgeKind::kUses, g));
  EXPECT_TRUE(
      HasEdge(s, "service:paymentservice", "external:payment-gateway", EdgeKind::kCalls, g));
  EXPECT_TRUE(HasEdge(s, "entry_point:frontend/POST /cart/checkout", "service:frontend",
                      EdgeKind::kCalls, g));
  EXPECT_TRUE(HasEdge(s, "node:gke-boutique-default-pool-b-2", "zone:europe-west1-b",
                      EdgeKind::kRunsOn, g));
  EXPECT_TRUE(
      HasEdge(s, "zone:europe-west1-c", "region:europe-west1", EdgeKind::kRunsOn, g));
  EXPECT_TRUE(HasEdge(s, "node:gke-boutique-default-pool-c-1", "cluster:boutique",
                      EdgeKind::kRunsOn, g));

  // Node -b-2 hosts the shared-host case: four services and redis-cart.
  std::vector<std::string> hosted;
  for (EntityId e : s.InNeighbors(Must(s.Lookup("node:gke-boutique-default-pool-b-2")),
                                  EdgeKind::kRunsOn)) {
    hosted.emplace_back(s.EntityIdString(e));
  }
  std::sort(hosted.begin(), hosted.end());
  EXPECT_EQ(hosted, (std::vector<std::string>{
                        "database:redis-cart", "service:adservice", "service:cartservice",
                        "service:paymentservice", "service:recommendationservice"}));
}

}  // namespace
}  // namespace faultline
