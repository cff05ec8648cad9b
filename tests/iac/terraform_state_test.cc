// ParseTerraformState(): raw state v4 and `terraform show -json`, secrets removed; the
// keep-list (IsKeptAttribute) and the secret names (LooksSecret); errors that name the
// source, the position and the JSON path and never carry a value.
#include "faultline/iac/terraform_state.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

absl::StatusOr<TerraformState> Parse(std::string_view json,
                                     std::string name = "state.tfstate") {
  return ParseTerraformState(InputSource::FromBytes(std::string(json), std::move(name)));
}

const TerraformResource* FindResource(const TerraformState& state, std::string_view address) {
  for (const TerraformResource& r : state.resources) {
    if (r.address == address) return &r;
  }
  return nullptr;
}

const std::string* FindAttribute(const TerraformInstance& inst, std::string_view key) {
  for (const Attribute& a : inst.attributes) {
    if (a.first == key) return &a.second;
  }
  return nullptr;
}

std::vector<std::string> Keys(const TerraformInstance& inst) {
  std::vector<std::string> keys;
  for (const Attribute& a : inst.attributes) keys.push_back(a.first);
  return keys;
}

// Every string a TerraformState holds.
std::vector<std::string> AllStrings(const TerraformState& s) {
  std::vector<std::string> out = {s.format_version, s.terraform_version, s.lineage};
  out.insert(out.end(), s.outputs.begin(), s.outputs.end());
  out.insert(out.end(), s.warnings.begin(), s.warnings.end());
  for (const TerraformResource& r : s.resources) {
    for (const std::string* f : {&r.module, &r.mode, &r.type, &r.name, &r.provider, &r.address}) {
      out.push_back(*f);
    }
    out.insert(out.end(), r.depends_on.begin(), r.depends_on.end());
    for (const TerraformInstance& i : r.instances) {
      out.push_back(i.index_key);
      out.push_back(i.address);
      out.push_back(i.status);
      out.insert(out.end(), i.instance_depends_on.begin(), i.instance_depends_on.end());
      for (const Attribute& a : i.attributes) {
        out.push_back(a.first);
        out.push_back(a.second);
      }
    }
  }
  return out;
}

// --- raw state v4 --------------------------------------------------------------------------

constexpr std::string_view kRawState = R"({
  "version": 4,
  "terraform_version": "1.9.8",
  "serial": 42,
  "lineage": "3f1c2a7e-lineage",
  "outputs": {
    "db_endpoint": {"value": "orders.abc.rds.amazonaws.com:5432", "type": "string"},
    "admin_password": {"value": "out-secret-1", "type": "string", "sensitive": true}
  },
  "resources": [
    {
      "module": "module.vpc",
      "mode": "managed",
      "type": "aws_subnet",
      "name": "private",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "each": "map",
      "instances": [
        {
          "index_key": "a",
          "schema_version": 1,
          "attributes": {
            "id": "subnet-0a",
            "arn": "arn:aws:ec2:eu-west-1:123:subnet/subnet-0a",
            "availability_zone": "eu-west-1a",
            "cidr_block": "10.0.1.0/24",
            "vpc_id": "vpc-1",
            "map_public_ip_on_launch": false,
            "tags": {"Name": "private-a", "team": "payments"},
            "tags_all": {"Name": "private-a", "team": "payments"},
            "timeouts": null
          },
          "sensitive_attributes": [],
          "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==",
          "dependencies": ["module.vpc.aws_vpc.main"]
        },
        {
          "index_key": "b",
          "attributes": {"id": "subnet-0b", "availability_zone": "eu-west-1b", "vpc_id": "vpc-1"},
          "dependencies": ["module.vpc.aws_vpc.main"]
        }
      ]
    },
    {
      "mode": "managed",
      "type": "aws_instance",
      "name": "web",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "each": "list",
      "instances": [
        {
          "index_key": 0,
          "status": "tainted",
          "attributes": {
            "id": "i-000",
            "instance_type": "t3.micro",
            "private_ip": "10.0.1.10",
            "subnet_id": "subnet-0a",
            "vpc_security_group_ids": ["sg-1", "sg-2"],
            "user_data": "#!/bin/sh\nexport TOKEN=abc",
            "root_block_device": [{"volume_size": 8, "encrypted": true}],
            "cpu_core_count": 2
          },
          "dependencies": ["module.vpc.aws_subnet.private", "aws_security_group.web"],
          "depends_on": ["module.vpc.aws_subnet.private[\"a\"]"]
        },
        {
          "index_key": 1,
          "attributes": {"id": "i-001", "instance_type": "t3.micro", "multi_az": true},
          "dependencies": ["aws_security_group.web"]
        },
        {
          "index_key": 1,
          "deposed": "00000001",
          "attributes": {"id": "i-old", "instance_type": "t3.micro"}
        }
      ]
    },
    {
      "mode": "managed",
      "type": "aws_db_instance",
      "name": "orders",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [
        {
          "schema_version": 2,
          "attributes": {
            "id": "db-orders",
            "address": "orders.abc.rds.amazonaws.com",
            "endpoint": "orders.abc.rds.amazonaws.com:5432",
            "port": 5432,
            "engine": "postgres",
            "instance_class": "db.t3.medium",
            "multi_az": true,
            "username": "dbadmin",
            "password": "raw-secret-2",
            "db_subnet_group_name": "orders-subnets",
            "tags": {"team": "orders"}
          },
          "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]],
          "dependencies": ["data.terraform_remote_state.network", "module.vpc.aws_subnet.private"]
        }
      ]
    },
    {
      "mode": "data",
      "type": "terraform_remote_state",
      "name": "network",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "backend": "s3",
            "config": {
              "value": {"bucket": "tf-state", "key": "network/terraform.tfstate", "region": "eu-west-1"},
              "type": ["object", {"bucket": "string", "key": "string", "region": "string"}]
            },
            "defaults": null,
            "outputs": {
              "value": {"vpc_id": "vpc-remote", "db_password": "remote-secret-3"},
              "type": ["object", {"vpc_id": "string", "db_password": "string"}]
            },
            "workspace": "default"
          },
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
})";

