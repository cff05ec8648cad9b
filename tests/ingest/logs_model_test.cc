// AddLogs(): log records into the model. The same records in every format give the same
// LogStats; entities come from ResolveEntity(); unmapped records stay out; templates are
// interned by their final text; operations named by attributes get their own counts.
#include <array>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "faultline/ingest/logs.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "log_records.h"

namespace faultline {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;
constexpr std::int64_t kSec = 1'000'000'000;

// One entity's log counts with template ids replaced by their texts, comparable across
// models: bucket start -> (severity counts, template text -> count).
struct BucketView {
  std::array<std::uint64_t, kSeverityCount> by_severity;
  std::map<std::string, std::uint64_t> by_template;
  bool operator==(const BucketView& o) const {
    return by_severity == o.by_severity && by_template == o.by_template;
  }
};
using LogView = std::map<std::string, std::map<std::int64_t, BucketView>>;

LogView ViewOf(const Snapshot& s) {
  LogView out;
  for (EntityId e : s.EntitiesWithLogs()) {
    const LogStats* logs = s.EntityLogs(e);
    if (logs == nullptr) continue;
    auto& entity = out[std::string(s.EntityIdString(e))];
    for (const auto& [index, bucket] : logs->buckets()) {
      BucketView v{bucket.by_severity, {}};
      for (const auto& [id, count] : bucket.by_template) {
        v.by_template[std::string(s.LogTemplate(id))] += count;
      }
      entity[logs->BucketStart(index)] = v;
    }
  }
  return out;
}

Snapshot Build(const std::string& bytes, const LogOptions& options = {},
               LogReport* report = nullptr) {
  ModelBuilder builder;
  auto r = AddLogs(builder, InputSource::FromBytes(bytes, "<golden>"), options);
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok() && report != nullptr) *report = *r;
  auto snapshot = builder.Freeze();
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return *std::move(snapshot);
}

TEST(AddLogsGoldenTest, TheSameRecordsInEveryFormatGiveTheSameModel) {
  LogOptions text;
  text.text.regex = testing::kGoldenTextRegex;
  const LogView json = ViewOf(Build(testing::GoldenOtlpJson()));
  EXPECT_EQ(ViewOf(Build(testing::GoldenOtlpProto())), json);
  EXPECT_EQ(ViewOf(Build(testing::GoldenCsv())), json);
  EXPECT_EQ(ViewOf(Build(testing::GoldenText(), text)), json);

  // What it holds: checkout's pod in buckets 0 and 10 s, cart in 10 s and 20 s.
  ASSERT_EQ(json.size(), 2u);
  const auto& checkout = json.at("instance:checkout/checkout-7d9f8b6c5d-abcde");
  ASSERT_EQ(checkout.size(), 2u);
  const BucketView& first = checkout.at(kT0);
  EXPECT_EQ(first.by_severity[static_cast<int>(Severity::kError)], 2u);
  EXPECT_EQ(first.by_severity[static_cast<int>(Severity::kInfo)], 1u);
  EXPECT_EQ(first.by_template, (std::map<std::string, std::uint64_t>{
                                   {"payment <*> failed: card declined", 2},
                                   {"order <*> placed for user <*>", 1}}));
  const auto& cart = json.at("service:cart");
  EXPECT_EQ(cart.at(kT0 + 10 * kSec).by_template,
            (std::map<std::string, std::uint64_t>{
                {"cache miss for key <*>", 1},
                {"slow response from currencyservice after <*> ms", 1}}));
  EXPECT_EQ(cart.at(kT0 + 20 * kSec).by_template,
            (std::map<std::string, std::uint64_t>{{"payment <*> failed: card declined", 1}}));
}

