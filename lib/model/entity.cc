// Entity kind names.
#include "faultline/model/entity.h"

#include <array>
#include <string>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"


namespace faultline {
namespace {

constexpr std::array<std::string_view, kEntityKindCount> kNames = {
    "service", "operation", "instance", "database",     "queue",
    "external", "node",     "zone",     "region",       "cluster",
    "iac_resource", "iac_module", "stack", "entry_point", "namespace",
};

}  // namespace

std::string_view EntityKindName(EntityKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

absl::StatusOr<EntityKind> ParseEntityKind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EntityKind>(i);
  }
  return absl::InvalidArgumentError(internal::StrCat("unknown entity kind \"", name,
                                                 "\"; expected one of: ",
                                                 internal::StrJoin(kNames, ", ")));
}

}  // namespace faultline