TEST(TerraformStateTest, ReadsRawStateHeader) {
  auto state = Parse(kRawState);
  ASSERT_OK(state);
  EXPECT_EQ(state->version, 4u);
  EXPECT_EQ(state->format_version, "");
  EXPECT_EQ(state->terraform_version, "1.9.8");
  EXPECT_EQ(state->serial, 42u);
  EXPECT_EQ(state->lineage, "3f1c2a7e-lineage");
  EXPECT_EQ(state->outputs, (std::vector<std::string>{"admin_password", "db_endpoint"}));
  ASSERT_EQ(state->resources.size(), 4u);
  EXPECT_TRUE(state->warnings.empty());
}

TEST(TerraformStateTest, BuildsModuleForEachAndCountAddresses) {
  auto state = Parse(kRawState);
  ASSERT_OK(state);
  const TerraformResource* subnet = FindResource(*state, "module.vpc.aws_subnet.private");
  ASSERT_NE(subnet, nullptr);
  EXPECT_EQ(subnet->module, "module.vpc");
  EXPECT_EQ(subnet->mode, "managed");
  EXPECT_EQ(subnet->type, "aws_subnet");
  EXPECT_EQ(subnet->name, "private");
  EXPECT_EQ(subnet->provider, "provider[\"registry.terraform.io/hashicorp/aws\"]");
  ASSERT_EQ(subnet->instances.size(), 2u);
  EXPECT_EQ(subnet->instances[0].index_key, "\"a\"");
  EXPECT_EQ(subnet->instances[0].address, "module.vpc.aws_subnet.private[\"a\"]");
  EXPECT_EQ(subnet->instances[1].address, "module.vpc.aws_subnet.private[\"b\"]");
  EXPECT_EQ(subnet->depends_on, (std::vector<std::string>{"module.vpc.aws_vpc.main"}));

  const TerraformResource* web = FindResource(*state, "aws_instance.web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->module, "");
  ASSERT_EQ(web->instances.size(), 3u);
  EXPECT_EQ(web->instances[0].index_key, "0");
  EXPECT_EQ(web->instances[0].address, "aws_instance.web[0]");
  EXPECT_EQ(web->instances[1].address, "aws_instance.web[1]");

  const TerraformResource* db = FindResource(*state, "aws_db_instance.orders");
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(db->instances.size(), 1u);
  EXPECT_EQ(db->instances[0].index_key, "");
  EXPECT_EQ(db->instances[0].address, "aws_db_instance.orders");

  const TerraformResource* remote = FindResource(*state, "data.terraform_remote_state.network");
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->mode, "data");
  EXPECT_EQ(remote->provider, "provider[\"terraform.io/builtin/terraform\"]");
}

TEST(TerraformStateTest, ReadsDependenciesTaintedDeposedAndInstanceDependsOn) {
  auto state = Parse(kRawState);
  ASSERT_OK(state);
  const TerraformResource* web = FindResource(*state, "aws_instance.web");
  ASSERT_NE(web, nullptr);
  // The union over instances, sorted and deduplicated.
  EXPECT_EQ(web->depends_on, (std::vector<std::string>{"aws_security_group.web",
                                                       "module.vpc.aws_subnet.private"}));
  EXPECT_EQ(web->instances[0].status, "tainted");
  EXPECT_FALSE(web->instances[0].deposed);
  EXPECT_EQ(web->instances[0].instance_depends_on,
            (std::vector<std::string>{"module.vpc.aws_subnet.private[\"a\"]"}));
  EXPECT_EQ(web->instances[1].status, "");
  EXPECT_TRUE(web->instances[1].instance_depends_on.empty());
  // The deposed object shares its address with the current one and is not a duplicate.
  EXPECT_TRUE(web->instances[2].deposed);
  EXPECT_EQ(web->instances[2].address, "aws_instance.web[1]");
  EXPECT_EQ(*FindAttribute(web->instances[2], "id"), "i-old");

  const TerraformResource* db = FindResource(*state, "aws_db_instance.orders");
  EXPECT_EQ(db->depends_on, (std::vector<std::string>{"data.terraform_remote_state.network",
                                                      "module.vpc.aws_subnet.private"}));
}

