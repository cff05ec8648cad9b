// The log readers without the model (ReadLogs()): every format, its bad input, format
// detection, the severity and message rules, labels -> entity, the Nezha preset on a real
// slice, and the same records in every format giving the same rows.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "faultline/ingest/logs.h"
#include "ingest/logs/log_parsers.h"
#include "log_records.h"

namespace faultline {
namespace {

using testing::GoldenCsv;
using testing::GoldenOtlpJson;
using testing::GoldenOtlpProto;
using testing::GoldenText;
using testing::ReadRows;
using testing::Row;

constexpr std::int64_t kSec = 1'000'000'000;

std::string NezhaSlice() {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/logs/nezha-2022-08-22-0519-slice.csv";
}

// --- golden: the same records in every format ----------------------------------------------

TEST(LogsGoldenTest, EveryFormatGivesTheSameRows) {
  LogOptions text;
  text.text.regex = testing::kGoldenTextRegex;
  const auto json = ReadRows(GoldenOtlpJson(), {});
  const auto proto = ReadRows(GoldenOtlpProto(), {});
  const auto csv = ReadRows(GoldenCsv(), {});
  const auto plain = ReadRows(GoldenText(), text);
  for (const auto* r : {&json, &proto, &csv, &plain}) {
    ASSERT_TRUE(r->status.ok()) << r->status;
    EXPECT_EQ(r->report().records_read, 7u);
    EXPECT_EQ(r->report().records_accepted, 7u);
    EXPECT_EQ(r->report().rejected_total(), 0u) << r->report().errors.size();
  }
  EXPECT_EQ(json.report().format, LogFormat::kOtlpJson);
  EXPECT_EQ(proto.report().format, LogFormat::kOtlpProto);
  EXPECT_EQ(csv.report().format, LogFormat::kCsv);
  EXPECT_EQ(plain.report().format, LogFormat::kText);
  EXPECT_EQ(proto.rows, json.rows);
  EXPECT_EQ(csv.rows, json.rows);
  EXPECT_EQ(plain.rows, json.rows);

  // What they all say.
  ASSERT_EQ(json.rows.size(), 7u);
  const Row& first = json.rows[0];
  EXPECT_EQ(first.entity, "instance:checkout/checkout-7d9f8b6c5d-abcde");
  EXPECT_EQ(first.severity, Severity::kError);
  EXPECT_EQ(first.template_text, "payment <*> failed: card declined");
  EXPECT_EQ(first.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(first.span_id, "b7ad6b7169203331");
  EXPECT_EQ(json.rows[3].template_text, "order <*> placed for user <*>");
  EXPECT_EQ(json.rows[4].entity, "service:cart");
  EXPECT_EQ(json.rows[4].severity, Severity::kDebug);
  EXPECT_EQ(json.rows[5].severity, Severity::kWarn);
  EXPECT_EQ(json.rows[6].template_text, first.template_text);
  EXPECT_EQ(json.batch.templates, 4u);
  EXPECT_EQ(json.report().records_with_span, 2u);
  EXPECT_EQ(json.report().by_severity[static_cast<int>(Severity::kError)], 3u);
}

// --- OTLP/JSON -----------------------------------------------------------------------------

TEST(OtlpLogsJsonTest, ReadsTimesSeveritiesBodiesAndAttributes) {
  const std::string doc = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
    {"timeUnixNano":"0","observedTimeUnixNano":"1700000000000000123","severityText":"Warning",
     "body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"disk full"}},
                                      {"key":"free","value":{"doubleValue":0.5}}]}},
     "attributes":[{"key":"service.name","value":{"stringValue":"override"}}]},
    {"timeUnixNano":1700000001000000000,"severityNumber":"SEVERITY_NUMBER_FATAL",
     "body":{"intValue":"42"}},
    {"timeUnixNano":"1700000002000000000","severityNumber":10,
     "body":{"arrayValue":{"values":[{"boolValue":true},{"stringValue":"x"}]}}}
  ]}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"disk"}},
                                {"key":"host.name","value":{"stringValue":"n1"}}]}}]})";
  const auto r = ReadRows(doc, {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 3u);
  // observedTimeUnixNano when timeUnixNano is 0; a record attribute wins over the resource.
  EXPECT_EQ(r.rows[0].time_ns, 1'700'000'000'000'000'123);
  EXPECT_EQ(r.rows[0].entity, "service:override");
  EXPECT_EQ(r.rows[0].severity, Severity::kWarn);
  EXPECT_EQ(r.rows[0].message, "{event: disk full, free: 0.5}");
  EXPECT_EQ(r.rows[1].entity, "service:disk");
  EXPECT_EQ(r.rows[1].severity, Severity::kFatal);
  EXPECT_EQ(r.rows[1].message, "42");
  EXPECT_EQ(r.rows[2].severity, Severity::kInfo);
  EXPECT_EQ(r.rows[2].message, "[true, x]");
}

