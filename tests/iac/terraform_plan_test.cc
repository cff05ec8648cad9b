// ParseTerraformPlan() and ModelBuilder::AddTerraformPlan(): planned changes with their
// filtered attributes, the configuration's direct references, the "plan/STACK" subgraph,
// and secrets kept out of the plan, the model and the errors.
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_plan.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using internal::StrCat;

constexpr std::string_view kPassword = "0rders-Fake-Pa55word!31";
constexpr std::string_view kAuthToken = "FakeRedisAuthToken-cart-0123456789abcdef";

std::string DataPath(std::string_view file) {
  return StrCat(FAULTLINE_SOURCE_DIR, "/tests/data/iac/aws/", file);
}

std::string ReadAll(std::string_view file) {
  std::string storage;
  InputSource source = InputSource::FromFile(DataPath(file));
  auto view = source.View(&storage);
  EXPECT_OK(view);
  return view.ok() ? std::string(*view) : std::string();
}

absl::StatusOr<TerraformPlan> Parse(std::string_view json, std::string name = "plan.json") {
  return ParseTerraformPlan(InputSource::FromBytes(std::string(json), std::move(name)));
}

const TerraformPlannedChange* FindChange(const TerraformPlan& plan, std::string_view address) {
  for (const TerraformPlannedChange& c : plan.changes) {
    if (c.address == address) return &c;
  }
  return nullptr;
}

const std::string* Get(const Attributes& attrs, std::string_view key) {
  for (const Attribute& a : attrs) {
    if (a.first == key) return &a.second;
  }
  return nullptr;
}

bool HasSecret(std::string_view s) {
  return s.find(kPassword) != std::string_view::npos ||
         s.find(kAuthToken) != std::string_view::npos;
}

// Every string a TerraformPlan holds.
std::vector<std::string> AllStrings(const TerraformPlan& p) {
  std::vector<std::string> out = {p.format_version, p.terraform_version};
  out.insert(out.end(), p.warnings.begin(), p.warnings.end());
  for (const TerraformPlannedChange& c : p.changes) {
    for (const std::string* f : {&c.address, &c.module, &c.mode, &c.type, &c.name,
                                 &c.action_reason}) {
      out.push_back(*f);
    }
    out.insert(out.end(), c.actions.begin(), c.actions.end());
    out.insert(out.end(), c.changed_attributes.begin(), c.changed_attributes.end());
    for (const Attributes* attrs : {&c.before, &c.after}) {
      for (const Attribute& a : *attrs) {
        out.push_back(a.first);
        out.push_back(a.second);
      }
    }
  }
  for (const auto& [from, to] : p.references) {
    out.push_back(from);
    out.insert(out.end(), to.begin(), to.end());
  }
  return out;
}

