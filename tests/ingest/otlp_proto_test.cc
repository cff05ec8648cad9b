// Tests of the OTLP protobuf trace parser: the canonical fixture as one message and as
// length-prefixed records, attribute and link decoding, unknown fields, rejected spans and
// malformed input (truncation at every offset, lengths past their parent, groups, random
// bytes), always with every span accounted for.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
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
using internal::ParseOtlpProto;
using testing::CanonicalSpans;
using testing::ReadTraceFixture;
using testing::RecordedSpan;
using testing::RecordingSink;

// --- a minimal protobuf wire-format writer -------------------------------------------------

std::string Varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Tag(std::uint32_t field, int wire_type) {
  return Varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type));
}
std::string VarintField(std::uint32_t field, std::uint64_t v) { return Tag(field, 0) + Varint(v); }
std::string Fixed64Field(std::uint32_t field, std::uint64_t v) {
  std::string out = Tag(field, 1);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}
std::string Fixed32Field(std::uint32_t field, std::uint32_t v) {
  std::string out = Tag(field, 5);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}
std::string Len(std::uint32_t field, std::string_view payload) {
  return Tag(field, 2) + Varint(payload.size()) + std::string(payload);
}
std::string BigEndian(std::uint64_t v, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}
std::string StringAttr(std::string_view key, std::string_view value) {
  return Len(1, key) + Len(2, Len(1, value));
}
std::string IntAttr(std::string_view key, std::int64_t value) {
  return Len(1, key) + Len(2, VarintField(3, static_cast<std::uint64_t>(value)));
}
std::string Framed(std::string_view message) {
  return BigEndian(message.size(), 4) + std::string(message);
}

constexpr std::uint64_t kTraceHi = 0x5b8efff798038103;
constexpr std::uint64_t kTraceLo = 0xd269b633813fc60c;
constexpr std::int64_t kT0 = 1700000000000000000;
constexpr std::int64_t kMs = 1000000;

const std::string& TraceIdBytes() {
  static const std::string* id = new std::string(BigEndian(kTraceHi, 8) + BigEndian(kTraceLo, 8));
  return *id;
}

// A span with ids, name, kind, times and `extra` fields appended.
std::string SpanMessage(std::uint64_t span_id, std::uint64_t parent, std::string_view name,
                        int kind, std::int64_t start, std::int64_t end,
                        const std::string& extra = "") {
  std::string s = Len(1, TraceIdBytes()) + Len(2, BigEndian(span_id, 8));
  if (parent != 0) s += Len(4, BigEndian(parent, 8));
  s += Len(5, name) + VarintField(6, static_cast<std::uint64_t>(kind));
  s += Fixed64Field(7, static_cast<std::uint64_t>(start)) +
       Fixed64Field(8, static_cast<std::uint64_t>(end));
  return s + extra;
}

// TracesData with one ResourceSpans for `service` holding `spans` (already encoded).
std::string OneResource(std::string_view service, const std::vector<std::string>& spans) {
  std::string scope_spans = Len(1, Len(1, "test-scope"));
  for (const std::string& s : spans) scope_spans += Len(2, s);
  const std::string resource = Len(1, StringAttr("service.name", service));
  return Len(1, Len(1, resource) + Len(2, scope_spans));
}

struct Parsed {
  absl::Status status;
  TraceReport report;
  RecordingSink sink;
};

void Parse(std::string_view bytes, Parsed* out, std::string_view name = "test.pb") {
  ParseContext ctx(name, &out->report, 100);
  out->status = ParseOtlpProto(bytes, ctx, out->sink);
}

void ExpectAccounted(const Parsed& p) { testing::ExpectAccounted(p.report, p.sink); }

std::vector<std::string> RenderAll(const RecordingSink& sink) {
  return testing::RenderSpans(sink.Sorted());
}