TEST(OtlpLogsJsonTest, BadLinesAndRecordsAreCountedAndTheRestIsRead) {
  const std::string good =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","body":{"stringValue":"ok"}}]}]}]})";
  const std::string no_time =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeLogs":[{"logRecords":[{"body":{"stringValue":"when?"}},{"timeUnixNano":"abc","body":{"stringValue":"bad"}}]}]}]})";
  const std::string text = good + "\n{\"resourceLogs\": [ oops\n" + no_time + "\n" + good + "\n";
  LogOptions options;
  options.format = LogFormat::kOtlpJson;
  const auto r = ReadRows(text, options, "logs.jsonl");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.report().records_read, 5u);
  EXPECT_EQ(r.report().records_accepted, 2u);
  EXPECT_EQ(r.report().rejected.at("malformed JSON line"), 1u);
  EXPECT_EQ(r.report().rejected.at("missing time"), 1u);
  EXPECT_EQ(r.report().rejected.at("bad time"), 1u);
  ASSERT_GE(r.report().errors.size(), 3u);
  EXPECT_NE(r.report().errors[0].find("logs.jsonl: line 2"), std::string::npos)
      << r.report().errors[0];
  EXPECT_NE(r.report().errors[1].find("line 3"), std::string::npos) << r.report().errors[1];
}

TEST(OtlpLogsJsonTest, ADocumentThatIsNotJsonIsAnErrorNamingTheSource) {
  LogOptions options;
  options.format = LogFormat::kOtlpJson;
  const auto r = ReadRows("{\"resourceLogs\": [\n  {\"scopeLogs\": nope}\n]}", options, "doc.json");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("doc.json:2:"), std::string_view::npos) << r.status;
}

// --- OTLP protobuf -------------------------------------------------------------------------

TEST(OtlpLogsProtoTest, AnUnframedMessageReadsLikeAFramedOne) {
  const std::string framed = GoldenOtlpProto();
  // The first framed record, without its length.
  const std::uint32_t n = static_cast<std::uint8_t>(framed[0]) << 24 |
                          static_cast<std::uint8_t>(framed[1]) << 16 |
                          static_cast<std::uint8_t>(framed[2]) << 8 |
                          static_cast<std::uint8_t>(framed[3]);
  const auto r = ReadRows(framed.substr(4, n), {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report().format, LogFormat::kOtlpProto);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], ReadRows(GoldenOtlpProto(), {}).rows[0]);
}

TEST(OtlpLogsProtoTest, ATruncatedFileKeepsItsCompleteRecordsAndNamesTheOffset) {
  const std::string framed = GoldenOtlpProto();
  const std::string cut = framed.substr(0, framed.size() - 10);
  const auto r = ReadRows(cut, {}, "logs.pb");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("logs.pb: offset "), std::string_view::npos) << r.status;
  EXPECT_NE(r.status.message().find("6 complete length-prefixed records"),
            std::string_view::npos)
      << r.status;
  EXPECT_EQ(r.rows.size(), 6u);
}

TEST(OtlpLogsProtoTest, AMalformedRecordIsCountedAndItsMessageReported) {
  // A LogRecord whose body claims more bytes than it has.
  std::string record = testing::ProtoWriter().Fixed64(1, 1'700'000'000'000'000'000).str();
  record += std::string("\x2a\x10\x0a\x02hi", 5);  // field 5, length 16, but 4 bytes follow
  const std::string scope = testing::ProtoWriter().Bytes(2, record).str();
  const std::string rl = testing::ProtoWriter().Bytes(2, scope).str();
  const std::string msg = testing::ProtoWriter().Bytes(1, rl).str();
  LogOptions options;
  options.format = LogFormat::kOtlpProto;
  const auto r = ReadRows(msg, options, "bad.pb");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("bad.pb"), std::string_view::npos);
}

