// faultline/internal/str_cat.h
//
// StrCat(): concatenates strings, std::string_views and numbers. Debian's abseil is built
// with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so absl::StrCat does
// not accept std::string_view; this helper accepts both. Not part of the public API.
#ifndef FAULTLINE_INTERNAL_STR_CAT_H_
#define FAULTLINE_INTERNAL_STR_CAT_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace faultline::internal {

inline void AppendPiece(std::string& out, std::string_view s) { out.append(s.data(), s.size()); }
inline void AppendPiece(std::string& out, const std::string& s) { out.append(s); }
inline void AppendPiece(std::string& out, const char* s) { out.append(s); }
inline void AppendPiece(std::string& out, char c) { out.push_back(c); }
#if !ABSL_USES_STD_STRING_VIEW
inline void AppendPiece(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
#endif
inline void AppendPiece(std::string& out, const absl::Hex& h) { absl::StrAppend(&out, h); }
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, char>>>
void AppendPiece(std::string& out, T v) {
  absl::StrAppend(&out, v);
}
template <typename T, typename = std::enable_if_t<std::is_enum_v<T>>, typename = void>
void AppendPiece(std::string& out, T v) {
  absl::StrAppend(&out, static_cast<std::underlying_type_t<T>>(v));
}

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (AppendPiece(out, args), ...);
  return out;
}

// StrJoin(): the elements of `range` (anything StrCat accepts) separated by `sep`.
template <typename Range>
std::string StrJoin(const Range& range, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& piece : range) {
    if (!first) out.append(sep.data(), sep.size());
    first = false;
    AppendPiece(out, piece);
  }
  return out;
}

// ToAbsl(): a std::string_view as the absl::string_view abseil's APIs take.
inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace faultline::internal

#endif  // FAULTLINE_INTERNAL_STR_CAT_H_
