// A program that embeds faultline: builds a three-entity model, freezes it and checks the
// snapshot's counts. Exits 0 only when they are what was built.
#include <cstdio>
#include <cstdlib>

#include "faultline/faultline.h"

namespace {

int Fail(const char* what) {
  std::fprintf(stderr, "faultline_consumer: %s\n", what);
  return EXIT_FAILURE;
}

}  // namespace

int main() {
  faultline::ModelBuilder builder;
  auto subgraph = builder.AddSubgraph("traces/demo");
  if (!subgraph.ok()) return Fail("AddSubgraph failed");

  auto frontend =
      builder.AddEntity(*subgraph, faultline::EntityKind::kService, "service:frontend");
  auto checkout =
      builder.AddEntity(*subgraph, faultline::EntityKind::kService, "service:checkout");
  auto orders = builder.AddEntity(*subgraph, faultline::EntityKind::kDatabase, "database:orders");
  if (!frontend.ok() || !checkout.ok() || !orders.ok()) return Fail("AddEntity failed");

  if (!builder.AddEdge(*subgraph, *frontend, *checkout, faultline::EdgeKind::kCalls).ok() ||
      !builder.AddEdge(*subgraph, *checkout, *orders, faultline::EdgeKind::kUses).ok()) {
    return Fail("AddEdge failed");
  }

  auto snapshot = builder.Freeze();
  if (!snapshot.ok()) return Fail("Freeze failed");

  std::printf("faultline %s: entities=%zu edges=%zu subgraphs=%zu\n", FAULTLINE_VERSION_STRING,
              snapshot->entity_count(), snapshot->edge_count(), snapshot->subgraph_count());

  if (snapshot->entity_count() != 3) return Fail("expected 3 entities");
  if (snapshot->edge_count() != 2) return Fail("expected 2 edges");
  if (snapshot->subgraph_count() != 1) return Fail("expected 1 subgraph");
  auto found = snapshot->Lookup("database:orders");
  if (!found.ok() || snapshot->Kind(*found) != faultline::EntityKind::kDatabase) {
    return Fail("database:orders not found with its kind");
  }
  return EXIT_SUCCESS;
}
