// faultline/iac/linker.h
//
// Linking infrastructure to the services seen in traces: the cross links that let a causal
// walk go from a slow checkout to the database, node group and zone underneath it. Every
// link records the rule that made it and what matched, so explanations can show it.
//
// Rules (ModelBuilder::LinkInfrastructure(), link set "iac_traces"):
//   endpoint   a traced database, cache or external peer whose server.address equals a
//              resource's address, endpoint (without :port), primary/reader/configuration
//              endpoint, host, fqdn, dns_name or private/public IP -> runs_on the resource
//   k8s        a traced service whose k8s.deployment.name (or name) and namespace match a
//              kubernetes_deployment / stateful_set / daemon_set's metadata.0.name and
//              metadata.0.namespace -> runs_on the workload
//   function   a traced service whose cloud.resource_id equals a function's ARN / id /
//              self_link (a version or alias qualifier ignored), or whose faas.name equals
//              its function_name / name (Lambda, Cloud Functions, Cloud Run, Azure Functions)
//              -> runs_on the function
//   env        a traced service whose name is the OTEL_SERVICE_NAME (or service.name in
//              OTEL_RESOURCE_ATTRIBUTES) in a workload's environment -> runs_on the workload
//   label      a traced service named by a workload's labels or tags (app.kubernetes.io/name,
//              app, service, Service, service.name) or function_name -> runs_on the workload
//   A service tries k8s, function, env and label in that order; the first that matches wins.
//   queue      a traced queue whose destination name equals an SQS queue, SNS topic, Pub/Sub
//              topic or Kafka topic's name (or the last segment of its URL), of a type its
//              messaging.system can be (aws_sqs -> aws_sqs_queue, ...) -> runs_on it
//   host       a traced instance whose host.id equals an aws_instance / google_compute_instance
//              id -> runs_on it
//   node       a Kubernetes node seen in traces (k8s.node.name -> node:NAME) whose name is an
//              aws_instance's private_dns (or its first label), the "ip-A-B-C-D" form of its
//              private_ip, or its id; a google_compute_instance's or Azure VM's name or
//              hostname; or a GKE node of a google_container_node_pool's instance group
//              ("gke-CLUSTER-POOL-HASH-XXXX" in "...-HASH-grp"); else whose host.id is an
//              instance id -> runs_on it
//   mapping    explicit links given with AddLinks() for what rules cannot infer
#ifndef FAULTLINE_IAC_LINKER_H_
#define FAULTLINE_IAC_LINKER_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/io/source.h"
#include "absl/status/status.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// LinkReport: what LinkInfrastructure() linked and what stayed unlinked on both sides.
struct LinkReport {
  std::map<std::string, std::size_t> links_by_rule;
  // Traced services, databases, queues and externals with no link to any resource.
  std::vector<std::string> unlinked_traced;
  // Workloads and datastores in IaC with no traced entity linked to them.
  std::vector<std::string> unlinked_infrastructure;
};

// MappingLink: one explicit link (AddLinks()).
struct MappingLink {
  std::string from;  // canonical entity id, e.g. service:checkout
  std::string to;    // e.g. tf:data:aws_db_instance.orders
  std::string kind = "runs_on";
  std::string detail;
};

// ReadLinkMapping()
//
// An explicit mapping file: a JSON array of {"from": ID, "to": ID, "kind": EDGE_KIND,
// "detail": TEXT} objects (kind defaults to runs_on, detail to ""), or an object with
// such an array under "links". Errors (kInvalidArgument, kNotFound for a missing file)
// name the source and the line:column, and the entry; unknown keys are errors too, since a
// misspelt "form" would otherwise make a link silently vanish.
absl::StatusOr<std::vector<MappingLink>> ReadLinkMapping(const InputSource& source);

// LinkInfrastructure()
//
// Rebuilds the cross links between traced entities and IaC resources from the rules of
// iac/linker.h (link set "iac_traces"), over everything loaded so far; call it again
// after loading more. Reports what stayed unlinked on both sides. O(entities).
LinkReport LinkInfrastructure(ModelBuilder& builder);

// AddLinks()
//
// Explicit links for what rules cannot infer (link set "mapping"). kInvalidArgument for
// an empty id or an unknown edge kind, naming the entry; nothing is added then.
absl::Status AddLinks(ModelBuilder& builder, const std::vector<MappingLink>& links);

}  // namespace faultline

#endif  // FAULTLINE_IAC_LINKER_H_
