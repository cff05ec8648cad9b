// The metric readers, format by format, through ReadMetrics() (long-form points) and the
// private syntax helpers: values after rate conversion, accounting of bad input, errors
// that name the file and the line or offset.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/ingest/metric_types.h"
#include "faultline/ingest/metrics.h"
#include "gtest/gtest.h"
#include "ingest/metrics/metric_sink.h"

namespace faultline {
namespace {

using internal::HistogramQuantile;
using internal::ParseDecimalTime;
using internal::ParseLabelSet;
using internal::ParseTimestamp;
using internal::ParseValue;

constexpr std::int64_t kS = 1'000'000'000;

std::string DataPath(const std::string& name) {
  return std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/metrics/" + name;
}

// A point of ReadMetrics(), flattened for comparisons.
struct Pt {
  std::string entity;
  std::string metric;
  std::int64_t time_ns;
  double value;
};

std::vector<Pt> Flatten(const MetricPoints& p) {
  std::vector<Pt> out;
  for (std::size_t i = 0; i < p.time_ns.size(); ++i) {
    out.push_back({p.entities[p.entity[i]], p.metrics[p.metric[i]], p.time_ns[i], p.value[i]});
  }
  return out;
}

struct Read {
  MetricPoints points;
  MetricReport report;
};

Read ReadText(const std::string& text, MetricOptions options = {},
              const std::string& name = "input") {
  std::vector<MetricReport> reports;
  absl::StatusOr<MetricPoints> p =
      ReadMetrics({InputSource::FromBytes(text, name)}, options, &reports);
  EXPECT_TRUE(p.ok()) << p.status();
  Read r;
  if (p.ok()) r.points = std::move(*p);
  if (!reports.empty()) r.report = reports.front();
  return r;
}

absl::Status ReadError(const std::string& text, MetricOptions options = {},
                       const std::string& name = "input") {
  absl::StatusOr<MetricPoints> p = ReadMetrics({InputSource::FromBytes(text, name)}, options);
  EXPECT_FALSE(p.ok());
  return p.status();
}

MetricOptions WithFormat(MetricFormat format) {
  MetricOptions options;
  options.format = format;
  return options;
}

bool HasError(const MetricReport& r, const std::string& fragment) {
  for (const std::string& e : r.errors) {
    if (e.find(fragment) != std::string::npos) return true;
  }
  return false;
}

// --- syntax ------------------------------------------------------------------------------

TEST(MetricTime, NumericUnitsByMagnitude) {
  std::int64_t ns = 0;
  ASSERT_TRUE(ParseTimestamp("1700000000", &ns));
  EXPECT_EQ(ns, 1700000000 * kS);
  ASSERT_TRUE(ParseTimestamp("1700000000.25", &ns));
  EXPECT_EQ(ns, 1700000000 * kS + 250'000'000);
  ASSERT_TRUE(ParseTimestamp("1700000000123", &ns));
  EXPECT_EQ(ns, 1700000000123 * 1'000'000);
  ASSERT_TRUE(ParseTimestamp("1700000000123456", &ns));
  EXPECT_EQ(ns, 1700000000123456 * 1000);
  ASSERT_TRUE(ParseTimestamp("1700000000123456789", &ns));
  EXPECT_EQ(ns, 1700000000123456789);
  ASSERT_TRUE(ParseTimestamp("1.7e9", &ns));
  EXPECT_EQ(ns, 1700000000 * kS);
  EXPECT_FALSE(ParseTimestamp("", &ns));
  EXPECT_FALSE(ParseTimestamp("12abc", &ns));
  EXPECT_FALSE(ParseTimestamp("99999999999999999999999", &ns));
}

TEST(MetricTime, Dates) {
  std::int64_t ns = 0;
  ASSERT_TRUE(ParseTimestamp("2023-11-14T22:13:20Z", &ns));
  EXPECT_EQ(ns, 1700000000 * kS);
  ASSERT_TRUE(ParseTimestamp("2023-11-14T23:13:20.5+01:00", &ns));
  EXPECT_EQ(ns, 1700000000 * kS + 500'000'000);
  ASSERT_TRUE(ParseTimestamp("2023-11-14 22:13:20", &ns));
  EXPECT_EQ(ns, 1700000000 * kS);
  // Go time.String(), as the Nezha captures write it.
  ASSERT_TRUE(ParseTimestamp("2022-08-23 11:59:28.156628494 +0000 UTC m=+0.139064770", &ns));
  EXPECT_EQ(ns, 1661255968 * kS + 156628494);
  EXPECT_FALSE(ParseTimestamp("2023-13-14T22:13:20Z", &ns));
  EXPECT_FALSE(ParseTimestamp("2023-11-14T22:13:20 nonsense", &ns));
}

TEST(MetricTime, DecimalSecondsExact) {
  std::int64_t ns = 0;
  ASSERT_TRUE(ParseDecimalTime("1700000000.123456789", kS, &ns));
  EXPECT_EQ(ns, 1700000000123456789);
  ASSERT_TRUE(ParseDecimalTime("0.001", kS, &ns));
  EXPECT_EQ(ns, 1'000'000);
  EXPECT_FALSE(ParseDecimalTime(".", kS, &ns));
}

TEST(MetricValue, NumbersAndSpecials) {
  double v = 0;
  ASSERT_TRUE(ParseValue("0.25", &v));
  EXPECT_EQ(v, 0.25);
  ASSERT_TRUE(ParseValue("-1e3", &v));
  EXPECT_EQ(v, -1000);
  ASSERT_TRUE(ParseValue("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  ASSERT_TRUE(ParseValue("+Inf", &v));
  EXPECT_TRUE(std::isinf(v) && v > 0);
  ASSERT_TRUE(ParseValue("-Inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  EXPECT_FALSE(ParseValue("", &v));
  EXPECT_FALSE(ParseValue("1.5x", &v));
}

TEST(MetricLabels, LabelSetCells) {
  Attributes labels;
  ASSERT_TRUE(ParseLabelSet("namespace=shop, pod=cart-1", &labels));
  EXPECT_EQ(labels, (Attributes{{"namespace", "shop"}, {"pod", "cart-1"}}));
  ASSERT_TRUE(ParseLabelSet(R"({pod="cart-1",msg="a,\"b\""})", &labels));
  EXPECT_EQ(labels, (Attributes{{"pod", "cart-1"}, {"msg", "a,\"b\""}}));
  ASSERT_TRUE(ParseLabelSet("{}", &labels));
  EXPECT_TRUE(labels.empty());
  EXPECT_FALSE(ParseLabelSet("{pod=\"x\"", &labels));
  EXPECT_FALSE(ParseLabelSet("no-equals-sign", &labels));
}

// --- types --------------------------------------------------------------------------------

TEST(MetricTypes, BuiltInNamesAndPatterns) {
  const MetricTypeTable t = MetricTypeTable::BuiltIn();
  EXPECT_EQ(t.TypeOf("container_cpu_usage_seconds_total"), "cpu");
  EXPECT_EQ(t.TypeOf("container_cpu_cfs_throttled_periods_total"), "cpu_throttling");
  EXPECT_EQ(t.TypeOf("container_memory_working_set_bytes"), "memory");
  EXPECT_EQ(t.TypeOf("kube_pod_container_status_restarts_total"), "restarts");
  EXPECT_EQ(t.TypeOf("container_oom_events_total"), "oom");
  EXPECT_EQ(t.TypeOf("node_cpu_seconds_total"), "cpu");
  EXPECT_EQ(t.TypeOf("CpuUsage(m)"), "cpu");
  EXPECT_EQ(t.TypeOf("MemoryUsage(Mi)"), "memory");
  EXPECT_EQ(t.TypeOf("PodSuccessRate(%)"), "success_rate");
  EXPECT_EQ(t.TypeOf("NodeCpuUsageRate(%)"), "cpu");
  EXPECT_EQ(t.TypeOf("PodServerLatencyP99(s)"), "latency");
  EXPECT_EQ(t.TypeOf("mem"), "memory");
  EXPECT_EQ(t.TypeOf("latency-90"), "latency");
  EXPECT_EQ(t.TypeOf("workload"), "throughput");
  // Patterns.
  EXPECT_EQ(t.TypeOf("http_request_duration_seconds_bucket"), "latency");
  EXPECT_EQ(t.TypeOf("kafka_consumergroup_lag"), "queue_lag");
  EXPECT_EQ(t.TypeOf("hikaricp_connections_active"), "connection_pool");
  EXPECT_EQ(t.TypeOf("grpc_server_handled_errors_total"), "error_rate");
  EXPECT_EQ(t.TypeOf("rabbitmq_queue_messages_ready"), "queue_depth");
  EXPECT_EQ(t.TypeOf("something_unrelated"), "other");
  for (std::string_view type : MetricTypeNames()) EXPECT_TRUE(IsMetricType(type));
  EXPECT_FALSE(IsMetricType("cpuu"));
}

TEST(MetricTypes, RulesFileExtendsAndOverrides) {
  absl::StatusOr<MetricTypeTable> t = MetricTypeTable::FromRulesJson(
      R"({"rules": [{"match": "my_app_inflight", "type": "queue_depth"},
                    {"match": "*_pending_jobs", "type": "queue_depth"},
                    {"match": "container_memory_working_set_bytes", "type": "oom"}]})",
      "rules.json");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->TypeOf("my_app_inflight"), "queue_depth");
  EXPECT_EQ(t->TypeOf("worker_pending_jobs"), "queue_depth");
  EXPECT_EQ(t->TypeOf("container_memory_working_set_bytes"), "oom");  // user rule first
  EXPECT_EQ(t->TypeOf("container_cpu_usage_seconds_total"), "cpu");   // built-in kept
}

TEST(MetricTypes, RulesFileErrorsNameFileAndPlace) {
  absl::StatusOr<MetricTypeTable> bad_type = MetricTypeTable::FromRulesJson(
      "{\"rules\": [\n {\"match\": \"x\", \"type\": \"cpux\"}]}", "rules.json");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("rules.json:2:2"), std::string::npos)
      << bad_type.status();
  EXPECT_NE(bad_type.status().message().find("unknown type \"cpux\""), std::string::npos);
  absl::StatusOr<MetricTypeTable> missing =
      MetricTypeTable::FromRulesJson(R"({"rules": [{"match": "x"}]})", "r.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs \"match\" and \"type\""), std::string::npos);
  absl::StatusOr<MetricTypeTable> syntax =
      MetricTypeTable::FromRulesJson("{\"rules\": [", "r.json");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("r.json:1:"), std::string::npos);
  absl::StatusOr<MetricTypeTable> nofile = MetricTypeTable::FromRulesFile("/nonexistent/r.json");
  EXPECT_FALSE(nofile.ok());
}

