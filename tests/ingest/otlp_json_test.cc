// Tests of the OTLP/JSON trace parser: the canonical fixture as one document and as JSON
// Lines, the accepted variants (snake_case keys, enum names, numbers for 64-bit integers,
// the old instrumentationLibrarySpans, keys in any order), rejected spans with their
// reasons, malformed input, and arbitrary truncation, always with every span accounted for.
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "ingest/canonical_trace.h"
#include "ingest/recording_sink.h"
#include "ingest/trace_parsers.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using internal::ParseContext;
using internal::ParseOtlpJson;
using testing::CanonicalSpans;
using testing::ExpectAccounted;
using testing::ReadTraceFixture;
using testing::RecordedSpan;
using testing::RecordingSink;
using testing::RenderSpans;

struct Parsed {
  absl::Status status;
  TraceReport report;
  RecordingSink sink;
};

void Parse(std::string_view bytes, Parsed* out, std::string_view name = "test.json") {
  ParseContext ctx(name, &out->report, 100);
  out->status = ParseOtlpJson(bytes, ctx, out->sink);
  ExpectAccounted(out->report, out->sink);
}

constexpr const char* kTrace = "5b8efff798038103d269b633813fc60c";

// One span object with the given id fields and `extra` members.
std::string SpanJson(std::string_view span_id, std::string_view extra = "",
                     std::string_view trace_id = kTrace) {
  return "{\"traceId\":\"" + std::string(trace_id) + "\",\"spanId\":\"" + std::string(span_id) +
         "\",\"name\":\"op\",\"kind\":2,\"startTimeUnixNano\":\"1700000000000000000\","
         "\"endTimeUnixNano\":\"1700000000001000000\"" +
         (extra.empty() ? "" : "," + std::string(extra)) + "}";
}

// A TracesData line holding `spans` for service `service`.
std::string Line(const std::vector<std::string>& spans, std::string_view service = "svc") {
  std::string out =
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
      "\"value\":{\"stringValue\":\"" +
      std::string(service) + "\"}}]},\"scopeSpans\":[{\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) out += (i ? "," : "") + spans[i];
  return out + "]}]}]}";
}

// The document with every newline removed: one line.
std::string OneLine(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != '\n') out.push_back(c);
  }
  return out;
}

TEST(OtlpJsonTest, CanonicalFixtureParsesToTheCanonicalSpans) {
  Parsed p;
  Parse(ReadTraceFixture("canonical.otlp.json"), &p, "canonical.otlp.json");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_EQ(p.report.rejected_total(), 0u);
  EXPECT_TRUE(p.report.errors.empty());
  EXPECT_EQ(p.sink.resources().size(), 3u);  // one per resource, not per span
  EXPECT_EQ(RenderSpans(p.sink.Sorted()), RenderSpans(CanonicalSpans()));
  for (const RecordedSpan& s : p.sink.Sorted()) {
    EXPECT_TRUE(s.resource == testing::CanonicalResource(s.resource.service)) << s;
  }
}

TEST(OtlpJsonTest, JsonLinesGiveTheSameSpans) {
  const std::string doc = OneLine(ReadTraceFixture("canonical.otlp.json"));
  Parsed once;
  Parse(doc, &once);
  ASSERT_OK(once.status);
  // The same document on two lines, with blank lines and CRLF: every span twice.
  Parsed twice;
  Parse("\n" + doc + "\r\n\n" + doc + "\n", &twice);
  ASSERT_OK(twice.status);
  EXPECT_EQ(twice.report.spans_accepted, 14u);
  std::vector<RecordedSpan> expected;
  for (const RecordedSpan& s : CanonicalSpans()) {
    expected.push_back(s);
    expected.push_back(s);
  }
  EXPECT_EQ(RenderSpans(twice.sink.Sorted()), RenderSpans(expected));
  // Identical resources are registered once.
  EXPECT_EQ(twice.sink.resources().size(), 3u);
}

TEST(OtlpJsonTest, ScopeSpansBeforeTheResourceStillGetTheResource) {
  const std::string text =
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + SpanJson("01") +
      "]}],\"schemaUrl\":\"x\",\"resource\":{\"attributes\":[{\"value\":{\"stringValue\":"
      "\"late\"},\"key\":\"service.name\"}]}}]}";
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].resource.service, "late");
}

