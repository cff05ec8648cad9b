// Private: AttributeLookupCache, shared by the trace parsers.
#ifndef FAULTLINE_LIB_INGEST_ATTRIBUTE_CACHE_H_
#define FAULTLINE_LIB_INGEST_ATTRIBUTE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "faultline/ingest/span.h"

namespace faultline::internal {

// ShortKeyHash(): a cheap hash of a short key (its length and first and last 8 bytes), for
// the direct-mapped caches of keys that repeat on every span. Not for hash tables that
// face adversarial keys: the caches below only lose hits on collisions.
inline std::uint64_t ShortKeyHash(std::string_view key) {
  std::uint64_t h = key.size() * 0x9E3779B97F4A7C15ULL;
  if (key.size() >= 8) {
    std::uint64_t head, tail;
    std::memcpy(&head, key.data(), 8);
    std::memcpy(&tail, key.data() + key.size() - 8, 8);
    h ^= head * 0xC2B2AE3D27D4EB4FULL;
    h ^= tail * 0x165667B19E3779F9ULL;
  } else {
    for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  }
  return (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL >> 54;
}

// AttributeLookupCache: LookupAttribute() behind a small direct-mapped cache, for inputs
// that repeat the same attribute keys on every span. Not thread-safe.
class AttributeLookupCache {
 public:
  AttributeTarget Lookup(std::string_view key) {
    Entry& e = entries_[Slot(key)];
    if (e.valid && std::string_view(e.key) == key) return e.target;
    e.target = LookupAttribute(key);
    e.key.assign(key.data(), key.size());
    e.valid = true;
    return e.target;
  }

 private:
  static constexpr std::size_t kSlots = 256;
  struct Entry {
    std::string key;
    AttributeTarget target = AttributeTarget::kNone;
    bool valid = false;
  };
  static std::size_t Slot(std::string_view key) { return ShortKeyHash(key) & (kSlots - 1); }
  Entry entries_[kSlots];
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_ATTRIBUTE_CACHE_H_
