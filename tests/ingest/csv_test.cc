// Tests of the CSV trace parser: the canonical fixture, the Nezha and RCAEval presets, and
// malformed input.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/recording_sink.h"
#include "ingest/trace_parsers.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using internal::ParseContext;
using internal::ParseCsv;
using testing::RecordedSpan;
using testing::RecordingSink;

std::string ReadFixture(const std::string& name) {
  const std::string path = std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/traces/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The mapping of canonical.csv (see tests/data/traces/README.md).
CsvMapping CanonicalMapping() {
  CsvMapping m;
  m.kind = "kind";
  m.status = "status";
  m.start_unit = TimeUnit::kNanoseconds;
  m.duration_unit = TimeUnit::kMicroseconds;
  return m;
}

struct Parsed {
  absl::Status status;
  TraceReport report;
  RecordingSink sink;
};

void Parse(std::string_view bytes, const CsvMapping& mapping, Parsed* out,
           std::string_view name = "test.csv") {
  ParseContext ctx(name, &out->report, 100);
  out->status = ParseCsv(bytes, mapping, ctx, out->sink);
}

constexpr std::int64_t kT0 = 1700000000000000000;
constexpr std::int64_t kMs = 1000000;

TEST(CsvTest, CanonicalFixtureParsesToTheCanonicalSpans) {
  Parsed p;
  Parse(ReadFixture("canonical.csv"), CanonicalMapping(), &p, "canonical.csv");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_EQ(p.report.rejected_total(), 0u);

  struct Expected {
    std::uint64_t span, parent;
    const char* service;
    const char* name;
    SpanKind kind;
    std::int64_t start, end;
    bool failed;
  };
  const std::vector<Expected> expected = {
      {0x00f067aa0ba902b1, 0, "frontend", "GET /checkout", SpanKind::kServer, kT0,
       kT0 + 50 * kMs, true},
      {0x00f067aa0ba902b2, 0x00f067aa0ba902b1, "frontend", "PlaceOrder", SpanKind::kClient,
       kT0 + 1 * kMs, kT0 + 45 * kMs, true},
      {0x00f067aa0ba902b3, 0x00f067aa0ba902b2, "checkout", "PlaceOrder", SpanKind::kServer,
       kT0 + 2 * kMs, kT0 + 44 * kMs, true},
      {0x00f067aa0ba902b4, 0x00f067aa0ba902b3, "checkout", "SELECT orders", SpanKind::kClient,
       kT0 + 3 * kMs, kT0 + 40 * kMs, true},
      {0x00f067aa0ba902b5, 0x00f067aa0ba902b3, "checkout", "publish orders",
       SpanKind::kProducer, kT0 + 41 * kMs, kT0 + 42 * kMs, false},
      {0x00f067aa0ba902b6, 0x00f067aa0ba902b5, "shipping", "process orders",
       SpanKind::kConsumer, kT0 + 60 * kMs, kT0 + 70 * kMs, false},
      {0x00f067aa0ba902b7, 0x00f067aa0ba902b6, "shipping", "POST /quote", SpanKind::kClient,
       kT0 + 61 * kMs, kT0 + 66 * kMs, false},
  };
  const std::vector<RecordedSpan> spans = p.sink.Sorted();
  ASSERT_EQ(spans.size(), expected.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    SCOPED_TRACE(spans[i]);
    const Expected& e = expected[i];
    EXPECT_EQ(spans[i].trace_id.hi, 0x5b8efff798038103u);
    EXPECT_EQ(spans[i].trace_id.lo, 0xd269b633813fc60cu);
    EXPECT_EQ(spans[i].span_id, e.span);
    EXPECT_EQ(spans[i].parent_span_id, e.parent);
    EXPECT_EQ(spans[i].resource.service, e.service);
    EXPECT_EQ(spans[i].name, e.name);
    EXPECT_EQ(spans[i].kind, e.kind);
    EXPECT_EQ(spans[i].start_ns, e.start);
    EXPECT_EQ(spans[i].end_ns, e.end);
    EXPECT_EQ(spans[i].failed, e.failed);
  }
}

TEST(CsvTest, AddsOneResourcePerDistinctService) {
  Parsed p;
  Parse(ReadFixture("canonical.csv"), CanonicalMapping(), &p);
  ASSERT_OK(p.status);
  std::vector<std::string> services;
  for (const ResourceInfo& r : p.sink.resources()) services.push_back(r.service);
  EXPECT_EQ(services, (std::vector<std::string>{"frontend", "checkout", "shipping"}));
}

TEST(CsvTest, NezhaSampleParsesWithThePreset) {
  Parsed p;
  const std::string bytes = ReadFixture("nezha_sample.csv");
  Parse(bytes, CsvMapping::Nezha(), &p, "nezha_sample.csv");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 200u);
  EXPECT_EQ(p.report.spans_accepted, 200u);
  EXPECT_EQ(p.report.rejected_total(), 0u);
  ASSERT_EQ(p.sink.spans().size(), 200u);

  // Roots are exactly the rows whose ParentID is "root".
  const std::size_t root_rows = [&] {
    std::size_t n = 0, pos = 0;
    while ((pos = bytes.find(",root,", pos)) != std::string::npos) ++n, ++pos;
    return n;
  }();
  EXPECT_EQ(root_rows, 7u);
  EXPECT_EQ(std::count_if(p.sink.spans().begin(), p.sink.spans().end(),
                          [](const RecordedSpan& s) { return s.parent_span_id == 0; }),
            static_cast<std::ptrdiff_t>(root_rows));

  std::set<std::string> services;
  for (const RecordedSpan& s : p.sink.spans()) services.insert(s.resource.service);
  EXPECT_EQ(services, (std::set<std::string>{"adservice", "cartservice", "currencyservice",
                                             "frontend", "productcatalogservice",
                                             "recommendationservice"}));
  // One resource per pod, with the pod as instance and its Deployment as service.
  ASSERT_EQ(p.sink.resources().size(), 6u);
  for (const ResourceInfo& r : p.sink.resources()) {
    EXPECT_EQ(r.instance, r.pod);
    EXPECT_EQ(r.deployment, r.service);
    EXPECT_EQ(r.pod.rfind(r.service + "-", 0), 0u) << r.pod;
  }

  // First row: 0087f677...,ee744a66e6efcb2e,root,frontend-579b9bff58-t2dbm,
  // hipstershop.Frontend/Recv.,1661140374351773094,1661140374362982609,11209
  const RecordedSpan& first = p.sink.spans().front();
  EXPECT_EQ(first.trace_id.hi, 0x0087f677c0a2cf3fu);
  EXPECT_EQ(first.trace_id.lo, 0x80a551987167911bu);
  EXPECT_EQ(first.span_id, 0xee744a66e6efcb2eu);
  EXPECT_EQ(first.parent_span_id, 0u);
  EXPECT_EQ(first.resource.pod, "frontend-579b9bff58-t2dbm");
  EXPECT_EQ(first.resource.service, "frontend");
  EXPECT_EQ(first.name, "hipstershop.Frontend/Recv.");
  EXPECT_EQ(first.start_ns, 1661140374351773094);
  EXPECT_EQ(first.end_ns, 1661140374362982609);
  // Second row is a child of the first.
  EXPECT_EQ(p.sink.spans()[1].parent_span_id, 0xee744a66e6efcb2eu);
}