TEST(MetricTypes, OptionsRulesPathApplies) {
  const std::string path = ::testing::TempDir() + "/metric_rules.json";
  std::ofstream(path) << R"({"rules": [{"match": "jobs_waiting", "type": "queue_depth"}]})";
  MetricOptions options;
  options.type_rules_path = path;
  Read r = ReadText("timestamp,entity,metric,value\n1700000000,service:w,jobs_waiting,3\n",
                    options);
  ASSERT_EQ(r.points.types.size(), 1u);
  EXPECT_EQ(r.points.types[0], "queue_depth");
  options.type_rules_path = "/nonexistent/rules.json";
  EXPECT_FALSE(ReadMetrics({InputSource::FromBytes("timestamp,entity,metric,value\n")}, options)
                   .ok());
}

// --- Prometheus ----------------------------------------------------------------------------

TEST(PrometheusJson, MatrixGaugesAndCounterRatesWithReset) {
  const std::string text = R"({"status":"success","data":{"resultType":"matrix","result":[
 {"metric":{"__name__":"up","job":"cart"},"values":[[1700000000,"1"],[1700000015.5,"0"]]},
 {"metric":{"__name__":"http_requests_total","service":"cart","code":"500"},
  "values":[[1700000000,"100"],[1700000010,"130"],[1700000020,"10"],[1700000030,"40"]]}]}})";
  Read r = ReadText(text);
  EXPECT_EQ(r.report.format, MetricFormat::kPrometheusJson);
  EXPECT_EQ(r.report.samples_read, 6u);
  EXPECT_EQ(r.report.samples_accepted, 6u);
  EXPECT_EQ(r.report.points, 5u);  // the counter's first sample is its base
  EXPECT_EQ(r.report.series, 2u);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 5u);
  EXPECT_EQ(pts[0].entity, "service:cart");
  EXPECT_EQ(pts[0].metric, "up");
  EXPECT_EQ(pts[1].time_ns, 1700000015 * kS + 500'000'000);
  EXPECT_EQ(pts[1].value, 0);
  EXPECT_EQ(pts[2].metric, "http_requests_total{code=\"500\"}");
  EXPECT_EQ(pts[2].time_ns, 1700000010 * kS);
  EXPECT_DOUBLE_EQ(pts[2].value, 3.0);   // (130 - 100) / 10 s
  EXPECT_DOUBLE_EQ(pts[3].value, 1.0);   // reset: 10 counted from zero / 10 s
  EXPECT_DOUBLE_EQ(pts[4].value, 3.0);   // (40 - 10) / 10 s
}

