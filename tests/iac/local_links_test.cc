// The two linking gaps: terraform_remote_state with a local backend resolved against the
// reading state's folder, and Kubernetes nodes seen in traces linked to the machines that
// are those nodes; and Terraform serial changes as change events.
#include <filesystem>
#include <string>
#include <vector>

#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline {
namespace {

const std::string kIac = std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/iac/";

struct FoundLink {
  EdgeKind kind;
  std::string rule;
  std::string detail;
};

// The cross link `from` -> `to`, or nullopt.
std::optional<FoundLink> LinkBetween(const Snapshot& snap, std::string_view from,
                                     std::string_view to) {
  auto f = snap.Find(from);
  if (!f) return std::nullopt;
  for (EdgeIndex e : snap.OutEdges(*f)) {
    if (snap.EntityIdString(snap.Target(e)) != to) continue;
    if (auto link = snap.CrossLinkOf(e)) {
      return FoundLink{snap.KindOf(e), std::string(link->rule), std::string(link->detail)};
    }
  }
  return std::nullopt;
}

TEST(LocalBackendTest, StacksOfOneRepositoryLinkWithNoBackendGivenInEitherOrder) {
  for (bool network_first : {true, false}) {
    SCOPED_TRACE(network_first ? "network first" : "apps first");
    ModelBuilder b;
    std::vector<std::string> files = {kIac + "local/network/terraform.tfstate",
                                      kIac + "local/apps/terraform.tfstate"};
    if (!network_first) std::swap(files[0], files[1]);
    std::size_t links = 0;
    for (const std::string& f : files) {
      auto report = AddTerraformState(b, InputSource::FromFile(f));
      ASSERT_TRUE(report.ok()) << report.status();
      links += report->remote_state_links;
      if (!network_first && report->stack == "apps") {
        ASSERT_EQ(report->unresolved_remote_states.size(), 1u);
        // The report names the path as written and as resolved.
        const std::string resolved =
            std::filesystem::weakly_canonical(kIac + "local/network/terraform.tfstate").string();
        EXPECT_EQ(report->unresolved_remote_states[0],
                  "data.terraform_remote_state.network reads local://../network/terraform.tfstate "
                  "(local://" + resolved + ")");
      }
    }
    EXPECT_EQ(links, 1u);
    auto snap = b.Freeze();
    ASSERT_TRUE(snap.ok()) << snap.status();
    auto link = LinkBetween(*snap, "tf:apps:data.terraform_remote_state.network", "stack:network");
    ASSERT_TRUE(link);
    EXPECT_EQ(link->rule, "terraform_remote_state");
    EXPECT_EQ(link->kind, EdgeKind::kDependsOn);
  }
}

TEST(LocalBackendTest, AProducerNamedByTheLiteralPathStillLinksAndBytesDoNotResolve) {
  // The address as written, given as the producer's backend, links as before.
  ModelBuilder b;
  std::string network = *InputSource::FromFile(kIac + "local/network/terraform.tfstate").ReadAll();
  TerraformOptions named;
  named.stack = "network";
  named.backend = "local://../network/terraform.tfstate";
  ASSERT_TRUE(AddTerraformState(b, InputSource::FromBytes(network, "network"), named).ok());
  auto apps = AddTerraformState(b, InputSource::FromFile(kIac + "local/apps/terraform.tfstate"));
  ASSERT_TRUE(apps.ok()) << apps.status();
  EXPECT_EQ(apps->remote_state_links, 1u);
  // A state held in memory has no folder: its relative path stays unresolved.
  ModelBuilder c;
  ASSERT_TRUE(AddTerraformState(c, InputSource::FromFile(kIac + "local/network/terraform.tfstate")).ok());
  std::string bytes = *InputSource::FromFile(kIac + "local/apps/terraform.tfstate").ReadAll();
  auto from_bytes = AddTerraformState(c, InputSource::FromBytes(bytes, "apps.tfstate"));
  ASSERT_TRUE(from_bytes.ok());
  EXPECT_EQ(from_bytes->remote_state_links, 0u);
  ASSERT_EQ(from_bytes->unresolved_remote_states.size(), 1u);
}

TEST(NodeLinkTest, TracedNodesLinkToTheInstancesThatAreThoseNodes) {
  ModelBuilder b;
  ASSERT_TRUE(AddTraces(b, InputSource::FromFile(kIac + "traces/shop.otlp.json")).ok());
  ASSERT_TRUE(AddTerraformState(b, InputSource::FromFile(kIac + "local/network/terraform.tfstate")).ok());
  const LinkReport report = LinkInfrastructure(b);
  EXPECT_EQ(report.links_by_rule.at("node"), 3u);
  // Linked machines are no longer reported as unseen.
  for (const std::string& r : report.unlinked_infrastructure) {
    EXPECT_EQ(r.find("aws_instance"), std::string::npos) << r;
  }
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto by_dns = LinkBetween(*snap, "node:ip-10-0-1-23.eu-west-1.compute.internal",
                            "tf:network:aws_instance.node[0]");
  ASSERT_TRUE(by_dns);
  EXPECT_EQ(by_dns->rule, "node");
  EXPECT_EQ(by_dns->kind, EdgeKind::kRunsOn);
  EXPECT_EQ(by_dns->detail, "k8s.node.name = ip-10-0-1-23.eu-west-1.compute.internal");
  auto by_ip = LinkBetween(*snap, "node:ip-10-0-2-71.eu-west-1.compute.internal",
                           "tf:network:aws_instance.node[1]");
  ASSERT_TRUE(by_ip);
  EXPECT_EQ(by_ip->detail, "k8s.node.name = ip-10-0-2-71.eu-west-1.compute.internal");
  auto by_host = LinkBetween(*snap, "node:ip-10-0-3-14.eu-west-1.compute.internal",
                             "tf:network:aws_instance.node[2]");
  ASSERT_TRUE(by_host);
  EXPECT_EQ(by_host->detail, "host.id = i-0c5b7e9a1d3f4b6c8");
  // A pod on node[0] now reaches its subnet's zone through the machine.
  auto node0 = snap->Find("tf:network:aws_instance.node[0]");
  ASSERT_TRUE(node0);
  bool zone = false;
  for (EntityId t : snap->OutNeighbors(*node0, EdgeKind::kRunsOn)) {
    zone = zone || snap->EntityIdString(t) == "zone:eu-west-1a";
  }
  EXPECT_TRUE(zone);
}

TEST(NodeLinkTest, GkeNodesLinkToTheirNodePoolByInstanceGroup) {
  ModelBuilder b;
  ASSERT_TRUE(AddTerraformState(b, InputSource::FromFile(kIac + "gcp/show.json"),
                                TerraformOptions{"gcp", "", 0})
                  .ok());
  auto sg = b.AddSubgraph("traces/prod");
  ASSERT_TRUE(sg.ok());
  ASSERT_TRUE(b.AddEntity(*sg, EntityKind::kNode, "node:gke-shop-gke-default-pool-b2d47e80-x7k2",
                          {{"name", "gke-shop-gke-default-pool-b2d47e80-x7k2"}})
                  .ok());
  ASSERT_TRUE(b.AddEntity(*sg, EntityKind::kNode, "node:gke-other-pool-00000000-abcd").ok());
  const LinkReport report = LinkInfrastructure(b);
  EXPECT_EQ(report.links_by_rule.at("node"), 1u);
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto link = LinkBetween(*snap, "node:gke-shop-gke-default-pool-b2d47e80-x7k2",
                          "tf:gcp:module.gke.google_container_node_pool.default");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->rule, "node");
}

