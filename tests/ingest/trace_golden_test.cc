// Golden graphs: the canonical trace (tests/data/traces/README.md) in every format builds
// the same graph, and the real Nezha captures build Online Boutique's call graph.
#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "faultline/ingest/trace_ingestor.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

const std::string kTraces = std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/traces/";

using EdgeSet = std::set<std::tuple<std::string, std::string, std::string>>;

// Every edge as (source, target, kind), optionally only those whose ends are services,
// databases, queues, entry points or the user (the part every format can express).
EdgeSet Edges(const Snapshot& snap, bool service_level_only) {
  EdgeSet out;
  for (EdgeIndex e = 0; e < snap.edge_count(); ++e) {
    const EntityKind a = snap.Kind(snap.Source(e));
    const EntityKind b = snap.Kind(snap.Target(e));
    auto service_level = [](EntityKind k) {
      return k == EntityKind::kService || k == EntityKind::kDatabase ||
             k == EntityKind::kQueue || k == EntityKind::kEntryPoint ||
             k == EntityKind::kExternal;
    };
    if (service_level_only && (!service_level(a) || !service_level(b))) continue;
    out.emplace(std::string(snap.EntityIdString(snap.Source(e))),
                std::string(snap.EntityIdString(snap.Target(e))),
                std::string(EdgeKindName(snap.KindOf(e))));
  }
  return out;
}

Snapshot Build(const std::string& file, TraceFormat format = TraceFormat::kAuto,
               CsvMapping mapping = {}) {
  ModelBuilder builder;
  TraceOptions options;
  options.format = format;
  options.csv = mapping;
  auto report = AddTraces(builder, InputSource::FromFile(kTraces + file), options);
  EXPECT_OK(report) << file;
  if (report.ok()) {
    EXPECT_EQ(report->rejected_total(), 0u) << file;
    EXPECT_EQ(report->spans_accepted, 7u) << file;
  }
  auto snap = builder.Freeze();
  EXPECT_OK(snap);
  return snap.ok() ? *snap : Snapshot();
}

CsvMapping CanonicalCsvMapping() {
  CsvMapping m;
  m.duration_unit = TimeUnit::kMicroseconds;
  m.kind = "kind";
  m.status = "status";
  return m;
}

TEST(TraceGoldenTest, CanonicalTraceBuildsTheExpectedServiceGraph) {
  const Snapshot snap = Build("canonical.otlp.json");
  const EdgeSet expected = {
      {"external:(user)", "entry_point:frontend/GET /checkout", "calls"},
      {"entry_point:frontend/GET /checkout", "service:frontend", "calls"},
      {"service:frontend", "service:checkout", "calls"},
      {"service:checkout", "database:orders-db.internal/orders", "uses"},
      {"service:checkout", "queue:kafka/orders", "async"},
      {"queue:kafka/orders", "service:shipping", "async"},
      {"service:shipping", "service:quotes-api", "calls"},
  };
  EXPECT_EQ(Edges(snap, true), expected);

  // Where the failure started: the database, not its callers.
  auto db = snap.Find("database:orders-db.internal/orders");
  ASSERT_TRUE(db);
  EXPECT_EQ(snap.EntityStats(*db)->Total().errors_originated, 1u);
  EXPECT_EQ(snap.EntityStats(*snap.Find("service:checkout"))->Total().errors_originated, 0u);
  EXPECT_EQ(snap.EntityStats(*snap.Find("service:frontend"))->Total().errors_originated, 0u);

  // Placement from the resources.
  const EdgeSet all = Edges(snap, false);
  EXPECT_TRUE(all.count({"instance:checkout/checkout-1", "node:node-2", "runs_on"}));
  EXPECT_TRUE(all.count({"node:node-2", "zone:eu-west-1b", "runs_on"}));
  EXPECT_TRUE(all.count({"zone:eu-west-1b", "region:eu-west-1", "runs_on"}));
  EXPECT_TRUE(snap.FindSubgraph("traces/prod"));
}