TEST(CsvTest, NezhaPresetUsesDurationInMicrosecondsWithoutEndColumn) {
  CsvMapping m = CsvMapping::Nezha();
  const std::string csv =
      "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,Duration\n"
      "aa,bb,root,cartservice-579f59597d-wc2lz,op,1000000000,11209\n";
  Parsed p;
  Parse(csv, m, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].end_ns, 1000000000 + 11209000);
  EXPECT_EQ(p.sink.spans()[0].resource.service, "cartservice");
}

TEST(CsvTest, RcaEvalPresetReadsMicrosecondsAndPairsStringIds) {
  const std::string csv =
      "traceID,spanID,parentSpanID,serviceName,operationName,methodName,startTime,duration\n"
      "4bf92f3577b34da6a3ce929d0e0e4736,00f067aa0ba902b7,,ts-ui-dashboard,GET /api,GET,"
      "1700000000000000,2500\n"
      "4bf92f3577b34da6a3ce929d0e0e4736,a3ce929d0e0e4736,00f067aa0ba902b7,ts-auth-service,"
      "login,POST,1700000000000100,2000\n"
      "trace-one,span/root,,ts-order-service,create,,1700000000001000,1000\n"
      "trace-one,span/child,span/root,ts-order-service,save,,1700000000001500,100.5\n";
  Parsed p;
  Parse(csv, CsvMapping::RcaEval(), &p, "traces.csv");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.rejected_total(), 0u) << ::testing::PrintToString(p.report.errors);
  const auto& s = p.sink.spans();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].parent_span_id, 0u);
  EXPECT_EQ(s[0].resource.service, "ts-ui-dashboard");
  EXPECT_EQ(s[0].name, "GET /api");
  EXPECT_EQ(s[0].start_ns, 1700000000000000000);
  EXPECT_EQ(s[0].end_ns, 1700000000002500000);
  EXPECT_EQ(s[1].parent_span_id, s[0].span_id);
  EXPECT_EQ(s[1].start_ns, 1700000000000100000);
  // Non-hex ids are hashed; the child's parent names the same span.
  EXPECT_FALSE(s[2].trace_id.empty());
  EXPECT_EQ(s[2].trace_id, s[3].trace_id);
  EXPECT_NE(s[2].span_id, 0u);
  EXPECT_EQ(s[2].parent_span_id, 0u);
  EXPECT_EQ(s[3].parent_span_id, s[2].span_id);
  EXPECT_NE(s[3].span_id, s[2].span_id);
  EXPECT_EQ(s[3].end_ns - s[3].start_ns, 100500);
}

