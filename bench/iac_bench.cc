// bench/iac_bench.cc
//
// Terraform state at scale: a generated raw v4 state with 100,000 resource instances
// (25,000 resources with count = 4 in 50 modules: subnets, instances, databases, Lambda
// functions and security groups; zones, subnet references, tags, Terraform's transitive
// dependency sets, and attributes that must be dropped: user_data and passwords), and:
//   BM_JsonSkipFloor        the JSON reader validating the same bytes (the floor)
//   BM_ParseState           ParseTerraformState() alone (flattening, secret filtering)
//   BM_LoadAndLinkState     ModelBuilder::AddTerraformState() + LinkInfrastructure()
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_state.h"
#include "faultline/model/model_builder.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

constexpr int kResources = 25'000;
constexpr int kCount = 4;

const std::string& StateText() {
  static const auto* text = [] {
    auto* out = new std::string;
    std::string& s = *out;
    s.reserve(200u << 20);
    s += R"({"version": 4, "terraform_version": "1.9.5", "serial": 7, "lineage": "bench",)"
         R"( "outputs": {}, "resources": [)";
    static const char* kTypes[] = {"aws_subnet", "aws_instance", "aws_db_instance",
                                   "aws_lambda_function", "aws_security_group"};
    for (int r = 0; r < kResources; ++r) {
      const char* type = kTypes[r % 5];
      const std::string module = "module.m" + std::to_string(r % 50);
      if (r > 0) s += ',';
      s += R"({"module": ")" + module + R"(", "mode": "managed", "type": ")" + type +
           R"(", "name": "r)" + std::to_string(r) +
           R"(", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "instances": [)";
      for (int k = 0; k < kCount; ++k) {
        const std::string id = "r-" + std::to_string(r) + "-" + std::to_string(k);
        const char zone = static_cast<char>('a' + (r + k) % 3);
        if (k > 0) s += ',';
        s += R"({"index_key": )" + std::to_string(k) +
             R"(, "schema_version": 1, "attributes": {"id": ")" + id +
             R"(", "arn": "arn:aws:ec2:eu-west-1:123456789012:)" + id +
             R"(", "availability_zone": "eu-west-1)" + std::string(1, zone) + R"(")";
        if (r % 5 != 0) {  // everything but subnets sits on a subnet of an earlier resource
          const int subnet = (r / 5) * 5;
          s += R"(, "subnet_id": "r-)" + std::to_string(subnet) + "-" + std::to_string(k) + "\"";
        }
        s += R"(, "tags": {"service": "svc-)" + std::to_string(r % 200) +
             R"(", "team": "t)" + std::to_string(r % 7) + R"("})";
        s += R"(, "user_data": "#!/bin/bash\necho configuring the instance from a long script)"
             R"( that must not be kept", "password": "Bench-Fake-Pa55word!")";
        s += R"(}, "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]])";
        // Terraform records the transitive set: a few earlier resources and theirs.
        s += R"(, "dependencies": [)";
        bool first = true;
        for (int back : {1, 5, 10}) {
          if (r - back < 0) continue;
          const int d = r - back;
          if (!first) s += ',';
          first = false;
          s += "\"module.m" + std::to_string(d % 50) + "." + kTypes[d % 5] + ".r" +
               std::to_string(d) + "\"";
        }
        s += "]}";
      }
      s += "]}";
    }
    s += "]}";
    return out;
  }();
  return *text;
}

void BM_JsonSkipFloor(benchmark::State& state) {
  const std::string& text = StateText();
  internal::JsonReader reader;
  for (auto _ : state) {
    reader.Reset(text);
    if (!reader.Skip()) state.SkipWithError("the JSON reader rejected the state");
  }
  state.SetBytesProcessed(state.iterations() * text.size());
  state.counters["instances"] = kResources * kCount;
}
BENCHMARK(BM_JsonSkipFloor)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseState(benchmark::State& state) {
  const InputSource source = InputSource::FromBytes(StateText(), "bench.tfstate");
  for (auto _ : state) {
    auto parsed = ParseTerraformState(source);
    if (!parsed.ok()) {
      state.SkipWithError(std::string(parsed.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(parsed->resources.size());
  }
  state.SetBytesProcessed(state.iterations() * StateText().size());
  state.counters["instances"] = kResources * kCount;
}
BENCHMARK(BM_ParseState)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LoadAndLinkState(benchmark::State& state) {
  const InputSource source = InputSource::FromBytes(StateText(), "bench.tfstate");
  std::size_t edges = 0;
  for (auto _ : state) {
    // Timed: loading and linking; not: building and destroying the empty builder.
    state.PauseTiming();
    auto builder_storage = std::make_unique<ModelBuilder>();
    ModelBuilder& builder = *builder_storage;
    state.ResumeTiming();
    auto report = AddTerraformState(builder, source);
    if (!report.ok() || report->instances != static_cast<std::size_t>(kResources * kCount)) {
      state.SkipWithError(report.ok() ? "instance count differs"
                                      : std::string(report.status().message()).c_str());
      return;
    }
    LinkInfrastructure(builder);
    edges = builder.edge_count();
    state.PauseTiming();
    builder_storage.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * StateText().size());
  state.counters["instances"] = kResources * kCount;
  state.counters["edges"] = static_cast<double>(edges);
}
BENCHMARK(BM_LoadAndLinkState)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace faultline

BENCHMARK_MAIN();