// The top-level fields of a message: [offset, size) of each field-1 payload.
std::vector<std::string_view> TopLevelResourceSpans(std::string_view message) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < message.size()) {
    EXPECT_EQ(message[i], '\x0a');
    ++i;
    std::uint64_t length = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<std::uint8_t>(message[i++]);
      length |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out.push_back(message.substr(i, length));
    i += length;
  }
  return out;
}

// The canonical fixture as length-prefixed records, one ResourceSpans per record.
std::string CanonicalFramed() {
  const std::string message = ReadTraceFixture("canonical.otlp.pb");
  std::string framed;
  for (std::string_view rs : TopLevelResourceSpans(message)) framed += Framed(Len(1, rs));
  return framed;
}

TEST(OtlpProtoTest, CanonicalFixtureParsesToTheCanonicalSpans) {
  Parsed p;
  Parse(ReadTraceFixture("canonical.otlp.pb"), &p, "canonical.otlp.pb");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 7u);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_EQ(p.report.rejected_total(), 0u);
  EXPECT_TRUE(p.report.errors.empty());
  // One resource per ResourceSpans, not per span.
  EXPECT_EQ(p.sink.resources().size(), 3u);

  EXPECT_EQ(RenderAll(p.sink), testing::RenderSpans(CanonicalSpans()));
}

TEST(OtlpProtoTest, LengthPrefixedRecordsGiveTheSameSpans) {
  Parsed single;
  Parse(ReadTraceFixture("canonical.otlp.pb"), &single);
  ASSERT_OK(single.status);

  const std::string framed = CanonicalFramed();
  ASSERT_EQ(framed[0], '\0');
  Parsed p;
  Parse(framed, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 7u);
  EXPECT_EQ(p.sink.resources().size(), 3u);
  EXPECT_EQ(RenderAll(p.sink), RenderAll(single.sink));

  // The whole fixture as one record, and with an empty record in front.
  Parsed one;
  Parse(Framed(ReadTraceFixture("canonical.otlp.pb")), &one);
  ASSERT_OK(one.status);
  EXPECT_EQ(RenderAll(one.sink), RenderAll(single.sink));
  Parsed with_empty;
  Parse(Framed("") + framed, &with_empty);
  ASSERT_OK(with_empty.status);
  EXPECT_EQ(RenderAll(with_empty.sink), RenderAll(single.sink));
}

TEST(OtlpProtoTest, EmptyInputHasNoSpans) {
  Parsed p;
  Parse("", &p);
  EXPECT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 0u);
  EXPECT_TRUE(p.sink.resources().empty());
}

TEST(OtlpProtoTest, TruncationAtEveryOffsetFailsCleanlyOrYieldsFewerSpans) {
  for (const bool framed : {false, true}) {
    const std::string full = framed ? CanonicalFramed() : ReadTraceFixture("canonical.otlp.pb");
    std::size_t errors = 0;
    for (std::size_t n = 0; n < full.size(); ++n) {
      // A copy of exactly n bytes, so that reading past it is caught by sanitizers.
      const std::string prefix = full.substr(0, n);
      Parsed p;
      Parse(prefix, &p, "cut.pb");
      ExpectAccounted(p);
      EXPECT_LT(p.report.spans_accepted, 7u) << "cut at " << n;
      if (!p.status.ok()) {
        ++errors;
        EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument) << p.status;
        EXPECT_EQ(std::string(p.status.message()).rfind("cut.pb: offset ", 0), 0u) << p.status;
      }
    }
    EXPECT_GT(errors, full.size() * 9 / 10) << (framed ? "framed" : "single");
  }
}

TEST(OtlpProtoTest, LengthPastTheEndNamesBothOffsets) {
  // resource_spans declared 1234 bytes long with 5 bytes left.
  const std::string bytes = Tag(1, 2) + Varint(1234) + "abcde";
  Parsed p;
  Parse(bytes, &p, "short.pb");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status.message(),
            "short.pb: offset 0: length 1234 runs past the end of the enclosing message at "
            "offset 8 (not a valid OTLP protobuf message)");
}