TEST(TerraformPlanTest, ParsesChangesOfTheDataStack) {
  auto plan = ParseTerraformPlan(InputSource::FromFile(DataPath("data.plan.json")));
  ASSERT_OK(plan);
  EXPECT_EQ(plan->format_version, "1.2");
  EXPECT_EQ(plan->terraform_version, "1.9.5");
  EXPECT_EQ(plan->changes.size(), 8u);
  EXPECT_TRUE(plan->warnings.empty());
  EXPECT_GT(plan->attributes_dropped, 0u);

  const TerraformPlannedChange* db = FindChange(*plan, "aws_db_instance.orders");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->actions, std::vector<std::string>({"update"}));
  EXPECT_EQ(db->mode, "managed");
  EXPECT_EQ(db->type, "aws_db_instance");
  EXPECT_EQ(db->name, "orders");
  EXPECT_EQ(db->module, "");
  EXPECT_EQ(db->changed_attributes, std::vector<std::string>({"instance_class"}));
  ASSERT_NE(Get(db->before, "instance_class"), nullptr);
  EXPECT_EQ(*Get(db->before, "instance_class"), "db.r6g.large");
  ASSERT_NE(Get(db->after, "instance_class"), nullptr);
  EXPECT_EQ(*Get(db->after, "instance_class"), "db.r6g.xlarge");
  EXPECT_EQ(Get(db->after, "password"), nullptr);
  EXPECT_EQ(Get(db->after, "username"), nullptr);
  ASSERT_NE(Get(db->after, "tags.team"), nullptr);
  EXPECT_EQ(*Get(db->after, "tags.team"), "payments");
  EXPECT_TRUE(std::is_sorted(db->after.begin(), db->after.end()));

  const TerraformPlannedChange* cart = FindChange(*plan, "aws_elasticache_replication_group.cart");
  ASSERT_NE(cart, nullptr);
  EXPECT_EQ(cart->actions, std::vector<std::string>({"delete", "create"}));
  EXPECT_EQ(cart->action_reason, "replace_because_cannot_update");
  ASSERT_NE(Get(cart->before, "id"), nullptr);
  EXPECT_EQ(Get(cart->after, "id"), nullptr);  // unknown until apply
  EXPECT_EQ(Get(cart->after, "primary_endpoint_address"), nullptr);
  ASSERT_NE(Get(cart->after, "kms_key_id"), nullptr);
  const auto& cc = cart->changed_attributes;
  for (const char* key : {"kms_key_id", "id", "arn", "primary_endpoint_address"}) {
    EXPECT_NE(std::find(cc.begin(), cc.end(), key), cc.end()) << key;
  }
  EXPECT_EQ(std::find(cc.begin(), cc.end(), "port"), cc.end());

  const TerraformPlannedChange* dlq = FindChange(*plan, "aws_sqs_queue.orders_dlq");
  ASSERT_NE(dlq, nullptr);
  EXPECT_EQ(dlq->actions, std::vector<std::string>({"create"}));
  EXPECT_TRUE(dlq->before.empty());
  ASSERT_NE(Get(dlq->after, "name"), nullptr);
  EXPECT_EQ(*Get(dlq->after, "name"), "orders-dlq");
  EXPECT_EQ(Get(dlq->after, "arn"), nullptr);

  const TerraformPlannedChange* topic = FindChange(*plan, "aws_sns_topic.events");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(topic->actions, std::vector<std::string>({"delete"}));
  EXPECT_TRUE(topic->after.empty());
  ASSERT_NE(Get(topic->before, "arn"), nullptr);
  EXPECT_EQ(Get(topic->before, "policy"), nullptr);

  const TerraformPlannedChange* subnets = FindChange(*plan, "aws_db_subnet_group.orders");
  ASSERT_NE(subnets, nullptr);
  EXPECT_EQ(subnets->actions, std::vector<std::string>({"no-op"}));
  EXPECT_TRUE(subnets->changed_attributes.empty());

  const std::map<std::string, std::vector<std::string>> expected = {
      {"aws_cloudwatch_metric_alarm.orders_dlq_depth", {"aws_sqs_queue.orders_dlq"}},
      {"aws_db_instance.orders",
       {"aws_db_subnet_group.orders", "data.terraform_remote_state.network"}},
      {"aws_db_subnet_group.orders", {"data.terraform_remote_state.network"}},
      {"aws_elasticache_replication_group.cart",
       {"aws_elasticache_subnet_group.cart", "data.terraform_remote_state.network"}},
      {"aws_elasticache_subnet_group.cart", {"data.terraform_remote_state.network"}},
  };
  EXPECT_EQ(plan->references, expected);
}

TEST(TerraformPlanTest, SecretsNeverEnterThePlan) {
  const std::string text = ReadAll("data.plan.json");
  ASSERT_TRUE(HasSecret(text));  // the fixture does hold them
  auto plan = Parse(text, "data.plan.json");
  ASSERT_OK(plan);
  for (const std::string& s : AllStrings(*plan)) EXPECT_FALSE(HasSecret(s)) << s;
}

