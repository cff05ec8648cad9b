// faultline/ingest/topology.h
//
// The static topology input: a JSON service catalogue (services, their dependencies,
// databases, queues, externals, hosts, zones) for teams that have no traces yet. The schema
// is the protobuf message faultline.v1.Topology (lib/proto/faultline/v1/topology.proto),
// read with protobuf's JSON parser: keys may be lowerCamelCase or snake_case.
//
// Entities it creates (canonical ids):
//   service:NAME  database:NAME  queue:NAME  external:NAME  node:NAME  zone:NAME
//   region:NAME  cluster:NAME  entry_point:SERVICE/OPERATION
// Edges: service -> dependency (calls / uses / async by the target's kind unless given),
// entry_point -> service (calls), service/database/queue -> node or zone (runs_on),
// node -> zone, zone -> region, node -> cluster (runs_on).
#ifndef FAULTLINE_INGEST_TOPOLOGY_H_
#define FAULTLINE_INGEST_TOPOLOGY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "faultline/io/source.h"
#include "faultline/model/model_builder.h"

namespace faultline {

// TopologyOptions
struct TopologyOptions {
  // The subgraph to (re)place the topology in. Empty: "topology/" + the document's `name`,
  // or + the file's stem when the document has no name.
  std::string subgraph;
};

// TopologyReport: what AddTopology() read and built.
struct TopologyReport {
  std::string subgraph;              // the subgraph id written
  std::size_t services = 0;
  std::size_t entities = 0;          // entities in the subgraph, all kinds
  std::size_t edges = 0;             // edges in the subgraph
  std::size_t implicit_zones = 0;    // zones referenced without being declared
  std::vector<std::string> warnings; // non-fatal findings (e.g. duplicate dependencies)
};

// AddTopology()
//
// Reads a topology JSON document (faultline.v1.Topology) and replaces its subgraph with
// it. Returns kInvalidArgument naming the source, line and column for malformed JSON,
// and the field path for schema errors (unknown field, wrong type, unknown dependency
// target, unknown host); the builder is unchanged on error. O(size of the document).
absl::StatusOr<TopologyReport> AddTopology(ModelBuilder& builder, const InputSource& source,
                                           const TopologyOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_INGEST_TOPOLOGY_H_
