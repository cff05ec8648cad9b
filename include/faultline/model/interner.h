// faultline/model/interner.h
//
// StringInterner: maps strings to dense integer ids, once each, and back.
#ifndef FAULTLINE_MODEL_INTERNER_H_
#define FAULTLINE_MODEL_INTERNER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace faultline {

// StringInterner
//
// Assigns 0, 1, 2, ... to distinct strings in first-seen order. Ids are stable for the
// interner's lifetime; string_views returned by Get() stay valid as long as the interner.
// Not thread-safe for writes; concurrent const calls are safe.
class StringInterner {
 public:
  StringInterner() = default;
  StringInterner(const StringInterner& other);
  StringInterner& operator=(const StringInterner& other);
  StringInterner(StringInterner&&) = default;
  StringInterner& operator=(StringInterner&&) = default;

  // Intern()
  //
  // The id of `s`, assigning the next id when `s` is new. Amortized O(|s|).
  std::uint32_t Intern(std::string_view s);

  // Find()
  //
  // The id of `s`, or nullopt when it was never interned. O(|s|).
  std::optional<std::uint32_t> Find(std::string_view s) const;

  // Get()
  //
  // The string with id `id`. Requires id < size(). O(1).
  std::string_view Get(std::uint32_t id) const { return strings_[id]; }

  std::size_t size() const { return strings_.size(); }

 private:
  // A deque keeps element addresses stable, so the map can key on string_views into it.
  std::deque<std::string> strings_;
  absl::flat_hash_map<std::string_view, std::uint32_t> ids_;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_INTERNER_H_