TEST(OtlpJsonTest, AcceptsSnakeCaseEnumNamesNumbersAndInstrumentationLibrarySpans) {
  const std::string text = R"({"resource_spans":[{"resource":{"attributes":[
      {"key":"service.name","value":{"string_value":"old"}},
      {"key":"k8s.pod.name","value":{"stringValue":"old-5d8f7c9b6d-x7k2p"}}]},
    "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"x"},"spans":[
      {"trace_id":"5B8EFFF798038103D269B633813FC60C","span_id":"00F067AA0BA902B1",
       "parent_span_id":"00f067aa0ba902b0","name":"q","kind":"SPAN_KIND_CLIENT",
       "start_time_unix_nano":1700000000000000000,"end_time_unix_nano":1700000000002000000,
       "attributes":[{"key":"server.port","value":{"int_value":5432}},
                     {"key":"db.system","value":{"stringValue":"postgresql"}},
                     {"key":"http.status_code","value":{"doubleValue":503.0}},
                     {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"}]}}},
                     {"key":"peer.service","value":{"kvlistValue":{"values":[]}}}],
       "status":{"code":"STATUS_CODE_OK","message":""},
       "events":[{"name":"e","attributes":[]}],"droppedAttributesCount":0,"flags":256}]}]}]})";
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_EQ(s.trace_id, (TraceId{0x5b8efff798038103, 0xd269b633813fc60c}));
  EXPECT_EQ(s.span_id, 0x00f067aa0ba902b1u);
  EXPECT_EQ(s.parent_span_id, 0x00f067aa0ba902b0u);
  EXPECT_EQ(s.kind, SpanKind::kClient);
  EXPECT_EQ(s.start_ns, 1700000000000000000);
  EXPECT_EQ(s.end_ns, 1700000000002000000);
  EXPECT_EQ(s.server_port, 5432);
  EXPECT_EQ(s.db_system, "postgresql");
  EXPECT_TRUE(s.failed);  // HTTP 503 given as a double
  EXPECT_EQ(s.peer_service, "");  // a kvlist is not a peer name
  EXPECT_EQ(s.resource.service, "old");
  EXPECT_EQ(s.resource.deployment, "old");  // from the pod name
}

TEST(OtlpJsonTest, ReadsStatusLinksAndNullFields) {
  const std::string text = Line({SpanJson(
      "02", R"("status":{"code":"STATUS_CODE_ERROR"},"parentSpanId":null,"links":[
      {"traceId":"0000000000000000000000000000abcd","spanId":"00000000000000ff","attributes":[]},
      {"traceId":"","spanId":"01"},{"spanId":"02"}])")});
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_TRUE(s.failed);
  EXPECT_EQ(s.parent_span_id, 0u);
  ASSERT_EQ(s.links.size(), 1u);  // links without both ids are dropped
  EXPECT_EQ(s.links[0].first, (TraceId{0, 0xabcd}));
  EXPECT_EQ(s.links[0].second, 0xffu);
}

TEST(OtlpJsonTest, EscapesAndUnicodeInNamesAreDecoded) {
  const std::string text = Line(
      {R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0a","name":"GET /caf\u00e9 \"q\" \ud83d\ude00\ttab","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"service.peer.name","value":{"stringValue":"p\u00e9er"}},{"key":"db.na\u006de","value":{"stringValue":"d\/b"}}]})"});
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_EQ(s.name, "GET /caf\xC3\xA9 \"q\" \xF0\x9F\x98\x80\ttab");
  EXPECT_EQ(s.peer_service, "p\xC3\xA9" "er");  // escaped values outlive later strings
  EXPECT_EQ(s.db_namespace, "d/b");
}

TEST(OtlpJsonTest, RejectsSpanWithoutTraceIdAndKeepsTheRest) {
  const std::string text = Line({SpanJson("01"), SpanJson("02", "", ""),
                                 R"({"spanId":"03","startTimeUnixNano":"5"})",
                                 SpanJson("", ""), SpanJson("05"),
                                 SpanJson("06", "", "00000000000000000000000000000000")});
  Parsed p;
  Parse(text, &p, "spans.json");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 6u);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  EXPECT_EQ(p.report.rejected.at("missing trace id"), 3u);
  EXPECT_EQ(p.report.rejected.at("missing span id"), 1u);
  ASSERT_FALSE(p.report.errors.empty());
  EXPECT_EQ(p.report.errors[0].find("spans.json: line 1, column "), 0u) << p.report.errors[0];
  EXPECT_NE(p.report.errors[0].find("resourceSpans[0].scopeSpans[0].spans[1]: missing trace id"),
            std::string::npos)
      << p.report.errors[0];
}