TEST(TerraformStateTest, KeepsIdentityAndPlacementFlattenedAndSorted) {
  auto state = Parse(kRawState);
  ASSERT_OK(state);
  const TerraformInstance& subnet =
      FindResource(*state, "module.vpc.aws_subnet.private")->instances[0];
  EXPECT_EQ(Keys(subnet),
            (std::vector<std::string>{"arn", "availability_zone", "cidr_block", "id",
                                      "tags.Name", "tags.team", "tags_all.Name",
                                      "tags_all.team", "vpc_id"}));
  EXPECT_EQ(*FindAttribute(subnet, "tags.team"), "payments");

  const TerraformInstance& web = FindResource(*state, "aws_instance.web")->instances[0];
  EXPECT_EQ(Keys(web),
            (std::vector<std::string>{"id", "instance_type", "private_ip", "subnet_id",
                                      "vpc_security_group_ids.0", "vpc_security_group_ids.1"}));
  EXPECT_EQ(*FindAttribute(web, "vpc_security_group_ids.1"), "sg-2");
  EXPECT_EQ(*FindAttribute(FindResource(*state, "aws_instance.web")->instances[1], "multi_az"),
            "true");

  const TerraformInstance& db = FindResource(*state, "aws_db_instance.orders")->instances[0];
  EXPECT_EQ(Keys(db), (std::vector<std::string>{"address", "db_subnet_group_name", "endpoint",
                                                "engine", "id", "instance_class", "multi_az",
                                                "port", "tags.team"}));
  EXPECT_EQ(*FindAttribute(db, "port"), "5432");
  EXPECT_EQ(*FindAttribute(db, "multi_az"), "true");
  EXPECT_EQ(FindAttribute(db, "password"), nullptr);
  EXPECT_EQ(FindAttribute(db, "username"), nullptr);
  EXPECT_EQ(state->sensitive_attributes_dropped, 1u);
  EXPECT_GT(state->attributes_dropped, 0u);
}

TEST(TerraformStateTest, RemoteStateKeepsBackendAndLocationNeverOutputs) {
  auto state = Parse(kRawState);
  ASSERT_OK(state);
  const TerraformInstance& remote =
      FindResource(*state, "data.terraform_remote_state.network")->instances[0];
  EXPECT_EQ(Keys(remote), (std::vector<std::string>{"backend", "config.bucket", "config.key",
                                                    "config.region", "workspace"}));
  EXPECT_EQ(*FindAttribute(remote, "config.key"), "network/terraform.tfstate");
  EXPECT_EQ(*FindAttribute(remote, "backend"), "s3");
}

TEST(TerraformStateTest, SensitivePathsWithIndexStepsDropOnlyTheirLeaves) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [{
    "mode": "managed", "type": "aws_lb", "name": "front",
    "instances": [{
      "attributes": {
        "subnet_ids": ["subnet-1", "subnet-2"],
        "tags": {"Name": "front", "owner": "idx-secret-4"},
        "dns_name": "front.elb.amazonaws.com"
      },
      "sensitive_attributes": [
        [{"type": "get_attr", "value": "subnet_ids"},
         {"type": "index", "value": {"value": 1, "type": "number"}}],
        [{"type": "get_attr", "value": "tags"},
         {"type": "index", "value": {"value": "owner", "type": "string"}}]
      ]
    }]}]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  const TerraformInstance& lb = state->resources[0].instances[0];
  EXPECT_EQ(Keys(lb), (std::vector<std::string>{"dns_name", "subnet_ids.0", "tags.Name"}));
  EXPECT_EQ(state->sensitive_attributes_dropped, 2u);
}

TEST(TerraformStateTest, UnreadableSensitivePathDropsEverythingWithAWarning) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [{
    "mode": "managed", "type": "aws_lb", "name": "front",
    "instances": [{
      "attributes": {"id": "lb-1", "dns_name": "front.elb.amazonaws.com"},
      "sensitive_attributes": [[{"type": "something_new", "value": 3}]]
    }]}]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  EXPECT_TRUE(state->resources[0].instances[0].attributes.empty());
  EXPECT_EQ(state->sensitive_attributes_dropped, 2u);
  ASSERT_EQ(state->warnings.size(), 1u);
  EXPECT_NE(state->warnings[0].find("resources[0].instances[0]"), std::string::npos);
}

