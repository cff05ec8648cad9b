// TraceAssembler: what spans mean for the graph, independent of any file format.
#include "ingest/trace_assembler.h"

#include <string>
#include <vector>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using internal::TraceAssembler;

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

ResourceInfo Resource(std::string service, std::string node = "", std::string zone = "") {
  ResourceInfo r;
  r.service = std::move(service);
  r.instance = r.service + "-1";
  r.node = std::move(node);
  r.zone = std::move(zone);
  r.environment = "prod";
  return r;
}

SpanRecord Span(std::uint64_t id, std::uint64_t parent, std::uint32_t resource,
                std::string_view name, SpanKind kind, std::int64_t start_ms,
                std::int64_t end_ms) {
  SpanRecord s;
  s.trace_id = TraceId{1, 2};
  s.span_id = id;
  s.parent_span_id = parent;
  s.resource = resource;
  s.name = name;
  s.kind = kind;
  s.start_ns = kT0 + start_ms * kMs;
  s.end_ns = kT0 + end_ms * kMs;
  return s;
}

// The edge from -> to of `kind`, or nullopt.
std::optional<EdgeIndex> FindEdge(const Snapshot& snap, std::string_view from,
                                  std::string_view to, EdgeKind kind) {
  auto f = snap.Find(from);
  auto t = snap.Find(to);
  if (!f || !t) return std::nullopt;
  for (EdgeIndex e : snap.OutEdges(*f, kind)) {
    if (snap.Target(e) == *t) return e;
  }
  return std::nullopt;
}

class TraceAssemblerTest : public ::testing::Test {
 protected:
  Snapshot Freeze() {
    assembler_.FlushAll();
    EXPECT_OK(assembler_.status());
    auto snap = builder_.Freeze();
    EXPECT_OK(snap);
    return *snap;
  }
  ModelBuilder builder_;
  TraceOptions options_;
  TraceAssembler assembler_{&builder_, options_};
};

TEST_F(TraceAssemblerTest, PairsClientAndServerSpansIntoAServiceEdgeWithBothLatencies) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  const auto co = assembler_.AddResource(Resource("checkout"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 50));
  assembler_.AddSpan(Span(2, 1, fe, "PlaceOrder", SpanKind::kClient, 1, 45));
  assembler_.AddSpan(Span(3, 2, co, "PlaceOrder", SpanKind::kServer, 2, 44));
  const Snapshot snap = Freeze();

  auto e = FindEdge(snap, "service:frontend", "service:checkout", EdgeKind::kCalls);
  ASSERT_TRUE(e.has_value());
  const WindowedStats* stats = snap.EdgeStats(*e);
  ASSERT_NE(stats, nullptr);
  const BucketStats total = stats->Total();
  EXPECT_EQ(total.requests, 1u);
  EXPECT_EQ(total.errors, 0u);
  EXPECT_EQ(total.latency.max_ns(), 42 * kMs);
  EXPECT_EQ(total.client_latency.max_ns(), 44 * kMs);
  EXPECT_EQ(assembler_.summary().paired_calls, 1u);
  EXPECT_EQ(assembler_.summary().traces, 1u);
}

TEST_F(TraceAssemblerTest, RootServerSpanBecomesAnEntryPointCalledByTheUser) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 10));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "entry_point:frontend/GET /", "service:frontend", EdgeKind::kCalls));
  EXPECT_TRUE(FindEdge(snap, "external:(user)", "entry_point:frontend/GET /", EdgeKind::kCalls));
  auto ep = snap.Find("entry_point:frontend/GET /");
  ASSERT_TRUE(ep);
  EXPECT_EQ(snap.Kind(*ep), EntityKind::kEntryPoint);
  ASSERT_NE(snap.EntityStats(*ep), nullptr);
  EXPECT_EQ(snap.EntityStats(*ep)->Total().requests, 1u);
}

