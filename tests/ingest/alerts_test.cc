// ReadAlerts() / AddAlerts(): Alertmanager webhook payloads, Prometheus /api/v1/alerts
// responses and plain alert lists, their detection, accounting and bad input; the same alert
// in all three formats gives the same model.
#include "faultline/ingest/alerts.h"

#include <string>
#include <vector>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "ingest/alerts/record_json.h"

namespace faultline {
namespace {

const std::string kData = FAULTLINE_SOURCE_DIR "/tests/data/alerts/";

// 2024-09-18T15:00:00Z
constexpr std::int64_t kT0 = 1'726'671'600'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

std::vector<ParsedAlert> Read(const InputSource& source, AlertReport* report,
                              AlertOptions options = {}) {
  auto alerts = ReadAlerts(source, options, report);
  EXPECT_TRUE(alerts.ok()) << alerts.status();
  return alerts.ok() ? *alerts : std::vector<ParsedAlert>();
}

std::string Label(const Attributes& labels, const std::string& key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

TEST(Rfc3339Test, ReadsFractionsOffsetsAndTheZeroTime) {
  std::int64_t ns = 0;
  bool zero = true;
  ASSERT_TRUE(internal::ParseRfc3339("2024-09-18T15:00:00Z", &ns, &zero));
  EXPECT_EQ(ns, kT0);
  EXPECT_FALSE(zero);
  ASSERT_TRUE(internal::ParseRfc3339("2024-09-18T17:00:00.123456789+02:00", &ns, &zero));
  EXPECT_EQ(ns, kT0 + 123'456'789);
  ASSERT_TRUE(internal::ParseRfc3339("2024-09-18t14:30:00.5-00:30", &ns, &zero));
  EXPECT_EQ(ns, kT0 + kSecond / 2);
  // More than nine fractional digits are truncated.
  ASSERT_TRUE(internal::ParseRfc3339("2024-09-18 15:00:00.0000000019z", &ns, &zero));
  EXPECT_EQ(ns, kT0 + 1);
  ASSERT_TRUE(internal::ParseRfc3339("0001-01-01T00:00:00Z", &ns, &zero));
  EXPECT_TRUE(zero);
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(internal::ParseRfc3339("2024-02-29T00:00:00Z", &ns, &zero));
  for (const char* bad : {"2024-09-18T15:00:00", "2024-09-18", "2023-02-29T00:00:00Z",
                          "2024-13-01T00:00:00Z", "2024-09-18T25:00:00Z", "2024-09-18T15:00:00.Z",
                          "2024-09-18T15:00:00+0200", "2024-09-18T15:00:00Zjunk", "3000-01-01T00:00:00Z",
                          "1500-01-01T00:00:00Z", ""}) {
    EXPECT_FALSE(internal::ParseRfc3339(bad, &ns, &zero)) << bad;
  }
}

TEST(Rfc3339Test, EpochNumbersTellTheirUnitByMagnitude) {
  std::int64_t ns = 0;
  ASSERT_TRUE(internal::EpochToNs(1726671600.0, &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(internal::EpochToNs(1726671600250.0, &ns));
  EXPECT_EQ(ns, kT0 + kSecond / 4);
  ASSERT_TRUE(internal::EpochToNs(1726671600000000.0, &ns));
  EXPECT_EQ(ns, kT0);
  EXPECT_FALSE(internal::EpochToNs(-1.0, &ns));
}

TEST(AlertsTest, ReadsAnAlertmanagerWebhookPayload) {
  AlertReport report;
  const auto alerts = Read(InputSource::FromFile(kData + "alertmanager.json"), &report);
  EXPECT_EQ(report.format, AlertFormat::kAlertmanager);
  EXPECT_EQ(report.documents, 1u);
  EXPECT_EQ(report.read, 3u);
  ASSERT_EQ(alerts.size(), 3u);
  const ParsedAlert& crash = alerts[0];
  EXPECT_EQ(crash.name, "KubePodCrashLooping");
  EXPECT_EQ(crash.severity, "warning");
  EXPECT_EQ(crash.state, "firing");
  EXPECT_EQ(crash.starts_ns, kT0 + 150 * kSecond + 512'345'678);
  EXPECT_EQ(crash.ends_ns, 0);  // the zero time: still open
  EXPECT_EQ(crash.summary, "Pod shop/checkout-58d4b7c9f-7wqzp is crash looping.");
  EXPECT_EQ(crash.fingerprint, "5f2e0b3d9c1a7e64");
  EXPECT_EQ(crash.line, 5u);
  const ParsedAlert& disk = alerts[1];
  EXPECT_EQ(disk.state, "resolved");
  EXPECT_EQ(disk.starts_ns, kT0);  // 17:00 at +02:00
  EXPECT_EQ(disk.ends_ns, kT0 + 20 * 60 * kSecond);
  EXPECT_EQ(disk.summary,
            "Filesystem on /dev/nvme0n1p1 is predicted to run out of space within 4 hours.");
}

TEST(AlertsTest, AlertmanagerRepeatsFoldIntoOneAlertWithTheLastState) {
  AlertReport report;
  const auto alerts = Read(InputSource::FromFile(kData + "alertmanager.jsonl"), &report);
  EXPECT_EQ(report.documents, 2u);
  EXPECT_EQ(report.read, 2u);
  EXPECT_EQ(report.merged, 1u);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, "resolved");
  EXPECT_EQ(alerts[0].ends_ns, kT0 + 11 * 60 * kSecond);
  EXPECT_EQ(alerts[0].summary, "checkout 5xx back below 5%");
  // The first payload's alert lacks severity: commonLabels fill it in.
  EXPECT_EQ(alerts[0].severity, "critical");
}

TEST(AlertsTest, ReadsAPrometheusAlertsResponse) {
  AlertReport report;
  const auto alerts = Read(InputSource::FromFile(kData + "prometheus.json"), &report);
  EXPECT_EQ(report.format, AlertFormat::kPrometheus);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].name, "HighLatency");
  EXPECT_EQ(alerts[0].starts_ns, kT0 + 60 * kSecond + 250'000'000);
  EXPECT_EQ(alerts[1].state, "pending");
  EXPECT_EQ(alerts[1].summary, "Node has been unready for more than 15 minutes.");
}

TEST(AlertsTest, ReadsAPlainListWithFieldsAsLabels) {
  AlertReport report;
  const auto alerts = Read(InputSource::FromFile(kData + "list.json"), &report);
  EXPECT_EQ(report.format, AlertFormat::kJson);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].name, "DiskPressure");
  EXPECT_EQ(Label(alerts[0].labels, "node"), "ip-10-0-3-14.eu-west-1.compute.internal");
  EXPECT_EQ(Label(alerts[0].labels, "alertname"), "DiskPressure");
  EXPECT_EQ(alerts[0].summary, "disk pressure on ip-10-0-3-14");
  EXPECT_EQ(alerts[1].name, "QueueBacklog");
  EXPECT_EQ(alerts[1].starts_ns, kT0 + 360 * kSecond);
  EXPECT_EQ(alerts[1].ends_ns, kT0 + 600 * kSecond);
  EXPECT_EQ(alerts[1].state, "resolved");  // an end was given
}