// --- CSV -----------------------------------------------------------------------------------

TEST(LogCsvTest, AMappingNamesTheColumnsAndTheRestAreLabels) {
  const std::string csv =
      "ts,level,text,app,zone\n"
      "2023-11-14T22:13:20.5+01:00,WARN,\"disk, almost full\",db-proxy,eu-1a\n"
      "1700000000,3,\"quoted \"\"word\"\"\",db-proxy,eu-1a\n";
  LogOptions options;
  options.csv.time = "ts";
  options.csv.severity = "level";
  options.csv.message = "text";
  const auto r = ReadRows(csv, options);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].time_ns, 1'699'996'400'500'000'000);  // 22:13:20.5 at +01:00
  EXPECT_EQ(r.rows[0].severity, Severity::kWarn);
  EXPECT_EQ(r.rows[0].message, "disk, almost full");
  EXPECT_EQ(r.rows[0].entity, "service:db-proxy");
  EXPECT_EQ(r.rows[1].time_ns, 1'700'000'000 * kSec);  // seconds, by magnitude
  EXPECT_EQ(r.rows[1].severity, Severity::kTrace);     // SeverityNumber 3
  EXPECT_EQ(r.rows[1].message, "quoted \"word\"");
}

TEST(LogCsvTest, AMissingColumnIsAnErrorListingTheColumns) {
  const auto r = ReadRows("when,message\n1,x\n", {}, "app.csv");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("app.csv: line 1: the CSV header has no time column \"time\""),
            std::string_view::npos)
      << r.status;
  EXPECT_NE(r.status.message().find("\"when\", \"message\""), std::string_view::npos);
}

TEST(LogCsvTest, BadRowsAreCountedWithTheirLines) {
  const std::string csv =
      "time,message,service\n"
      "1700000000000000000,fine,a\n"
      "yesterday,bad time,a\n"
      ",no time,a\n"
      "1700000000000000001,short\n"
      "1700000000000000002,\"never closed,a\n";
  const auto r = ReadRows(csv, {}, "x.csv");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 2u);  // the reader gives unmapped records too, without an entity
  EXPECT_EQ(r.rows[0].entity, "service:a");
  EXPECT_EQ(r.rows[1].entity, "");
  EXPECT_EQ(r.report().records_accepted, 1u);
  EXPECT_EQ(r.report().records_read, 5u);
  EXPECT_EQ(r.report().rejected.at("bad time"), 1u);
  EXPECT_EQ(r.report().rejected.at("missing time"), 1u);
  EXPECT_EQ(r.report().rejected.at("unterminated quoted field"), 1u);
  // The short row still has time and message: its label is missing, so it maps to nothing.
  EXPECT_EQ(r.report().rejected.at("unmapped"), 1u);
  EXPECT_EQ(r.report().errors[0], "x.csv: line 3 (\"yesterday\"): bad time");
}

