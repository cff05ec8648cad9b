// Private: the attribute paths Terraform marks sensitive, read from beside a resource's
// attributes (raw state's `sensitive_attributes`; `sensitive_values` and plan JSON's
// `*_sensitive` shapes) as prefixes of flattened keys (attribute_flattening.h).
#ifndef FAULTLINE_LIB_IAC_SENSITIVE_PATHS_H_
#define FAULTLINE_LIB_IAC_SENSITIVE_PATHS_H_

#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/strings.h"
#include "io/json_reader.h"

namespace faultline::internal {

// SensitivePaths: sensitive paths as flattened prefixes. An empty prefix covers everything.
struct SensitivePaths {
  std::vector<std::string> prefixes;
  bool unreadable = false;  // some path could not be read: all of it was marked

  // Covers(): whether `key` is a prefix or lies under one ("a.b" covers "a.b" and
  // "a.b.c", not "a.bc").
  bool Covers(std::string_view key) const {
    for (const std::string& p : prefixes) {
      if (p.empty()) return true;
      if (StartsWith(key, p) && (key.size() == p.size() || key[p.size()] == '.')) {
        return true;
      }
    }
    return false;
  }
};

// ReadSensitiveAttributes(): raw state's `sensitive_attributes`: a list of paths, each a
// list of steps. A step that cannot be read ends its path there, marking everything under
// the part read so far.
void ReadSensitiveAttributes(JsonReader& r, SensitivePaths* out);

// ReadSensitiveValues(): the shape of a values object with true at marked leaves or
// subtrees (`sensitive_values`, plan JSON's `before_sensitive`, `after_sensitive` and
// `after_unknown`); a bare true marks everything under `prefix`.
void ReadSensitiveValues(JsonReader& r, std::string& prefix, SensitivePaths* out);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_SENSITIVE_PATHS_H_