TEST_F(TraceAssemblerTest, UninstrumentedDatabaseBecomesAVirtualPeerWhereTheErrorOriginates) {
  const auto co = assembler_.AddResource(Resource("checkout"));
  assembler_.AddSpan(Span(1, 0, co, "PlaceOrder", SpanKind::kServer, 0, 50));
  SpanRecord db = Span(2, 1, co, "SELECT orders", SpanKind::kClient, 10, 40);
  db.db_system = "postgresql";
  db.db_namespace = "orders";
  db.server_address = "orders-db.internal";
  db.server_port = 5432;
  db.status_code = 2;
  assembler_.AddSpan(db);
  const Snapshot snap = Freeze();

  auto e = FindEdge(snap, "service:checkout", "database:orders-db.internal/orders",
                    EdgeKind::kUses);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(snap.EdgeStats(*e)->Total().errors, 1u);
  auto dbe = snap.Find("database:orders-db.internal/orders");
  ASSERT_TRUE(dbe);
  EXPECT_EQ(snap.Kind(*dbe), EntityKind::kDatabase);
  EXPECT_EQ(snap.EntityAttribute(*dbe, "db.system.name"), "postgresql");
  EXPECT_EQ(snap.EntityStats(*dbe)->Total().errors_originated, 1u);
  EXPECT_EQ(assembler_.summary().virtual_peers, 1u);
}

TEST_F(TraceAssemblerTest, ErrorsArrivingFromADependencyAreNotCountedAsOriginating) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  const auto co = assembler_.AddResource(Resource("checkout"));
  SpanRecord a = Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 50);
  a.http_status = 500;
  SpanRecord b = Span(2, 1, fe, "PlaceOrder", SpanKind::kClient, 1, 45);
  b.grpc_status = 13;
  SpanRecord c = Span(3, 2, co, "PlaceOrder", SpanKind::kServer, 2, 44);
  c.status_code = 2;
  for (const auto& s : {a, b, c}) assembler_.AddSpan(s);
  const Snapshot snap = Freeze();

  const BucketStats fe_stats = snap.EntityStats(*snap.Find("service:frontend"))->Total();
  const BucketStats co_stats = snap.EntityStats(*snap.Find("service:checkout"))->Total();
  EXPECT_EQ(fe_stats.errors, 1u);
  EXPECT_EQ(fe_stats.errors_originated, 0u);
  EXPECT_EQ(co_stats.errors, 1u);
  EXPECT_EQ(co_stats.errors_originated, 1u);
}

TEST_F(TraceAssemblerTest, SelfTimeExcludesTimeSpentInDependencies) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  const auto co = assembler_.AddResource(Resource("checkout"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 100));
  // Two overlapping calls covering [10, 60): 50 ms remote, 50 ms exclusive.
  assembler_.AddSpan(Span(2, 1, fe, "A", SpanKind::kClient, 10, 40));
  assembler_.AddSpan(Span(3, 2, co, "A", SpanKind::kServer, 11, 39));
  assembler_.AddSpan(Span(4, 1, fe, "B", SpanKind::kClient, 30, 60));
  assembler_.AddSpan(Span(5, 4, co, "B", SpanKind::kServer, 31, 59));
  const Snapshot snap = Freeze();
  const BucketStats fe_stats = snap.EntityStats(*snap.Find("service:frontend"))->Total();
  EXPECT_EQ(fe_stats.self_time.max_ns(), 50 * kMs);
  const BucketStats co_stats = snap.EntityStats(*snap.Find("service:checkout"))->Total();
  EXPECT_EQ(co_stats.requests, 2u);
  EXPECT_EQ(co_stats.self_time.max_ns(), 28 * kMs);
}