TEST(TerraformStateTest, SensitiveAttributesBeforeAttributesAreApplied) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [{
    "mode": "managed", "type": "aws_db_instance", "name": "x",
    "instances": [{
      "sensitive_attributes": [[{"type": "get_attr", "value": "endpoint"}]],
      "attributes": {"id": "db-x", "endpoint": "x.example:5432"}
    }]}]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  EXPECT_EQ(Keys(state->resources[0].instances[0]), (std::vector<std::string>{"id"}));
}

TEST(TerraformStateTest, ReadsKubernetesMetadataAndContainers) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [{
    "mode": "managed", "type": "kubernetes_deployment", "name": "api",
    "instances": [{
      "attributes": {
        "id": "shop/api",
        "metadata": [{"name": "api", "namespace": "shop", "labels": {"app": "api"},
                      "annotations": {"note": "k8s-secret-5"}}],
        "spec": [{"replicas": "3", "template": [{"spec": [{"container": [{
          "name": "api", "image": "registry/api:1.2",
          "env": [{"name": "DB_PASSWORD", "value": "k8s-secret-6"}]
        }]}]}]}]
      }
    }]}]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  EXPECT_EQ(Keys(state->resources[0].instances[0]),
            (std::vector<std::string>{
                "id", "metadata.0.labels.app", "metadata.0.name", "metadata.0.namespace",
                "spec.0.replicas", "spec.0.template.0.spec.0.container.0.image",
                "spec.0.template.0.spec.0.container.0.name"}));
}

TEST(TerraformStateTest, DuplicateAddressesAreKeptOnceWithAWarning) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [
    {"mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
     "instances": [{"attributes": {"id": "q1"}}, {"attributes": {"id": "q1-again"}}]},
    {"mode": "managed", "type": "aws_sqs_queue", "name": "jobs",
     "instances": [{"attributes": {"id": "q2"}}]}
  ]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  ASSERT_EQ(state->resources.size(), 1u);
  ASSERT_EQ(state->resources[0].instances.size(), 1u);
  EXPECT_EQ(*FindAttribute(state->resources[0].instances[0], "id"), "q1");
  ASSERT_EQ(state->warnings.size(), 2u);
  for (const std::string& w : state->warnings) {
    EXPECT_NE(w.find("aws_sqs_queue.jobs"), std::string::npos) << w;
  }
}

TEST(TerraformStateTest, ReadsLegacyFlatAttributes) {
  constexpr std::string_view kState = R"({"version": 4, "resources": [{
    "mode": "managed", "type": "aws_vpc", "name": "main",
    "instances": [{"attributes_flat": {"id": "vpc-1", "tags.%": "1", "tags.Name": "main",
                                       "default_route_table_id": "rtb-1"}}]}]})";
  auto state = Parse(kState);
  ASSERT_OK(state);
  EXPECT_EQ(Keys(state->resources[0].instances[0]),
            (std::vector<std::string>{"default_route_table_id", "id", "tags.Name"}));
}

// --- show -json ----------------------------------------------------------------------------

constexpr std::string_view kShowState = R"({
  "format_version": "1.0",
  "terraform_version": "1.9.8",
  "values": {
    "outputs": {"url": {"sensitive": false, "value": "https://shop.example", "type": "string"}},
    "root_module": {
      "resources": [
        {
          "address": "aws_lambda_function.checkout",
          "mode": "managed",
          "type": "aws_lambda_function",
          "name": "checkout",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "function_name": "checkout",
            "arn": "arn:aws:lambda:eu-west-1:123:function:checkout",
            "environment": [{"variables": {"API_KEY": "show-secret-7", "HOST": "h"}}],
            "vpc_config": [{"subnet_ids": ["subnet-0a"], "security_group_ids": ["sg-1"]}]
          },
          "sensitive_values": {"environment": [{"variables": true}], "vpc_config": [{}]},
          "depends_on": ["module.net.aws_subnet.private", "aws_iam_role.lambda"]
        }
      ],
      "child_modules": [
        {
          "resources": [
            {
              "address": "module.net.aws_subnet.private[\"a\"]",
              "mode": "managed",
              "type": "aws_subnet",
              "name": "private",
              "index": "a",
              "provider_name": "registry.terraform.io/hashicorp/aws",
              "values": {"id": "subnet-0a", "availability_zone": "eu-west-1a",
                         "tags": {"Name": "a", "note": "show-secret-8"}},
              "sensitive_values": {"tags": {"note": true}}
            },
            {
              "address": "module.net.aws_subnet.private[\"b\"]",
              "mode": "managed",
              "type": "aws_subnet",
              "name": "private",
              "index": "b",
              "tainted": true,
              "values": {"id": "subnet-0b"},
              "sensitive_values": {}
            }
          ],
          "address": "module.net",
          "child_modules": [
            {
              "resources": [
                {
                  "address": "module.net.module.db.aws_db_instance.main[0]",
                  "mode": "managed",
                  "type": "aws_db_instance",
                  "name": "main",
                  "index": 0,
                  "values": {"id": "db-1", "endpoint": "db-1.example:5432",
                             "password": "show-secret-9", "port": 5432},
                  "sensitive_values": {"password": true},
                  "depends_on": ["module.net.aws_subnet.private"]
                },
                {
                  "address": "module.net.module.db.data.aws_caller_identity.me",
                  "mode": "data",
                  "type": "aws_caller_identity",
                  "name": "me",
                  "values": {"account_id": "123", "id": "123"}
                }
              ],
              "address": "module.net.module.db"
            }
          ]
        }
      ]
    }
  }
})";

