// ReadEvents() / AddEvents(): Kubernetes events and JSON lists of changes, their entities,
// kinds, detection, accounting and bad input.
#include "faultline/ingest/events.h"

#include <map>
#include <string>
#include <vector>

#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline {
namespace {

const std::string kData = FAULTLINE_SOURCE_DIR "/tests/data/events/";

constexpr std::int64_t kT0 = 1'726'671'600'000'000'000;  // 2024-09-18T15:00:00Z
constexpr std::int64_t kSecond = 1'000'000'000;

TEST(EventKindTest, ReasonsBecomeKinds) {
  EXPECT_EQ(EventKindOfReason("BackOff", 14), "backoff");
  EXPECT_EQ(EventKindOfReason("OOMKilling", 1), "oom_killed");
  EXPECT_EQ(EventKindOfReason("OOMKilled", 1), "oom_killed");
  EXPECT_EQ(EventKindOfReason("Killing", 1), "killing");
  EXPECT_EQ(EventKindOfReason("Unhealthy", 3), "unhealthy");
  EXPECT_EQ(EventKindOfReason("FailedScheduling", 1), "failed_scheduling");
  EXPECT_EQ(EventKindOfReason("NodeNotReady", 1), "node_not_ready");
  EXPECT_EQ(EventKindOfReason("Evicted", 1), "evicted");
  EXPECT_EQ(EventKindOfReason("ScalingReplicaSet", 1), "scaling");
  // A container started once is a start; started again in the same pod, a restart.
  EXPECT_EQ(EventKindOfReason("Started", 1), "started");
  EXPECT_EQ(EventKindOfReason("Started", 5), "restart");
  EXPECT_EQ(EventKindOfReason("Pulled", 2), "restart");
  EXPECT_EQ(EventKindOfReason("Created", 1), "created");
  EXPECT_EQ(EventKindOfReason("Rebooted", 1), "restart");
  EXPECT_EQ(EventKindOfReason("ContainerRestarted", 1), "restart");
  EXPECT_EQ(EventKindOfReason("SuccessfulCreate", 1), "successfulcreate");
  EXPECT_EQ(EventKindOfReason("", 1), "event");
}

TEST(EventKindTest, AReplicaSetBelongsToItsDeployment) {
  EXPECT_EQ(ReplicaSetOwner("frontend-6f7c9d8b4"), "frontend");
  EXPECT_EQ(ReplicaSetOwner("checkout-58d4b7c9f"), "checkout");
  EXPECT_EQ(ReplicaSetOwner("checkout-service"), "checkout-service");  // vowels: no hash
  EXPECT_EQ(ReplicaSetOwner("api-v2"), "api-v2");
  EXPECT_EQ(ReplicaSetOwner("plain"), "plain");
}

std::map<std::string, const ParsedEvent*> ByObject(const std::vector<ParsedEvent>& events) {
  std::map<std::string, const ParsedEvent*> out;
  for (const ParsedEvent& e : events) out[e.object + " " + e.event.reason] = &e;
  return out;
}

TEST(EventsTest, ReadsKubectlGetEvents) {
  EventReport report;
  auto events = ReadEvents(InputSource::FromFile(kData + "kubectl_events.json"), {}, &report);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(report.format, EventFormat::kKubernetes);
  EXPECT_EQ(report.read, 8u);
  ASSERT_EQ(events->size(), 8u);
  const auto by = ByObject(*events);
  const ParsedEvent& backoff = *by.at("Pod/shop/checkout-58d4b7c9f-7wqzp BackOff");
  EXPECT_EQ(backoff.event.kind, "backoff");
  EXPECT_EQ(backoff.event.time_ns, kT0 + 70 * kSecond);
  EXPECT_EQ(backoff.event.last_ns, kT0 + 580 * kSecond);
  EXPECT_EQ(backoff.event.count, 14u);
  EXPECT_TRUE(backoff.event.warning);
  EXPECT_EQ(backoff.labels, (Attributes{{"namespace", "shop"},
                                        {"node", "ip-10-0-2-71.eu-west-1.compute.internal"},
                                        {"pod", "checkout-58d4b7c9f-7wqzp"}}));
  EXPECT_EQ(by.at("Pod/shop/checkout-58d4b7c9f-7wqzp Started")->event.kind, "restart");
  EXPECT_EQ(by.at("Pod/shop/cart-7c9b5d6f8-m3n8r Pulled")->event.kind, "pulled");
  const ParsedEvent& oom = *by.at("Node//ip-10-0-2-71.eu-west-1.compute.internal OOMKilling");
  EXPECT_EQ(oom.event.kind, "oom_killed");
  EXPECT_EQ(oom.labels, (Attributes{{"node", "ip-10-0-2-71.eu-west-1.compute.internal"}}));
  const ParsedEvent& scaling = *by.at("Deployment/shop/frontend ScalingReplicaSet");
  EXPECT_EQ(scaling.event.kind, "scaling");
  EXPECT_EQ(scaling.event.detail, "Scaled up replica set frontend-6f7c9d8b4 to 3");
  EXPECT_EQ(by.at("ReplicaSet/shop/frontend-6f7c9d8b4 SuccessfulCreate")->labels,
            (Attributes{{"namespace", "shop"}, {"service.name", "frontend"}}));
  // Null first/last timestamps: the eventTime.
  const ParsedEvent& scheduling = *by.at("Pod/shop/shipping-5b8d6c7f9-h4j6t FailedScheduling");
  EXPECT_EQ(scheduling.event.time_ns, kT0 + 240 * kSecond + 123'456'000);
  EXPECT_EQ(scheduling.event.last_ns, scheduling.event.time_ns);
  EXPECT_EQ(scheduling.event.kind, "failed_scheduling");
}

TEST(EventsTest, AddEventsPutsEachEventOnItsEntity) {
  ModelBuilder b;
  auto report = AddEvents(b, InputSource::FromFile(kData + "kubectl_events.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->subgraph, "events/default");
  EXPECT_EQ(report->accepted, 7u);
  EXPECT_EQ(report->rejected.at("unmapped"), 1u);
  ASSERT_EQ(report->unmapped.size(), 1u);
  EXPECT_EQ(report->unmapped[0],
            "line 61: PersistentVolumeClaim/shop/data-orders-0 {k8s.object.kind=\""
            "PersistentVolumeClaim\",k8s.object.name=\"data-orders-0\","
            "k8s.object.namespace=\"shop\"}");
  EXPECT_EQ(report->by_kind.at("scaling"), 1u);
  EXPECT_EQ(report->by_kind.at("restart"), 1u);

  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok()) << snap.status();
  auto pod = snap->Find("instance:checkout/checkout-58d4b7c9f-7wqzp");
  ASSERT_TRUE(pod);
  EXPECT_EQ(snap->EventsOf(*pod).size(), 2u);
  // The kubelet that reported it places the pod on its node.
  auto node = snap->Find("node:ip-10-0-2-71.eu-west-1.compute.internal");
  ASSERT_TRUE(node);
  bool placed = false;
  for (EntityId n : snap->OutNeighbors(*pod)) placed = placed || n == *node;
  EXPECT_TRUE(placed);
  ASSERT_EQ(snap->EventsOf(*node).size(), 1u);
  EXPECT_EQ(snap->Events()[snap->EventsOf(*node)[0]].event.kind, "oom_killed");
  auto frontend = snap->Find("service:frontend");
  ASSERT_TRUE(frontend);
  EXPECT_EQ(snap->EventsOf(*frontend).size(), 2u);  // the rollout and its ReplicaSet
  auto sg = snap->FindSubgraph("events/default");
  ASSERT_TRUE(sg);
  EXPECT_EQ(snap->Subgraph(*sg).kind, "events");
}

TEST(EventsTest, ReadsAJsonListOfDeploysAndConfigChanges) {
  ModelBuilder b;
  auto report = AddEvents(b, InputSource::FromFile(kData + "deploys.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->format, EventFormat::kJson);
  EXPECT_EQ(report->accepted, 4u);
  EXPECT_EQ(report->by_kind.at("deploy"), 2u);  // one named, one by default
  EXPECT_EQ(report->by_kind.at("config_change"), 1u);
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto db = snap->Find("database:orders");
  ASSERT_TRUE(db);
  const ChangeEvent& config = snap->Events()[snap->EventsOf(*db)[0]].event;
  EXPECT_EQ(config.kind, "config_change");
  EXPECT_EQ(config.reason, "Config Change");
  EXPECT_EQ(config.detail, "max_connections 200 -> 100");
  EXPECT_EQ(config.time_ns, kT0 - 20 * 60 * kSecond);
  auto cart = snap->Find("instance:cart/cart-7c9b5d6f8-m3n8r");
  ASSERT_TRUE(cart);
  const ChangeEvent& restart = snap->Events()[snap->EventsOf(*cart)[0]].event;
  EXPECT_EQ(restart.kind, "restart");
  EXPECT_TRUE(restart.warning);
  EXPECT_EQ(restart.time_ns, kT0 - 600 * kSecond);
  auto frontend = snap->Find("service:frontend");
  ASSERT_TRUE(frontend);
  const ChangeEvent& canary = snap->Events()[snap->EventsOf(*frontend)[0]].event;
  EXPECT_EQ(canary.kind, "deploy");
  EXPECT_EQ(canary.last_ns, kT0 - 15 * 60 * kSecond);
}

TEST(EventsTest, OtherFieldNamesThroughAMapping) {
  EventOptions options;
  options.fields.time = "ts";
  options.fields.service = "svc";
  options.fields.kind = "type";
  options.fields.detail = "what";
  ModelBuilder b;
  auto report = AddEvents(b, InputSource::FromFile(kData + "changes_custom.jsonl"), options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accepted, 2u);
  EXPECT_EQ(report->by_kind.at("rollback"), 1u);
  auto snap = b.Freeze();
  ASSERT_TRUE(snap.ok());
  auto checkout = snap->Find("service:checkout");
  ASSERT_TRUE(checkout);
  ASSERT_EQ(snap->EventsOf(*checkout).size(), 2u);
  EXPECT_EQ(snap->Events()[snap->EventsOf(*checkout)[1]].event.detail, "checkout 1.9.0 -> 1.8.0");
}

TEST(EventsBadInputTest, BadRecordsAreCountedWithTheirLineAndTheRestRead) {
  ModelBuilder b;
  auto report = AddEvents(b, InputSource::FromFile(kData + "bad/mixed.json"));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->read, 5u);
  EXPECT_EQ(report->accepted, 1u);
  EXPECT_EQ(report->rejected.at("bad timestamp"), 1u);
  EXPECT_EQ(report->rejected.at("missing time"), 1u);
  EXPECT_EQ(report->rejected.at("not an object"), 1u);
  EXPECT_EQ(report->rejected.at("unmapped"), 1u);
  EXPECT_EQ(report->read, report->accepted + report->rejected_total());
  const std::string name = kData + "bad/mixed.json";
  ASSERT_EQ(report->errors.size(), 3u);
  EXPECT_EQ(report->errors[0], name + ": line 3, column 169: bad timestamp: firstTimestamp "
                                      "\"yesterday\" is not an RFC 3339 time or Unix epoch");
  EXPECT_EQ(report->errors[1], name + ": line 4, column 3: missing time: no firstTimestamp, "
                                      "lastTimestamp, eventTime or metadata.creationTimestamp");
  EXPECT_EQ(report->errors[2], name + ": line 5, column 3: not an object: found a string");
}

TEST(EventsBadInputTest, TruncatedOrForeignDocumentsAreErrorsAndChangeNothing) {
  ModelBuilder b;
  auto truncated = AddEvents(b, InputSource::FromFile(kData + "bad/truncated.json"));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find(kData + "bad/truncated.json:2:"), std::string::npos)
      << truncated.status();
  auto alerts = AddEvents(b, InputSource::FromFile(kData + "bad/alert_payload.json"));
  ASSERT_FALSE(alerts.ok());
  EXPECT_EQ(alerts.status().message(),
            kData + "bad/alert_payload.json:1:1: expected a Kubernetes event list (\"items\"), "
                    "an Event (\"involvedObject\") or a change (\"time\", \"kind\")");
  EventOptions options;
  options.format = EventFormat::kJson;
  auto named = AddEvents(b, InputSource::FromFile(kData + "kubectl_events.json"), options);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find("expected a list of changes (format \"json\" was "
                                          "named), found Kubernetes events"),
            std::string::npos)
      << named.status();
  EXPECT_EQ(b.entity_count(), 0u);
  EXPECT_FALSE(b.FindSubgraph("events/default"));
}

}  // namespace
}  // namespace faultline