TEST(AlertsTest, AddAlertsPutsEachAlertOnItsEntityAndListsTheUnmapped) {
  ModelBuilder b;
  AlertOptions options;
  std::vector<InputSource> sources = {InputSource::FromFile(kData + "alertmanager.json"),
                                      InputSource::FromFile(kData + "list.json")};
  auto reports = AddAlerts(b, sources, options);
  ASSERT_TRUE(reports.ok()) << reports.status();
  ASSERT_EQ(reports->size(), 2u);
  const AlertReport& am = (*reports)[0];
  EXPECT_EQ(am.subgraph, "alerts/default");
  // Watchdog has no entity label.
  EXPECT_EQ(am.accepted, 2u);
  EXPECT_EQ(am.rejected.at("unmapped"), 1u);
  ASSERT_EQ(am.unmapped.size(), 1u);
  EXPECT_EQ(am.unmapped[0], "line 26: {alertname=\"Watchdog\",severity=\"none\"}");
  EXPECT_EQ(am.read, am.accepted + am.merged + am.rejected_total());
  const AlertReport& list = (*reports)[1];
  EXPECT_EQ(list.accepted, 2u);
  EXPECT_EQ(list.rejected.at("unmapped"), 1u);

  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok()) << snap.status();
  auto pod = snap->Find("instance:checkout/checkout-58d4b7c9f-7wqzp");
  ASSERT_TRUE(pod);
  ASSERT_EQ(snap->AlertsOf(*pod).size(), 1u);
  const Alert& crash = snap->Alerts()[snap->AlertsOf(*pod)[0]].alert;
  EXPECT_EQ(crash.name, "KubePodCrashLooping");
  EXPECT_EQ(crash.source, kData + "alertmanager.json");
  // The labels that made the match, not every label.
  EXPECT_EQ(crash.labels, (Attributes{{"namespace", "shop"}, {"pod", "checkout-58d4b7c9f-7wqzp"}}));
  auto node = snap->Find("node:ip-10-0-1-23.eu-west-1.compute.internal");
  ASSERT_TRUE(node);
  EXPECT_EQ(snap->AlertsOf(*node).size(), 1u);
  auto queue = snap->Find("queue:orders");
  ASSERT_TRUE(queue);
  EXPECT_EQ(snap->Alerts()[snap->AlertsOf(*queue)[0]].alert.severity, "critical");
  auto sg = snap->FindSubgraph("alerts/default");
  ASSERT_TRUE(sg);
  EXPECT_EQ(snap->Subgraph(*sg).kind, "alerts");
  EXPECT_EQ(snap->Alerts().size(), 4u);
}