TEST(CsvTest, HashedIdsAreStableAcrossParses) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "7f3c2a1e-0000-4abc-9def-1234567890ab,order-42,,svc,op,1,1\n";
  Parsed a, b;
  Parse(csv, CsvMapping(), &a);
  Parse(csv, CsvMapping(), &b);
  ASSERT_EQ(a.sink.spans().size(), 1u);
  ASSERT_EQ(b.sink.spans().size(), 1u);
  EXPECT_EQ(a.sink.spans()[0].trace_id, b.sink.spans()[0].trace_id);
  EXPECT_EQ(a.sink.spans()[0].span_id, b.sink.spans()[0].span_id);
  // 64-bit FNV-1a of "order-42".
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : std::string("order-42")) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  EXPECT_EQ(a.sink.spans()[0].span_id, h);
}

TEST(CsvTest, MissingColumnIsInvalidArgumentNamingTheColumnAndTheHeader) {
  const std::string csv = "trace_id,parent_span_id,service,operation,start,duration\n1,2,s,o,1,1\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p, "spans.csv");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(),
            "spans.csv:1: missing column 'span_id' (header has: trace_id, parent_span_id, "
            "service, operation, start, duration)");
  EXPECT_TRUE(p.sink.spans().empty());
}

TEST(CsvTest, MissingEndAndDurationColumnNamesTheEndColumnWhenMapped) {
  Parsed p;
  Parse("TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano\n",
        CsvMapping::Nezha(), &p, "n.csv");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status.message().find("n.csv:1: missing column 'EndTimeUnixNano'"),
            std::string::npos)
      << p.status;
}

TEST(CsvTest, MappingWithoutServiceOrPodIsInvalidArgument) {
  CsvMapping m;
  m.service.clear();
  Parsed p;
  Parse("trace_id,span_id,parent_span_id,operation,start,duration\n", m, &p);
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvTest, QuotedFieldsKeepCommasNewlinesAndQuotes) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "1,1,,\"svc\",\"GET /a, \"\"b\"\"\nnext line\",10,1\n"
      "1,2,1,svc,\"\",10,1\n"
      "1,3,1,svc\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 2u);
  EXPECT_EQ(p.sink.spans()[0].name, "GET /a, \"b\"\nnext line");
  EXPECT_EQ(p.sink.spans()[0].resource.service, "svc");
  EXPECT_EQ(p.sink.spans()[1].name, "");
  // The short row starts on line 5: the quoted line break counts.
  ASSERT_EQ(p.report.errors.size(), 1u);
  EXPECT_EQ(p.report.errors[0], "test.csv: line 5 (4 fields, header has 7): wrong number of fields");
}

TEST(CsvTest, RejectsShortAndLongRowsAndKeepsTheRest) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "1,1,,svc,op,10,1\n"
      "1,2,1,svc,op\n"
      "1,3,1,svc,op,10,1,extra\n"
      "1,4,1,svc,op,10,1\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 4u);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  EXPECT_EQ(p.report.rejected.at("wrong number of fields"), 2u);
  ASSERT_EQ(p.report.errors.size(), 2u);
  EXPECT_NE(p.report.errors[0].find("line 3"), std::string::npos) << p.report.errors[0];
  EXPECT_NE(p.report.errors[1].find("line 4"), std::string::npos) << p.report.errors[1];
  ASSERT_EQ(p.sink.spans().size(), 2u);
  EXPECT_EQ(p.sink.spans()[1].span_id, 4u);
}