TEST(AddLogsTest, EntitiesJoinTheLogsSubgraphWithTheirServiceAndNode) {
  ModelBuilder builder;
  const std::string slice =
      std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/logs/nezha-2022-08-22-0519-slice.csv";
  auto report = AddLogs(builder, InputSource::FromFile(slice));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->records_accepted, 59u);
  auto snapshot = builder.Freeze();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const Snapshot& s = *snapshot;
  EXPECT_EQ(s.EntitiesWithLogs().size(), 10u);
  auto pod = s.Lookup("instance:cartservice/cartservice-579f59597d-wc2lz");
  ASSERT_TRUE(pod.ok());
  const LogStats* logs = s.EntityLogs(*pod);
  ASSERT_NE(logs, nullptr);
  const LogBucket all = logs->Aggregate(0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(all.total(), 3u);
  EXPECT_EQ(all.by_severity[static_cast<int>(Severity::kUnspecified)], 3u);
  // The service runs on the pod, the pod on its node.
  ASSERT_TRUE(s.Lookup("service:cartservice").ok());
  ASSERT_TRUE(s.Lookup("node:33.33.33.155").ok() || s.Lookup("node:33.33.33.115").ok());
  std::uint64_t total = 0;
  for (EntityId e : s.EntitiesWithLogs()) {
    ASSERT_NE(s.EntityLogs(e), nullptr);
    total += s.EntityLogs(e)->Aggregate(0, std::numeric_limits<std::int64_t>::max()).total();
  }
  EXPECT_EQ(total, 59u);
  bool found = false;
  for (std::size_t i = 0; i < s.subgraph_count(); ++i) {
    const SubgraphInfo info = s.Subgraph(static_cast<SubgraphId>(i));
    if (info.name == "logs/default") {
      EXPECT_EQ(info.kind, "logs");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(AddLogsTest, UnmappedRecordsStayOutOfTheModel) {
  LogReport report;
  const Snapshot s = Build("time,message,color\n1700000000,a,red\n1700000001,b,blue\n", {}, &report);
  EXPECT_EQ(report.rejected.at("unmapped"), 2u);
  EXPECT_EQ(report.unmapped_labels.size(), 2u);
  EXPECT_TRUE(s.EntitiesWithLogs().empty());
}

TEST(AddLogsTest, OnlyTheFinalTemplateTextIsInterned) {
  ModelBuilder builder;
  const std::string csv =
      "time,message,service\n"
      "1700000000,user alice logged in,a\n"
      "1700000001,user bob logged in,a\n";
  ASSERT_TRUE(AddLogs(builder, InputSource::FromBytes(csv)).ok());
  auto s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->log_template_count(), 1u);
  EXPECT_EQ(s->LogTemplate(0), "user <*> logged in");
  ASSERT_TRUE(s->Lookup("service:a").ok());
  const LogStats* logs = s->EntityLogs(*s->Lookup("service:a"));
  ASSERT_NE(logs, nullptr);
  EXPECT_EQ(logs->Aggregate(0, std::numeric_limits<std::int64_t>::max()).TemplateCount(0), 2u);
}

TEST(AddLogsTest, CallsAccumulateAndEqualTextsShareAnId) {
  ModelBuilder builder;
  const std::string a = "time,message,service\n1700000000,payment 1 failed,pay\n";
  const std::string b = "time,message,service\n1700000030,payment 2 failed,pay\n"
                        "1700000031,refund 3 issued,pay\n";
  ASSERT_TRUE(AddLogs(builder, InputSource::FromBytes(a)).ok());
  ASSERT_TRUE(AddLogs(builder, InputSource::FromBytes(b)).ok());
  auto s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->log_template_count(), 2u);
  ASSERT_TRUE(s->Lookup("service:pay").ok());
  const LogStats* logs = s->EntityLogs(*s->Lookup("service:pay"));
  ASSERT_NE(logs, nullptr);
  EXPECT_EQ(logs->buckets().size(), 2u);
  const LogBucket all = logs->Aggregate(0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(all.total(), 3u);
  EXPECT_EQ(s->LogTemplate(0), "payment <*> failed");
  EXPECT_EQ(all.TemplateCount(0), 2u);
}

TEST(AddLogsTest, ARecordNamingItsOperationCountsOnTheOperation) {
  const std::string doc =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},"scopeLogs":[{"logRecords":[)"
      R"({"timeUnixNano":"1700000000000000000","severityNumber":17,"body":{"stringValue":"failed"},"attributes":[{"key":"span.name","value":{"stringValue":"GET /items/123"}}]},)"
      R"({"timeUnixNano":"1700000000000000001","severityNumber":9,"body":{"stringValue":"ok"}}]}]}]})";
  const Snapshot s = Build(doc);
  auto op = s.Lookup("operation:shop/GET /items/{id}");
  ASSERT_TRUE(op.ok()) << op.status();
  ASSERT_NE(s.EntityLogs(*op), nullptr);
  const LogBucket on_op = s.EntityLogs(*op)->Aggregate(0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(on_op.total(), 1u);
  EXPECT_EQ(on_op.AtLeast(Severity::kError), 1u);
  auto shop = s.Lookup("service:shop");
  ASSERT_TRUE(shop.ok());
  ASSERT_NE(s.EntityLogs(*shop), nullptr);
  const LogBucket on_service =
      s.EntityLogs(*shop)->Aggregate(0, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(on_service.total(), 2u);
  bool contains = false;
  for (EdgeIndex e : s.OutEdges(*s.Lookup("service:shop"), EdgeKind::kContains)) {
    contains |= s.Edge(e).target == *op;
  }
  EXPECT_TRUE(contains);
}

TEST(AddLogsTest, AFailingSourceIsNamedAndWhatWasReadStays) {
  ModelBuilder builder;
  const std::vector<InputSource> sources = {
      InputSource::FromBytes("time,message,service\n1700000000,fine,a\n", "good.csv"),
      InputSource::FromBytes("{\"resourceSpans\": []}\n", "spans.json"),
  };
  auto r = AddLogs(builder, sources);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("spans.json"), std::string_view::npos) << r.status();
  auto s = builder.Freeze();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->EntitiesWithLogs().size(), 1u);
  auto missing = AddLogs(builder, InputSource::FromFile("/no/such/file.log"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace faultline