// The same alert written in each format gives the same model.
TEST(AlertsGoldenTest, TheSameAlertInEveryFormatGivesTheSameModel) {
  std::vector<std::string> serialized;
  for (const char* file : {"golden/alertmanager.json", "golden/prometheus.json", "golden/list.json"}) {
    SCOPED_TRACE(file);
    ModelBuilder b;
    // One name for the source in every format: the model records it.
    std::string bytes = *InputSource::FromFile(kData + file).ReadAll();
    auto report = AddAlerts(b, InputSource::FromBytes(bytes, "alerts"));
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->accepted, 1u);
    auto snap = b.Freeze();
    ASSERT_TRUE(snap.ok());
    ASSERT_EQ(snap->Alerts().size(), 1u);
    const Alert& a = snap->Alerts()[0].alert;
    EXPECT_EQ(snap->EntityIdString(snap->Alerts()[0].entity), "service:checkout");
    EXPECT_EQ(a.name, "CheckoutErrors");
    EXPECT_EQ(a.severity, "critical");
    EXPECT_EQ(a.state, "firing");
    EXPECT_EQ(a.starts_ns, kT0 + 120 * kSecond + kSecond / 2);
    EXPECT_EQ(a.ends_ns, 0);
    EXPECT_EQ(a.summary, "checkout is failing");
    serialized.push_back(snap->Serialize());
  }
  EXPECT_EQ(serialized[0], serialized[1]);
  EXPECT_EQ(serialized[0], serialized[2]);
}

