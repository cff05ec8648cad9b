// Tests of entity and edge kinds: names, parsing, and the propagation table of DESIGN.md.
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "faultline/model/edge.h"
#include "faultline/model/entity.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::HasCode;
using ::faultline::testing::MessageContains;

TEST(EntityKindTest, EveryKindNameRoundTripsThroughParse) {
  std::set<std::string> names;
  for (int i = 0; i < kEntityKindCount; ++i) {
    const auto kind = static_cast<EntityKind>(i);
    const std::string_view name = EntityKindName(kind);
    EXPECT_FALSE(name.empty()) << i;
    names.emplace(name);
    auto parsed = ParseEntityKind(name);
    ASSERT_OK(parsed) << name;
    EXPECT_EQ(*parsed, kind) << name;
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kEntityKindCount));
}

TEST(EntityKindTest, NamesAreLowerSnakeCase) {
  EXPECT_EQ(EntityKindName(EntityKind::kService), "service");
  EXPECT_EQ(EntityKindName(EntityKind::kOperation), "operation");
  EXPECT_EQ(EntityKindName(EntityKind::kDatabase), "database");
  EXPECT_EQ(EntityKindName(EntityKind::kQueue), "queue");
  EXPECT_EQ(EntityKindName(EntityKind::kNode), "node");
  EXPECT_EQ(EntityKindName(EntityKind::kZone), "zone");
  EXPECT_EQ(EntityKindName(EntityKind::kRegion), "region");
  EXPECT_EQ(EntityKindName(EntityKind::kIacResource), "iac_resource");
  EXPECT_EQ(EntityKindName(EntityKind::kIacModule), "iac_module");
  EXPECT_EQ(EntityKindName(EntityKind::kEntryPoint), "entry_point");
  for (int i = 0; i < kEntityKindCount; ++i) {
    for (char c : EntityKindName(static_cast<EntityKind>(i))) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << EntityKindName(static_cast<EntityKind>(i));
    }
  }
}

TEST(EntityKindTest, ParseOfUnknownNameIsInvalidArgumentListingAcceptedKinds) {
  for (std::string_view bad : {"", "servce", "Service ", "iac-resource", "entity"}) {
    auto parsed = ParseEntityKind(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(HasCode(parsed, absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_TRUE(MessageContains(parsed, "service"));
    EXPECT_TRUE(MessageContains(parsed, "entry_point"));
  }
}

TEST(EdgeKindTest, EveryKindNameRoundTripsThroughParse) {
  std::set<std::string> names;
  for (int i = 0; i < kEdgeKindCount; ++i) {
    const auto kind = static_cast<EdgeKind>(i);
    const std::string_view name = EdgeKindName(kind);
    names.emplace(name);
    auto parsed = ParseEdgeKind(name);
    ASSERT_OK(parsed) << name;
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kEdgeKindCount));
}

TEST(EdgeKindTest, NamesMatchTheDesignTable) {
  EXPECT_EQ(EdgeKindName(EdgeKind::kCalls), "calls");
  EXPECT_EQ(EdgeKindName(EdgeKind::kAsync), "async");
  EXPECT_EQ(EdgeKindName(EdgeKind::kUses), "uses");
  EXPECT_EQ(EdgeKindName(EdgeKind::kRunsOn), "runs_on");
  EXPECT_EQ(EdgeKindName(EdgeKind::kDependsOn), "depends_on");
  EXPECT_EQ(EdgeKindName(EdgeKind::kContains), "contains");
}

TEST(EdgeKindTest, ParseOfUnknownNameIsInvalidArgumentListingAcceptedKinds) {
  for (std::string_view bad : {"", "call", "runs-on", "RUNS_ON", "contains "}) {
    auto parsed = ParseEdgeKind(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(HasCode(parsed, absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_TRUE(MessageContains(parsed, "calls"));
    EXPECT_TRUE(MessageContains(parsed, "runs_on"));
  }
}

TEST(PropagationTest, ContainsPropagatesNothing) {
  constexpr Propagation p = PropagationOf(EdgeKind::kContains);
  EXPECT_FALSE(p.errors);
  EXPECT_FALSE(p.latency);
  EXPECT_FALSE(p.backlog);
  EXPECT_FALSE(p.availability);
  EXPECT_FALSE(p.configuration);
  EXPECT_FALSE(p.weighted_by_traffic);
  static_assert(!Propagates(EdgeKind::kContains), "contains is aggregation only");
}

TEST(PropagationTest, RunsOnPropagatesEveryRuntimeFaultUnweighted) {
  constexpr Propagation p = PropagationOf(EdgeKind::kRunsOn);
  EXPECT_TRUE(p.errors);
  EXPECT_TRUE(p.latency);
  EXPECT_TRUE(p.backlog);
  EXPECT_TRUE(p.availability);
  // Everything hosted fails with the host, whatever its share of traffic.
  EXPECT_FALSE(p.weighted_by_traffic);
}

TEST(PropagationTest, AsyncPropagatesBacklogButNotCallerLatencyOrErrors) {
  constexpr Propagation p = PropagationOf(EdgeKind::kAsync);
  EXPECT_FALSE(p.latency);
  EXPECT_FALSE(p.errors);
  EXPECT_TRUE(p.backlog);
  EXPECT_FALSE(p.configuration);
}

TEST(PropagationTest, CallsAndUsesPropagateErrorsAndLatency) {
  for (EdgeKind kind : {EdgeKind::kCalls, EdgeKind::kUses}) {
    const Propagation p = PropagationOf(kind);
    EXPECT_TRUE(p.errors) << EdgeKindName(kind);
    EXPECT_TRUE(p.latency) << EdgeKindName(kind);
    EXPECT_FALSE(p.backlog) << EdgeKindName(kind);
    EXPECT_FALSE(p.configuration) << EdgeKindName(kind);
  }
  EXPECT_TRUE(PropagationOf(EdgeKind::kCalls).weighted_by_traffic);
}

TEST(PropagationTest, DependsOnPropagatesConfigurationAndAvailabilityOnly) {
  constexpr Propagation p = PropagationOf(EdgeKind::kDependsOn);
  EXPECT_TRUE(p.configuration);
  EXPECT_TRUE(p.availability);
  EXPECT_FALSE(p.errors);
  EXPECT_FALSE(p.latency);
  EXPECT_FALSE(p.backlog);
}

TEST(PropagationTest, EveryKindButContainsPropagates) {
  for (int i = 0; i < kEdgeKindCount; ++i) {
    const auto kind = static_cast<EdgeKind>(i);
    EXPECT_EQ(Propagates(kind), kind != EdgeKind::kContains) << EdgeKindName(kind);
  }
}

}  // namespace
}  // namespace faultline