TEST_F(TraceAssemblerTest, CrossServiceParentAndChildWithoutKindsIsACall) {
  ResourceInfo fe_pod;
  fe_pod.pod = "frontend-579b9bff58-t2dbm";
  ResourceInfo pc_pod;
  pc_pod.pod = "productcatalogservice-668d5f85fb-wckp8";
  const auto fe = assembler_.AddResource(fe_pod);
  const auto pc = assembler_.AddResource(pc_pod);
  assembler_.AddSpan(Span(1, 0, fe, "Recv.", SpanKind::kUnspecified, 0, 11));
  assembler_.AddSpan(Span(2, 1, fe, "GetProduct", SpanKind::kUnspecified, 1, 6));
  assembler_.AddSpan(Span(3, 2, pc, "GetProduct", SpanKind::kUnspecified, 2, 5));
  const Snapshot snap = Freeze();
  auto e = FindEdge(snap, "service:frontend", "service:productcatalogservice", EdgeKind::kCalls);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(snap.EdgeStats(*e)->Total().client_latency.max_ns(), 5 * kMs);
  EXPECT_EQ(assembler_.summary().unkinded_calls, 1u);
  // The pod maps to an instance of its Deployment.
  EXPECT_TRUE(FindEdge(snap, "service:frontend", "instance:frontend/frontend-579b9bff58-t2dbm",
                       EdgeKind::kRunsOn));
}

TEST_F(TraceAssemblerTest, ProducerAndConsumerGoThroughTheQueue) {
  const auto co = assembler_.AddResource(Resource("checkout"));
  const auto sh = assembler_.AddResource(Resource("shipping"));
  assembler_.AddSpan(Span(1, 0, co, "PlaceOrder", SpanKind::kServer, 0, 50));
  SpanRecord p = Span(2, 1, co, "publish", SpanKind::kProducer, 41, 42);
  p.messaging_system = "kafka";
  p.messaging_destination = "orders";
  SpanRecord c = Span(3, 2, sh, "process", SpanKind::kConsumer, 60, 70);
  c.messaging_system = "kafka";
  c.messaging_destination = "orders";
  assembler_.AddSpan(p);
  assembler_.AddSpan(c);
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:checkout", "queue:kafka/orders", EdgeKind::kAsync));
  EXPECT_TRUE(FindEdge(snap, "queue:kafka/orders", "service:shipping", EdgeKind::kAsync));
  EXPECT_FALSE(FindEdge(snap, "service:checkout", "service:shipping", EdgeKind::kCalls));
}

TEST_F(TraceAssemblerTest, SpanLinksAcrossTracesBecomeAsyncEdgesInEitherArrivalOrder) {
  const auto a = assembler_.AddResource(Resource("orders"));
  const auto b = assembler_.AddResource(Resource("billing"));
  // The consumer (with its link) arrives first, in another trace.
  SpanRecord consumer = Span(10, 0, b, "batch", SpanKind::kConsumer, 100, 110);
  consumer.trace_id = TraceId{9, 9};
  const SpanLinkRef link{TraceId{1, 2}, 2};
  consumer.links = absl::MakeConstSpan(&link, 1);
  assembler_.AddSpan(consumer);
  assembler_.FlushAll();
  assembler_.AddSpan(Span(1, 0, a, "create", SpanKind::kServer, 0, 10));
  assembler_.AddSpan(Span(2, 1, a, "emit", SpanKind::kProducer, 5, 6));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:orders", "service:billing", EdgeKind::kAsync));
  EXPECT_EQ(assembler_.summary().link_edges, 1u);
  EXPECT_EQ(assembler_.summary().unresolved_links, 0u);
}

TEST_F(TraceAssemblerTest, LinksToServerSpansResolveOnceLinksHaveBeenSeen) {
  const auto api = assembler_.AddResource(Resource("api"));
  const auto batch = assembler_.AddResource(Resource("reporting"));
  // A nightly job links the request (a SERVER span) whose data it processes.
  SpanRecord job = Span(10, 0, batch, "aggregate", SpanKind::kInternal, 100, 110);
  job.trace_id = TraceId{5, 5};
  const SpanLinkRef link{TraceId{1, 2}, 1};
  job.links = absl::MakeConstSpan(&link, 1);
  assembler_.AddSpan(job);
  assembler_.AddSpan(Span(1, 0, api, "POST /events", SpanKind::kServer, 0, 10));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:api", "service:reporting", EdgeKind::kAsync));
  EXPECT_EQ(assembler_.summary().link_edges, 1u);
  EXPECT_EQ(assembler_.summary().unresolved_links, 0u);
}