TEST(TerraformPlanTest, ReferencesAcrossModulesAndNestedBlocks) {
  constexpr std::string_view kPlan = R"json({
    "format_version": "1.2",
    "resource_changes": [
      {"address": "module.net[0].aws_subnet.a[\"x\"]", "module_address": "module.net[0]",
       "mode": "managed", "type": "aws_subnet", "name": "a", "index": "x",
       "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.1.0/24"},
                  "after_unknown": {"id": true}}},
      {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
       "deposed": "00000001",
       "change": {"actions": ["delete"], "before": {"id": "i-1"}, "after": null}},
      {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
       "change": {"actions": ["update"], "before": {"id": "i-1"}, "after": {"id": "i-1"}}},
      {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
       "change": {"actions": ["update"], "before": {}, "after": {}}}
    ],
    "configuration": {"root_module": {
      "resources": [
        {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
         "expressions": {
           "ami": {"references": ["data.aws_ami.ubuntu.id", "data.aws_ami.ubuntu"]},
           "ebs_block_device": [{"kms_key_id": {"references": ["aws_kms_key.ebs.arn"]}}],
           "user_data": {"references": ["local.boot", "var.x", "path.module", "module.net.ids"]},
           "tags": {"constant_value": {"references": "not an expression"}}
         },
         "count_expression": {"references": ["var.n"]},
         "depends_on": ["aws_iam_role.web", "aws_instance.web"]}
      ],
      "module_calls": {"net": {"source": "./net",
        "expressions": {"vpc": {"references": ["aws_vpc.main"]}},
        "module": {"resources": [
          {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
           "expressions": {
             "vpc_id": {"references": ["aws_vpc.local.id", "aws_vpc.local", "each.value"]}},
           "for_each_expression": {"references": ["aws_subnet.b"]}}
        ]}}}
    }}
  })json";
  auto plan = Parse(kPlan);
  ASSERT_OK(plan);
  ASSERT_EQ(plan->changes.size(), 2u);
  EXPECT_EQ(plan->changes[0].module, "module.net[0]");
  EXPECT_EQ(plan->changes[0].address, "module.net[0].aws_subnet.a[\"x\"]");
  EXPECT_EQ(plan->warnings.size(), 2u);  // the deposed object, the duplicate
  const std::map<std::string, std::vector<std::string>> expected = {
      {"aws_instance.web", {"aws_iam_role.web", "aws_kms_key.ebs", "data.aws_ami.ubuntu"}},
      {"module.net.aws_subnet.a", {"module.net.aws_subnet.b", "module.net.aws_vpc.local"}},
  };
  EXPECT_EQ(plan->references, expected);
}

TEST(TerraformPlanTest, RejectsBadInput) {
  const std::string text = ReadAll("data.plan.json");
  {
    const std::string truncated = text.substr(0, text.find(kPassword) + 10);
    auto plan = Parse(truncated, "cut.plan.json");
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("cut.plan.json:"), std::string_view::npos)
        << plan.status();
    EXPECT_FALSE(HasSecret(std::string(plan.status().message())));
  }
  {
    auto plan = Parse(ReadAll("data.tfstate"), "data.tfstate");
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("looks like Terraform state"), std::string_view::npos)
        << plan.status();
    EXPECT_FALSE(HasSecret(std::string(plan.status().message())));
  }
  {
    auto plan = Parse(R"({"format_version": "1.0", "terraform_version": "1.9.5",
                          "values": {"root_module": {"resources": []}}})");
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("looks like Terraform state"), std::string_view::npos);
  }
  {
    std::string v2 = text;
    v2.replace(v2.find("\"1.2\""), 5, "\"2.0\"");
    auto plan = Parse(v2);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition) << plan.status();
    EXPECT_NE(plan.status().message().find("2.x"), std::string_view::npos);
  }
  for (std::string_view bad : {"[1, 2]", "\"plan\"", "42"}) {
    auto plan = Parse(bad);
    ASSERT_FALSE(plan.ok()) << bad;
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("not a Terraform plan"), std::string_view::npos)
        << plan.status();
  }
  {
    auto plan = Parse("");
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  }
  {
    auto plan = Parse(R"({"format_version": "1.2", "resource_changes": [
                          {"address": "a.b", "type": "a", "name": "b",
                           "change": {"actions": "update"}}]})");
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find("resource_changes[0].change.actions"),
              std::string_view::npos)
        << plan.status();
  }
  {
    auto plan = Parse(R"({"format_version": "1.2", "resource_changes": [
                          {"type": "a", "name": "b", "change": {"actions": ["create"]}}]})");
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.status().message().find("plan.json:2:"), std::string_view::npos)
        << plan.status();
  }
}