TEST(CsvTest, RejectsBadIdsAndKeepsTheRest) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      ",1,,svc,op,10,1\n"
      "bad id,1,,svc,op,10,1\n"
      "00000000,1,,svc,op,10,1\n"
      "1,,,svc,op,10,1\n"
      "1,x\ty,,svc,op,10,1\n"
      "1,2,not a span,svc,op,10,1\n"
      "1,3,0,svc,op,10,1\n"
      "1,4,3,,op,10,1\n"
      "1,5,3,svc,op,10,1\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 9u);
  EXPECT_EQ(p.report.rejected.at("missing trace id"), 2u);
  EXPECT_EQ(p.report.rejected.at("bad trace id"), 1u);
  EXPECT_EQ(p.report.rejected.at("missing span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("bad parent span id"), 1u);
  EXPECT_EQ(p.report.rejected.at("missing service"), 1u);
  EXPECT_EQ(p.report.errors[1], "test.csv: line 3: bad trace id");
  ASSERT_EQ(p.sink.spans().size(), 2u);
  EXPECT_EQ(p.sink.spans()[0].span_id, 3u);
  EXPECT_EQ(p.sink.spans()[0].parent_span_id, 0u);  // an all-zero parent is a root
  EXPECT_EQ(p.sink.spans()[1].parent_span_id, 3u);
}

TEST(CsvTest, RejectsUnparsableTimesAndKeepsTheRest) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "1,1,,svc,op,12:00,1\n"
      "1,2,,svc,op,,1\n"
      "1,3,,svc,op,-5,1\n"
      "1,4,,svc,op,10,abc\n"
      "1,5,,svc,op,99999999999999999999,1\n"
      "1,6,,svc,op,9223372036854775807,1\n"
      "1,7,,svc,op,1.5e3,2.5\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.rejected.at("bad start time"), 4u);
  EXPECT_EQ(p.report.rejected.at("bad duration"), 2u);  // 4: not a number, 6: overflow
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].start_ns, 1500);
  EXPECT_EQ(p.sink.spans()[0].end_ns, 1502);
}

TEST(CsvTest, ReadsScientificAndFractionalTimes) {
  CsvMapping m = CsvMapping::RcaEval();
  const std::string csv =
      "traceID,spanID,parentSpanID,serviceName,operationName,startTime,duration\n"
      "a,b,,svc,op,1.6611403743517731e+15,1234.0\n";
  Parsed p;
  Parse(csv, m, &p);
  ASSERT_EQ(p.sink.spans().size(), 1u) << ::testing::PrintToString(p.report.errors);
  EXPECT_EQ(p.sink.spans()[0].start_ns, 1661140374351773100);
  EXPECT_EQ(p.sink.spans()[0].end_ns - p.sink.spans()[0].start_ns, 1234000);
}

TEST(CsvTest, EmptyFileIsInvalidArgument) {
  Parsed p;
  Parse("", CsvMapping(), &p, "empty.csv");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status.message().find("empty.csv:1:"), std::string::npos) << p.status;
  Parsed q;
  Parse("\n\r\n", CsvMapping(), &q, "blank.csv");
  EXPECT_EQ(q.status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvTest, HeaderOnlyGivesNoSpans) {
  Parsed p;
  Parse("trace_id,span_id,parent_span_id,service,operation,start,duration", CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 0u);
  EXPECT_TRUE(p.sink.spans().empty());
  EXPECT_TRUE(p.sink.resources().empty());
}

TEST(CsvTest, IgnoresByteOrderMark) {
  Parsed p;
  Parse("\xEF\xBB\xBFtrace_id,span_id,parent_span_id,service,operation,start,duration\n"
        "1,1,,svc,op,10,1\n",
        CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.sink.spans().size(), 1u);
}