TEST(PrometheusJson, InstantVectorAndDataObjectAlone) {
  Read r = ReadText(R"({"resultType":"vector","result":[
    {"metric":{"__name__":"container_memory_working_set_bytes","namespace":"shop",
               "pod":"cart-7d4b9c8f5-abcde"},"value":[1700000000.5,"2048"]}]})");
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 1u);
  EXPECT_EQ(pts[0].entity, "instance:cart/cart-7d4b9c8f5-abcde");
  EXPECT_EQ(pts[0].value, 2048);
  EXPECT_EQ(r.points.types[0], "memory");
}

TEST(PrometheusJson, SamplesBeforeMetricObjectAreRead) {
  Read r = ReadText(R"({"data":{"result":[{"values":[[1,"2"],[2,"3"]],
                       "metric":{"__name__":"q","service":"a"}}]}})");
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[1].value, 3);
  EXPECT_EQ(pts[1].entity, "service:a");
}

TEST(PrometheusJson, BadSamplesCountedWithLines) {
  const std::string text =
      "{\"data\":{\"resultType\":\"matrix\",\"result\":[\n"
      "{\"metric\":{\"__name__\":\"g\",\"service\":\"a\"},\"values\":[\n"
      "[1,\"1\"],\n"
      "[2,\"NaN\"],\n"
      "[3,\"+Inf\"],\n"
      "[\"x\",\"1\"],\n"
      "[5,\"abc\"],\n"
      "[6],\n"
      "[7,\"7\"]]},\n"
      "{\"metric\":{\"__name__\":\"g\",\"pod_label\":\"x\"},\"values\":[[1,\"1\"],[2,\"2\"]]}\n"
      "]}}";
  Read r = ReadText(text);
  EXPECT_EQ(r.report.samples_read, 9u);
  EXPECT_EQ(r.report.samples_accepted, 2u);
  EXPECT_EQ(r.report.rejected.at("non-finite"), 2u);
  EXPECT_EQ(r.report.rejected.at("bad timestamp"), 1u);
  EXPECT_EQ(r.report.rejected.at("bad value"), 1u);
  EXPECT_EQ(r.report.rejected.at("missing value"), 1u);
  EXPECT_EQ(r.report.rejected.at("unmapped"), 2u);
  EXPECT_EQ(r.report.rejected_total() + r.report.samples_accepted, r.report.samples_read);
  EXPECT_EQ(r.report.unmapped_series, 1u);
  ASSERT_EQ(r.report.unmapped.size(), 1u);
  EXPECT_EQ(r.report.unmapped[0], "g{pod_label=\"x\"}");
  EXPECT_TRUE(HasError(r.report, "input: line 4, column 1: non-finite")) << r.report.errors[0];
  EXPECT_TRUE(HasError(r.report, "line 6, column 1: bad timestamp"));
}