TEST(OtlpJsonTest, RejectsInvalidHexIds) {
  const std::string text = Line({SpanJson("0g"), SpanJson("01", "", "xyz"),
                                 SpanJson("00f067aa0ba902b1ff"),
                                 SpanJson("01", "", std::string(33, 'a')),
                                 SpanJson("01", R"("parentSpanId":"zz")"),
                                 SpanJson("01", R"("spanId":7)"), SpanJson("0b")});
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 1u);
  EXPECT_EQ(p.report.rejected.at("bad span id"), 3u);
  EXPECT_EQ(p.report.rejected.at("bad trace id"), 2u);
  EXPECT_EQ(p.report.rejected.at("bad parent span id"), 1u);
}

TEST(OtlpJsonTest, RejectsNegativeAbsurdAndMissingTimestamps) {
  auto span = [](std::string_view start, std::string_view end) {
    return R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"01","startTimeUnixNano":)" +
           std::string(start) + R"(,"endTimeUnixNano":)" + std::string(end) + "}";
  };
  const std::string text =
      Line({span("-5", "\"1\""), span("\"18446744073709551615\"", "\"1\""),
            span("\"1e400\"", "\"1\""), span("\"99999999999999999999999\"", "\"1\""),
            span("1.5", "2"), span("\"abc\"", "\"1\""), span("true", "1"), span("\"1\"", "{}"),
            span("0", "0"), span("\"1700000000000000000\"", "1.7e18")});
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 10u);
  EXPECT_EQ(p.report.spans_accepted, 1u);
  EXPECT_EQ(p.report.rejected.at("bad timestamp"), 8u);
  EXPECT_EQ(p.report.rejected.at("missing timestamp"), 1u);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].end_ns, 1700000000000000000);  // 1.7e18 is integral
}

TEST(OtlpJsonTest, WrongTypesRejectTheSpanNotTheInput) {
  const std::string text = Line({SpanJson("01", R"("name":5)"),
                                 SpanJson("02", R"("kind":"SPAN_KIND_NONSENSE")"),
                                 SpanJson("03", R"("status":"bad")"), R"("not a span")",
                                 SpanJson("05", R"("kind":9)")});
  Parsed p;
  Parse(text, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 5u);
  EXPECT_EQ(p.report.spans_accepted, 1u);
  EXPECT_EQ(p.report.rejected.at("bad name"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad kind"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad status"), 1u);
  EXPECT_EQ(p.report.rejected.at("span is not an object"), 1u);
  EXPECT_EQ(p.sink.spans()[0].kind, SpanKind::kUnspecified);  // unknown enum value
}

TEST(OtlpJsonTest, JsonLinesWithOneBrokenLineCountItAndKeepTheRest) {
  const std::string fixture = ReadTraceFixture("bad/otlp_one_broken_line.jsonl");
  Parsed p;
  Parse(fixture, &p, "broken.jsonl");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 3u);
  EXPECT_EQ(p.report.rejected.at("malformed JSON line"), 1u);
  ASSERT_EQ(p.report.errors.size(), 1u);
  EXPECT_EQ(p.report.errors[0].find("broken.jsonl: line 2, column "), 0u) << p.report.errors[0];
  EXPECT_NE(p.report.errors[0].find("malformed JSON"), std::string::npos);
  std::vector<std::uint64_t> ids;
  for (const RecordedSpan& s : p.sink.Sorted()) ids.push_back(s.span_id);
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 3, 4}));
}

