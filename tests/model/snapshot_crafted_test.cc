// Snapshot::Deserialize() on well-formed files with inconsistent content: payloads a buggy
// writer or a crafted file could hold, with a valid header and checksum. Each must be a
// clear kDataLoss, never a crash or a hang.
#include <cstdint>
#include <string>

#include "faultline/model/snapshot.h"
#include "faultline/v1/snapshot.pb.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

// The file format's framing around `payload` (see lib/model/snapshot_io.cc).
std::string Frame(const std::string& payload) {
  std::string out = "FLSNAP\r\n";
  auto put = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : payload) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  put(Snapshot::kFormatVersion, 4);
  put(payload.size(), 8);
  put(h, 8);
  return out + payload;
}

v1::Snapshot TwoSubgraphs() {
  v1::Snapshot p;
  p.set_bucket_width_ns(10'000'000'000);
  p.add_subgraphs()->set_name("a");
  p.add_subgraphs()->set_name("b");
  return p;
}

absl::Status Load(const v1::Snapshot& p) {
  return Snapshot::Deserialize(Frame(p.SerializeAsString()), "crafted.flsnap").status();
}

TEST(SnapshotCraftedTest, AParentChainLeavingTheSubgraphListIsDataLoss) {
  v1::Snapshot p = TwoSubgraphs();
  p.mutable_subgraphs(0)->set_parent_plus_one(2);     // a's parent is b
  p.mutable_subgraphs(1)->set_parent_plus_one(1000);  // b's parent does not exist
  const absl::Status s = Load(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("crafted.flsnap"), absl::string_view::npos) << s;
}

TEST(SnapshotCraftedTest, ACycleOfParentsIsDataLoss) {
  v1::Snapshot p = TwoSubgraphs();
  p.mutable_subgraphs(0)->set_parent_plus_one(2);
  p.mutable_subgraphs(1)->set_parent_plus_one(1);
  const absl::Status s = Load(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("nested in itself"), absl::string_view::npos) << s;
}

TEST(SnapshotCraftedTest, ADeepValidChainLoads) {
  v1::Snapshot p;
  p.set_bucket_width_ns(10'000'000'000);
  for (int i = 0; i < 2000; ++i) {
    v1::Subgraph* s = p.add_subgraphs();
    s->set_name("s" + std::to_string(i));
    s->set_parent_plus_one(i == 0 ? 0 : i);  // each nested in the previous one
  }
  EXPECT_OK(Load(p));
}

TEST(SnapshotCraftedTest, AnEdgeNamingAMissingEntityIsDataLoss) {
  v1::Snapshot p = TwoSubgraphs();
  v1::Entity* e = p.add_entities();
  e->set_id("service:a");
  p.mutable_subgraphs(0)->add_members(0);
  p.mutable_edges()->add_source(0);
  p.mutable_edges()->add_target(7);
  p.mutable_edges()->add_kind(0);
  p.mutable_edges()->add_subgraph_plus_one(1);
  EXPECT_EQ(Load(p).code(), absl::StatusCode::kDataLoss);
}

TEST(SnapshotCraftedTest, AStatisticsBucketIndexThatWouldOverflowIsDataLoss) {
  v1::Snapshot p = TwoSubgraphs();
  v1::Entity* e = p.add_entities();
  e->set_id("service:a");
  p.mutable_subgraphs(0)->add_members(0);
  v1::WindowedStats* w = p.add_entity_stats();
  w->set_owner(0);
  w->add_buckets()->set_index(INT64_MAX / 2);
  EXPECT_EQ(Load(p).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace faultline