TEST(PrometheusJson, MalformedAndErrorResponses) {
  absl::Status s = ReadError("{\"data\":{\"result\":[\n{\"metric\":{}, \"values\": [[1,\"2\"]", {},
                             "q.json");
  EXPECT_NE(s.message().find("q.json:2:"), std::string::npos) << s;
  s = ReadError(R"({"status":"error","errorType":"bad_data","error":"parse error"})",
                WithFormat(MetricFormat::kPrometheusJson));
  EXPECT_NE(s.message().find("parse error"), std::string::npos) << s;
  s = ReadError(R"({"data":{"resultType":"scalar","result":[1,"2"]}})");
  EXPECT_NE(s.message().find("scalar and string results name no series"), std::string::npos)
      << s;
}

TEST(PrometheusJson, PairsOutsideTheCompactShapeReadTheSame) {
  // Exponent times, escaped values, white space and bare numbers leave the fast path; the
  // reader takes over at that pair and the next compact pairs are read as usual.
  Read r = ReadText(R"({"data":{"result":[{"metric":{"__name__":"g","service":"a"},"values":[
      [1700000000,"1"], [1.70000001e9,"2"],[1700000020,"\u0033"],
      [ 1700000030 , "4" ],[1700000040,5],[1700000050,"6"]]},
      {"metric":{"__name__":"h","service":"a"},"values":[]}]}})");
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 6u);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    EXPECT_EQ(pts[i].time_ns, (1700000000 + 10 * static_cast<std::int64_t>(i)) * kS);
    EXPECT_EQ(pts[i].value, static_cast<double>(i + 1));
  }
  EXPECT_EQ(r.report.series, 2u);
  absl::Status s = ReadError(
      "{\"data\":{\"result\":[{\"metric\":{\"__name__\":\"g\",\"service\":\"a\"},"
      "\"values\":[[1,\"1\"] x]}]}}",
      {}, "q.json");
  EXPECT_NE(s.message().find("q.json:1:"), std::string::npos) << s;
}