TEST(LogCsvTest, ABadDockerEnvelopeIsRejected) {
  const std::string csv =
      "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n"
      "x,1661145522908318000,n1,cartservice-579f59597d-wc2lz,server,,,not json\n";
  const auto r = ReadRows(csv, {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report().rejected.at("bad Docker log envelope"), 1u);
  EXPECT_TRUE(r.rows.empty());
}

// --- Nezha ---------------------------------------------------------------------------------

TEST(NezhaLogsTest, TheRealSliceIsReadWithSeveritiesFromInnerJsonOrLevelWords) {
  const auto r = ReadRows({InputSource::FromFile(NezhaSlice())}, {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report().format, LogFormat::kCsv);  // detected, with the Nezha columns
  EXPECT_EQ(r.report().records_read, 59u);
  EXPECT_EQ(r.report().records_accepted, 59u);
  EXPECT_EQ(r.report().by_severity[static_cast<int>(Severity::kInfo)], 56u);
  EXPECT_EQ(r.report().by_severity[static_cast<int>(Severity::kUnspecified)], 3u);
  EXPECT_EQ(r.report().records_with_span, 59u);
  std::map<std::string, int> per_entity;
  for (const Row& row : r.rows) ++per_entity[row.entity];
  EXPECT_EQ(per_entity.size(), 10u);
  EXPECT_EQ(per_entity["instance:productcatalogservice/productcatalogservice-668d5f85fb-wckp8"], 26);
  EXPECT_EQ(per_entity["instance:cartservice/cartservice-579f59597d-wc2lz"], 3);
  for (const Row& row : r.rows) {
    if (row.entity.rfind("instance:cartservice/", 0) == 0) {
      // Plain text with no level word: unspecified (its stream says nothing).
      EXPECT_EQ(row.severity, Severity::kUnspecified) << row;
      EXPECT_EQ(row.message.rfind("TraceID: ", 0), 0u) << row;
    } else if (row.entity.rfind("instance:adservice/", 0) == 0) {
      EXPECT_EQ(row.severity, Severity::kInfo) << row;  // "05:18:42.995 INFO  - ..."
    } else {
      EXPECT_EQ(row.severity, Severity::kInfo) << row;  // the inner JSON's severity
      EXPECT_EQ(row.message.rfind("TraceID: ", 0), 0u) << row;  // unwrapped, not the JSON
    }
    EXPECT_GE(row.time_ns, 1'661'145'502 * kSec);
    EXPECT_LT(row.time_ns, 1'661'145'542 * kSec);
    EXPECT_EQ(row.trace_id.size(), 32u);
  }
  // The first row (recommendationservice) and its template.
  EXPECT_EQ(r.rows[0].message.rfind("TraceID: 04c87ec97bae041b1b15b3c7676a43cc SpanID: "
                                    "e4006dce6700e903 List Recommendations product_ids=",
                                    0),
            0u)
      << r.rows[0];
  EXPECT_EQ(r.rows[0].template_text.rfind("TraceID: <*> SpanID: <*> List Recommendations <*>", 0),
            0u)
      << r.rows[0];
}

TEST(NezhaLogsTest, ThePresetNameGivesTheSameRowsAsDetection) {
  LogOptions named;
  ASSERT_TRUE(ParseLogFormat("nezha", &named.csv).ok());
  named.format = LogFormat::kCsv;
  EXPECT_EQ(ReadRows({InputSource::FromFile(NezhaSlice())}, named).rows,
            ReadRows({InputSource::FromFile(NezhaSlice())}, {}).rows);
}

// --- plain text ----------------------------------------------------------------------------

TEST(LogTextTest, TheDefaultRegexReadsTimeLevelAndMessage) {
  const std::string text =
      "2024-01-02T03:04:05.123Z ERROR payment 1 failed\n"
      "2024-01-02 03:04:06,500 [warn] retrying\n"
      "\n"
      "2024-01-02T03:04:07Z started worker 3\n"
      "no time here\n";
  LogOptions options;
  options.labels = {{"service", "payments"}};
  const auto r = ReadRows(text, options, "app.log");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].time_ns, 1'704'164'645'123'000'000);
  EXPECT_EQ(r.rows[0].severity, Severity::kError);
  EXPECT_EQ(r.rows[0].message, "payment 1 failed");
  EXPECT_EQ(r.rows[0].entity, "service:payments");
  EXPECT_EQ(r.rows[1].time_ns, 1'704'164'646'500'000'000);
  EXPECT_EQ(r.rows[1].severity, Severity::kWarn);
  EXPECT_EQ(r.rows[1].message, "retrying");
  EXPECT_EQ(r.rows[2].severity, Severity::kUnspecified);
  EXPECT_EQ(r.rows[2].message, "started worker 3");
  EXPECT_EQ(r.report().records_read, 4u);
  EXPECT_EQ(r.report().rejected.at("line does not match the regex"), 1u);
  EXPECT_EQ(r.report().errors[0], "app.log: line 5: line does not match the regex");
}

TEST(LogTextTest, ARegexWithoutATimeGroupOrThatDoesNotCompileIsAnError) {
  LogOptions options;
  options.format = LogFormat::kText;
  options.text.regex = "(?P<message>.*)";
  EXPECT_EQ(ReadRows("x\n", options).status.code(), absl::StatusCode::kInvalidArgument);
  options.text.regex = "(?P<time>\\d+ (";
  const auto r = ReadRows("x\n", options, "a.log");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("a.log: log line regex"), std::string_view::npos) << r.status;
}

TEST(LogTextTest, LongLinesAreMatchedOnTheirStartAndKeepTheirWholeMessage) {
  const std::string message = "big " + std::string(20000, 'x');
  LogOptions options;
  options.labels = {{"service", "s"}};
  const auto r = ReadRows("2024-01-02T03:04:05Z INFO " + message + "\n", options);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].message, message);
}