TEST_F(TraceAssemblerTest, LinksWhoseTargetNeverArrivesAreCountedAsUnresolved) {
  const auto b = assembler_.AddResource(Resource("billing"));
  SpanRecord consumer = Span(10, 0, b, "batch", SpanKind::kConsumer, 100, 110);
  const SpanLinkRef links[] = {{TraceId{7, 7}, 3}, {TraceId{7, 8}, 4}};
  consumer.links = absl::MakeConstSpan(links, 2);
  assembler_.AddSpan(consumer);
  Freeze();
  EXPECT_EQ(assembler_.summary().link_edges, 0u);
  EXPECT_EQ(assembler_.summary().unresolved_links, 2u);
}

TEST_F(TraceAssemblerTest, PlacementChainsInstanceNodeZoneAndRegion) {
  ResourceInfo r = Resource("checkout", "node-2", "eu-west-1b");
  r.region = "eu-west-1";
  r.k8s_namespace = "shop";
  const auto co = assembler_.AddResource(r);
  assembler_.AddSpan(Span(1, 0, co, "PlaceOrder", SpanKind::kServer, 0, 5));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:checkout", "instance:checkout/checkout-1", EdgeKind::kRunsOn));
  EXPECT_TRUE(FindEdge(snap, "instance:checkout/checkout-1", "node:node-2", EdgeKind::kRunsOn));
  EXPECT_TRUE(FindEdge(snap, "node:node-2", "zone:eu-west-1b", EdgeKind::kRunsOn));
  EXPECT_TRUE(FindEdge(snap, "zone:eu-west-1b", "region:eu-west-1", EdgeKind::kRunsOn));
  EXPECT_TRUE(FindEdge(snap, "namespace:shop", "instance:checkout/checkout-1", EdgeKind::kContains));
  auto placement = snap.FindSubgraph("traces/prod/placement");
  ASSERT_TRUE(placement);
  EXPECT_EQ(snap.Subgraph(*placement).parent, *snap.FindSubgraph("traces/prod"));
  EXPECT_EQ(snap.HomeSubgraph(*snap.Find("node:node-2")), *placement);
}

TEST_F(TraceAssemblerTest, OperationEdgesConnectTheCallersHandlerToTheCalleeOperation) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  const auto co = assembler_.AddResource(Resource("checkout"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /checkout", SpanKind::kServer, 0, 50));
  assembler_.AddSpan(Span(2, 1, fe, "PlaceOrder", SpanKind::kClient, 1, 45));
  assembler_.AddSpan(Span(3, 2, co, "PlaceOrder", SpanKind::kServer, 2, 44));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "operation:frontend/GET /checkout", "operation:checkout/PlaceOrder",
                       EdgeKind::kCalls));
  EXPECT_TRUE(FindEdge(snap, "service:checkout", "operation:checkout/PlaceOrder",
                       EdgeKind::kContains));
}

TEST_F(TraceAssemblerTest, IdentifiersInSpanNamesDoNotMakeOperationsPerRequest) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  for (std::uint64_t user = 1; user <= 3; ++user) {
    SpanRecord s = Span(1, 0, fe, "", SpanKind::kServer, 0, 50);
    const std::string name = "GET /users/" + std::to_string(user * 1000 + 7);
    s.name = name;
    s.trace_id = TraceId{user, 1};
    assembler_.AddSpan(s);
  }
  const Snapshot snap = Freeze();
  const auto op = snap.Find("operation:frontend/GET /users/{id}");
  ASSERT_TRUE(op);
  EXPECT_EQ(snap.EntityStats(*op)->Total().requests, 3u);
  EXPECT_TRUE(snap.Find("entry_point:frontend/GET /users/{id}"));
  EXPECT_FALSE(snap.Find("operation:frontend/GET /users/1007"));
}