TEST(PrometheusJson, CountersOutOfOrderAndDuplicatesRejected) {
  Read r = ReadText(R"({"data":{"result":[{"metric":{"__name__":"x_total","service":"a"},
      "values":[[10,"1"],[20,"2"],[20,"3"],[15,"4"],[30,"5"]]}]}})");
  EXPECT_EQ(r.report.rejected.at("duplicate timestamp"), 1u);
  EXPECT_EQ(r.report.rejected.at("out of order"), 1u);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_DOUBLE_EQ(pts[0].value, 0.1);
  EXPECT_DOUBLE_EQ(pts[1].value, 0.3);
}

// --- long CSV ------------------------------------------------------------------------------

TEST(LongCsv, EntityCellsAndTimestampUnits) {
  const std::string text =
      "timestamp,entity,metric,value\n"
      "1700000000,service:cart,cpu,0.5\n"
      "1700000001000,\"namespace=shop,pod=cart-7d4b9c8f5-abcde\",mem,7\n"
      "2023-11-14T22:13:22Z,\"{node=\"\"ip-10-0-0-1\"\"}\",node_load1,1.5\n"
      "1700000003000000000,zone=us-east-1a,up,1\n";
  Read r = ReadText(text);
  EXPECT_EQ(r.report.format, MetricFormat::kLongCsv);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 4u);
  EXPECT_EQ(pts[0].entity, "service:cart");
  EXPECT_EQ(pts[1].entity, "instance:cart/cart-7d4b9c8f5-abcde");
  EXPECT_EQ(pts[1].time_ns, 1700000001 * kS);
  EXPECT_EQ(pts[2].entity, "node:ip-10-0-0-1");
  EXPECT_EQ(pts[2].time_ns, 1700000002 * kS);
  EXPECT_EQ(pts[3].entity, "zone:us-east-1a");
  EXPECT_EQ(pts[3].time_ns, 1700000003 * kS);
}

TEST(LongCsv, BadRowsCountedWithLineNumbers) {
  const std::string text =
      "timestamp,entity,metric,value\n"
      "1700000000,service:a,g,1\n"
      "yesterday,service:a,g,1\n"
      "1700000002,service:a,g,one\n"
      "1700000003,service:a,g\n"
      "1700000004,\"{pod=\"\"x\",g,1\n"
      "1700000005,service:a,g,NaN\n"
      "1700000006,nothing=here,g,1\n"
      "1700000007,service:a,g,2\n";
  Read r = ReadText(text, {}, "m.csv");
  EXPECT_EQ(r.report.samples_read, 8u);
  EXPECT_EQ(r.report.samples_accepted, 2u);
  EXPECT_EQ(r.report.rejected.at("bad timestamp"), 1u);
  EXPECT_EQ(r.report.rejected.at("bad value"), 1u);
  EXPECT_EQ(r.report.rejected.at("too few columns"), 1u);
  EXPECT_EQ(r.report.rejected.at("bad label set"), 1u);
  EXPECT_EQ(r.report.rejected.at("non-finite"), 1u);
  EXPECT_EQ(r.report.rejected.at("unmapped"), 1u);
  EXPECT_TRUE(HasError(r.report, "m.csv: line 3: bad timestamp"));
  EXPECT_TRUE(HasError(r.report, "m.csv: line 5: too few columns"));
  EXPECT_TRUE(HasError(r.report, "m.csv: line 7: non-finite"));
}

TEST(LongCsv, HeaderlessAndMissingColumns) {
  Read r = ReadText("1700000000,service:a,g,1\n1700000001,service:a,g,2\n",
                    WithFormat(MetricFormat::kLongCsv));
  EXPECT_EQ(r.points.time_ns.size(), 2u);
  absl::Status s = ReadError("when,entity,metric,value\n1,service:a,g,1\n",
                             WithFormat(MetricFormat::kLongCsv), "m.csv");
  EXPECT_NE(s.message().find("m.csv:1: a long metric CSV needs the columns"),
            std::string::npos)
      << s;
  EXPECT_NE(s.message().find("missing: timestamp"), std::string::npos) << s;
}

// --- wide CSV -----------------------------------------------------------------------------