TEST(TraceGoldenTest, EveryFormatOfTheCanonicalTraceBuildsTheSameGraph) {
  const EdgeSet reference = Edges(Build("canonical.otlp.json"), false);
  ASSERT_FALSE(reference.empty());
  for (const char* file : {"canonical.otlp.pb", "canonical.jaeger.json", "canonical.zipkin.json"}) {
    SCOPED_TRACE(file);
    EXPECT_EQ(Edges(Build(file), false), reference);
  }
}

TEST(TraceGoldenTest, EveryFormatGivesTheSameStatistics) {
  const Snapshot reference = Build("canonical.otlp.json");
  for (const char* file : {"canonical.otlp.pb", "canonical.jaeger.json", "canonical.zipkin.json"}) {
    SCOPED_TRACE(file);
    const Snapshot snap = Build(file);
    for (const char* id : {"service:frontend", "service:checkout", "service:shipping",
                           "database:orders-db.internal/orders"}) {
      SCOPED_TRACE(id);
      const BucketStats a = reference.EntityStats(*reference.Find(id))->Total();
      const BucketStats b = snap.EntityStats(*snap.Find(id))->Total();
      EXPECT_EQ(a, b);
    }
  }
}

TEST(TraceGoldenTest, CsvCarriesTheServiceCallsItCanExpress) {
  // CSV has no attributes: no peers, no placement, no environment; calls still pair.
  const Snapshot snap = Build("canonical.csv", TraceFormat::kCsv, CanonicalCsvMapping());
  const EdgeSet edges = Edges(snap, true);
  EXPECT_TRUE(edges.count({"service:frontend", "service:checkout", "calls"}));
  EXPECT_TRUE(edges.count({"service:checkout", "service:shipping", "async"}));
  EXPECT_TRUE(edges.count({"entry_point:frontend/GET /checkout", "service:frontend", "calls"}));
  EXPECT_EQ(snap.EntityStats(*snap.Find("service:checkout"))->Total().errors, 1u);
}

TEST(TraceGoldenTest, NezhaCaptureBuildsOnlineBoutiquesCallGraph) {
  const std::string file = std::string(FAULTLINE_SHARED_DATASETS_DIR) +
                           "/nezha-online-boutique/2022-08-22/trace/03_53_trace.csv.gz";
  ModelBuilder builder;
  TraceOptions options;
  auto format = ParseTraceFormat("nezha", &options.csv);
  ASSERT_OK(format);
  options.format = *format;
  auto report = AddTraces(builder, InputSource::FromFile(file), options);
  if (!report.ok() && report.status().code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "shared datasets not present: " << report.status();
  }
  ASSERT_OK(report);
  EXPECT_GT(report->spans_accepted, 20'000u);
  EXPECT_EQ(report->rejected_total(), 0u);
  auto snap = builder.Freeze();
  ASSERT_OK(snap);
  const EdgeSet edges = Edges(*snap, true);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"frontend", "checkoutservice"},
           {"frontend", "productcatalogservice"},
           {"frontend", "cartservice"},
           {"frontend", "currencyservice"},
           {"frontend", "recommendationservice"},
           {"frontend", "adservice"},
           {"checkoutservice", "paymentservice"},
           {"checkoutservice", "emailservice"},
           {"checkoutservice", "shippingservice"},
           {"recommendationservice", "productcatalogservice"},
       }) {
    EXPECT_TRUE(edges.count({"service:" + from, "service:" + to, "calls"}))
        << from << " -> " << to;
  }
  // Nothing invented: every service-to-service call is between Online Boutique services.
  for (const auto& [from, to, kind] : edges) {
    if (from.rfind("service:", 0) == 0 && to.rfind("service:", 0) == 0) {
      EXPECT_EQ(from.find('-'), std::string::npos) << from;
      EXPECT_EQ(to.find('-'), std::string::npos) << to;
    }
  }
}

}  // namespace
}  // namespace faultline