TEST(TraceAssemblerCapTest, NamesBeyondTheCapPerServiceAreCountedAsOther) {
  ModelBuilder builder;
  TraceOptions options;
  options.max_operations_per_service = 2;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  const std::vector<std::string> names = {"A", "B", "C", "D", "A"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    SpanRecord s = Span(1, 0, fe, names[i], SpanKind::kServer, 0, 50);
    s.trace_id = TraceId{i + 1, 1};
    assembler.AddSpan(s);
  }
  assembler.FlushAll();
  ASSERT_OK(assembler.status());
  auto snap = builder.Freeze();
  ASSERT_OK(snap);
  for (std::string_view kept : {"operation:frontend/A", "operation:frontend/B"}) {
    EXPECT_TRUE(snap->Find(kept)) << kept;
  }
  EXPECT_FALSE(snap->Find("operation:frontend/C"));
  const auto other = snap->Find("operation:frontend/(other)");
  ASSERT_TRUE(other);
  EXPECT_EQ(snap->EntityStats(*other)->Total().requests, 2u);  // C and D
  EXPECT_EQ(snap->EntityStats(*snap->Find("operation:frontend/A"))->Total().requests, 2u);
  EXPECT_TRUE(snap->Find("entry_point:frontend/(other)"));
  // C and D, once each (as an operation; their entry points fold too, uncounted).
  EXPECT_EQ(assembler.summary().capped_operation_spans, 2u);
}

TEST(TraceAssemblerRetentionTest, DroppingOldBucketsAfterTheSubgraphWasRemovedIsSafe) {
  // Retention walks the cached statistics containers: a subgraph removed between flushes
  // must be noticed first (under AddressSanitizer this was a use after free).
  ModelBuilder builder;
  TraceOptions options;
  options.retention_ns = 1'000'000'000;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  assembler.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 5));
  assembler.FlushAll();
  ASSERT_OK(builder.RemoveSubgraph("traces/prod"));
  assembler.FlushAll();
  SpanRecord later = Span(2, 0, fe, "GET /", SpanKind::kServer, 60'000, 60'005);
  later.trace_id = TraceId{7, 7};
  assembler.AddSpan(later);
  assembler.FlushAll();
  EXPECT_OK(assembler.status());
  auto snap = builder.Freeze();
  ASSERT_OK(snap);
  EXPECT_TRUE(snap->Find("service:frontend"));
}

TEST_F(TraceAssemblerTest, NegativeDurationsFromClockSkewAreClampedAndCounted) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 50, 10));
  const Snapshot snap = Freeze();
  EXPECT_EQ(assembler_.summary().clock_skew_adjusted, 1u);
  const BucketStats s = snap.EntityStats(*snap.Find("service:frontend"))->Total();
  EXPECT_EQ(s.latency.min_ns(), 0);
}

TEST_F(TraceAssemblerTest, OrphansAndDuplicatesAreCountedNotLost) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  assembler_.AddSpan(Span(1, 77, fe, "GET /", SpanKind::kServer, 0, 10));
  assembler_.AddSpan(Span(1, 77, fe, "GET /", SpanKind::kServer, 0, 10));
  Freeze();
  EXPECT_EQ(assembler_.summary().orphan_spans, 1u);
  EXPECT_EQ(assembler_.summary().duplicate_spans, 1u);
  EXPECT_EQ(assembler_.summary().spans, 2u);
}

TEST_F(TraceAssemblerTest, TracesIdleLongerThanTheHorizonAreAnalysedWhileStreaming) {
  ModelBuilder builder;
  TraceOptions options;
  options.pairing_horizon_ns = 1'000 * kMs;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  constexpr int kTraces = 150'000;
  for (int i = 0; i < kTraces; ++i) {
    SpanRecord s = Span(1, 0, fe, "GET /", SpanKind::kServer, i, i + 5);
    s.trace_id = TraceId{0, static_cast<std::uint64_t>(i + 1)};
    assembler.AddSpan(s);
  }
  // Traces far behind the newest span time, and many arrivals ago, were analysed without
  // waiting for the end of the input.
  EXPECT_LT(assembler.pending_traces(), static_cast<std::size_t>(kTraces) - 50'000);
  EXPECT_GT(assembler.summary().traces, 0u);
  assembler.FlushAll();
  EXPECT_EQ(assembler.summary().traces, static_cast<std::uint64_t>(kTraces));
  EXPECT_EQ(assembler.pending_traces(), 0u);
}

TEST_F(TraceAssemblerTest, LateSpansOfAnOlderFileStillJoinTheirTraces) {
  // Files read newest-first: the older trace's spans arrive after much newer ones, in two
  // parts, and must still pair (event time alone would expire the trace at once).
  const auto fe = assembler_.AddResource(Resource("frontend"));
  const auto co = assembler_.AddResource(Resource("checkout"));
  SpanRecord newest = Span(9, 0, fe, "GET /", SpanKind::kServer, 3'600'000, 3'600'010);
  newest.trace_id = TraceId{7, 7};
  assembler_.AddSpan(newest);
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 50));
  for (int i = 0; i < 5'000; ++i) assembler_.AddSpan(newest);  // unrelated arrivals
  assembler_.AddSpan(Span(2, 1, fe, "PlaceOrder", SpanKind::kClient, 1, 45));
  assembler_.AddSpan(Span(3, 2, co, "PlaceOrder", SpanKind::kServer, 2, 44));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:frontend", "service:checkout", EdgeKind::kCalls));
  EXPECT_EQ(assembler_.summary().unpaired_client_spans, 0u);
}