TEST(WideCsv, MappingWithLabelsValuesAndConstants) {
  MetricOptions options;
  options.format = MetricFormat::kWideCsv;
  options.wide_set = true;
  options.wide.time = "ts";
  options.wide.labels = {"pod"};
  options.wide.values = {{"cpu_m", "cpu_millicores"}, {"mem", ""}};
  options.wide.constant_labels = {{"namespace", "shop"}};
  Read r = ReadText(
      "ts,pod,cpu_m,mem,ignored\n"
      "1700000000,cart-7d4b9c8f5-abcde,250,100,x\n"
      "1700000060,cart-7d4b9c8f5-abcde,,110,x\n"
      "1700000060,web-1,5,7,x\n",
      options);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 5u);  // an empty cell is no sample
  EXPECT_EQ(pts[0].metric, "cpu_millicores");
  EXPECT_EQ(pts[0].entity, "instance:cart/cart-7d4b9c8f5-abcde");
  EXPECT_EQ(pts[2].metric, "mem");
  EXPECT_EQ(pts[2].value, 110);
  EXPECT_EQ(pts[3].entity, "instance:web/web-1");
  EXPECT_EQ(r.report.samples_read, 5u);
}

TEST(WideCsv, MissingColumnsAreErrors) {
  MetricOptions options;
  options.format = MetricFormat::kWideCsv;
  options.wide_set = true;
  options.wide.time = "ts";
  absl::Status s = ReadError("time,a\n1,2\n", options, "w.csv");
  EXPECT_NE(s.message().find("w.csv:1: no time column \"ts\""), std::string::npos) << s;
  // Without a mapping, a header no preset reads cannot be guessed.
  s = ReadError("when,a\n1,2\n", {}, "w.csv");
  EXPECT_NE(s.message().find("needs a column mapping or a preset"), std::string::npos) << s;
}

TEST(WideCsv, RcaEvalPresetSplitsServiceAndMetric) {
  Read r = ReadText(
      "time,cartservice_cpu,cartservice_mem,frontend_latency-90,frontend_workload\n"
      "1700000000,0.5,100,0.2,30\n"
      "1700000001,0.7,101,0.3,31\n");
  EXPECT_EQ(r.report.format, MetricFormat::kWideCsv);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 8u);
  EXPECT_EQ(pts[0].entity, "service:cartservice");
  EXPECT_EQ(pts[0].metric, "cpu");
  EXPECT_EQ(pts[2].entity, "service:frontend");
  EXPECT_EQ(pts[2].metric, "latency-90");
  ASSERT_EQ(r.points.metrics.size(), 4u);
  EXPECT_EQ(r.points.types[0], "cpu");
  EXPECT_EQ(r.points.types[1], "memory");
  EXPECT_EQ(r.points.types[2], "latency");
  EXPECT_EQ(r.points.types[3], "throughput");
}

TEST(WideCsv, NezhaPresetOnARealPodFile) {
  std::vector<MetricReport> reports;
  absl::StatusOr<MetricPoints> p = ReadMetrics(
      {InputSource::FromFile(DataPath("nezha_adservice-5f6585d649-fnmft_metric.csv.gz"))}, {},
      &reports);
  ASSERT_TRUE(p.ok()) << p.status();
  const MetricReport& r = reports[0];
  EXPECT_EQ(r.format, MetricFormat::kWideCsv);
  EXPECT_EQ(r.samples_read, 721u * 19u);
  EXPECT_EQ(r.rejected.at("non-finite"), 3u);  // row 278: three NaN latency cells
  EXPECT_EQ(r.samples_accepted, 721u * 19u - 3u);
  EXPECT_EQ(r.series, 19u);
  EXPECT_EQ(r.unmapped_series, 0u);
  ASSERT_EQ(p->entities.size(), 1u);
  EXPECT_EQ(p->entities[0], "instance:adservice/adservice-5f6585d649-fnmft");
  // The Time column, not TimeStamp: the first row is 2022-08-23 11:59:28.156628494 UTC.
  EXPECT_EQ(p->time_ns.front(), 1661255968 * kS + 156628494);
  EXPECT_EQ(p->metrics[0], "CpuUsage(m)");
  EXPECT_EQ(p->types[0], "cpu");
  EXPECT_DOUBLE_EQ(p->value[0], 0.93728634);
  bool saw_success = false;
  for (std::size_t i = 0; i < p->metrics.size(); ++i) {
    if (p->metrics[i] == "PodSuccessRate(%)") {
      saw_success = true;
      EXPECT_EQ(p->types[i], "success_rate");
    }
    EXPECT_NE(p->metrics[i], "TimeStamp");
  }
  EXPECT_TRUE(saw_success);
}

// --- OTLP JSON -----------------------------------------------------------------------------

std::string OtlpLine(const std::string& metrics, const std::string& service = "cart") {
  return R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
         service + R"("}}]},"scopeMetrics":[{"metrics":[)" + metrics + "]}]}]}\n";
}