// --- detection -----------------------------------------------------------------------------

TEST(LogFormatTest, DetectionTellsTheFormatsApart) {
  bool nezha = false;
  using internal::DetectLogFormat;
  EXPECT_EQ(*DetectLogFormat(GoldenOtlpJson(), "x", &nezha), LogFormat::kOtlpJson);
  EXPECT_EQ(*DetectLogFormat(GoldenOtlpProto(), "x", &nezha), LogFormat::kOtlpProto);
  EXPECT_EQ(*DetectLogFormat(GoldenCsv(), "x", &nezha), LogFormat::kCsv);
  EXPECT_FALSE(nezha);
  EXPECT_EQ(*DetectLogFormat(GoldenText(), "x", &nezha), LogFormat::kText);
  EXPECT_EQ(*DetectLogFormat("2024-01-02 03:04:05,123 INFO a, b\n", "x", &nezha),
            LogFormat::kText);
  EXPECT_EQ(*DetectLogFormat("Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n",
                             "x", &nezha),
            LogFormat::kCsv);
  EXPECT_TRUE(nezha);
  const auto not_logs = DetectLogFormat("{\"resourceSpans\": []}\n", "spans.json", &nezha);
  EXPECT_EQ(not_logs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(not_logs.status().message().find("spans.json: a JSON object with keys \"resourceSpans\""),
            std::string_view::npos)
      << not_logs.status();
  const auto binary = DetectLogFormat(std::string("\x7f\x01\x02garbage", 10), "b.bin", &nezha);
  EXPECT_EQ(binary.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LogFormatTest, NamesParse) {
  LogCsvMapping mapping;
  EXPECT_EQ(*ParseLogFormat("otlp-json", &mapping), LogFormat::kOtlpJson);
  EXPECT_EQ(*ParseLogFormat("text", &mapping), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("nezha", &mapping), LogFormat::kCsv);
  EXPECT_EQ(mapping.message, "Log");
  EXPECT_TRUE(mapping.docker_envelope);
  EXPECT_EQ(ParseLogFormat("syslog", &mapping).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LogsTest, CompressedSourcesAreReadTransparently) {
  const auto plain = ReadRows(GoldenCsv(), {});
  const auto r = ReadRows(
      {InputSource::FromFile(std::string(FAULTLINE_SHARED_DATASETS_DIR) +
                             "/nezha-online-boutique/2022-08-22/log/05_20_log.csv.gz")},
      {});
  if (!r.status.ok() && r.status.code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "the shared datasets are not beside this checkout";
  }
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report().records_read, 5874u);
  EXPECT_EQ(r.report().records_accepted, 5874u);
  EXPECT_FALSE(plain.rows.empty());
}

// --- the record rules ------------------------------------------------------------------------

TEST(LogRulesTest, UnmappedRecordsAreCountedListedAndStillRead) {
  const std::string csv =
      "time,message,color\n"
      "1700000000000000000,a,red\n"
      "1700000000000000001,b,red\n"
      "1700000000000000002,c,blue\n";
  LogOptions options;
  options.max_error_messages = 10;
  const auto r = ReadRows(csv, options);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.report().records_accepted, 0u);
  EXPECT_EQ(r.report().rejected.at("unmapped"), 3u);
  EXPECT_EQ(r.report().unmapped_labels,
            (std::vector<std::string>{"{color=red}", "{color=blue}"}));
  ASSERT_EQ(r.rows.size(), 3u);  // the reader still gives them, without an entity
  EXPECT_EQ(r.rows[0].entity, "");
}

TEST(LogRulesTest, SeverityComesFromTheRecordThenJsonThenALevelWord) {
  const std::string csv =
      "time,severity,message,service\n"
      "1700000000000000000,,\"{\"\"msg\"\":\"\"boom\"\",\"\"level\"\":\"\"error\"\"}\",a\n"
      "1700000000000000001,info,\"{\"\"message\"\":\"\"x\"\",\"\"severity\"\":\"\"error\"\"}\",a\n"
      "1700000000000000002,,E: [ERROR] disk,a\n"
      "1700000000000000003,,an error in prose,a\n"
      "1700000000000000004,,level=warn retry,a\n"
      "1700000000000000005,,{not json,a\n";
  const auto r = ReadRows(csv, {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(r.rows[0].severity, Severity::kError);
  EXPECT_EQ(r.rows[0].message, "boom");
  EXPECT_EQ(r.rows[1].severity, Severity::kInfo);  // the record's own wins
  EXPECT_EQ(r.rows[1].message, "x");
  EXPECT_EQ(r.rows[2].severity, Severity::kError);
  EXPECT_EQ(r.rows[3].severity, Severity::kUnspecified);
  EXPECT_EQ(r.rows[4].severity, Severity::kWarn);
  EXPECT_EQ(r.rows[5].message, "{not json");
}

TEST(LogRulesTest, ARecordNamingItsOperationIsAlsoCountedOnIt) {
  const std::string doc =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":17,"body":{"stringValue":"failed"},"spanId":"00f067aa0ba902b7","attributes":[{"key":"span.name","value":{"stringValue":"GET /items/123"}}]}]}]}]})";
  const auto r = ReadRows(doc, {});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].operation, "shop/GET /items/{id}");
  EXPECT_EQ(r.report().operation_records, 1u);
  EXPECT_EQ(r.report().records_with_span, 1u);
}

TEST(LogRulesTest, TemplatesCanBeTurnedOff) {
  LogOptions options;
  options.templates = false;
  const auto r = ReadRows(GoldenCsv(), options);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.report().untemplated, 7u);
  EXPECT_EQ(r.rows[0].template_text, "(none)");
}