TEST(OtlpProtoTest, LengthPastItsParentInsideScopeSpansIsAnError) {
  // A span whose declared length is longer than its ScopeSpans (the whole input is long
  // enough, the parent is not).
  const std::string good = SpanMessage(0xa1, 0, "good", 2, kT0, kT0 + kMs);
  const std::string scope_spans = Len(2, good) + Tag(2, 2) + Varint(500) + "xy";
  const std::string message = Len(1, Len(2, scope_spans)) + std::string(600, '\0');
  Parsed p;
  Parse(message, &p, "nested.pb");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(p.status.message()).find("length 500 runs past the end of the "
                                                 "enclosing message at offset"),
            std::string::npos)
      << p.status;
  // The span before the damage was passed on.
  EXPECT_EQ(p.report.spans_accepted, 1u);
  ExpectAccounted(p);
}

TEST(OtlpProtoTest, MalformedSpanIsRejectedAndTheRestKept) {
  // The span's own length fits its parent; a field inside it runs past the span's end.
  const std::string broken = Len(1, TraceIdBytes()) + Tag(5, 2) + Varint(90) + "PlaceOrd";
  const std::string message = OneResource(
      "frontend", {SpanMessage(0xa1, 0, "first", 2, kT0, kT0 + kMs), broken,
                   SpanMessage(0xa3, 0, "third", 2, kT0, kT0 + kMs)});
  Parsed p;
  Parse(message, &p, "bad-span.pb");
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_read, 3u);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  EXPECT_EQ(p.report.rejected.at("malformed span"), 1u);
  ASSERT_EQ(p.report.errors.size(), 1u);
  EXPECT_NE(p.report.errors[0].find("bad-span.pb: offset "), std::string::npos);
  EXPECT_NE(p.report.errors[0].find("resource_spans[0].scope_spans[0].spans[1]"),
            std::string::npos)
      << p.report.errors[0];
  EXPECT_NE(p.report.errors[0].find("length 90 runs past the end"), std::string::npos);
}

TEST(OtlpProtoTest, WrongLengthOrZeroIdsAreRejectedAndCounted) {
  auto with_ids = [](const std::string& trace_id, const std::string& span_id,
                     const std::string& parent) {
    std::string s;
    if (!trace_id.empty()) s += Len(1, trace_id);
    if (!span_id.empty()) s += Len(2, span_id);
    if (!parent.empty()) s += Len(4, parent);
    return s + Len(5, "op") + VarintField(6, 2) + Fixed64Field(7, kT0) +
           Fixed64Field(8, kT0 + kMs);
  };
  const std::string tid = TraceIdBytes();
  const std::string sid = BigEndian(0x1234, 8);
  const std::string message = OneResource(
      "svc", {
                 with_ids(tid, sid, ""),                          // good, root
                 with_ids(tid.substr(0, 15), sid, ""),            // 15-byte trace id
                 with_ids(std::string(16, '\0'), sid, ""),        // all-zero trace id
                 with_ids("", sid, ""),                           // no trace id
                 with_ids(tid, sid + "x", ""),                    // 9-byte span id
                 with_ids(tid, std::string(8, '\0'), ""),         // all-zero span id
                 with_ids(tid, "", ""),                           // no span id
                 with_ids(tid, sid, sid.substr(1)),               // 7-byte parent
                 with_ids(tid, BigEndian(0x99, 8), std::string(8, '\0')),  // zero parent: root
                 with_ids(tid, sid, "") + Fixed64Field(7, 0),  // start 0 (the last value wins)
             });
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ExpectAccounted(p);
  EXPECT_EQ(p.report.spans_read, 10u);
  EXPECT_EQ(p.report.spans_accepted, 2u);
  const std::map<std::string, std::uint64_t> expected = {
      {"trace id not 16 bytes", 1}, {"all-zero trace id", 1}, {"missing trace id", 1},
      {"span id not 8 bytes", 1},   {"all-zero span id", 1},  {"missing span id", 1},
      {"parent span id not 8 bytes", 1}, {"missing start time", 1}};
  EXPECT_EQ(p.report.rejected, expected);
  ASSERT_EQ(p.sink.spans().size(), 2u);
  EXPECT_EQ(p.sink.spans()[1].span_id, 0x99u);
  EXPECT_EQ(p.sink.spans()[1].parent_span_id, 0u);
  EXPECT_NE(p.report.errors[0].find("test.pb: offset "), std::string::npos);
  EXPECT_NE(p.report.errors[0].find("spans[1]): trace id not 16 bytes"), std::string::npos)
      << p.report.errors[0];
}