TEST(TerraformStateTest, ReadsShowJsonWithNestedChildModules) {
  auto state = Parse(kShowState, "show.json");
  ASSERT_OK(state);
  EXPECT_EQ(state->version, 0u);
  EXPECT_EQ(state->format_version, "1.0");
  EXPECT_EQ(state->terraform_version, "1.9.8");
  EXPECT_EQ(state->outputs, (std::vector<std::string>{"url"}));
  ASSERT_EQ(state->resources.size(), 4u);

  const TerraformResource* lambda = FindResource(*state, "aws_lambda_function.checkout");
  ASSERT_NE(lambda, nullptr);
  EXPECT_EQ(lambda->module, "");
  EXPECT_EQ(lambda->provider, "registry.terraform.io/hashicorp/aws");
  EXPECT_EQ(lambda->depends_on, (std::vector<std::string>{"aws_iam_role.lambda",
                                                          "module.net.aws_subnet.private"}));
  EXPECT_EQ(Keys(lambda->instances[0]),
            (std::vector<std::string>{"arn", "function_name", "vpc_config.0.security_group_ids.0",
                                      "vpc_config.0.subnet_ids.0"}));

  const TerraformResource* subnet = FindResource(*state, "module.net.aws_subnet.private");
  ASSERT_NE(subnet, nullptr);
  EXPECT_EQ(subnet->module, "module.net");
  ASSERT_EQ(subnet->instances.size(), 2u);
  EXPECT_EQ(subnet->instances[0].address, "module.net.aws_subnet.private[\"a\"]");
  EXPECT_EQ(subnet->instances[0].index_key, "\"a\"");
  EXPECT_EQ(Keys(subnet->instances[0]),
            (std::vector<std::string>{"availability_zone", "id", "tags.Name"}));
  EXPECT_EQ(subnet->instances[1].status, "tainted");

  const TerraformResource* db = FindResource(*state, "module.net.module.db.aws_db_instance.main");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->module, "module.net.module.db");
  EXPECT_EQ(db->instances[0].index_key, "0");
  EXPECT_EQ(db->instances[0].address, "module.net.module.db.aws_db_instance.main[0]");
  EXPECT_EQ(Keys(db->instances[0]), (std::vector<std::string>{"endpoint", "id", "port"}));
  EXPECT_EQ(db->depends_on, (std::vector<std::string>{"module.net.aws_subnet.private"}));

  const TerraformResource* me =
      FindResource(*state, "module.net.module.db.data.aws_caller_identity.me");
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->mode, "data");
  EXPECT_EQ(me->instances[0].address, "module.net.module.db.data.aws_caller_identity.me");

  // environment.0.variables.{API_KEY,HOST}, tags.note, password.
  EXPECT_EQ(state->sensitive_attributes_dropped, 4u);
}

TEST(TerraformStateTest, ShowJsonOfAnEmptyStateHasNoResources) {
  auto state = Parse(R"({"format_version": "1.0"})");
  ASSERT_OK(state);
  EXPECT_TRUE(state->resources.empty());
}

// --- secrets -------------------------------------------------------------------------------

// Values that must never come out of the parser.
const std::vector<std::string>& SecretValues() {
  static const std::vector<std::string> kSecrets = {
      "hunter2-master-pw",   "ghp_T0kenValue123",       "AKIAIOSFODNN7SECRET",
      "wJalrXUtnFEMI-K7MDENG", "MIIEowIBAAKCAQEA",      "sensitive-endpoint-value",
      "sensitive-tag-value", "api-token-tag-value",    "env-var-secret-value",
      "k8s-data-secret",     "remote-output-secret",   "root-output-secret",
      "userdata-secret",     "private-blob-secret",    "pw-in-url",
      "kubeconfig-secret",   "conn-string-secret",     "sv-secret-value",
      "client-key-secret",   "dbadmin-user-secret",
  };
  return kSecrets;
}