TEST(TerraformPlanGraphTest, BuildsThePlanSubgraphOverTheStateEntities) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformState(b, InputSource::FromFile(DataPath("data.tfstate"))));
  auto report = AddTerraformPlan(b, InputSource::FromFile(DataPath("data.plan.json")));
  ASSERT_OK(report);
  EXPECT_EQ(report->stack, "data");
  EXPECT_EQ(report->subgraph, "plan/data");
  EXPECT_EQ(report->creates, 2u);
  EXPECT_EQ(report->updates, 1u);
  EXPECT_EQ(report->deletes, 1u);
  EXPECT_EQ(report->replaces, 1u);
  EXPECT_EQ(report->skipped, 3u);
  EXPECT_EQ(report->references_added, 1u);

  auto sg = b.FindSubgraph("plan/data");
  ASSERT_TRUE(sg.has_value());
  EXPECT_EQ(b.SubgraphMembers(*sg).size(), 5u);

  auto db = b.FindEntity("tf:data:aws_db_instance.orders");
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(b.EntityKindOf(*db), EntityKind::kIacResource);
  const Attributes& dba = b.EntityAttributes(*db);
  ASSERT_NE(Get(dba, "plan.actions"), nullptr);
  EXPECT_EQ(*Get(dba, "plan.actions"), "update");
  EXPECT_EQ(*Get(dba, "plan.changed"), "instance_class");
  // The planned value sits beside the state's, which stays the state's view.
  EXPECT_EQ(*Get(dba, "plan.after.instance_class"), "db.r6g.xlarge");
  EXPECT_EQ(*Get(dba, "instance_class"), "db.r6g.large");
  EXPECT_EQ(*Get(dba, "tf.address"), "aws_db_instance.orders");

  auto cart = b.FindEntity("tf:data:aws_elasticache_replication_group.cart");
  ASSERT_TRUE(cart.has_value());
  EXPECT_EQ(*Get(b.EntityAttributes(*cart), "plan.actions"), "delete,create");
  EXPECT_EQ(*Get(b.EntityAttributes(*cart), "plan.action_reason"),
            "replace_because_cannot_update");
  auto topic = b.FindEntity("tf:data:aws_sns_topic.events");
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(*Get(b.EntityAttributes(*topic), "plan.actions"), "delete");
  EXPECT_EQ(*Get(b.EntityAttributes(*topic), "name"), "shop-events");

  auto alarm = b.FindEntity("tf:data:aws_cloudwatch_metric_alarm.orders_dlq_depth");
  auto dlq = b.FindEntity("tf:data:aws_sqs_queue.orders_dlq");
  ASSERT_TRUE(alarm.has_value());
  ASSERT_TRUE(dlq.has_value());
  const std::vector<Neighbor> out = b.OutNeighbors(*alarm);
  EXPECT_NE(std::find(out.begin(), out.end(), Neighbor{*dlq, EdgeKind::kDependsOn}), out.end());
  // The no-op subnet group is in the state, not in the plan.
  auto subnets = b.FindEntity("tf:data:aws_db_subnet_group.orders");
  ASSERT_TRUE(subnets.has_value());
  EXPECT_EQ(Get(b.EntityAttributes(*subnets), "plan.actions"), nullptr);

  auto snapshot = b.Freeze();
  ASSERT_OK(snapshot);
  const std::string bytes = snapshot->Serialize();
  EXPECT_NE(bytes.find("plan/data"), std::string::npos);
  EXPECT_FALSE(HasSecret(bytes));
}

TEST(TerraformPlanGraphTest, ReloadingReplacesThePlanAndFailuresChangeNothing) {
  ModelBuilder b;
  ASSERT_OK(AddTerraformPlan(b, InputSource::FromFile(DataPath("data.plan.json"))));
  auto db = b.FindEntity("tf:data:aws_db_instance.orders");
  ASSERT_TRUE(db.has_value());
  ASSERT_NE(Get(b.EntityAttributes(*db), "plan.actions"), nullptr);
  const std::uint64_t generation = b.generation();

  auto bad = AddTerraformPlan(b, 
      InputSource::FromBytes("{\"format_version\": \"2.0\"}", "data.plan.json"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(b.generation(), generation);

  auto empty = AddTerraformPlan(b, 
      InputSource::FromBytes(R"({"format_version": "1.2", "resource_changes": []})", "x.json"),
      TerraformOptions{"data"});
  ASSERT_OK(empty);
  EXPECT_EQ(empty->subgraph, "plan/data");
  EXPECT_TRUE(b.SubgraphMembers(*b.FindSubgraph("plan/data")).empty());
  EXPECT_EQ(Get(b.EntityAttributes(*db), "plan.actions"), nullptr);
}

}  // namespace
}  // namespace faultline
