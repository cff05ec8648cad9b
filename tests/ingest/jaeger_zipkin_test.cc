// Tests of the Jaeger and Zipkin v2 JSON trace parsers: the canonical fixtures, the
// agreement of the three JSON formats, each format's layouts and semantics (Jaeger
// references and processes, Zipkin endpoints and shared spans), rejected spans and
// malformed input, always with every span accounted for.
#include <random>
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

using ParseFn = absl::Status (*)(std::string_view, ParseContext&, SpanSink&);

void Parse(ParseFn fn, std::string_view bytes, Parsed* out, std::string_view name = "t.json") {
  ParseContext ctx(name, &out->report, 100);
  out->status = fn(bytes, ctx, out->sink);
  ExpectAccounted(out->report, out->sink);
}
void Jaeger(std::string_view bytes, Parsed* out, std::string_view name = "jaeger.json") {
  Parse(internal::ParseJaegerJson, bytes, out, name);
}
void Zipkin(std::string_view bytes, Parsed* out, std::string_view name = "zipkin.json") {
  Parse(internal::ParseZipkinJson, bytes, out, name);
}


constexpr const char* kTrace = "5b8efff798038103d269b633813fc60c";

// ---------------------------------------------------------------------------------------
// The canonical trace

TEST(JaegerJsonTest, CanonicalFixtureParsesToTheCanonicalSpans) {
  Parsed p;
  Jaeger(ReadTraceFixture("canonical.jaeger.json"), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_TRUE(p.report.errors.empty());
  EXPECT_EQ(p.sink.resources().size(), 3u);  // one per process
  EXPECT_EQ(RenderSpans(p.sink.Sorted()), RenderSpans(CanonicalSpans()));
}

TEST(ZipkinJsonTest, CanonicalFixtureParsesToTheCanonicalSpans) {
  Parsed p;
  Zipkin(ReadTraceFixture("canonical.zipkin.json"), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_TRUE(p.report.errors.empty());
  EXPECT_EQ(p.sink.resources().size(), 3u);  // one per service
  EXPECT_EQ(RenderSpans(p.sink.Sorted()), RenderSpans(CanonicalSpans()));
}

TEST(JsonTraceFormatsTest, AllThreeFixturesGiveTheSameSpans) {
  Parsed otlp, jaeger, zipkin;
  Parse(internal::ParseOtlpJson, ReadTraceFixture("canonical.otlp.json"), &otlp);
  Jaeger(ReadTraceFixture("canonical.jaeger.json"), &jaeger);
  Zipkin(ReadTraceFixture("canonical.zipkin.json"), &zipkin);
  ASSERT_OK(otlp.status);
  ASSERT_OK(jaeger.status);
  ASSERT_OK(zipkin.status);
  // No exception: Zipkin carries the resource attributes as tags, as the OpenTelemetry
  // Zipkin exporter writes them. (The RecordedSpan fields that no JSON format can leave out
  // are all compared; only span links are absent from every canonical fixture.)
  EXPECT_EQ(RenderSpans(otlp.sink.Sorted()), RenderSpans(jaeger.sink.Sorted()));
  EXPECT_EQ(RenderSpans(otlp.sink.Sorted()), RenderSpans(zipkin.sink.Sorted()));
}

TEST(JsonTraceFormatsTest, RandomMutationsNeverCrashAndAccountForEverySpan) {
  struct Format {
    ParseFn parse;
    const char* fixture;
  };
  const std::string bytes = "{}[]:,\"\\0123456789abcdef-.etn \n\x01\xff";
  std::mt19937 rng(42);
  for (const Format& f : {Format{internal::ParseOtlpJson, "canonical.otlp.json"},
                          Format{internal::ParseJaegerJson, "canonical.jaeger.json"},
                          Format{internal::ParseZipkinJson, "canonical.zipkin.json"}}) {
    const std::string doc = ReadTraceFixture(f.fixture);
    for (int i = 0; i < 400; ++i) {
      std::string mutated = doc;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % mutated.size();
        switch (rng() % 3) {
          case 0: mutated[at] = bytes[rng() % bytes.size()]; break;
          case 1: mutated.erase(at, 1 + rng() % 8); break;
          default: mutated.insert(at, 1, bytes[rng() % bytes.size()]); break;
        }
        if (mutated.empty()) mutated = "x";
      }
      Parsed p;
      Parse(f.parse, mutated, &p);  // checks the accounting
      EXPECT_LE(p.report.spans_accepted, 8u) << f.fixture;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Jaeger

std::string JaegerSpan(std::string_view span_id, std::string_view extra = "") {
  return "{\"traceID\":\"" + std::string(kTrace) + "\",\"spanID\":\"" + std::string(span_id) +
         "\",\"operationName\":\"op\",\"startTime\":1700000000000000,\"duration\":1000,"
         "\"processID\":\"p1\"" +
         (extra.empty() ? "" : "," + std::string(extra)) + "}";
}

std::string JaegerTrace(const std::vector<std::string>& spans) {
  std::string out = "{\"traceID\":\"" + std::string(kTrace) + "\",\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) out += (i ? "," : "") + spans[i];
  return out + "],\"processes\":{\"p1\":{\"serviceName\":\"svc\",\"tags\":[]}}}";
}

TEST(JaegerJsonTest, AcceptsATraceObjectAnArrayOfTracesAndLines) {
  const std::string trace = JaegerTrace({JaegerSpan("01"), JaegerSpan("02")});
  for (const std::string& text :
       {trace, "[" + trace + "," + trace + "]", trace + "\n" + trace + "\n",
        "{\"data\":[" + trace + "],\"errors\":null}", "{\"errors\":null,\"data\":[" + trace + "]}"}) {
    Parsed p;
    Jaeger(text, &p);
    ASSERT_OK(p.status) << "for " << text;
    EXPECT_GE(p.report.spans_accepted, 2u);
    EXPECT_EQ(p.sink.resources().size(), 1u);  // the same process in every trace: one resource
    EXPECT_EQ(p.sink.spans()[0].resource.service, "svc");
    EXPECT_EQ(p.sink.spans()[0].end_ns - p.sink.spans()[0].start_ns, 1000000);
  }
  Parsed empty;
  Jaeger("{\"data\":[],\"total\":0}", &empty);
  EXPECT_OK(empty.status);
  EXPECT_EQ(empty.report.spans_read, 0u);
}

TEST(JaegerJsonTest, ReferencesGiveTheParentAndLinks) {
  const std::string other = "00000000000000000000000000000abc";
  const std::string text = JaegerTrace({
      // FOLLOWS_FROM within the trace is the parent when there is no CHILD_OF; the one to
      // another trace is a link.
      JaegerSpan("01", R"("references":[{"refType":"FOLLOWS_FROM","traceID":")" + other +
                           R"(","spanID":"0a"},{"refType":"FOLLOWS_FROM","traceID":")" + kTrace +
                           R"(","spanID":"0b"}])"),
      // CHILD_OF wins over an earlier FOLLOWS_FROM, which becomes a link.
      JaegerSpan("02", R"("references":[{"refType":"FOLLOWS_FROM","traceID":")" +
                           std::string(kTrace) + R"(","spanID":"0c"},{"refType":"CHILD_OF","traceID":")" +
                           kTrace + R"(","spanID":"0d"}])"),
      // Only a FOLLOWS_FROM to another trace: a root with a link.
      JaegerSpan("03", R"("references":[{"refType":"FOLLOWS_FROM","traceID":")" + other +
                           R"(","spanID":"0e"}])"),
  });
  Parsed p;
  Jaeger(text, &p);
  ASSERT_OK(p.status);
  const std::vector<RecordedSpan> spans = p.sink.Sorted();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].parent_span_id, 0x0bu);
  ASSERT_EQ(spans[0].links.size(), 1u);
  EXPECT_EQ(spans[0].links[0].first, (TraceId{0, 0xabc}));
  EXPECT_EQ(spans[0].links[0].second, 0x0au);
  EXPECT_EQ(spans[1].parent_span_id, 0x0du);
  ASSERT_EQ(spans[1].links.size(), 1u);
  EXPECT_EQ(spans[1].links[0].second, 0x0cu);
  EXPECT_EQ(spans[2].parent_span_id, 0u);
  EXPECT_EQ(spans[2].links.size(), 1u);
}