TEST_F(TraceAssemblerTest, NestedClientSpansOfOneCallPairWithTheCallee) {
  // An SDK client span over the HTTP client span that reaches the server.
  const auto a = assembler_.AddResource(Resource("orders"));
  const auto b = assembler_.AddResource(Resource("billing"));
  assembler_.AddSpan(Span(1, 0, a, "POST /orders", SpanKind::kServer, 0, 50));
  SpanRecord sdk = Span(2, 1, a, "BillingClient.charge", SpanKind::kClient, 5, 45);
  sdk.peer_service = "billing";
  assembler_.AddSpan(sdk);
  assembler_.AddSpan(Span(3, 2, a, "HTTP POST", SpanKind::kClient, 6, 44));
  assembler_.AddSpan(Span(4, 3, b, "POST /charge", SpanKind::kServer, 7, 43));
  const Snapshot snap = Freeze();
  auto e = FindEdge(snap, "service:orders", "service:billing", EdgeKind::kCalls);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(snap.EdgeStats(*e)->Total().requests, 1u);  // no phantom second request
  EXPECT_EQ(assembler_.summary().virtual_peers, 0u);
  EXPECT_FALSE(snap.EntityAttribute(*snap.Find("service:billing"), "uninstrumented"));
  EXPECT_TRUE(FindEdge(snap, "operation:orders/POST /orders", "operation:billing/POST /charge",
                       EdgeKind::kCalls));
}

TEST_F(TraceAssemblerTest, NestedServerSpansOfOneServiceAreOneRequest) {
  const auto a = assembler_.AddResource(Resource("orders"));
  assembler_.AddSpan(Span(1, 0, a, "servlet", SpanKind::kServer, 0, 50));
  assembler_.AddSpan(Span(2, 1, a, "controller", SpanKind::kServer, 1, 49));
  const Snapshot snap = Freeze();
  EXPECT_EQ(snap.EntityStats(*snap.Find("service:orders"))->Total().requests, 1u);
}

TEST_F(TraceAssemblerTest, RootClientSpanStillRecordsItsDatabase) {
  const auto job = assembler_.AddResource(Resource("nightly-job"));
  SpanRecord q = Span(1, 0, job, "SELECT orders", SpanKind::kClient, 0, 30);
  q.db_system = "postgresql";
  q.server_address = "orders-db";
  assembler_.AddSpan(q);
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:nightly-job", "database:orders-db", EdgeKind::kUses));
}

TEST_F(TraceAssemblerTest, ProducerAndConsumerInOneServiceStillGoThroughTheQueue) {
  const auto a = assembler_.AddResource(Resource("orders"));
  SpanRecord p = Span(1, 0, a, "publish", SpanKind::kProducer, 0, 1);
  p.messaging_system = "kafka";
  p.messaging_destination = "outbox";
  SpanRecord c = Span(2, 1, a, "process", SpanKind::kConsumer, 5, 9);
  c.messaging_system = "kafka";
  c.messaging_destination = "outbox";
  assembler_.AddSpan(p);
  assembler_.AddSpan(c);
  const Snapshot snap = Freeze();
  EXPECT_TRUE(FindEdge(snap, "service:orders", "queue:kafka/outbox", EdgeKind::kAsync));
  EXPECT_TRUE(FindEdge(snap, "queue:kafka/outbox", "service:orders", EdgeKind::kAsync));
}

