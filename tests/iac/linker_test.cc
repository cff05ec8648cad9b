// LinkInfrastructure(): traced entities joined to the resources that serve them.
#include <string>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline {
namespace {

const std::string kTraces = std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/traces/";

// A data stack serving the canonical trace's database and queue, and the Deployment that
// runs checkout.
const char kState[] = R"({
  "version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "l",
  "resources": [
    {"mode": "managed", "type": "aws_db_instance", "name": "orders",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "db-1",
       "address": "orders-db.internal", "endpoint": "orders-db.internal:5432", "port": 5432,
       "availability_zone": "eu-west-1a"}, "sensitive_attributes": []}]},
    {"mode": "managed", "type": "aws_db_instance", "name": "reports",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "db-2",
       "address": "reports-db.internal"}, "sensitive_attributes": []}]},
    {"mode": "managed", "type": "kubernetes_deployment", "name": "checkout",
     "provider": "provider[\"registry.terraform.io/hashicorp/kubernetes\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "shop/checkout",
       "metadata": [{"name": "checkout", "namespace": "shop",
                     "labels": {"app.kubernetes.io/name": "checkout"}}]},
       "sensitive_attributes": []}]}
  ]
})";

TEST(LinkerTest, TracedDatabaseAndServiceLinkToTheirResourcesWithTheRuleRecorded) {
  ModelBuilder b;
  ASSERT_TRUE(b.AddTraces(InputSource::FromFile(kTraces + "canonical.otlp.json")).ok());
  ASSERT_TRUE(b.AddTerraformState(InputSource::FromBytes(kState, "data.tfstate")).ok());
  const LinkReport report = b.LinkInfrastructure();
  EXPECT_EQ(report.links_by_rule.at("endpoint"), 1u);
  EXPECT_EQ(report.links_by_rule.at("k8s"), 1u);
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto db = snap->Find("database:orders-db.internal/orders");
  ASSERT_TRUE(db);
  bool found = false;
  for (EdgeIndex e : snap->OutEdges(*db, EdgeKind::kRunsOn)) {
    if (snap->EntityIdString(snap->Target(e)) != "tf:data:aws_db_instance.orders") continue;
    auto link = snap->CrossLinkOf(e);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->rule, "endpoint");
    EXPECT_EQ(link->detail, "server.address = orders-db.internal");
    found = true;
  }
  EXPECT_TRUE(found);
  // The database now reaches its zone through the IaC graph.
  auto rds = snap->Find("tf:data:aws_db_instance.orders");
  ASSERT_TRUE(rds);
  bool zone = false;
  for (EntityId t : snap->OutNeighbors(*rds, EdgeKind::kRunsOn)) {
    zone = zone || snap->EntityIdString(t) == "zone:eu-west-1a";
  }
  EXPECT_TRUE(zone);
  // Both sides' leftovers are reported.
  EXPECT_NE(std::find(report.unlinked_infrastructure.begin(), report.unlinked_infrastructure.end(),
                      "tf:data:aws_db_instance.reports"),
            report.unlinked_infrastructure.end());
  EXPECT_NE(std::find(report.unlinked_traced.begin(), report.unlinked_traced.end(),
                      "service:shipping"),
            report.unlinked_traced.end());
}

TEST(LinkerTest, RelinkingReplacesTheRuleLinksAndMappingsAreExplicit) {
  ModelBuilder b;
  ASSERT_TRUE(b.AddTraces(InputSource::FromFile(kTraces + "canonical.otlp.json")).ok());
  ASSERT_TRUE(b.AddTerraformState(InputSource::FromBytes(kState, "data.tfstate")).ok());
  b.LinkInfrastructure();
  const LinkReport again = b.LinkInfrastructure();
  EXPECT_EQ(again.links_by_rule.at("endpoint"), 1u);
  ASSERT_TRUE(b.AddLinks({{"service:shipping", "tf:data:aws_db_instance.reports", "uses",
                           "team knowledge"}})
                  .ok());
  EXPECT_FALSE(b.AddLinks({{"service:shipping", "", "uses", ""}}).ok());
  EXPECT_EQ(b.AddLinks({{"a", "b", "teleports", ""}}).code(), absl::StatusCode::kInvalidArgument);
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto shipping = snap->Find("service:shipping");
  bool mapped = false;
  for (EdgeIndex e : snap->OutEdges(*shipping, EdgeKind::kUses)) {
    auto link = snap->CrossLinkOf(e);
    mapped = mapped || (link && link->rule == "mapping");
  }
  EXPECT_TRUE(mapped);
}

}  // namespace
}  // namespace faultline
