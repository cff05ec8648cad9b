// ModelBuilder::AddTerraformState(): stacks as subgraphs, modules nested, dependencies
// reduced, placement from the rule table, remote-state links, change events, no secrets.
#include <set>
#include <string>
#include <tuple>

#include "faultline/iac/terraform_graph.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using EdgeSet = std::set<std::tuple<std::string, std::string, std::string>>;

EdgeSet Edges(const Snapshot& snap, EdgeKind kind) {
  EdgeSet out;
  for (EdgeIndex e = 0; e < snap.edge_count(); ++e) {
    if (snap.KindOf(e) != kind) continue;
    out.emplace(std::string(snap.EntityIdString(snap.Source(e))),
                std::string(snap.EntityIdString(snap.Target(e))),
                std::string(EdgeKindName(kind)));
  }
  return out;
}

// A raw v4 state of a network stack: a VPC module with for_each subnets.
const char kNetwork[] = R"({
  "version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "l-net",
  "outputs": {"vpc_id": {"value": "vpc-1", "type": "string"}},
  "resources": [
    {"module": "module.vpc", "mode": "managed", "type": "aws_vpc", "name": "main",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"},
                    "sensitive_attributes": []}]},
    {"module": "module.vpc", "mode": "managed", "type": "aws_subnet", "name": "private",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [
       {"index_key": "a", "schema_version": 1, "attributes": {"id": "subnet-a", "vpc_id": "vpc-1",
        "availability_zone": "eu-west-1a"}, "sensitive_attributes": [],
        "dependencies": ["module.vpc.aws_vpc.main"]},
       {"index_key": "b", "schema_version": 1, "attributes": {"id": "subnet-b", "vpc_id": "vpc-1",
        "availability_zone": "eu-west-1b"}, "sensitive_attributes": [],
        "dependencies": ["module.vpc.aws_vpc.main"]}]}
  ]
})";

// A data stack reading the network stack; transitive dependencies as Terraform records
// them; a password that must never surface.
std::string DataStack(int serial, const std::string& instance_class, bool with_queue) {
  std::string queue = with_queue ? R"(,
    {"mode": "managed", "type": "aws_sqs_queue", "name": "orders",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "q-1", "name": "orders"},
                    "sensitive_attributes": []}]})"
                                 : "";
  return R"({
  "version": 4, "terraform_version": "1.9.5", "serial": )" + std::to_string(serial) + R"(,
  "lineage": "l-data",
  "resources": [
    {"mode": "data", "type": "terraform_remote_state", "name": "network",
     "provider": "provider[\"terraform.io/builtin/terraform\"]",
     "instances": [{"schema_version": 0, "attributes": {"backend": "s3",
       "config": {"value": {"bucket": "acme", "key": "network.tfstate"}, "type": ["object", {}]},
       "outputs": {"value": {"vpc_id": "vpc-1"}, "type": ["object", {}]}, "workspace": null},
       "sensitive_attributes": []}]},
    {"mode": "managed", "type": "aws_db_subnet_group", "name": "orders",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "orders", "name": "orders",
       "subnet_ids": ["subnet-a", "subnet-b"]}, "sensitive_attributes": [],
       "dependencies": ["data.terraform_remote_state.network"]}]},
    {"mode": "managed", "type": "aws_db_instance", "name": "orders",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "db-1",
       "address": "orders.abc.eu-west-1.rds.amazonaws.com", "port": 5432,
       "availability_zone": "eu-west-1a", "multi_az": true, "instance_class": ")" +
         instance_class + R"(", "db_subnet_group_name": "orders",
       "password": "Sup3r-Secret-Pa55word!", "tags": {"service": "checkout"}},
       "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]],
       "dependencies": ["aws_db_subnet_group.orders", "data.terraform_remote_state.network"]}]})" +
         queue + R"(
  ]
})";
}

Snapshot Freeze(const ModelBuilder& b) {
  auto snap = b.Freeze();
  EXPECT_OK(snap);
  return snap.ok() ? *snap : Snapshot();
}

