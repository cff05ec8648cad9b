// Private: what the alert and change-event readers share. A small JSON tree for one record
// (an alert, an event: a few dozen values, read with the streaming JsonReader), the
// containers around records read without a tree, and timestamps: RFC 3339 text and Unix
// epoch numbers.
#ifndef FAULTLINE_LIB_INGEST_ALERTS_RECORD_JSON_H_
#define FAULTLINE_LIB_INGEST_ALERTS_RECORD_JSON_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/ingest/entity_labels.h"
#include "faultline/model/entity.h"
#include "faultline/model/model_builder.h"
#include "io/json_reader.h"

namespace faultline::internal {

// JsonNode: one JSON value as a tree. Scalars keep their text: a string unescaped, a number
// as written, a boolean as "true"/"false".
struct JsonNode {
  JsonType type = JsonType::kNull;
  std::size_t offset = 0;  // where the value starts in the text
  std::string text;
  std::vector<std::pair<std::string, JsonNode>> members;  // an object's, in order
  std::vector<JsonNode> elements;                         // an array's

  // Get(): the member `key` of an object (the last one when repeated), or nullptr.
  const JsonNode* Get(std::string_view key) const;
  bool is_scalar() const {
    return type == JsonType::kString || type == JsonType::kNumber || type == JsonType::kBool;
  }
};

// ReadJsonNode(): consumes the next value of `r` into `*out`. False when the reader failed
// (a syntax error; its status says where). O(size of the value).
bool ReadJsonNode(JsonReader& r, JsonNode* out);

// ScalarText(): a scalar's text ("" for null, objects and arrays).
std::string_view ScalarText(const JsonNode* node);

// StringMap(): an object of scalars as sorted attributes (null, object and array values are
// left out and counted in `*skipped` when given). Empty for a non-object.
Attributes StringMap(const JsonNode* node, std::size_t* skipped = nullptr);

// --- Time ------------------------------------------------------------------------------

// ParseRfc3339()
//
// "2024-09-18T15:00:00Z", with optional fractional seconds (up to nanoseconds; further
// digits are truncated), "Z"/"z" or a "+HH:MM"/"-HH:MM" offset, and "T", "t" or a space
// between date and time. Sets `*ns` to Unix nanoseconds. Go's zero time (year 1, as
// Alertmanager writes an open end) sets `*zero` and `*ns` = 0. False for anything else,
// also for a valid time outside the int64 nanosecond range (years 1678-2262). O(|text|).
bool ParseRfc3339(std::string_view text, std::int64_t* ns, bool* zero);

// EpochToNs(): a Unix time whose unit is told by its magnitude: below 1e11 seconds, below
// 1e14 milliseconds, below 1e17 microseconds, else nanoseconds (fractions kept to the
// nanosecond). False for NaN, infinities and negative values.
bool EpochToNs(double value, std::int64_t* ns);

// TimeOfNode()
//
// A JSON time: an RFC 3339 string, or a Unix epoch as a number or a string of one. Returns
// nullopt when `node` is absent or null; sets `*bad` (and returns nullopt) when it holds
// something else. `*zero` as ParseRfc3339().
std::optional<std::int64_t> TimeOfNode(const JsonNode* node, bool* bad, bool* zero = nullptr);


// RecordBatch: the records read from one line of JSON Lines (or one document) with their
// accounting, committed once the line is known to be good and dropped when it is not.
template <typename Record>
struct RecordBatch {
  std::vector<Record> records;
  std::uint64_t read = 0;
  std::map<std::string, std::uint64_t> rejected;
  std::vector<std::string> errors;
  void Clear() {
    records.clear();
    read = 0;
    rejected.clear();
    errors.clear();
  }
};

// Accounting: rejected records of one source, with the first messages kept verbatim.
// `where` is "line L, column C".
inline void CountRejected(std::map<std::string, std::uint64_t>& rejected,
                          std::vector<std::string>& errors, std::size_t max_errors,
                          std::string_view source, std::string_view reason,
                          std::string_view where, std::string_view detail) {
  ++rejected[std::string(reason)];
  if (errors.size() < max_errors) {
    std::string message(source);
    message += ": ";
    message += where;
    message += ": ";
    message += reason;
    if (!detail.empty()) {
      message += ": ";
      message += detail;
    }
    errors.push_back(std::move(message));
  }
}

// CheckResolvedKinds(): kFailedPrecondition naming `source` when an entity AddResolvedEntity()
// would make for `entity` (itself, its service, its node) exists with another kind.
absl::Status CheckResolvedKinds(const ModelBuilder& builder, const ResolvedEntity& entity,
                                std::string_view source);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_ALERTS_RECORD_JSON_H_