TEST(JaegerJsonTest, TagsOfEveryValueTypeAndInlineProcesses) {
  const std::string text = JaegerTrace({JaegerSpan(
      "01", R"("processID":"none","process":{"serviceName":"inline","tags":[{"key":"hostname","type":"string","value":"h1"}]},
      "tags":[{"key":"span.kind","type":"string","value":"client"},
              {"key":"net.peer.port","type":"int64","value":"6379"},
              {"key":"http.status_code","type":"int64","value":502},
              {"key":"error","type":"bool","value":false},
              {"key":"peer.service","type":"string","value":"redis"},
              {"key":"db.system","type":"string","value":"redis"},
              {"value":"orders","key":"db.name","type":"string"},
              {"key":"weird","type":"binary","value":{"x":1}}],
      "logs":[{"timestamp":1,"fields":[{"key":"event","value":"x"}]}])")});
  Parsed p;
  Jaeger(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_EQ(s.kind, SpanKind::kClient);
  EXPECT_EQ(s.server_port, 6379);
  EXPECT_TRUE(s.failed);  // HTTP 502, although error=false
  EXPECT_EQ(s.peer_service, "redis");
  EXPECT_EQ(s.db_system, "redis");
  EXPECT_EQ(s.db_namespace, "orders");
  EXPECT_EQ(s.resource.service, "inline");
  EXPECT_EQ(s.resource.host, "h1");
}

TEST(JaegerJsonTest, RejectsBadSpansAndKeepsTheRest) {
  const std::string text = JaegerTrace({
      JaegerSpan("01"),
      R"({"spanID":"02","startTime":1,"duration":1,"processID":"p1","traceID":""})",
      JaegerSpan("", ""),
      JaegerSpan("zz"),
      JaegerSpan("05", R"("processID":"p9")"),
      JaegerSpan("06", R"("startTime":-5)"),
      JaegerSpan("07", R"("startTime":99999999999999999)"),
      JaegerSpan("08", R"("duration":-1)"),
      JaegerSpan("09", R"("startTime":"soon")"),
      "[]",
      JaegerSpan("0b"),
  });
  Parsed p;
  Jaeger(text, &p, "bad.jaeger.json");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 11u);
  EXPECT_EQ(p.report.spans_accepted, 3u);  // 01, 0b, and 02 (the trace's id stands in)
  EXPECT_EQ(p.report.rejected.at("missing span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("unknown process"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad timestamp"), 3u);
  EXPECT_EQ(p.report.rejected.at("bad duration"), 1u);
  EXPECT_EQ(p.report.rejected.at("span is not an object"), 1u);
  ASSERT_FALSE(p.report.errors.empty());
  EXPECT_EQ(p.report.errors[0].find("bad.jaeger.json: line 1, column "), 0u) << p.report.errors[0];
}

TEST(JaegerJsonTest, MalformedInputIsInvalidArgument) {
  const std::string trace = JaegerTrace({JaegerSpan("01")});
  struct Case {
    std::string text;
    std::string message_start;
  };
  for (const Case& c : std::vector<Case>{
           {"not json", "j.json:1:1: malformed JSON"},
           {"42", "j.json:1:1: unexpected JSON: expected a Jaeger trace"},
           {"{\"foo\": 1}", "j.json:1:1: unexpected JSON: expected a Jaeger trace"},
           {"{\"data\": 5}", "j.json:1:10: unexpected JSON: expected an array of Jaeger traces"},
           {trace.substr(0, trace.size() - 5), "j.json:1:"},
           {"{\"data\":[" + std::string(100000, '[') + "]}", "j.json:1:"}}) {
    Parsed p;
    Jaeger(c.text, &p, "j.json");
    EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument) << c.text.substr(0, 40);
    EXPECT_EQ(std::string(p.status.message()).find(c.message_start), 0u) << p.status;
  }
}

TEST(JaegerJsonTest, JsonLinesWithOneBrokenLineCountItAndKeepTheRest) {
  const std::string trace = JaegerTrace({JaegerSpan("01"), JaegerSpan("02")});
  Parsed p;
  Jaeger(trace + "\n" + trace.substr(0, 100) + "\n" + trace + "\n", &p, "lines.json");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 4u);
  EXPECT_EQ(p.report.rejected.at("malformed JSON line"), 1u);
  EXPECT_EQ(p.report.errors[0].find("lines.json: line 2, column 101"), 0u) << p.report.errors[0];
}