TEST(OtlpJson, GaugeSumsAndAttributes) {
  const std::string text =
      OtlpLine(R"({"name":"queue_size","gauge":{"dataPoints":[
        {"timeUnixNano":"1700000000000000000","asInt":"5",
         "attributes":[{"key":"messaging.destination.name","value":{"stringValue":"orders"}}]}]}})") +
      OtlpLine(R"({"name":"calls","sum":{"dataPoints":[
        {"startTimeUnixNano":"1699999990000000000","timeUnixNano":"1700000000000000000","asDouble":20}],
        "aggregationTemporality":1,"isMonotonic":true}})") +
      OtlpLine(R"({"name":"inflight","sum":{"aggregationTemporality":2,"isMonotonic":false,
        "dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":3}]}})") +
      OtlpLine(R"({"name":"bytes","sum":{"dataPoints":[
        {"startTimeUnixNano":"1","timeUnixNano":"1700000000000000000","asInt":"100"}],
        "aggregationTemporality":2,"isMonotonic":true}})") +
      OtlpLine(R"({"name":"bytes","sum":{"dataPoints":[
        {"startTimeUnixNano":"1","timeUnixNano":"1700000002000000000","asInt":"300"}],
        "aggregationTemporality":2,"isMonotonic":true}})");
  Read r = ReadText(text);
  EXPECT_EQ(r.report.format, MetricFormat::kOtlpJson);
  const std::vector<Pt> pts = Flatten(r.points);
  ASSERT_EQ(pts.size(), 4u);
  // The point's queue attribute does not outrank the resource's service (rule order).
  EXPECT_EQ(pts[0].entity, "service:cart");
  EXPECT_EQ(pts[0].value, 5);
  EXPECT_DOUBLE_EQ(pts[1].value, 2.0);  // delta 20 over 10 s
  EXPECT_EQ(pts[2].value, 3);           // non-monotonic cumulative: a gauge
  EXPECT_DOUBLE_EQ(pts[3].value, 100);  // (300 - 100) / 2 s
}

TEST(OtlpJson, HistogramQuantilesAndRate) {
  auto point = [](int t, const std::string& count, const std::string& buckets) {
    return OtlpLine(R"({"name":"http.server.request.duration","histogram":{"dataPoints":[
      {"startTimeUnixNano":"1","timeUnixNano":")" + std::to_string(t) + R"(000000000","count":")" +
                    count + R"(","bucketCounts":[)" + buckets +
                    R"(],"explicitBounds":[0.1,0.5,1]}],"aggregationTemporality":2}})");
  };
  Read r = ReadText(point(1700000000, "10", "\"10\",\"0\",\"0\",\"0\"") +
                    point(1700000010, "110", "\"20\",\"60\",\"30\",\"0\""));
  std::map<std::string, double> last;
  for (const Pt& p : Flatten(r.points)) last[p.metric] = p.value;
  ASSERT_EQ(last.size(), 4u);
  // Over the interval: 10 in (0, 0.1], 60 in (0.1, 0.5], 30 in (0.5, 1].
  EXPECT_DOUBLE_EQ(last["http.server.request.duration_rate"], 10.0);
  EXPECT_NEAR(last["http.server.request.duration_p50"], 0.1 + 0.4 * (40.0 / 60.0), 1e-12);
  EXPECT_NEAR(last["http.server.request.duration_p90"], 0.5 + 0.5 * (20.0 / 30.0), 1e-12);
  EXPECT_NEAR(last["http.server.request.duration_p99"], 0.5 + 0.5 * (29.0 / 30.0), 1e-12);
  EXPECT_EQ(r.report.samples_read, 2u);
  EXPECT_EQ(r.report.samples_accepted, 2u);
}

TEST(OtlpJson, HistogramQuantileEdges) {
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, {1, 2}, {0, 0, 4}), 2);  // +Inf bucket: top bound
  EXPECT_DOUBLE_EQ(HistogramQuantile(0.5, {1, 2}, {4, 0, 0}), 0.5);
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {1, 2}, {0, 0, 0})));
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, {}, {3})));
}