TEST(OtlpJsonTest, NotJsonIsInvalidArgumentWithLineAndColumn) {
  Parsed p;
  Parse("this is not json\nat all\n", &p, "notjson.txt");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(p.status.message()),
            "notjson.txt:1:1: malformed JSON: expected a value, found 't'");
  EXPECT_EQ(p.report.rejected.at("malformed JSON line"), 2u);

  Parsed single;
  Parse("{\n  \"resourceSpans\": [\n    {\"resource\": {}} oops\n  ]\n}\n", &single, "doc.json");
  EXPECT_EQ(single.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(single.status.message()),
            "doc.json:3:22: malformed JSON: expected ',' or ']' in an array, found 'o'");
}

TEST(OtlpJsonTest, TruncatedDocumentIsInvalidArgumentAndKeepsEarlierSpans) {
  const std::string doc = ReadTraceFixture("canonical.otlp.json");
  const std::size_t cut = doc.find("00f067aa0ba902b4");
  ASSERT_NE(cut, std::string::npos);
  Parsed p;
  Parse(doc.substr(0, cut), &p, "cut.json");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(p.status.message()).find("cut.json:"), std::string::npos);
  EXPECT_NE(std::string(p.status.message()).find("found end of input"), std::string::npos)
      << p.status;
  EXPECT_EQ(p.report.spans_accepted, 3u);  // spans before the cut stay passed
}

TEST(OtlpJsonTest, WrongTopLevelShapeIsInvalidArgument) {
  for (const char* text : {"42", "[1, 2]", "\"resourceSpans\"", "null",
                           "{\"resourceSpans\": 5}", "{\"resourceSpans\": [7]}"}) {
    Parsed p;
    Parse(text, &p, "shape.json");
    EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(std::string(p.status.message()).find("shape.json:1:"), 0u) << p.status;
    EXPECT_NE(std::string(p.status.message()).find("expected"), std::string::npos) << p.status;
  }
  // Empty input, an empty object and empty arrays hold no spans and are fine.
  for (const char* text : {"", "{}", "{\"resourceSpans\": []}", "{\"resourceSpans\": null}",
                           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[]}]}]}"}) {
    Parsed p;
    Parse(text, &p);
    EXPECT_OK(p.status) << text;
    EXPECT_EQ(p.report.spans_read, 0u);
  }
}

TEST(OtlpJsonTest, DeepNestingIsRejectedNotRecursed) {
  const std::string deep = "{\"resourceSpans\":[{\"x\":" + std::string(200000, '[') +
                           std::string(200000, ']') + "}]}";
  Parsed p;
  Parse(deep, &p, "deep.json");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(p.status.message()).find("nesting depth"), std::string::npos)
      << p.status;
  // Deep but unknown values within the limit are skipped.
  const std::string ok = Line({SpanJson("01", "\"x\":" + std::string(300, '[') +
                                                  std::string(300, ']'))});
  Parsed q;
  Parse(ok, &q);
  EXPECT_OK(q.status);
  EXPECT_EQ(q.report.spans_accepted, 1u);
}

TEST(OtlpJsonTest, EveryTruncationFailsCleanlyAndAccountsForEverySpan) {
  const std::string doc = OneLine(ReadTraceFixture("canonical.otlp.json"));
  for (std::size_t n = 0; n < doc.size(); n += 7) {
    Parsed p;
    Parse(std::string_view(doc).substr(0, n), &p);
    if (n > 0) EXPECT_FALSE(p.status.ok()) << n;
    EXPECT_LE(p.report.spans_accepted, 7u);
  }
  // The same as JSON Lines: the cut line is counted, the line before it kept.
  for (std::size_t n = 1; n < doc.size(); n += 13) {
    Parsed p;
    Parse(doc + "\n" + doc.substr(0, n), &p);
    EXPECT_OK(p.status) << n;
    EXPECT_EQ(p.report.rejected.at("malformed JSON line"), 1u);
    EXPECT_GE(p.report.spans_accepted, 7u);
  }
}

TEST(OtlpJsonTest, ErrorsNameTheSource) {
  Parsed p;
  Parse("{\"resourceSpans\":[}", &p, "/var/traces/x.json");
  EXPECT_EQ(std::string(p.status.message()),
            "/var/traces/x.json:1:19: malformed JSON: expected a value or ']' in an array, found '}'");
}

}  // namespace
}  // namespace faultline