TEST(OtlpProtoTest, UnknownFieldsOfEveryWireTypeAreSkipped) {
  // Unknown fields of all four wire types, with one- and multi-byte tags.
  auto unknown = [](std::uint32_t base) {
    return VarintField(base, 300) + Fixed64Field(base + 1, 0x0102030405060708) +
           Len(base + 2, std::string("\x0a\x05nested", 7)) + Fixed32Field(base + 3, 77) +
           VarintField(base + 5000, 1);
  };
  std::string span = unknown(20) + SpanMessage(0xb1, 0xb0, "op", 3, kT0, kT0 + 5 * kMs);
  span += Len(9, Len(1, "server.port") + unknown(10) + Len(2, unknown(10) + VarintField(3, 8080)));
  span += Len(9, unknown(10) + StringAttr("db.system", "redis"));
  span += Len(15, unknown(10) + VarintField(3, 2));
  // Known fields with an unexpected wire type are skipped like unknown ones.
  span += VarintField(5, 7) + Len(6, "x") + Len(7, "y");
  span += Len(11, Fixed64Field(1, kT0) + Len(2, "event") + unknown(10));  // an event
  span += Fixed32Field(16, 0x300);
  const std::string resource = unknown(10) + Len(1, StringAttr("service.name", "cart")) +
                               Len(1, unknown(10) + StringAttr("k8s.pod.name", "cart-0"));
  const std::string scope_spans = unknown(10) + Len(1, Len(1, "scope") + unknown(10)) +
                                  Len(2, span) + Len(3, "schema");
  const std::string resource_spans =
      unknown(10) + Len(1, resource) + Len(2, scope_spans) + Len(3, "schema");
  const std::string message = unknown(2) + Len(1, resource_spans) + unknown(2);

  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_EQ(s.trace_id, (TraceId{kTraceHi, kTraceLo}));
  EXPECT_EQ(s.span_id, 0xb1u);
  EXPECT_EQ(s.parent_span_id, 0xb0u);
  EXPECT_EQ(s.name, "op");
  EXPECT_EQ(s.kind, SpanKind::kClient);
  EXPECT_EQ(s.start_ns, kT0);
  EXPECT_EQ(s.end_ns, kT0 + 5 * kMs);
  EXPECT_EQ(s.server_port, 8080);
  EXPECT_EQ(s.db_system, "redis");
  EXPECT_TRUE(s.failed);
  EXPECT_EQ(s.resource.service, "cart");
  EXPECT_EQ(s.resource.pod, "cart-0");
  EXPECT_EQ(s.resource.deployment, "cart");  // from the StatefulSet pod name
}

TEST(OtlpProtoTest, GroupsAreRejected) {
  // A group at the top level makes the message unreadable.
  Parsed top;
  Parse(Tag(3, 3) + Tag(3, 4), &top, "group.pb");
  EXPECT_EQ(top.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(top.status.message())
                .find("group.pb: offset 0: field 3 uses the group wire type"),
            std::string::npos)
      << top.status;

  // A group inside a span rejects that span only.
  const std::string message = OneResource(
      "svc", {SpanMessage(0xc1, 0, "a", 2, kT0, kT0 + kMs, Tag(40, 3) + Tag(40, 4)),
              SpanMessage(0xc2, 0, "b", 2, kT0, kT0 + kMs)});
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 1u);
  EXPECT_EQ(p.report.rejected.at("malformed span"), 1u);
  EXPECT_NE(p.report.errors[0].find("group wire type"), std::string::npos);
}

