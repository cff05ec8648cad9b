// StringInterner.
#include "faultline/model/interner.h"

namespace faultline {

StringInterner::StringInterner(const StringInterner& other) : strings_(other.strings_) {
  ids_.reserve(strings_.size());
  for (std::uint32_t i = 0; i < strings_.size(); ++i) ids_.emplace(strings_[i], i);
}

StringInterner& StringInterner::operator=(const StringInterner& other) {
  if (this != &other) {
    StringInterner copy(other);
    *this = std::move(copy);
  }
  return *this;
}

std::uint32_t StringInterner::Intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

std::optional<std::uint32_t> StringInterner::Find(std::string_view s) const {
  auto it = ids_.find(s);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace faultline