TEST(JaegerJsonTest, EveryTruncationFailsCleanly) {
  const std::string doc = ReadTraceFixture("canonical.jaeger.json");
  const std::size_t size = doc.find_last_not_of('\n') + 1;  // without the final newline
  for (std::size_t n = 0; n < size; n += 11) {
    Parsed p;
    Jaeger(std::string_view(doc).substr(0, n), &p);
    if (n > 0) EXPECT_FALSE(p.status.ok()) << n;
    EXPECT_LE(p.report.spans_accepted, 7u);
  }
}

// ---------------------------------------------------------------------------------------
// Zipkin

std::string ZipkinSpan(std::string_view id, std::string_view extra = "",
                       std::string_view trace = kTrace) {
  return "{\"traceId\":\"" + std::string(trace) + "\",\"id\":\"" + std::string(id) +
         "\",\"name\":\"op\",\"timestamp\":1700000000000000,\"duration\":250,"
         "\"localEndpoint\":{\"serviceName\":\"svc\"}" +
         (extra.empty() ? "" : "," + std::string(extra)) + "}";
}

TEST(ZipkinJsonTest, AcceptsOneSpanPerLineAndArraysPerLine) {
  const std::string text = ZipkinSpan("01") + "\n\n" + ZipkinSpan("02") + "\n[" +
                           ZipkinSpan("03") + "," + ZipkinSpan("04") + "]\n";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 4u);
  EXPECT_EQ(p.sink.resources().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].end_ns - p.sink.spans()[0].start_ns, 250000);
}

