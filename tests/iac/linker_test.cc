// LinkInfrastructure(): traced entities joined to the resources that serve them.
#include <string>
#include <vector>

#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

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
  ASSERT_OK(AddTraces(b, InputSource::FromFile(kTraces + "canonical.otlp.json")));
  ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kState, "data.tfstate")));
  const LinkReport report = LinkInfrastructure(b);
  EXPECT_EQ(report.links_by_rule.at("endpoint"), 1u);
  EXPECT_EQ(report.links_by_rule.at("k8s"), 1u);
  auto snap = b.Freeze();
  ASSERT_OK(snap);
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
  ASSERT_OK(AddTraces(b, InputSource::FromFile(kTraces + "canonical.otlp.json")));
  ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kState, "data.tfstate")));
  LinkInfrastructure(b);
  const LinkReport again = LinkInfrastructure(b);
  EXPECT_EQ(again.links_by_rule.at("endpoint"), 1u);
  ASSERT_OK(AddLinks(b, {{"service:shipping", "tf:data:aws_db_instance.reports", "uses",
                         "team knowledge"}}));
  EXPECT_FALSE(AddLinks(b, {{"service:shipping", "", "uses", ""}}).ok());
  EXPECT_EQ(AddLinks(b, {{"a", "b", "teleports", ""}}).code(), absl::StatusCode::kInvalidArgument);
  auto snap = b.Freeze();
  ASSERT_OK(snap);
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

namespace faultline {
namespace {

// A Lambda function and an ECS-style and a Kubernetes workload known only by the
// OTEL_SERVICE_NAME in their environment.
const char kWorkloads[] = R"({
  "version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "w",
  "resources": [
    {"mode": "managed", "type": "aws_lambda_function", "name": "resize",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "img-resize",
       "function_name": "img-resize",
       "arn": "arn:aws:lambda:eu-west-1:123456789012:function:img-resize",
       "environment": [{"variables": {"OTEL_SERVICE_NAME": "resizer",
                                      "API_TOKEN": "tok-very-secret-123"}}]},
       "sensitive_attributes": []}]},
    {"mode": "managed", "type": "kubernetes_deployment_v1", "name": "billing",
     "provider": "provider[\"registry.terraform.io/hashicorp/kubernetes\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "ops/billing-v2",
       "metadata": [{"name": "billing-v2", "namespace": "ops"}],
       "spec": [{"template": [{"spec": [{"container": [{"env": [
         {"name": "DB_PASSWORD", "value": "hunter2-not-kept"},
         {"name": "OTEL_SERVICE_NAME", "value": "billing"}]}]}]}]}]},
       "sensitive_attributes": []}]},
    {"mode": "managed", "type": "aws_ecs_task_definition", "name": "ledger",
     "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "ledger:3",
       "container_definitions": "[{\"name\":\"app\",\"environment\":[{\"name\":\"OTEL_RESOURCE_ATTRIBUTES\",\"value\":\"team=core, service.name=ledger\"}]}]"},
       "sensitive_attributes": []}]}
  ]
})";

// One span per service; the function carries faas.name and a qualified cloud.resource_id.
std::string Spans() {
  auto resource = [](const std::string& service, const std::string& extra) {
    return R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
           service + "\"}}" + extra + R"(]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319)" +
           std::to_string(service.size() % 10) + R"(","spanId":"b7ad6b716920333)" +
           std::to_string(service.size() % 10) +
           R"(","name":"work","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]})";
  };
  return R"({"resourceSpans":[)" +
         resource("resizer",
                  R"(,{"key":"faas.name","value":{"stringValue":"img-resize"}},)"
                  R"({"key":"cloud.resource_id","value":{"stringValue":"arn:aws:lambda:eu-west-1:123456789012:function:img-resize:prod"}})") +
         "," + resource("billing", "") + "," + resource("ledger", "") + "]}";
}

