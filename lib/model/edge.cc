// Edge kind names.
#include "faultline/model/edge.h"

#include <array>
#include <string>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"


namespace faultline {
namespace {

constexpr std::array<std::string_view, kEdgeKindCount> kNames = {
    "calls", "async", "uses", "runs_on", "depends_on", "contains",
};

}  // namespace

std::string_view EdgeKindName(EdgeKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

absl::StatusOr<EdgeKind> ParseEdgeKind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EdgeKind>(i);
  }
  return absl::InvalidArgumentError(internal::StrCat("unknown edge kind \"", name,
                                                 "\"; expected one of: ",
                                                 internal::StrJoin(kNames, ", ")));
}

}  // namespace faultline