TEST(TerraformGraphTest, StackAndModulesBecomeNestedSubgraphsWithInstances) {
  ModelBuilder b;
  auto report = AddTerraformState(b, InputSource::FromBytes(kNetwork, "network.tfstate"));
  ASSERT_OK(report);
  EXPECT_EQ(report->stack, "network");
  EXPECT_EQ(report->instances, 3u);
  EXPECT_EQ(report->modules, 1u);
  const Snapshot snap = Freeze(b);
  auto stack = snap.FindSubgraph("iac/network");
  auto module = snap.FindSubgraph("iac/network/module.vpc");
  ASSERT_TRUE(stack && module);
  EXPECT_EQ(snap.Subgraph(*module).parent, *stack);
  EXPECT_EQ(snap.Subgraph(*stack).version, 3u);
  auto subnet = snap.Find("tf:network:module.vpc.aws_subnet.private[\"a\"]");
  ASSERT_TRUE(subnet);
  EXPECT_EQ(snap.Kind(*subnet), EntityKind::kIacResource);
  EXPECT_EQ(snap.HomeSubgraph(*subnet), *module);
  EXPECT_EQ(snap.EntityAttribute(*subnet, "tf.type"), "aws_subnet");
  const EdgeSet contains = Edges(snap, EdgeKind::kContains);
  EXPECT_TRUE(contains.count({"stack:network", "tf:network:module.vpc", "contains"}));
  EXPECT_TRUE(contains.count({"tf:network:module.vpc",
                              "tf:network:module.vpc.aws_subnet.private[\"a\"]", "contains"}));
}

TEST(TerraformGraphTest, DependenciesAreReducedToDirectEdgesBetweenInstances) {
  ModelBuilder b;
  auto report = AddTerraformState(b, InputSource::FromBytes(DataStack(1, "db.r6g.large", false),
                                                           "data.tfstate"));
  ASSERT_OK(report);
  EXPECT_EQ(report->transitive_dependencies_removed, 1u);
  const EdgeSet deps = Edges(Freeze(b), EdgeKind::kDependsOn);
  EXPECT_TRUE(deps.count({"tf:data:aws_db_instance.orders", "tf:data:aws_db_subnet_group.orders",
                          "depends_on"}));
  EXPECT_FALSE(deps.count({"tf:data:aws_db_instance.orders",
                           "tf:data:data.terraform_remote_state.network", "depends_on"}));
  EXPECT_TRUE(deps.count({"tf:data:aws_db_subnet_group.orders",
                          "tf:data:data.terraform_remote_state.network", "depends_on"}));
}

TEST(TerraformGraphTest, PlacementFollowsZonesAndSubnetsAcrossStacksInEitherOrder) {
  for (bool network_first : {true, false}) {
    SCOPED_TRACE(network_first ? "network first" : "data first");
    ModelBuilder b;
    auto load_network = [&] {
      TerraformOptions o;
      o.backend = "s3://acme/network.tfstate";
      ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kNetwork, "network.tfstate"), o));
    };
    auto load_data = [&] {
      ASSERT_OK(AddTerraformState(
          b, InputSource::FromBytes(DataStack(1, "db.r6g.large", false), "data.tfstate")));
    };
    if (network_first) {
      load_network();
      load_data();
    } else {
      load_data();
      load_network();
    }
    const Snapshot snap = Freeze(b);
    const EdgeSet runs_on = Edges(snap, EdgeKind::kRunsOn);
    EXPECT_TRUE(runs_on.count({"tf:data:aws_db_instance.orders", "zone:eu-west-1a", "runs_on"}));
    EXPECT_TRUE(runs_on.count({"zone:eu-west-1a", "region:eu-west-1", "runs_on"}));
    EXPECT_TRUE(runs_on.count({"tf:data:aws_db_instance.orders",
                               "tf:data:aws_db_subnet_group.orders", "runs_on"}));
    // Across stacks: the subnet group sits on the network stack's subnets.
    EXPECT_TRUE(runs_on.count({"tf:data:aws_db_subnet_group.orders",
                               "tf:network:module.vpc.aws_subnet.private[\"b\"]", "runs_on"}));
    // The remote state read links the stacks, and the meta-graph shows it.
    const EdgeSet deps = Edges(snap, EdgeKind::kDependsOn);
    EXPECT_TRUE(deps.count({"tf:data:data.terraform_remote_state.network", "stack:network",
                            "depends_on"}));
    bool meta = false;
    for (const MetaEdge& m : snap.MetaGraph()) {
      meta = meta || (snap.Subgraph(m.from).name == "iac/data" &&
                      snap.Subgraph(m.to).name == "iac/network");
    }
    EXPECT_TRUE(meta);
    EXPECT_EQ(snap.freeze_report().dropped_cross_links, 0u);
  }
}