TEST(ZipkinJsonTest, Accepts64BitTraceIdsAndMissingDurations) {
  const std::string text =
      "[" + ZipkinSpan("01", "", "d269b633813fc60c") + "," +
      R"({"traceId":"D269B633813FC60C","id":"02","parentId":"01","timestamp":5,"localEndpoint":{"serviceName":"s"}})" +
      "]";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 2u);
  EXPECT_EQ(p.sink.spans()[0].trace_id, (TraceId{0, 0xd269b633813fc60c}));
  EXPECT_EQ(p.sink.spans()[1].trace_id, (TraceId{0, 0xd269b633813fc60c}));
  EXPECT_EQ(p.sink.spans()[1].parent_span_id, 1u);
  EXPECT_EQ(p.sink.spans()[1].start_ns, p.sink.spans()[1].end_ns);
}

TEST(ZipkinJsonTest, ResourceTagsBuildTheResourceAndPlainSpansGetTheServiceOnly) {
  const std::string text =
      "[" + ZipkinSpan("01") + "," +
      ZipkinSpan("02", R"("tags":{"k8s.pod.name":"svc-7d9f8c6b5d-abcde","http.status_code":"404"})") +
      "," + ZipkinSpan("03", R"("tags":{"k8s.pod.name":"svc-7d9f8c6b5d-abcde"})") + "]";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 3u);
  ResourceInfo plain;
  plain.service = "svc";
  EXPECT_TRUE(p.sink.spans()[0].resource == plain);
  EXPECT_EQ(p.sink.spans()[1].resource.pod, "svc-7d9f8c6b5d-abcde");
  EXPECT_EQ(p.sink.spans()[1].resource.deployment, "svc");
  EXPECT_EQ(p.sink.spans()[1].resource.service, "svc");
  EXPECT_EQ(p.sink.resources().size(), 2u);  // the pod's resource registered once
}

TEST(ZipkinJsonTest, RemoteEndpointNamesThePeerOfClientAndProducerSpans) {
  const std::string text =
      "[" +
      ZipkinSpan("01", R"("kind":"CLIENT","remoteEndpoint":{"serviceName":"mysql","ipv4":"10.1.2.3","port":3306})") +
      "," +
      ZipkinSpan("02", R"("kind":"PRODUCER","remoteEndpoint":{"ipv6":"::1","port":9092},"tags":{"peer.service":"kafka"})") +
      "," + ZipkinSpan("03", R"("kind":"SERVER","remoteEndpoint":{"serviceName":"caller","ipv4":"10.0.0.9"})") +
      "]";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  const std::vector<RecordedSpan> spans = p.sink.Sorted();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].peer_service, "mysql");
  EXPECT_EQ(spans[0].server_address, "10.1.2.3");
  EXPECT_EQ(spans[0].server_port, 3306);
  EXPECT_EQ(spans[1].kind, SpanKind::kProducer);
  EXPECT_EQ(spans[1].peer_service, "kafka");  // the tag wins
  EXPECT_EQ(spans[1].server_address, "::1");
  EXPECT_EQ(spans[1].server_port, 9092);
  EXPECT_EQ(spans[2].peer_service, "");  // a server's remote endpoint is its caller
  EXPECT_EQ(spans[2].server_address, "");
}