TEST(LinkerTest, FunctionsByResourceIdAndWorkloadsByTheirServiceNameEnvironment) {
  ModelBuilder b;
  ASSERT_OK(AddTraces(b, InputSource::FromBytes(Spans(), "spans.json")));
  ASSERT_OK(AddTerraformState(b, InputSource::FromBytes(kWorkloads, "w.tfstate")));
  const LinkReport report = LinkInfrastructure(b);
  EXPECT_EQ(report.links_by_rule.count("function"), 1u);
  EXPECT_EQ(report.links_by_rule.count("env"), 1u);
  auto snap = b.Freeze();
  ASSERT_OK(snap);
  auto target_of = [&](std::string_view service) -> std::string {
    auto s = snap->Find(service);
    if (!s) return "no such service";
    for (EdgeIndex e : snap->OutEdges(*s, EdgeKind::kRunsOn)) {
      if (auto link = snap->CrossLinkOf(e)) {
        return std::string(link->rule) + " " + std::string(snap->EntityIdString(snap->Target(e)));
      }
    }
    return "unlinked";
  };
  EXPECT_EQ(target_of("service:resizer"), "function tf:w:aws_lambda_function.resize");
  EXPECT_EQ(target_of("service:billing"), "env tf:w:kubernetes_deployment_v1.billing");
  // ECS task definitions are not workloads the service runs on by themselves; the name is
  // still read from their container definitions.
  auto ledger = snap->Find("tf:w:aws_ecs_task_definition.ledger");
  ASSERT_TRUE(ledger);
  bool has_name = false;
  for (const auto& [k, v] : snap->EntityAttributes(*ledger)) {
    if (k == "otel.service.name") has_name = v == "ledger";
    EXPECT_EQ(v.find("secret"), std::string::npos) << k;
    EXPECT_EQ(v.find("hunter2"), std::string::npos) << k;
  }
  EXPECT_TRUE(has_name);
}

}  // namespace
}  // namespace faultline

namespace faultline {
namespace {

TEST(LinkMappingTest, ReadsAnArrayOrALinksObjectWithDefaults) {
  auto links = ReadLinkMapping(InputSource::FromBytes(
      R"([{"from": "service:legacy", "to": "tf:data:aws_db_instance.orders", "kind": "uses",
           "detail": "from the runbook"},
          {"from": "service:batch", "to": "tf:apps:aws_instance.worker"}])",
      "links.json"));
  ASSERT_OK(links);
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].kind, "uses");
  EXPECT_EQ((*links)[0].detail, "from the runbook");
  EXPECT_EQ((*links)[1].kind, "runs_on");
  auto wrapped = ReadLinkMapping(InputSource::FromBytes(
      R"({"version": 1, "links": [{"from": "a", "to": "b"}]})", "w.json"));
  ASSERT_OK(wrapped);
  EXPECT_EQ(wrapped->size(), 1u);
}

TEST(LinkMappingTest, MistakesAreErrorsNamingTheFilePositionAndEntry) {
  struct Case {
    const char* text;
    const char* expected;  // in the message
  };
  for (const Case& c : std::vector<Case>{
           {R"([{"from": "a", "to": "b"},
 {"form": "a", "to": "b"}])", "links.json:2:"},
           {R"([{"from": "a", "to": "b"}, {"from": "a"}])", "[1]: a link needs"},
           {R"([{"from": "a", "to": 3}])", "[0].to"},
           {R"({"mappings": []})", "needs a \"links\" array"},
           {R"([{"from": "a", "to": "b"})", "links.json:1:"},
           {R"("links")", "an array of links"},
       }) {
    auto links = ReadLinkMapping(InputSource::FromBytes(c.text, "links.json"));
    ASSERT_FALSE(links.ok()) << c.text;
    EXPECT_EQ(links.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(links.status().message().find(c.expected), std::string_view::npos)
        << c.text << " -> " << links.status().message();
  }
  auto missing = ReadLinkMapping(InputSource::FromFile("/nonexistent/links.json"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace faultline