TEST(OtlpProtoTest, AttributeValueTypesAreRead) {
  std::string attrs;
  attrs += Len(9, Len(1, "error") + Len(2, VarintField(2, 1)));        // bool
  double status = 503.0;
  std::uint64_t bits;
  std::memcpy(&bits, &status, sizeof(bits));
  attrs += Len(9, Len(1, "http.status_code") + Len(2, Fixed64Field(4, bits)));  // double
  attrs += Len(9, IntAttr("net.peer.port", 6379));
  attrs += Len(9, StringAttr("peer.service", "cache"));
  attrs += Len(9, StringAttr("messaging.destination", "jobs"));
  attrs += Len(9, Len(1, "db.name") + Len(2, Len(5, Len(1, Len(1, "nested")))));  // array
  attrs += Len(9, Len(1, "server.address"));  // no value
  const std::string message =
      OneResource("svc", {SpanMessage(0xd1, 0, "op", 0, kT0, kT0 + kMs, attrs)});
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  const RecordedSpan& s = p.sink.spans()[0];
  EXPECT_TRUE(s.failed);
  EXPECT_EQ(s.kind, SpanKind::kUnspecified);
  EXPECT_EQ(s.server_port, 6379);
  EXPECT_EQ(s.peer_service, "cache");
  EXPECT_EQ(s.messaging_destination, "jobs");
  EXPECT_EQ(s.db_namespace, "");
  EXPECT_EQ(s.server_address, "");
}

TEST(OtlpProtoTest, ResourceAfterItsSpansStillApplies) {
  const std::string scope_spans = Len(2, SpanMessage(0xe1, 0, "op", 2, kT0, kT0 + kMs));
  const std::string resource = Len(1, StringAttr("service.name", "late")) +
                               Len(1, StringAttr("k8s.deployment.name", "late-deploy")) +
                               Len(1, StringAttr("k8s.pod.name", "late-abcde12345-zzzzz"));
  const std::string message = Len(1, Len(2, scope_spans) + Len(1, resource));
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].resource.service, "late");
  EXPECT_EQ(p.sink.spans()[0].resource.deployment, "late-deploy");
}

TEST(OtlpProtoTest, DeprecatedInstrumentationLibrarySpansAreRead) {
  const std::string library_spans =
      Len(1, Len(1, "lib")) + Len(2, SpanMessage(0xf1, 0, "old", 2, kT0, kT0 + kMs));
  const std::string message =
      Len(1, Len(1, Len(1, StringAttr("service.name", "legacy"))) + Len(1000, library_spans));
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].name, "old");
  EXPECT_EQ(p.sink.spans()[0].resource.service, "legacy");
}

TEST(OtlpProtoTest, LinksWithValidIdsAreKept) {
  const std::string other_trace = BigEndian(1, 8) + BigEndian(2, 8);
  std::string links = Len(13, Len(1, other_trace) + Len(2, BigEndian(0x77, 8)) + Len(3, "ts"));
  links += Len(13, Len(1, other_trace) + Len(2, BigEndian(0x78, 7)));  // bad span id: dropped
  links += Len(13, Len(2, BigEndian(0x79, 8)));                        // no trace id: dropped
  const std::string message =
      OneResource("svc", {SpanMessage(0x11, 0, "consume", 5, kT0, kT0 + kMs, links)});
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  ASSERT_EQ(p.sink.spans().size(), 1u);
  ASSERT_EQ(p.sink.spans()[0].links.size(), 1u);
  EXPECT_EQ(p.sink.spans()[0].links[0].first, (TraceId{1, 2}));
  EXPECT_EQ(p.sink.spans()[0].links[0].second, 0x77u);
}

