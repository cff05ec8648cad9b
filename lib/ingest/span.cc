// Semantic-convention attribute lookup and resource helpers shared by every trace parser.
#include "faultline/ingest/span.h"

#include <cctype>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/strings.h"

namespace faultline {

bool ResourceInfo::operator==(const ResourceInfo& o) const {
  return service == o.service && service_namespace == o.service_namespace &&
         instance == o.instance && pod == o.pod && deployment == o.deployment &&
         k8s_namespace == o.k8s_namespace && node == o.node && cluster == o.cluster &&
         host == o.host && host_id == o.host_id && zone == o.zone && region == o.region &&
         environment == o.environment && faas_name == o.faas_name &&
         cloud_resource_id == o.cloud_resource_id;
}

AttributeTarget LookupAttribute(std::string_view key) {
  using T = AttributeTarget;
  static const auto* table = new absl::flat_hash_map<std::string_view, T>({
      {"service.name", T::kServiceName},
      {"service.namespace", T::kServiceNamespace},
      {"service.instance.id", T::kServiceInstance},
      {"k8s.pod.name", T::kPod},
      {"k8s.deployment.name", T::kDeployment},
      {"k8s.namespace.name", T::kK8sNamespace},
      {"k8s.node.name", T::kNode},
      {"k8s.cluster.name", T::kCluster},
      {"host.name", T::kHostName},
      {"hostname", T::kHostName},  // Jaeger process tag
      {"host.id", T::kHostId},
      {"cloud.availability_zone", T::kZone},
      {"cloud.region", T::kRegion},
      {"deployment.environment.name", T::kEnvironment},
      {"deployment.environment", T::kEnvironment},
      {"faas.name", T::kFaasName},
      {"cloud.resource_id", T::kCloudResourceId},
      {"service.peer.name", T::kPeerService},
      {"peer.service", T::kPeerService},
      {"db.system.name", T::kDbSystem},
      {"db.system", T::kDbSystem},
      {"db.namespace", T::kDbNamespace},
      {"db.name", T::kDbNamespace},
      {"server.address", T::kServerAddress},
      {"net.peer.name", T::kServerAddress},
      {"server.port", T::kServerPort},
      {"net.peer.port", T::kServerPort},
      {"messaging.system", T::kMessagingSystem},
      {"messaging.destination.name", T::kMessagingDestination},
      {"messaging.destination", T::kMessagingDestination},
      {"http.response.status_code", T::kHttpStatus},
      {"http.status_code", T::kHttpStatus},
      {"rpc.grpc.status_code", T::kRpcGrpcStatus},
      {"error", T::kError},
      {"span.kind", T::kSpanKindTag},
      {"otel.status_code", T::kOtelStatusCode},
  });
  auto it = table->find(key);
  return it == table->end() ? T::kNone : it->second;
}

bool SetResourceAttribute(AttributeTarget target, std::string_view value,
                          ResourceInfo& r) {
  using T = AttributeTarget;
  std::string* field = nullptr;
  switch (target) {
    case T::kServiceName: field = &r.service; break;
    case T::kServiceNamespace: field = &r.service_namespace; break;
    case T::kServiceInstance: field = &r.instance; break;
    case T::kPod: field = &r.pod; break;
    case T::kDeployment: field = &r.deployment; break;
    case T::kK8sNamespace: field = &r.k8s_namespace; break;
    case T::kNode: field = &r.node; break;
    case T::kCluster: field = &r.cluster; break;
    case T::kHostName: field = &r.host; break;
    case T::kHostId: field = &r.host_id; break;
    case T::kZone: field = &r.zone; break;
    case T::kRegion: field = &r.region; break;
    case T::kEnvironment: field = &r.environment; break;
    case T::kFaasName: field = &r.faas_name; break;
    case T::kCloudResourceId: field = &r.cloud_resource_id; break;
    default: return false;
  }
  field->assign(value.data(), value.size());
  return true;
}

namespace {

using internal::EqualsIgnoreCase;

// Parses a decimal integer (optionally signed); false when `s` is not one.
bool ParseInt(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = negative ? -v : v;
  return true;
}

SpanKind KindFromTag(std::string_view v) {
  if (EqualsIgnoreCase(v, "server")) return SpanKind::kServer;
  if (EqualsIgnoreCase(v, "client")) return SpanKind::kClient;
  if (EqualsIgnoreCase(v, "producer")) return SpanKind::kProducer;
  if (EqualsIgnoreCase(v, "consumer")) return SpanKind::kConsumer;
  if (EqualsIgnoreCase(v, "internal")) return SpanKind::kInternal;
  return SpanKind::kUnspecified;
}

}  // namespace

bool SetSpanAttribute(AttributeTarget target, std::string_view value, std::int64_t int_value,
                      bool is_int, SpanRecord& s) {
  using T = AttributeTarget;
  auto as_int = [&](std::int64_t* out) {
    if (is_int) {
      *out = int_value;
      return true;
    }
    return ParseInt(value, out);
  };
  switch (target) {
    case T::kPeerService: s.peer_service = value; return true;
    case T::kDbSystem: s.db_system = value; return true;
    case T::kDbNamespace: s.db_namespace = value; return true;
    case T::kServerAddress: s.server_address = value; return true;
    case T::kServerPort: {
      std::int64_t v;
      if (as_int(&v)) s.server_port = v;
      return true;
    }
    case T::kMessagingSystem: s.messaging_system = value; return true;
    case T::kMessagingDestination: s.messaging_destination = value; return true;
    case T::kHttpStatus: {
      std::int64_t v;
      if (as_int(&v)) s.http_status = v;
      return true;
    }
    case T::kRpcGrpcStatus: {
      std::int64_t v;
      if (as_int(&v)) s.grpc_status = v;
      return true;
    }
    case T::kError:
      // Jaeger/Zipkin: error=true (bool) or any non-empty string other than "false".
      if (is_int) {
        s.error_tag = s.error_tag || int_value != 0;
      } else {
        s.error_tag = s.error_tag || (!value.empty() && !EqualsIgnoreCase(value, "false") &&
                                      value != "0");
      }
      return true;
    case T::kSpanKindTag:
      if (s.kind == SpanKind::kUnspecified) s.kind = KindFromTag(value);
      return true;
    case T::kOtelStatusCode:
      if (EqualsIgnoreCase(value, "error")) s.status_code = 2;
      else if (EqualsIgnoreCase(value, "ok") && s.status_code == 0) s.status_code = 1;
      return true;
    default:
      return false;
  }
}

std::string_view DeploymentFromPodName(std::string_view pod) {
  // <deployment>-<replicaset hash: 5-10 chars>-<pod hash: 5 chars>
  auto is_hash = [](std::string_view s, std::size_t min, std::size_t max) {
    if (s.size() < min || s.size() > max) return false;
    for (char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c)) ||
          std::isupper(static_cast<unsigned char>(c))) {
        return false;
      }
    }
    return true;
  };
  const auto last = pod.rfind('-');
  if (last == std::string_view::npos || last == 0) return pod;
  const std::string_view tail = pod.substr(last + 1);
  const std::string_view head = pod.substr(0, last);
  const auto second = head.rfind('-');
  if (second != std::string_view::npos && second > 0 && is_hash(tail, 5, 5) &&
      is_hash(head.substr(second + 1), 5, 10)) {
    return head.substr(0, second);
  }
  // StatefulSet pods: <set>-<ordinal>.
  bool ordinal = !tail.empty();
  for (char c : tail) ordinal = ordinal && c >= '0' && c <= '9';
  if (ordinal) return head;
  return pod;
}

}  // namespace faultline