TEST(AlertsBadInputTest, AJsonLinesFileKeepsItsGoodLinesAndCountsTheRest) {
  ModelBuilder b;
  auto report = AddAlerts(b, InputSource::FromFile(kData + "bad/mixed.jsonl"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->read, 6u);
  EXPECT_EQ(report->accepted, 1u);
  EXPECT_EQ(report->rejected.at("bad timestamp"), 1u);
  EXPECT_EQ(report->rejected.at("malformed JSON"), 1u);
  EXPECT_EQ(report->rejected.at("missing alertname"), 1u);
  EXPECT_EQ(report->rejected.at("missing start time"), 1u);
  EXPECT_EQ(report->rejected.at("unmapped"), 1u);
  EXPECT_EQ(report->read, report->accepted + report->merged + report->rejected_total());
  ASSERT_EQ(report->errors.size(), 4u);
  const std::string name = kData + "bad/mixed.jsonl";
  EXPECT_EQ(report->errors[0], name + ": line 2, column 53: bad timestamp: time \"18/09/2024 "
                                      "15:00\" is not an RFC 3339 time or Unix epoch");
  EXPECT_NE(report->errors[1].find(name + ": line 3, column 74 (malformed JSON"), std::string::npos)
      << report->errors[1];
  EXPECT_EQ(report->errors[2], name + ": line 4, column 1: missing alertname: no alertname "
                                      "label, \"alertname\" or \"name\"");
  EXPECT_EQ(report->unmapped,
            (std::vector<std::string>{"line 6: {alertname=\"Unmapped\",team=\"x\"}"}));
}

TEST(AlertsBadInputTest, ATruncatedDocumentIsAnErrorWithLineAndColumnAndChangesNothing) {
  ModelBuilder b;
  auto report = AddAlerts(b, InputSource::FromFile(kData + "bad/truncated.json"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find(kData + "bad/truncated.json:1:"), std::string::npos)
      << report.status();
  EXPECT_NE(report.status().message().find("malformed JSON"), std::string::npos);
  EXPECT_EQ(b.entity_count(), 0u);
  EXPECT_FALSE(b.FindSubgraph("alerts/default"));
}

TEST(AlertsBadInputTest, APrometheusErrorOrQueryResultIsNamedAsSuch) {
  AlertReport report;
  auto error = ReadAlerts(InputSource::FromFile(kData + "bad/prometheus_error.json"), {}, &report);
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("status \"error\": bad_data invalid parameter"),
            std::string::npos)
      << error.status();
  auto query = ReadAlerts(InputSource::FromFile(kData + "bad/query_result.json"), {}, &report);
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.status().message().find(":1:31: a Prometheus response without \"alerts\""),
            std::string::npos)
      << query.status();
}

TEST(AlertsBadInputTest, ANamedFormatMustMatchTheContent) {
  AlertOptions options;
  options.format = AlertFormat::kPrometheus;
  AlertReport report;
  auto alerts = ReadAlerts(InputSource::FromFile(kData + "alertmanager.json"), options, &report);
  ASSERT_FALSE(alerts.ok());
  EXPECT_EQ(alerts.status().message(),
            kData + "alertmanager.json:1:1: expected a Prometheus /api/v1/alerts response "
                    "(format \"prometheus\" was named), found an Alertmanager webhook payload");
  options.format = AlertFormat::kAlertmanager;
  EXPECT_TRUE(ReadAlerts(InputSource::FromFile(kData + "alertmanager.json"), options, &report).ok());
}

TEST(AlertsBadInputTest, SomethingElseEntirelyIsNotAlerts) {
  AlertReport report;
  for (const char* text : {R"({"resourceSpans": []})", "42", "[1, {\"alertname\": \"A\"}]"}) {
    SCOPED_TRACE(text);
    auto alerts = ReadAlerts(InputSource::FromBytes(text, "x.json"), {}, &report);
    if (std::string(text).front() == '[') {
      // A list element that is not an object is counted, the rest read.
      ASSERT_TRUE(alerts.ok()) << alerts.status();
      EXPECT_EQ(report.rejected.at("not an object"), 1u);
      EXPECT_EQ(report.rejected.at("missing start time"), 1u);
      continue;
    }
    ASSERT_FALSE(alerts.ok());
    EXPECT_EQ(alerts.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(alerts.status().message().find("x.json:1:1: expected"), std::string::npos)
        << alerts.status();
  }
  EXPECT_EQ(ParseAlertFormat("nagios").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseAlertFormat("alertmanager"), AlertFormat::kAlertmanager);
}

TEST(AlertsBadInputTest, AKindConflictLeavesTheBuilderUnchanged) {
  ModelBuilder b;
  auto sg = b.AddSubgraph("topology/x");
  ASSERT_TRUE(sg.ok());
  ASSERT_TRUE(b.AddEntity(*sg, EntityKind::kDatabase, "service:checkout").ok());
  auto report = AddAlerts(b, InputSource::FromFile(kData + "golden/list.json"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(b.FindSubgraph("alerts/default"));
}

}  // namespace
}  // namespace faultline