constexpr std::string_view kSecretState = R"({
  "version": 4,
  "terraform_version": "1.9.8",
  "serial": 7,
  "lineage": "lineage-1",
  "outputs": {"db_password": {"value": "root-output-secret", "type": "string", "sensitive": true}},
  "resources": [
    {
      "mode": "managed", "type": "aws_db_instance", "name": "orders",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{
        "attributes": {
          "id": "db-orders",
          "password": "hunter2-master-pw",
          "master_password": "hunter2-master-pw",
          "username": "dbadmin-user-secret",
          "master_username": "dbadmin-user-secret",
          "endpoint": "sensitive-endpoint-value",
          "address": "postgres://admin:pw-in-url@orders.internal:5432/db",
          "tags": {"team": "orders", "note": "sensitive-tag-value",
                   "api_token": "api-token-tag-value"}
        },
        "sensitive_attributes": [
          [{"type": "get_attr", "value": "password"}],
          [{"type": "get_attr", "value": "endpoint"}],
          [{"type": "get_attr", "value": "tags"},
           {"type": "index", "value": {"value": "note", "type": "string"}}]
        ],
        "private": "private-blob-secret"
      }]
    },
    {
      "mode": "managed", "type": "tls_private_key", "name": "ssh",
      "instances": [{
        "attributes": {
          "id": "b1946ac92492d2347c6235b4d2611184",
          "algorithm": "RSA",
          "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
          "private_key_openssh": "MIIEowIBAAKCAQEA",
          "public_key_openssh": "ssh-rsa AAAA"
        },
        "sensitive_attributes": []
      }]
    },
    {
      "mode": "managed", "type": "aws_iam_access_key", "name": "ci",
      "instances": [{
        "attributes": {"id": "AKIAIOSFODNN7SECRET", "secret": "wJalrXUtnFEMI-K7MDENG",
                       "user": "ci", "ses_smtp_password_v4": "hunter2-master-pw"},
        "sensitive_attributes": [[{"type": "get_attr", "value": "id"}],
                                 [{"type": "get_attr", "value": "secret"}]]
      }]
    },
    {
      "mode": "managed", "type": "github_actions_secret", "name": "deploy",
      "instances": [{
        "attributes": {"id": "repo:DEPLOY", "secret_name": "DEPLOY",
                       "plaintext_value": "ghp_T0kenValue123", "auth_token": "ghp_T0kenValue123"}
      }]
    },
    {
      "mode": "managed", "type": "aws_lambda_function", "name": "fn",
      "instances": [{
        "attributes": {
          "function_name": "fn",
          "environment": [{"variables": {"DB_HOST_NAME": "env-var-secret-value"}}],
          "user_data": "userdata-secret"
        }
      }]
    },
    {
      "mode": "managed", "type": "kubernetes_secret", "name": "db",
      "instances": [{
        "attributes": {
          "id": "shop/db",
          "metadata": [{"name": "db", "namespace": "shop"}],
          "data": {"url_name": "k8s-data-secret"}
        }
      }]
    },
    {
      "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "aks",
      "instances": [{
        "attributes": {
          "id": "/subscriptions/x/aks",
          "name": "aks",
          "kube_config_raw": "kubeconfig-secret",
          "kube_config": [{"client_key": "client-key-secret", "host": "https://aks.example"}],
          "connection_string": "conn-string-secret"
        }
      }]
    },
    {
      "mode": "data", "type": "terraform_remote_state", "name": "net",
      "instances": [{
        "attributes": {
          "backend": "s3",
          "config": {"value": {"bucket": "b", "key": "k"}, "type": ["object", {"bucket": "string", "key": "string"}]},
          "outputs": {"value": {"vpc_id": "remote-output-secret"}, "type": ["object", {"vpc_id": "string"}]}
        }
      }]
    }
  ]
})";

void ExpectNoSecret(std::string_view where, std::string_view text) {
  for (const std::string& secret : SecretValues()) {
    EXPECT_EQ(text.find(secret), std::string_view::npos)
        << where << " holds the secret " << secret << ": " << text;
  }
}