// --- helpers ---------------------------------------------------------------------------------

TEST(LogTimeTest, ParsesEpochsAndCalendarTimes) {
  std::int64_t t = 0;
  using internal::ParseLogTime;
  EXPECT_TRUE(ParseLogTime("1661145522908318000", std::nullopt, &t));
  EXPECT_EQ(t, 1'661'145'522'908'318'000);
  EXPECT_TRUE(ParseLogTime("1661145522908", std::nullopt, &t));  // ms by magnitude
  EXPECT_EQ(t, 1'661'145'522'908'000'000);
  EXPECT_TRUE(ParseLogTime("1661145522.25", std::nullopt, &t));
  EXPECT_EQ(t, 1'661'145'522'250'000'000);
  EXPECT_TRUE(ParseLogTime("1661145522", TimeUnit::kMilliseconds, &t));
  EXPECT_EQ(t, 1'661'145'522'000'000);
  EXPECT_TRUE(ParseLogTime("2022-08-22T05:18:42.963852011Z", std::nullopt, &t));
  EXPECT_EQ(t, 1'661'145'522'963'852'011);
  EXPECT_TRUE(ParseLogTime("2022-08-22 05:18:42", std::nullopt, &t));
  EXPECT_EQ(t, 1'661'145'522 * kSec);
  EXPECT_TRUE(ParseLogTime("2022-08-22T07:18:42+0200", std::nullopt, &t));
  EXPECT_EQ(t, 1'661'145'522 * kSec);
  for (const char* bad : {"", "0", "-5", "12ab", "2022-13-01T00:00:00Z", "2022-08-22T05:18",
                          "2022-08-22T05:18:42Zjunk", "99999999999999999999", "1.", "1e9"}) {
    EXPECT_FALSE(ParseLogTime(bad, std::nullopt, &t)) << bad;
  }
}

TEST(LogLevelWordTest, OnlyMarkedOrUpperCaseWordsAreLevels) {
  using internal::LevelWord;
  EXPECT_EQ(LevelWord("ERROR"), Severity::kError);
  EXPECT_EQ(LevelWord("[warn]"), Severity::kWarn);
  EXPECT_EQ(LevelWord("level=debug"), Severity::kDebug);
  EXPECT_EQ(LevelWord("WARNING:"), Severity::kWarn);
  EXPECT_EQ(LevelWord("CRITICAL"), Severity::kFatal);
  EXPECT_EQ(LevelWord("error"), Severity::kUnspecified);
  EXPECT_EQ(LevelWord("Info"), Severity::kUnspecified);
  EXPECT_EQ(LevelWord("ERRORS"), Severity::kUnspecified);
  EXPECT_EQ(internal::LevelInText("05:18:42.995 INFO  - TraceID: x"), Severity::kInfo);
  EXPECT_EQ(internal::LevelInText("one two three four ERROR"), Severity::kUnspecified);
}

}  // namespace
}  // namespace faultline
