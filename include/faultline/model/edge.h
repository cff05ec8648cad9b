// faultline/model/edge.h
//
// Edge kinds and their propagation semantics. Every edge points from dependent to
// dependency (`u -> v`: u needs v); a fault propagates against the arrow, from v to u.
#ifndef FAULTLINE_MODEL_EDGE_H_
#define FAULTLINE_MODEL_EDGE_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace faultline {

// EdgeKind
//
// The numeric values are part of the snapshot format and also the order in which the
// out- and in-edges of one entity are stored: append new kinds, never renumber.
enum class EdgeKind : std::uint8_t {
  kCalls = 0,      // frontend -> checkout: synchronous RPC/HTTP
  kAsync = 1,      // orders -> topic -> shipper: messaging
  kUses = 2,       // checkout -> orders-db: a datastore or cache
  kRunsOn = 3,     // pod -> node -> zone: placement and hosting
  kDependsOn = 4,  // aws_instance -> aws_subnet: IaC configuration dependency
  kContains = 5,   // stack -> module -> resource: aggregation only
};
inline constexpr int kEdgeKindCount = 6;

// EdgeKindName()
//
// The lower_snake_case name of `kind` ("calls", "runs_on", "depends_on").
std::string_view EdgeKindName(EdgeKind kind);

// ParseEdgeKind()
//
// Inverse of EdgeKindName(). Returns kInvalidArgument naming the accepted kinds otherwise.
absl::StatusOr<EdgeKind> ParseEdgeKind(std::string_view name);

// Propagation
//
// What a fault of the dependency does to the dependent across an edge of one kind.
struct Propagation {
  bool errors;                // dependency errors surface as dependent errors
  bool latency;               // dependency latency adds to dependent latency
  bool backlog;               // backlog and lag (asynchronous work) accumulate
  bool availability;          // dependency outage makes the dependent unavailable
  bool configuration;         // a configuration change of the dependency can break it
  bool weighted_by_traffic;   // impact scales with the share of traffic on the edge
};

// PropagationOf()
//
// The propagation semantics of `kind`, as tabled in DESIGN.md:
//   calls       errors and latency, weighted by traffic share
//   async       backlog and lag, not caller latency
//   uses        errors and latency
//   runs_on     everything hosted fails with the host
//   depends_on  configuration and availability
//   contains    nothing (aggregation and drill-down only)
constexpr Propagation PropagationOf(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kCalls:
      return {true, true, false, true, false, true};
    case EdgeKind::kAsync:
      return {false, false, true, false, false, true};
    case EdgeKind::kUses:
      return {true, true, false, true, false, true};
    case EdgeKind::kRunsOn:
      return {true, true, true, true, false, false};
    case EdgeKind::kDependsOn:
      return {false, false, false, true, true, false};
    case EdgeKind::kContains:
      return {false, false, false, false, false, false};
  }
  return {false, false, false, false, false, false};
}

// Propagates()
//
// True when a fault can travel across an edge of `kind` at all (every kind but contains).
constexpr bool Propagates(EdgeKind kind) {
  const Propagation p = PropagationOf(kind);
  return p.errors || p.latency || p.backlog || p.availability || p.configuration;
}

}  // namespace faultline

#endif  // FAULTLINE_MODEL_EDGE_H_