TEST(TerraformStateTest, NoSecretValueEntersTheState) {
  auto state = Parse(kSecretState);
  ASSERT_OK(state);
  for (const std::string& s : AllStrings(*state)) ExpectNoSecret("the state", s);
  // Identity survives.
  const TerraformInstance& db = FindResource(*state, "aws_db_instance.orders")->instances[0];
  EXPECT_EQ(Keys(db), (std::vector<std::string>{"id", "tags.team"}));
  EXPECT_EQ(Keys(FindResource(*state, "aws_iam_access_key.ci")->instances[0]),
            std::vector<std::string>{});
  EXPECT_EQ(Keys(FindResource(*state, "kubernetes_secret.db")->instances[0]),
            (std::vector<std::string>{"id", "metadata.0.name", "metadata.0.namespace"}));
  EXPECT_EQ(Keys(FindResource(*state, "azurerm_kubernetes_cluster.aks")->instances[0]),
            (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(Keys(FindResource(*state, "data.terraform_remote_state.net")->instances[0]),
            (std::vector<std::string>{"backend", "config.bucket", "config.key"}));
  EXPECT_EQ(state->sensitive_attributes_dropped, 5u);
  EXPECT_GT(state->attributes_dropped, 15u);
}

TEST(TerraformStateTest, ShowJsonSensitiveValuesNeverEnterTheState) {
  constexpr std::string_view kShow = R"({"format_version": "1.0", "values": {
    "outputs": {"pw": {"sensitive": true, "value": "root-output-secret"}},
    "root_module": {"resources": [{
      "address": "aws_db_instance.x", "mode": "managed", "type": "aws_db_instance", "name": "x",
      "values": {"id": "db-x", "endpoint": "sensitive-endpoint-value",
                 "tags": {"a": "sv-secret-value", "b": "ok"}, "password": "hunter2-master-pw"},
      "sensitive_values": {"endpoint": true, "tags": {"a": true}, "password": true}
    }]}}})";
  auto state = Parse(kShow);
  ASSERT_OK(state);
  for (const std::string& s : AllStrings(*state)) ExpectNoSecret("the state", s);
  EXPECT_EQ(Keys(state->resources[0].instances[0]), (std::vector<std::string>{"id", "tags.b"}));
  EXPECT_EQ(state->sensitive_attributes_dropped, 3u);
}

// Every truncation, and a stray byte at every offset: whatever the parser answers, neither
// its errors nor its warnings carry a secret.
TEST(TerraformStateTest, NoSecretValueInErrorsOrWarningsOfBadVariants) {
  const std::string text(kSecretState);
  auto check = [](const std::string& variant) {
    auto state = Parse(variant);
    if (!state.ok()) {
      ExpectNoSecret("an error", std::string(state.status().message()));
    } else {
      for (const std::string& w : state->warnings) ExpectNoSecret("a warning", w);
    }
  };
  for (std::size_t n = 0; n < text.size(); ++n) check(text.substr(0, n));
  for (std::size_t i = 0; i < text.size(); i += 3) {
    for (char c : {'"', '}', '#'}) {
      std::string variant = text;
      variant.insert(i, 1, c);
      check(variant);
    }
  }
  // Structural variants.
  std::string v3 = text;
  v3.replace(v3.find("\"version\": 4"), 12, "\"version\": 3");
  check(v3);
  std::string no_type = text;
  no_type.replace(no_type.find("\"type\": \"aws_db_instance\","), 26, "");
  check(no_type);
  check(R"({"encrypted_data": "hunter2-master-pw", "encryption_version": "v0", "meta": {}})");
  check(internal::StrCat("[", text, "]"));
}

// --- bad input ------------------------------------------------------------------------------

TEST(TerraformStateTest, TruncatedJsonNamesLineAndColumn) {
  auto state = Parse("{\n  \"version\": 4,\n  \"resources\": [\n    {\"type\": \"x\"", "t.tfstate");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(state.status().message().rfind("t.tfstate:4:", 0), 0u) << state.status();
  EXPECT_NE(state.status().message().find("end of input"), std::string::npos) << state.status();
}

TEST(TerraformStateTest, RejectsEmptyInputAndNonObjects) {
  auto empty = Parse("", "e.tfstate");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message().rfind("e.tfstate:1:1:", 0), 0u) << empty.status();

  auto array = Parse("[1, 2]", "a.tfstate");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(array.status().message().rfind("a.tfstate:1:1:", 0), 0u) << array.status();
  EXPECT_NE(array.status().message().find("not a Terraform state"), std::string::npos);

  auto object = Parse(R"({"hello": "world"})", "o.json");
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(object.status().message().find("not a Terraform state"), std::string::npos);
}

TEST(TerraformStateTest, RejectsOldAndNewerVersions) {
  for (int v : {1, 2, 3}) {
    auto state = Parse(internal::StrCat("{\"version\": ", v, ", \"modules\": []}"));
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(state.status().message().find("terraform state pull"), std::string::npos)
        << state.status();
  }
  auto newer = Parse(R"({"version": 5, "resources": []})");
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.status().message().find("version 5"), std::string::npos);

  auto zero = Parse(R"({"version": 0})");
  EXPECT_EQ(zero.status().code(), absl::StatusCode::kInvalidArgument);
  auto text = Parse(R"({"version": "four"})");
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);

  auto show2 = Parse(R"({"format_version": "2.0", "values": {}})");
  EXPECT_EQ(show2.status().code(), absl::StatusCode::kFailedPrecondition);
  auto plan = Parse(R"({"format_version": "1.2", "resource_changes": []})");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("plan"), std::string::npos);
}