TEST(CsvTest, CrlfAndMissingFinalNewlineParseLikeLf) {
  std::string lf = ReadFixture("canonical.csv");
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  crlf.resize(crlf.size() - 2);  // no final line break
  Parsed a, b;
  Parse(lf, CanonicalMapping(), &a);
  Parse(crlf, CanonicalMapping(), &b);
  ASSERT_OK(b.status);
  EXPECT_EQ(b.report.rejected_total(), 0u) << ::testing::PrintToString(b.report.errors);
  const auto sa = a.sink.Sorted();
  const auto sb = b.sink.Sorted();
  ASSERT_EQ(sa.size(), 7u);
  ASSERT_EQ(sb.size(), sa.size());
  for (std::size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sb[i].span_id, sa[i].span_id);
    EXPECT_EQ(sb[i].kind, sa[i].kind);
    EXPECT_EQ(sb[i].failed, sa[i].failed);
    EXPECT_EQ(sb[i].end_ns, sa[i].end_ns);
    EXPECT_EQ(sb[i].name, sa[i].name);
  }
}

TEST(CsvTest, UnterminatedQuoteRejectsTheRestAsOneRecord) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "1,1,,svc,op,10,1\n"
      "1,2,,svc,\"op,10,1\n"
      "1,3,,svc,op,10,1\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.report.rejected.at("unterminated quoted field"), 1u);
  EXPECT_EQ(p.report.errors[0], "test.csv: line 3: unterminated quoted field");
}

TEST(CsvTest, TextAfterClosingQuoteRejectsTheRecord) {
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration\n"
      "1,1,,svc,\"op\"x,10,1\n"
      "1,2,,svc,op,10,1\n";
  Parsed p;
  Parse(csv, CsvMapping(), &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.rejected.at("text after closing quote"), 1u);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].span_id, 2u);
}

TEST(CsvTest, MalformedHeaderIsInvalidArgument) {
  Parsed p;
  Parse("\"trace_id,span_id\n", CsvMapping(), &p, "h.csv");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status.message().find("h.csv:1:"), std::string::npos) << p.status;
}

TEST(CsvTest, ReadsKindAndStatusSpellings) {
  CsvMapping m = CanonicalMapping();
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,operation,start,duration,kind,status\n"
      "1,1,,s,o,1,1,SPAN_KIND_SERVER,STATUS_CODE_ERROR\n"
      "1,2,,s,o,1,1,client,2\n"
      "1,3,,s,o,1,1,4,true\n"
      "1,4,,s,o,1,1,Consumer,503\n"
      "1,5,,s,o,1,1,internal,OK\n"
      "1,6,,s,o,1,1,bogus,404\n";
  Parsed p;
  Parse(csv, m, &p);
  ASSERT_OK(p.status);
  const auto& s = p.sink.spans();
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].kind, SpanKind::kServer);
  EXPECT_EQ(s[1].kind, SpanKind::kClient);
  EXPECT_EQ(s[2].kind, SpanKind::kProducer);
  EXPECT_EQ(s[3].kind, SpanKind::kConsumer);
  EXPECT_EQ(s[4].kind, SpanKind::kInternal);
  EXPECT_EQ(s[5].kind, SpanKind::kUnspecified);
  EXPECT_TRUE(s[0].failed);
  EXPECT_TRUE(s[1].failed);
  EXPECT_TRUE(s[2].failed);
  EXPECT_TRUE(s[3].failed);
  EXPECT_FALSE(s[4].failed);
  EXPECT_FALSE(s[5].failed);
}

TEST(CsvTest, ServiceColumnWinsOverPodDeployment) {
  CsvMapping m;
  m.pod = "pod";
  const std::string csv =
      "trace_id,span_id,parent_span_id,service,pod,operation,start,duration\n"
      "1,1,,checkout,checkout-v2-5c7b9d8f6-xyz12,op,1,1\n"
      "1,2,,checkout,checkout-v2-5c7b9d8f6-xyz12,op,1,1\n"
      "1,3,,,shipping-6b8c7d9e5f-qrs34,op,1,1\n";
  Parsed p;
  Parse(csv, m, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.resources().size(), 2u);
  EXPECT_EQ(p.sink.resources()[0].service, "checkout");
  EXPECT_EQ(p.sink.resources()[0].deployment, "checkout-v2");
  EXPECT_EQ(p.sink.resources()[0].instance, "checkout-v2-5c7b9d8f6-xyz12");
  EXPECT_EQ(p.sink.resources()[1].service, "shipping");
}

}  // namespace
}  // namespace faultline
