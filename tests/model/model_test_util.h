// Helpers for model tests: unwrapping results and describing snapshot edges by id strings.
#ifndef FAULTLINE_TESTS_MODEL_MODEL_TEST_UTIL_H_
#define FAULTLINE_TESTS_MODEL_MODEL_TEST_UTIL_H_

#include <algorithm>
#include <filesystem>
#include <random>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "gtest/gtest.h"

namespace faultline::testing {

// Must(): the value of `result`; throws (failing the running test) when it is an error.
template <typename T>
T Must(absl::StatusOr<T> result, const char* what = "call") {
  if (!result.ok()) {
    std::ostringstream message;
    message << what << " failed: " << result.status();
    throw std::runtime_error(message.str());
  }
  return *std::move(result);
}

// MustOk(): throws (failing the running test) when `status` is an error.
inline void MustOk(const absl::Status& status, const char* what = "call") {
  if (!status.ok()) {
    std::ostringstream message;
    message << what << " failed: " << status;
    throw std::runtime_error(message.str());
  }
}

// ScratchDir(): a directory private to this test process, under ::testing::TempDir(), so
// concurrent test runs never share files. Removed when the process exits.
inline const std::filesystem::path& ScratchDir() {
  struct Dir {
    Dir() {
      std::random_device random;
      path = std::filesystem::path(::testing::TempDir()) /
             ("faultline_test_" + std::to_string(random()) + std::to_string(random()));
      std::filesystem::create_directories(path);
    }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
    std::filesystem::path path;
  };
  static const Dir dir;
  return dir.path;
}

// An edge described without dense ids: (source id, target id, kind, owning subgraph name or
// "<link>" for a cross link).
using EdgeKey = std::tuple<std::string, std::string, EdgeKind, std::string>;

inline std::string SubgraphNameOf(const Snapshot& snapshot, SubgraphId subgraph) {
  if (subgraph == kNoSubgraph) return "<link>";
  return std::string(snapshot.Subgraph(subgraph).name);
}

inline EdgeKey KeyOf(const Snapshot& snapshot, EdgeIndex edge) {
  return {std::string(snapshot.EntityIdString(snapshot.Source(edge))),
          std::string(snapshot.EntityIdString(snapshot.Target(edge))), snapshot.KindOf(edge),
          SubgraphNameOf(snapshot, snapshot.EdgeSubgraph(edge))};
}

// Every edge of `snapshot`, sorted.
inline std::vector<EdgeKey> AllEdgeKeys(const Snapshot& snapshot) {
  std::vector<EdgeKey> keys;
  for (EdgeIndex e = 0; e < snapshot.edge_count(); ++e) keys.push_back(KeyOf(snapshot, e));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The edges owned by subgraph `name`, sorted.
inline std::vector<EdgeKey> SubgraphEdgeKeys(const Snapshot& snapshot, const std::string& name) {
  std::vector<EdgeKey> keys;
  const std::optional<SubgraphId> subgraph = snapshot.FindSubgraph(name);
  if (!subgraph) return keys;
  for (EdgeIndex e : snapshot.SubgraphEdges(*subgraph)) keys.push_back(KeyOf(snapshot, e));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The member id strings of subgraph `name`, sorted.
inline std::vector<std::string> MemberIds(const Snapshot& snapshot, const std::string& name) {
  std::vector<std::string> ids;
  const std::optional<SubgraphId> subgraph = snapshot.FindSubgraph(name);
  if (!subgraph) return ids;
  for (EntityId e : snapshot.SubgraphMembers(*subgraph)) {
    ids.emplace_back(snapshot.EntityIdString(e));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The edge (from, to, kind) owned by `subgraph_name` ("<link>" for a cross link), if any.
inline std::optional<EdgeIndex> FindEdge(const Snapshot& snapshot, const std::string& from,
                                         const std::string& to, EdgeKind kind,
                                         const std::string& subgraph_name) {
  const std::optional<EntityId> source = snapshot.Find(from);
  if (!source) return std::nullopt;
  for (EdgeIndex e : snapshot.OutEdges(*source, kind)) {
    if (snapshot.EntityIdString(snapshot.Target(e)) == to &&
        SubgraphNameOf(snapshot, snapshot.EdgeSubgraph(e)) == subgraph_name) {
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace faultline::testing

#endif  // FAULTLINE_TESTS_MODEL_MODEL_TEST_UTIL_H_