TEST(OtlpJson, BadPointsAndLinesCounted) {
  const std::string text =
      OtlpLine(R"({"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000"}]}})") +
      "{not json\n" +
      OtlpLine(R"({"name":"g","gauge":{"dataPoints":[{"asDouble":1}]}})") +
      OtlpLine(R"({"name":"s","summary":{"dataPoints":[{"timeUnixNano":"1"}]}})") +
      OtlpLine(R"({"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":"NaN"}]}})") +
      OtlpLine(R"({"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":2}]}})");
  Read r = ReadText(text, {}, "m.jsonl");
  EXPECT_EQ(r.report.samples_read, 6u);  // five points and the malformed line
  EXPECT_EQ(r.report.samples_accepted, 1u);
  EXPECT_EQ(r.report.rejected.at("missing value"), 1u);
  EXPECT_EQ(r.report.rejected.at("missing timestamp"), 1u);
  EXPECT_EQ(r.report.rejected.at("summary (unsupported)"), 1u);
  EXPECT_EQ(r.report.rejected.at("non-finite"), 1u);
  EXPECT_EQ(r.report.rejected.at("malformed line"), 1u);
  EXPECT_TRUE(HasError(r.report, "line 2")) << r.report.errors[0];
}

// --- detection -----------------------------------------------------------------------------

TEST(MetricDetection, TellsFormatsApart) {
  auto detect = [](const std::string& text) {
    absl::StatusOr<internal::DetectedMetricFormat> d = internal::DetectMetricFormat(text, "x");
    return d.ok() ? d->format : MetricFormat::kAuto;
  };
  EXPECT_EQ(detect(R"({"status":"success","data":{"resultType":"matrix","result":[]}})"),
            MetricFormat::kPrometheusJson);
  EXPECT_EQ(detect(R"({"resourceMetrics":[]})"), MetricFormat::kOtlpJson);
  EXPECT_EQ(detect("timestamp,entity,metric,value\n"), MetricFormat::kLongCsv);
  EXPECT_EQ(detect("time,cart_cpu,cart_mem\n1,2,3\n"), MetricFormat::kWideCsv);
  EXPECT_EQ(detect(std::string("\0\0\0\x02\x0a\x00", 6)), MetricFormat::kOtlpProto);
  absl::StatusOr<internal::DetectedMetricFormat> traces =
      internal::DetectMetricFormat(R"({"resourceSpans":[]})", "t.json");
  ASSERT_FALSE(traces.ok());
  EXPECT_NE(traces.status().message().find("OTLP traces, not metrics"), std::string::npos);
  absl::StatusOr<internal::DetectedMetricFormat> prose =
      internal::DetectMetricFormat("hello world\n", "p.txt");
  ASSERT_FALSE(prose.ok());
  EXPECT_NE(prose.status().message().find("p.txt: cannot tell the metric format"),
            std::string::npos);
}

TEST(MetricDetection, FormatNames) {
  EXPECT_EQ(*ParseMetricFormat("query_range"), MetricFormat::kPrometheusJson);
  EXPECT_EQ(*ParseMetricFormat("otlp-proto"), MetricFormat::kOtlpProto);
  EXPECT_EQ(MetricFormatName(MetricFormat::kLongCsv), "csv");
  EXPECT_FALSE(ParseMetricFormat("nezha").ok());
  EXPECT_TRUE(ParseMetricPreset("nezha").ok());
  EXPECT_FALSE(ParseMetricPreset("prometheus").ok());
}

// --- OTLP protobuf -------------------------------------------------------------------------

TEST(OtlpProto, CanonicalFileAndCorruptRecords) {
  std::ifstream in(DataPath("canonical.otlp.pb"), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  Read r = ReadText(bytes, {}, "c.pb");
  EXPECT_EQ(r.report.format, MetricFormat::kOtlpProto);
  EXPECT_EQ(r.report.samples_read, 24u);
  EXPECT_EQ(r.report.samples_accepted, 24u);
  EXPECT_EQ(r.report.points, 23u);
  // A record cut short: the complete records are read, the error names the offset.
  const std::string cut = bytes.substr(0, bytes.size() - 5);
  std::vector<MetricReport> reports;
  absl::StatusOr<MetricPoints> p =
      ReadMetrics({InputSource::FromBytes(cut, "cut.pb")}, {}, &reports);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cut.pb: offset "), std::string::npos) << p.status();
  EXPECT_NE(p.status().message().find("runs past the end"), std::string::npos);
  EXPECT_EQ(reports[0].samples_read, 22u);
  // Not protobuf at all.
  absl::Status s = ReadError(std::string("\x0a\xff\xff\xff", 4),
                             WithFormat(MetricFormat::kOtlpProto), "junk.pb");
  EXPECT_NE(s.message().find("junk.pb"), std::string::npos) << s;
}

TEST(MetricSources, MissingFileAndGzip) {
  absl::StatusOr<MetricPoints> p = ReadMetrics({InputSource::FromFile("/nonexistent/m.json")});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("/nonexistent/m.json"), std::string::npos);
}

}  // namespace
}  // namespace faultline