TEST(TerraformStateTest, RejectsEncryptedOpenTofuState) {
  auto state = Parse(R"({"serial": 1, "lineage": "l", "meta": {"key_provider.pbkdf2.k": "eyJ"},
    "encrypted_data": "c2VjcmV0", "encryption_version": "v0"})", "enc.tfstate");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(state.status().message().find("enc.tfstate"), std::string::npos);
  EXPECT_NE(state.status().message().find("encrypted; decrypt it first"), std::string::npos);
  EXPECT_EQ(state.status().message().find("c2VjcmV0"), std::string::npos);
}

TEST(TerraformStateTest, MissingTypeOrNameNamesTheResourcePath) {
  auto no_type = Parse(
      "{\"version\": 4, \"resources\": [\n"
      "  {\"mode\": \"managed\", \"type\": \"a\", \"name\": \"b\", \"instances\": []},\n"
      "  {\"module\": \"module.vpc\", \"mode\": \"managed\", \"name\": \"b\"}\n"
      "]}",
      "m.tfstate");
  ASSERT_FALSE(no_type.ok());
  EXPECT_EQ(no_type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(no_type.status().message(),
            "m.tfstate:3:3: resources[1] in module.vpc: resource has no `type`");

  auto no_name = Parse(R"({"format_version": "1.0", "values": {"root_module": {
    "child_modules": [{"address": "module.a", "resources": [{"type": "aws_s3_bucket"}]}]}}})",
                       "s.json");
  ASSERT_FALSE(no_name.ok());
  EXPECT_NE(no_name.status().message().find(
                "values.root_module.child_modules[0].resources[0]: resource has no `name`"),
            std::string::npos)
      << no_name.status();

  // A semantic error does not hide a version error later in the file.
  auto later_version = Parse(R"({"resources": [{"name": "b"}], "version": 5})");
  EXPECT_EQ(later_version.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(TerraformStateTest, WrongShapesNameTheJsonPath) {
  auto state = Parse(R"({"version": 4, "resources": [{"type": "a", "name": "b",
    "instances": [{"index_key": [1]}]}]})");
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("resources[0].instances[0].index_key"),
            std::string::npos)
      << state.status();
}

TEST(TerraformStateTest, MissingFileIsNotFound) {
  auto state = ParseTerraformState(InputSource::FromFile("/nonexistent/terraform.tfstate"));
  EXPECT_EQ(state.status().code(), absl::StatusCode::kNotFound);
}

// --- the keep-list --------------------------------------------------------------------------

TEST(TerraformStateTest, PasswordsAreNeverKept) {
  EXPECT_TRUE(LooksSecret("master_password"));
  EXPECT_FALSE(IsKeptAttribute("master_password"));
}

TEST(TerraformStateTest, LooksSecretNamesKeyMaterialAndCredentials) {
  for (std::string_view key :
       {"password", "db_password", "DB-Password", "secret", "client_secret", "auth_token",
        "private_key", "private_key_pem", "access_key", "secret_key", "api_key", "apiKey",
        "key_material", "primary_connection_string", "credentials", "kubeconfig",
        "kube_config_raw", "kube_config.0.client_key", "tags.api_token", "certificate_pfx",
        "sas_token", "master_key", "tls_key", "ssh_key"}) {
    EXPECT_TRUE(LooksSecret(key)) << key;
    EXPECT_FALSE(IsKeptAttribute(key)) << key;
  }
  for (std::string_view key : {"id", "arn", "name", "key", "config.key", "kms_key_id",
                               "hash_key", "endpoint", "tags.team", "private_ip"}) {
    EXPECT_FALSE(LooksSecret(key)) << key;
  }
}

TEST(TerraformStateTest, IsKeptAttributeKeepsIdentityAndPlacementOnly) {
  for (std::string_view key :
       {"id", "arn", "name", "endpoint", "address", "hostname", "dns_name", "port",
        "availability_zone", "region", "location", "zone", "subnet_id", "subnet_ids.0",
        "vpc_id", "vpc_security_group_ids.1", "cluster_name", "cluster_identifier",
        "node_group_name", "engine", "instance_class", "instance_type", "multi_az",
        "tags.team", "tags_all.Name", "labels.app", "metadata.0.labels.app", "metadata.0.name",
        "metadata.0.namespace", "function_name", "queue_url", "bucket", "replicas",
        "spec.0.template.0.spec.0.container.0.image", "backend", "workspace", "config.bucket",
        "config.workspaces.name", "private_ip", "network_interface.0.subnet_id"}) {
    EXPECT_TRUE(IsKeptAttribute(key)) << key;
  }
  for (std::string_view key :
       {"", "user_data", "username", "master_username", "description", "policy",
        "outputs.vpc_id", "environment.0.variables.DB_HOST", "data.url", "tags",
        "annotations.name", "root_block_device.0.volume_size", "timeouts.create",
        "container_definitions", "private_key_pem", "body"}) {
    EXPECT_FALSE(IsKeptAttribute(key)) << key;
  }
}

}  // namespace
}  // namespace faultline