TEST_F(TraceAssemblerTest, AnEnvironmentNameThatIsNoPathSegmentIsSanitized) {
  ResourceInfo r = Resource("frontend");
  r.environment = "staging 2/eu";
  const auto fe = assembler_.AddResource(r);
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 5));
  const Snapshot snap = Freeze();
  EXPECT_TRUE(snap.FindSubgraph("traces/staging_2_eu"));
  EXPECT_TRUE(snap.Find("service:frontend"));
}

TEST_F(TraceAssemblerTest, ReplacingTheTracesSubgraphMidStreamRebuildsWhatWasCached) {
  const auto fe = assembler_.AddResource(Resource("frontend"));
  assembler_.AddSpan(Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 5));
  assembler_.FlushAll();
  ASSERT_OK(builder_.ReplaceSubgraph("traces/prod"));
  SpanRecord again = Span(1, 0, fe, "GET /", SpanKind::kServer, 10, 15);
  again.trace_id = TraceId{3, 3};
  assembler_.AddSpan(again);
  const Snapshot snap = Freeze();
  ASSERT_TRUE(snap.Find("service:frontend"));
  EXPECT_EQ(snap.EntityStats(*snap.Find("service:frontend"))->Total().requests, 1u);
  EXPECT_TRUE(FindEdge(snap, "entry_point:frontend/GET /", "service:frontend", EdgeKind::kCalls));
}

TEST_F(TraceAssemblerTest, RetentionDropsOldStatisticsBucketsWhileStreaming) {
  ModelBuilder builder;
  TraceOptions options;
  options.retention_ns = 60'000 * kMs;  // one minute
  options.pairing_horizon_ns = 1'000 * kMs;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  // One request every 2 ms for 10 minutes of event time.
  for (int i = 0; i < 300'000; ++i) {
    SpanRecord s = Span(1, 0, fe, "GET /", SpanKind::kServer, 2 * i, 2 * i + 1);
    s.trace_id = TraceId{0, static_cast<std::uint64_t>(i + 1)};
    assembler.AddSpan(s);
  }
  assembler.FlushAll();
  auto snap = builder.Freeze();
  ASSERT_OK(snap);
  const WindowedStats* stats = snap->EntityStats(*snap->Find("service:frontend"));
  ASSERT_NE(stats, nullptr);
  // Ten-second buckets: 60 minutes' worth would be 60; about the last minute is kept.
  EXPECT_LE(stats->buckets().size(), 12u);
  EXPECT_GE(stats->buckets().size(), 6u);
  EXPECT_EQ(assembler.summary().traces, 300'000u);
}

TEST_F(TraceAssemblerTest, EnormousTracesAreAnalysedInPartsAndCounted) {
  ModelBuilder builder;
  TraceOptions options;
  options.max_spans_per_trace = 10;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  for (int i = 0; i < 25; ++i) {
    assembler.AddSpan(Span(100 + i, 0, fe, "GET /", SpanKind::kServer, i, i + 1));
  }
  assembler.FlushAll();
  EXPECT_EQ(assembler.summary().split_traces, 2u);
  EXPECT_EQ(assembler.summary().spans, 25u);
}

TEST_F(TraceAssemblerTest, PendingTracesAreCappedToBoundMemory) {
  ModelBuilder builder;
  TraceOptions options;
  options.max_pending_traces = 100;
  TraceAssembler assembler(&builder, options);
  const auto fe = assembler.AddResource(Resource("frontend"));
  for (int i = 0; i < 1'000; ++i) {
    SpanRecord s = Span(1, 0, fe, "GET /", SpanKind::kServer, 0, 5);
    s.trace_id = TraceId{0, static_cast<std::uint64_t>(i + 1)};
    assembler.AddSpan(s);
    EXPECT_LE(assembler.pending_traces(), 100u);
  }
}

}  // namespace
}  // namespace faultline