TEST(OtlpProtoTest, ResourceIsRegisteredOncePerResourceSpansWithSpans) {
  std::vector<std::string> spans;
  for (int i = 1; i <= 50; ++i) spans.push_back(SpanMessage(i, 0, "op", 2, kT0, kT0 + kMs));
  const std::string without_spans = Len(1, Len(1, Len(1, StringAttr("service.name", "idle"))));
  const std::string message = OneResource("a", spans) + without_spans + OneResource("b", spans);
  Parsed p;
  Parse(message, &p);
  ASSERT_OK(p.status);
  EXPECT_EQ(p.report.spans_accepted, 100u);
  ASSERT_EQ(p.sink.resources().size(), 2u);
  EXPECT_EQ(p.sink.resources()[0].service, "a");
  EXPECT_EQ(p.sink.resources()[1].service, "b");
}

TEST(OtlpProtoTest, CorruptRecordIsReportedAndTheOtherRecordsRead) {
  const std::string good1 = OneResource("one", {SpanMessage(0x21, 0, "a", 2, kT0, kT0 + kMs)});
  const std::string good2 = OneResource("two", {SpanMessage(0x22, 0, "b", 2, kT0, kT0 + kMs)});
  // A record whose ResourceSpans length runs past the record (not past the file).
  const std::string bad = Tag(1, 2) + Varint(200) + "zz";
  const std::string framed = Framed(good1) + Framed(bad) + Framed(good2);
  Parsed p;
  Parse(framed, &p, "export.pb");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  const std::string offset = std::to_string(4 + good1.size());
  EXPECT_NE(std::string(p.status.message())
                .find("export.pb: offset " + std::to_string(4 + good1.size() + 4) +
                      ": length 200 runs past the end of the enclosing message"),
            std::string::npos)
      << p.status;
  EXPECT_NE(std::string(p.status.message()).find("record 1 at offset " + offset),
            std::string::npos)
      << p.status;
  EXPECT_NE(std::string(p.status.message()).find("1 of 3"), std::string::npos) << p.status;
  EXPECT_EQ(p.report.spans_accepted, 2u);
  ExpectAccounted(p);
}

TEST(OtlpProtoTest, CutOffLastRecordIsReportedAfterReadingTheOthers) {
  const std::string good = OneResource("one", {SpanMessage(0x31, 0, "a", 2, kT0, kT0 + kMs)});
  const std::string last = Framed(good);
  const std::string framed = Framed(good) + last.substr(0, last.size() - 3);
  Parsed p;
  Parse(framed, &p, "crashed.pb");
  EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(p.status.message())
                .find("crashed.pb: offset " + std::to_string(last.size()) + ": record length " +
                      std::to_string(good.size()) + " runs past the end of the input"),
            std::string::npos)
      << p.status;
  EXPECT_EQ(p.report.spans_accepted, 1u);
}

TEST(OtlpProtoTest, RandomAndMutatedBytesNeverCrash) {
  std::mt19937 rng(20240601);
  const std::string canonical = ReadTraceFixture("canonical.otlp.pb");
  const std::string framed = CanonicalFramed();
  for (int round = 0; round < 3000; ++round) {
    std::string bytes;
    if (round % 3 == 0) {
      const std::size_t n = rng() % 400;
      for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(rng()));
      if (round % 2 == 0 && !bytes.empty()) bytes[0] = '\x0a';
    } else {
      bytes = round % 3 == 1 ? canonical : framed;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) {
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
      }
    }
    Parsed p;
    Parse(bytes, &p);
    ExpectAccounted(p);
    if (round % 3 != 0) EXPECT_LE(p.report.spans_accepted, 7u);
    if (!p.status.ok()) {
      EXPECT_EQ(p.status.code(), absl::StatusCode::kInvalidArgument) << p.status;
    }
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace faultline
