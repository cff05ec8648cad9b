// AddTraces() over several sources: one stream, so traces split across files pair whole.
#include <string>
#include <vector>

#include "faultline/ingest/trace_ingestor.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

// One OTLP/JSON document holding one span of `service` in trace 0af7...31.
std::string OneSpan(const std::string& service, const std::string& span_id,
                    const std::string& parent_id, int kind) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
         service + R"("}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c803191","spanId":")" +
         span_id + R"(",)" + (parent_id.empty() ? "" : R"("parentSpanId":")" + parent_id + R"(",)") +
         R"("name":"GET /x","kind":)" + std::to_string(kind) +
         R"(,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000002000000"}]}]}]})";
}

bool HasEdge(const Snapshot& s, std::string_view from, std::string_view to, EdgeKind kind) {
  auto f = s.Find(from);
  auto t = s.Find(to);
  if (!f || !t) return false;
  for (EntityId n : s.OutNeighbors(*f, kind)) {
    if (n == *t) return true;
  }
  return false;
}

TEST(AddTracesTest, ATraceSplitAcrossSourcesIsPairedWhole) {
  // The frontend's client span is in the first file, checkout's server span in the second.
  const std::vector<InputSource> sources = {
      InputSource::FromBytes(OneSpan("frontend", "b7ad6b7169203331", "", 3), "a.json"),
      InputSource::FromBytes(OneSpan("checkout", "b7ad6b7169203332", "b7ad6b7169203331", 2),
                             "b.json")};
  ModelBuilder builder;
  auto batch = AddTraces(builder, sources);
  ASSERT_OK(batch);
  ASSERT_EQ(batch->files.size(), 2u);
  EXPECT_EQ(batch->files[0].source, "a.json");
  EXPECT_EQ(batch->files[1].source, "b.json");
  EXPECT_EQ(batch->files[0].spans_accepted, 1u);
  EXPECT_EQ(batch->files[1].spans_accepted, 1u);
  EXPECT_EQ(batch->summary.traces, 1u);
  EXPECT_EQ(batch->summary.paired_calls, 1u);
  auto snapshot = builder.Freeze();
  ASSERT_OK(snapshot);
  EXPECT_TRUE(HasEdge(*snapshot, "service:frontend", "service:checkout", EdgeKind::kCalls));

  // The same spans through two single-source calls cannot pair: each call ends its stream.
  ModelBuilder apart;
  ASSERT_OK(AddTraces(apart, sources[0]));
  ASSERT_OK(AddTraces(apart, sources[1]));
  auto apart_snapshot = apart.Freeze();
  ASSERT_OK(apart_snapshot);
  EXPECT_FALSE(
      HasEdge(*apart_snapshot, "service:frontend", "service:checkout", EdgeKind::kCalls));
}

TEST(AddTracesTest, AFailingSourceIsNamedAndWhatWasReadBeforeStays) {
  const std::vector<InputSource> sources = {
      InputSource::FromBytes(OneSpan("frontend", "b7ad6b7169203331", "", 2), "good.json"),
      InputSource::FromFile(std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/no-such.json")};
  ModelBuilder builder;
  auto batch = AddTraces(builder, sources);
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(batch.status().message().find("no-such.json"), std::string_view::npos)
      << batch.status();
  EXPECT_TRUE(builder.FindEntity("service:frontend").has_value());
}

TEST(AddTracesTest, NoSourcesIsAnEmptyReport) {
  ModelBuilder builder;
  auto batch = AddTraces(builder, std::vector<InputSource>{});
  ASSERT_OK(batch);
  EXPECT_TRUE(batch->files.empty());
  EXPECT_EQ(batch->summary.spans, 0u);
}

}  // namespace
}  // namespace faultline
