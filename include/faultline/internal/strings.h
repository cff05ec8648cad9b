// faultline/internal/strings.h
//
// String matching and trimming on std::string_view, shared by every module. Debian's
// abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// abseil's matchers do not accept std::string_view: each function here is the
// std::string_view form of the abseil function it names, with the same result, or (for
// ConsumePrefixIgnoreCase() and StripBlanks()) what abseil does not have. Case-insensitive
// comparisons fold ASCII letters only, whatever the C locale; other bytes compare as they
// are. Not part of the public API.
#ifndef FAULTLINE_INTERNAL_STRINGS_H_
#define FAULTLINE_INTERNAL_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "faultline/internal/str_cat.h"

namespace faultline::internal {

// StartsWith(): whether `s` begins with `prefix` (absl::StartsWith); true for an empty
// prefix.
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return absl::StartsWith(ToAbsl(s), ToAbsl(prefix));
}

// EndsWith(): whether `s` ends with `suffix` (absl::EndsWith); true for an empty suffix.
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return absl::EndsWith(ToAbsl(s), ToAbsl(suffix));
}

// StrContains(): whether `part` occurs in `s` (absl::StrContains); true for an empty part.
inline bool StrContains(std::string_view s, std::string_view part) {
  return absl::StrContains(ToAbsl(s), ToAbsl(part));
}

// EqualsIgnoreCase(): whether `a` and `b` are equal but for the case of ASCII letters
// (absl::EqualsIgnoreCase).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && absl::EqualsIgnoreCase(ToAbsl(a), ToAbsl(b));
}

// ConsumePrefixIgnoreCase(): when `*s` begins with `prefix` but for the case of ASCII
// letters, removes it from `*s` and returns true; otherwise leaves `*s` alone and returns
// false.
inline bool ConsumePrefixIgnoreCase(std::string_view* s, std::string_view prefix) {
  if (!absl::StartsWithIgnoreCase(ToAbsl(*s), ToAbsl(prefix))) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// AsciiStrToLower(): a copy of `s` with ASCII letters lower-cased (absl::AsciiStrToLower).
inline std::string AsciiStrToLower(std::string_view s) {
  return absl::AsciiStrToLower(ToAbsl(s));
}

// StripBlanks(): `s` without its leading and trailing spaces and tabs. Unlike
// absl::StripAsciiWhitespace(), line breaks and other whitespace stay.
inline std::string_view StripBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace faultline::internal

#endif  // FAULTLINE_INTERNAL_STRINGS_H_
