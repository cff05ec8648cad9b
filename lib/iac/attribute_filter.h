// Private: what the Terraform readers (state and plan JSON) share about resource attributes:
// flattening an attributes object into dotted keys, reading the sensitive paths Terraform
// records beside it, and the filter that keeps identity and placement attributes and drops
// secrets (IsKeptAttribute(), LooksSecret() and ValueLooksSecret()). Also the index keys of
// instance addresses and the stack name derived from a file name.
#ifndef FAULTLINE_LIB_IAC_ATTRIBUTE_FILTER_H_
#define FAULTLINE_LIB_IAC_ATTRIBUTE_FILTER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "faultline/internal/strings.h"
#include "faultline/model/entity.h"
#include "io/json_reader.h"

namespace faultline::internal {

// ValueLooksSecret(): values that carry a secret whatever their key: PEM private keys, URLs
// with credentials (scheme://user:password@host).
bool ValueLooksSecret(std::string_view value);

// Leaf: a flattened scalar leaf of an attributes object, before filtering.
struct Leaf {
  std::string key;
  std::string value;
};

// FlattenValue()
//
// Reads the value at the reader into `leaves` under `prefix` (empty at the root; restored
// on return), unwrapping dynamic values ({"value": ..., "type": <cty type>}) in place.
// Objects give "a.b" keys, arrays "a.0"; null leaves give nothing. O(size of the value).
void FlattenValue(JsonReader& r, std::string& prefix, std::vector<Leaf>* leaves);

// SensitivePaths: sensitive paths as flattened prefixes. An empty prefix covers everything.
struct SensitivePaths {
  std::vector<std::string> prefixes;
  bool unreadable = false;  // some path could not be read: all of it was marked

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

// The attribute that carries a workload's OpenTelemetry service name, found in its
// environment by ServiceNameFromEnvironment().
inline constexpr std::string_view kOtelServiceNameAttribute = "otel.service.name";

// ServiceNameFromEnvironment()
//
// The service name a workload's telemetry will carry, from its environment in the leaves
// of one resource: the variable OTEL_SERVICE_NAME, else `service.name` in
// OTEL_RESOURCE_ATTRIBUTES, as a map entry (Lambda's environment.0.variables.NAME), a
// name/value pair (Kubernetes' container.N.env.M.name / .value) or inside an ECS
// `container_definitions` JSON document. "" when there is none. Environment blocks are
// otherwise dropped whole (they hold credentials), so this is the one value kept; never
// one covered by `sensitive` or that looks secret.
std::string ServiceNameFromEnvironment(const std::vector<Leaf>& leaves,
                                       const SensitivePaths& sensitive);

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
// whose value does not look secret. Counts the others in `*sensitive_dropped` (covered by
// `sensitive`) and `*attributes_dropped`. Clears `leaves`. `kept` (optional) remembers
// the key decisions across calls.
void KeepAttributes(std::vector<Leaf>& leaves, const SensitivePaths& sensitive,
                    Attributes* out, std::size_t* attributes_dropped,
                    std::size_t* sensitive_dropped, KeptKeys* kept = nullptr);

// QuoteKey(): a string instance key as Terraform writes it in addresses: HCL-quoted.
std::string QuoteKey(std::string_view key);

// ReadIndexKey(): reads an index key (number, string or null) into its address form ("0",
// "\"a\"", ""). False for other types.
bool ReadIndexKey(JsonReader& r, std::string* out);

// StackFromName(): the stack named by a source: the file's stem ("network.tfstate" ->
// "network"), or its folder's name for "terraform.tfstate"; "default" when empty.
std::string StackFromName(const std::string& name);

// ConfigAddress(): an instance address without its index keys, as configuration references
// name resources: module.a["x"].aws_subnet.b[0] -> module.a.aws_subnet.b (quoted keys may
// hold brackets and escaped quotes).
std::string ConfigAddress(std::string_view address);

// IdSegment(): `text` as a segment of a subgraph id: characters an id cannot hold become '_'.
std::string IdSegment(std::string_view text);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_ATTRIBUTE_FILTER_H_