TEST(IacChangeEventTest, ANewerSerialRecordsAChangeEventPerChange) {
  ModelBuilder b;
  TerraformOptions first;
  first.seen_at_ns = 1'726'000'000'000'000'000;
  ASSERT_TRUE(AddTerraformState(b, InputSource::FromFile(kIac + "aws/data.tfstate"), first).ok());
  TerraformOptions second;
  second.stack = "data";
  second.seen_at_ns = 1'726'671'000'000'000'000;
  auto report =
      AddTerraformState(b, InputSource::FromFile(kIac + "aws/data.serial32.tfstate"), second);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_FALSE(report->changes.empty());
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok()) << snap.status();
  ASSERT_EQ(snap->Events().size(), report->changes.size());
  auto db = snap->Find("tf:data:aws_db_instance.orders");
  ASSERT_TRUE(db);
  ASSERT_EQ(snap->EventsOf(*db).size(), 1u);
  const ChangeEvent& e = snap->Events()[snap->EventsOf(*db)[0]].event;
  EXPECT_EQ(e.kind, "iac_change");
  EXPECT_EQ(e.reason, "changed");
  EXPECT_EQ(e.time_ns, second.seen_at_ns);
  EXPECT_NE(e.detail.find("serial 31 -> 32: changed "), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("instance_class"), std::string::npos) << e.detail;
  auto sg = snap->FindSubgraph("events/terraform");
  ASSERT_TRUE(sg);
  EXPECT_EQ(snap->Subgraph(*sg).kind, "events");
  // Reloading the same serial changes nothing and adds no event.
  ASSERT_TRUE(AddTerraformState(b, InputSource::FromFile(kIac + "aws/data.serial32.tfstate"), second).ok());
  auto again = b.Freeze();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Events().size(), report->changes.size());
}

}  // namespace
}  // namespace faultline
