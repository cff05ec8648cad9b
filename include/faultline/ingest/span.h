// faultline/ingest/span.h
//
// The normalized span every trace parser produces, whatever its format (OTLP protobuf and
// JSON, Jaeger, Zipkin, CSV), and the SpanSink that receives them. Parsers only translate;
// what a span means for the graph is decided once, by the TraceAssembler.
#ifndef FAULTLINE_INGEST_SPAN_H_
#define FAULTLINE_INGEST_SPAN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"

namespace faultline {

// SpanKind: OTLP's numbering (0 unspecified ... 5 consumer).
enum class SpanKind : std::uint8_t {
  kUnspecified = 0,
  kInternal = 1,
  kServer = 2,
  kClient = 3,
  kProducer = 4,
  kConsumer = 5,
};

// TraceId: 128 bits; a 64-bit id (Zipkin, Jaeger) has hi = 0. All zero means "absent".
struct TraceId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool empty() const { return hi == 0 && lo == 0; }
  bool operator==(const TraceId& o) const { return hi == o.hi && lo == o.lo; }
  bool operator!=(const TraceId& o) const { return !(*this == o); }
  template <typename H>
  friend H AbslHashValue(H h, const TraceId& t) {
    return H::combine(std::move(h), t.hi, t.lo);
  }
};

// SpanLinkRef: a span link (OTLP links, Jaeger FOLLOWS_FROM across traces).
struct SpanLinkRef {
  TraceId trace_id;
  std::uint64_t span_id = 0;
};

// ResourceInfo: who emitted spans: the OTLP resource, a Jaeger process, a Zipkin local
// endpoint, a CSV pod. Empty strings mean unknown. Parsers fill what their format has,
// accepting old and new semantic-convention keys.
struct ResourceInfo {
  std::string service;            // service.name
  std::string service_namespace;  // service.namespace
  std::string instance;           // service.instance.id
  std::string pod;                // k8s.pod.name
  std::string deployment;         // k8s.deployment.name (or derived from the pod name)
  std::string k8s_namespace;      // k8s.namespace.name
  std::string node;               // k8s.node.name
  std::string cluster;            // k8s.cluster.name
  std::string host;               // host.name
  std::string host_id;            // host.id
  std::string zone;               // cloud.availability_zone
  std::string region;             // cloud.region
  std::string environment;        // deployment.environment.name / deployment.environment
  std::string faas_name;          // faas.name (a function: Lambda, Cloud Functions, ...)
  std::string cloud_resource_id;  // cloud.resource_id (e.g. the function's ARN)
  bool operator==(const ResourceInfo& o) const;
  template <typename H>
  friend H AbslHashValue(H h, const ResourceInfo& r) {
    return H::combine(std::move(h), r.service, r.service_namespace, r.instance, r.pod,
                      r.deployment, r.k8s_namespace, r.node, r.cluster, r.host, r.host_id,
                      r.zone, r.region, r.environment, r.faas_name, r.cloud_resource_id);
  }
};

// SpanRecord: one span, with views into the parser's buffers (valid only during
// SpanSink::AddSpan()).
struct SpanRecord {
  TraceId trace_id;
  std::uint64_t span_id = 0;
  std::uint64_t parent_span_id = 0;  // 0: a root span
  std::uint32_t resource = 0;        // from SpanSink::AddResource()
  std::string_view name;             // the operation
  SpanKind kind = SpanKind::kUnspecified;
  std::int64_t start_ns = 0;         // Unix epoch nanoseconds
  std::int64_t end_ns = 0;
  // What the format says about failure; SpanFailed() combines them the same way for
  // every format.
  std::uint8_t status_code = 0;       // OTLP status: 0 unset, 1 ok, 2 error
  std::int64_t http_status = 0;       // http.response.status_code / http.status_code
  std::int64_t grpc_status = -1;      // rpc.grpc.status_code; -1 when absent
  bool error_tag = false;             // Jaeger/Zipkin `error` tag, otel.status_code=ERROR
  // Peer identity for uninstrumented dependencies (semantic conventions, old or new key).
  std::string_view peer_service;      // service.peer.name / peer.service
  std::string_view db_system;         // db.system.name / db.system
  std::string_view db_namespace;      // db.namespace / db.name
  std::string_view server_address;    // server.address / net.peer.name / Zipkin remote ip
  std::int64_t server_port = 0;       // server.port / net.peer.port
  std::string_view messaging_system;  // messaging.system
  std::string_view messaging_destination;  // messaging.destination.name
  absl::Span<const SpanLinkRef> links;
};

// SpanFailed()
//
// True when the span failed: status ERROR, HTTP status >= 500, a gRPC status other than
// OK (0), or an error tag.
inline bool SpanFailed(const SpanRecord& s) {
  return s.status_code == 2 || s.http_status >= 500 || s.grpc_status > 0 || s.error_tag;
}

// SpanSink: what parsers feed.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  // Registers the emitter of the following spans; returns its handle for SpanRecord.
  virtual std::uint32_t AddResource(const ResourceInfo& resource) = 0;
  virtual void AddSpan(const SpanRecord& span) = 0;
};

// AttributeTarget
//
// Where a span or resource attribute goes, by its key, for the keys faultline uses (old and
// new semantic conventions). Parsers look keys up once and copy the value in.
enum class AttributeTarget : std::uint8_t {
  kNone = 0,
  // resource
  kServiceName, kServiceNamespace, kServiceInstance, kPod, kDeployment, kK8sNamespace,
  kNode, kCluster, kHostName, kHostId, kZone, kRegion, kEnvironment, kFaasName,
  kCloudResourceId,
  // span
  kPeerService, kDbSystem, kDbNamespace, kServerAddress, kServerPort, kMessagingSystem,
  kMessagingDestination, kHttpStatus, kRpcGrpcStatus, kError, kSpanKindTag,
  kOtelStatusCode,
};

// LookupAttribute(): the target of attribute `key`, kNone for keys faultline ignores.
AttributeTarget LookupAttribute(std::string_view key);

// SetResourceAttribute(): stores `value` in the field of `resource` for `target` (a resource
// target); returns false for span targets.
bool SetResourceAttribute(AttributeTarget target, std::string_view value,
                          ResourceInfo& resource);

// SetSpanAttribute(): stores a string `value` of a span target in `span` (views: `value`
// must outlive the AddSpan call). Integer-valued targets take `int_value`. Returns false
// for resource targets.
bool SetSpanAttribute(AttributeTarget target, std::string_view value, std::int64_t int_value,
                      bool is_int, SpanRecord& span);

// DeploymentFromPodName()
//
// The Deployment of a pod named "<deployment>-<replicaset hash>-<pod hash>"
// ("checkoutservice-578fcf4766-9csqn" -> "checkoutservice"); the name unchanged when it does
// not have that shape. StatefulSet pods ("db-0") keep their set name ("db").
std::string_view DeploymentFromPodName(std::string_view pod);

}  // namespace faultline

#endif  // FAULTLINE_INGEST_SPAN_H_