TEST(ZipkinJsonTest, SharedServerSpanGetsASyntheticIdUnderItsClient) {
  // Client (frontend) and server (checkout) share id 0b; the server's child (checkout)
  // names 0b as parent and belongs under the server side.
  const std::string text =
      std::string("[") + R"({"traceId":"0a","id":"0b","parentId":"01","kind":"CLIENT","name":"call","timestamp":10,"duration":5,"localEndpoint":{"serviceName":"frontend"}},)" +
      R"({"traceId":"0a","id":"0c","parentId":"0b","kind":"CLIENT","name":"db","timestamp":12,"duration":1,"localEndpoint":{"serviceName":"checkout"}},)" +
      R"({"traceId":"0a","id":"0b","parentId":"01","kind":"SERVER","shared":true,"name":"call","timestamp":11,"duration":3,"localEndpoint":{"serviceName":"checkout"}}])";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 3u);
  constexpr std::uint64_t kSynthetic = 0x0bULL ^ 0x9E3779B97F4A7C15ULL;
  const RecordedSpan& client = p.sink.spans()[0];
  const RecordedSpan& child = p.sink.spans()[1];
  const RecordedSpan& server = p.sink.spans()[2];
  EXPECT_EQ(client.span_id, 0x0bu);
  EXPECT_EQ(client.parent_span_id, 0x01u);
  EXPECT_EQ(server.span_id, kSynthetic);
  EXPECT_EQ(server.parent_span_id, 0x0bu);
  EXPECT_EQ(server.kind, SpanKind::kServer);
  EXPECT_EQ(child.parent_span_id, kSynthetic);
}

TEST(ZipkinJsonTest, RejectsBadSpansAndKeepsTheRest) {
  const std::string text =
      "[" + ZipkinSpan("01") + "," + ZipkinSpan("02", "", "") + "," + ZipkinSpan("", "") + "," +
      ZipkinSpan("0x") + "," + ZipkinSpan("05", R"("parentId":"nothex")") + "," +
      ZipkinSpan("06", R"("timestamp":-1)") + "," +
      R"({"traceId":"0a","id":"07","name":"no time"})" + "," +
      ZipkinSpan("08", R"("timestamp":9223372036854775807)") + "," +
      ZipkinSpan("09", R"("duration":-3)") + "," + ZipkinSpan("0a", R"("tags":[1])") + "," +
      "17," + ZipkinSpan("0c") + "]";
  Parsed p;
  Zipkin(text, &p, "bad.zipkin.json");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 12u);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  EXPECT_EQ(p.report.rejected.at("missing trace id"), 1u);
  EXPECT_EQ(p.report.rejected.at("missing span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad parent span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad timestamp"), 2u);
  EXPECT_EQ(p.report.rejected.at("missing timestamp"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad duration"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad tags"), 1u);
  EXPECT_EQ(p.report.rejected.at("span is not an object"), 1u);
  EXPECT_EQ(p.report.errors[0].find("bad.zipkin.json: line 1, column "), 0u);
}

TEST(ZipkinJsonTest, EscapesAndUnicodeInNamesAndTags) {
  const std::string text =
      "[" + ZipkinSpan("01", R"("name":"caf\u00e9 \"x\"","tags":{"db.system":"my\u0073ql","error":""})") + "]";
  Parsed p;
  Zipkin(text, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].name, "caf\xC3\xA9 \"x\"");
  EXPECT_EQ(p.sink.spans()[0].db_system, "mysql");
  EXPECT_FALSE(p.sink.spans()[0].failed);  // an empty error tag is not an error
}

TEST(ZipkinJsonTest, MalformedInputIsInvalidArgument) {
  const std::string doc = ReadTraceFixture("canonical.zipkin.json");
  for (const std::string& text :
       {std::string("<html>"), std::string("42"), std::string("\"span\""),
        doc.substr(0, doc.size() / 2), std::string(100000, '['),
        std::string("[{\"traceId\": \"0a\", \"id\": \"01\"}, {\"shared\": tru}]")}) {
    Parsed p;
    Zipkin(text, &p, "z.json");
    EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument) << text.substr(0, 40);
    EXPECT_EQ(std::string(p.status.message()).find("z.json:"), 0u) << p.status;
  }
}

TEST(ZipkinJsonTest, JsonLinesWithOneBrokenLineCountItAndKeepTheRest) {
  Parsed p;
  Zipkin(ZipkinSpan("01") + "\n{\"traceId\": \n" + ZipkinSpan("03") + "\n", &p, "z.jsonl");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  EXPECT_EQ(p.report.rejected.at("malformed JSON line"), 1u);
  EXPECT_EQ(p.report.errors[0],
            "z.jsonl: line 2, column 13 (malformed JSON: expected a value, found end of line): "
            "malformed JSON line");
}

TEST(ZipkinJsonTest, EveryTruncationFailsCleanly) {
  const std::string doc = ReadTraceFixture("canonical.zipkin.json");
  const std::size_t size = doc.find_last_not_of('\n') + 1;  // without the final newline
  for (std::size_t n = 0; n < size; n += 5) {
    Parsed p;
    Zipkin(std::string_view(doc).substr(0, n), &p);
    if (n > 0) EXPECT_FALSE(p.status.ok()) << n;
    EXPECT_LE(p.report.spans_accepted, 7u);
  }
}

}  // namespace
}  // namespace faultline
