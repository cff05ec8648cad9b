// Private: which attributes of a Terraform resource may enter the model. Identity and
// placement attributes are kept (IsKeptAttribute(), in faultline/iac/terraform_state.h);
// secrets are dropped by name (LooksSecret()), by value (ValueLooksSecret()) and where
// Terraform marks them sensitive (sensitive_paths.h).
#ifndef FAULTLINE_LIB_IAC_SECRET_FILTER_H_
#define FAULTLINE_LIB_IAC_SECRET_FILTER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/model/entity.h"
#include "iac/attribute_flattening.h"
#include "iac/sensitive_paths.h"

namespace faultline::internal {

// ValueLooksSecret(): values that carry a secret whatever their key: PEM private keys, URLs
// with credentials (scheme://user:password@host).
bool ValueLooksSecret(std::string_view value);

// KeptKeys: IsKeptAttribute() remembered per key. A state repeats the same keys on every
// instance of a type, so each key is judged once. Bounded: forgets everything after
// kMaxKeys distinct keys.
class KeptKeys {
 public:
  bool IsKept(std::string_view key);

 private:
  static constexpr std::size_t kMaxKeys = 1 << 16;
  absl::flat_hash_map<std::string, bool> memo_;
};

// KeepAttributes()
//
// Moves the leaves that may enter the model into `out` (sorted by key, the first of equal
// keys kept): non-empty values not covered by `sensitive`, whose key IsKeptAttribute() and
// whose value does not look secret, plus the service name found in the environment
// (ServiceNameFromEnvironment(), as kOtelServiceNameAttribute). Counts the others in
// `*sensitive_dropped` (covered by `sensitive`) and `*attributes_dropped`. Clears `leaves`.
// `kept` (optional) remembers the key decisions across calls.
void KeepAttributes(std::vector<Leaf>& leaves, const SensitivePaths& sensitive,
                    Attributes* out, std::size_t* attributes_dropped,
                    std::size_t* sensitive_dropped, KeptKeys* kept = nullptr);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_SECRET_FILTER_H_