TEST(TerraformGraphTest, ARemoteStateWhoseProducerIsNotLoadedIsReportedNotFatal) {
  ModelBuilder b;
  auto report = AddTerraformState(b, InputSource::FromBytes(DataStack(1, "db.r6g.large", false),
                                                           "data.tfstate"));
  ASSERT_OK(report);
  ASSERT_EQ(report->unresolved_remote_states.size(), 1u);
  EXPECT_NE(report->unresolved_remote_states[0].find("s3://acme/network.tfstate"),
            std::string::npos);
  EXPECT_OK(b.Freeze());
}

TEST(TerraformGraphTest, ANewerSerialYieldsChangeEventsWithoutSecrets) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformState(
      b, InputSource::FromBytes(DataStack(31, "db.r6g.large", false), "data.tfstate")));
  TerraformOptions o;
  o.seen_at_ns = 1'700'000'000'000'000'000;
  auto report = AddTerraformState(b, 
      InputSource::FromBytes(DataStack(32, "db.r6g.xlarge", true), "data.tfstate"), o);
  ASSERT_OK(report);
  EXPECT_EQ(report->previous_serial, 31u);
  bool added = false, changed = false;
  for (const ResourceChange& c : report->changes) {
    if (c.kind == ResourceChange::Kind::kAdded && c.address == "aws_sqs_queue.orders") added = true;
    if (c.kind == ResourceChange::Kind::kChanged && c.address == "aws_db_instance.orders") {
      changed = true;
      EXPECT_EQ(c.attributes, std::vector<std::string>{"instance_class"});
    }
  }
  EXPECT_TRUE(added);
  EXPECT_TRUE(changed);
  const Snapshot snap = Freeze(b);
  auto db = snap.Find("tf:data:aws_db_instance.orders");
  ASSERT_TRUE(db);
  EXPECT_EQ(snap.EntityAttribute(*db, "iac.change"), "changed: instance_class");
  EXPECT_EQ(snap.EntityAttribute(*db, "iac.changed_at_ns"), "1700000000000000000");
  EXPECT_EQ(snap.Subgraph(*snap.FindSubgraph("iac/data")).version, 32u);
}

TEST(TerraformGraphTest, NoSecretValueReachesTheSnapshotBytes) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformState(
      b, InputSource::FromBytes(DataStack(1, "db.r6g.large", false), "data.tfstate")));
  const std::string bytes = Freeze(b).Serialize();
  EXPECT_EQ(bytes.find("Sup3r-Secret-Pa55word!"), std::string::npos);
  EXPECT_NE(bytes.find("orders.abc.eu-west-1.rds.amazonaws.com"), std::string::npos);
}

TEST(TerraformGraphTest, ReloadingAStackLeavesOtherStacksUntouched) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kNetwork, "network.tfstate")));
  ASSERT_OK(AddTerraformState(
      b, InputSource::FromBytes(DataStack(1, "db.r6g.large", false), "data.tfstate")));
  const Snapshot before = Freeze(b);
  ASSERT_OK(AddTerraformState(
      b, InputSource::FromBytes(DataStack(2, "db.r6g.large", true), "data.tfstate")));
  const Snapshot after = Freeze(b);
  auto members = [](const Snapshot& s, const char* sg) {
    std::set<std::string> out;
    for (EntityId e : s.SubgraphMembers(*s.FindSubgraph(sg))) {
      out.insert(std::string(s.EntityIdString(e)));
    }
    return out;
  };
  EXPECT_EQ(members(before, "iac/network/module.vpc"), members(after, "iac/network/module.vpc"));
  EXPECT_EQ(after.Subgraph(*after.FindSubgraph("iac/network")).version, 3u);
  EXPECT_TRUE(after.Find("tf:data:aws_sqs_queue.orders"));
}

TEST(TerraformGraphTest, BadStateLeavesTheBuilderUnchanged) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kNetwork, "network.tfstate")));
  const std::string before = Freeze(b).Serialize();
  EXPECT_FALSE(AddTerraformState(b, InputSource::FromBytes("{\"version\": 4, \"resources\": [",
                                                          "network.tfstate"))
                   .ok());
  EXPECT_EQ(Freeze(b).Serialize(), before);
}

}  // namespace
}  // namespace faultline
