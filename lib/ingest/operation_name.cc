#include "operation_name.h"

#include <cstddef>
#include <utility>

namespace faultline::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsIdentifier(std::string_view segment) {
  if (segment.empty()) return false;
  bool digits = true, hex = true, any_digit = false;
  for (char c : segment) {
    digits = digits && IsDigit(c);
    hex = hex && IsHex(c);
    any_digit = any_digit || IsDigit(c);
  }
  return digits || (hex && any_digit && segment.size() >= 16) || IsUuid(segment);
}

}  // namespace

bool NormalizeOperationName(std::string_view name, std::string* out) {
  const std::size_t first_slash = name.find('/');
  if (first_slash == std::string_view::npos) return false;
  // The path runs from the first '/' to a space ("GET /a/b HTTP/1.1": the rest is not
  // path) or a '?' (a query string, dropped up to the next space).
  std::size_t space = name.find(' ', first_slash);
  if (space == std::string_view::npos) space = name.size();
  const std::size_t query = name.find('?', first_slash);
  const bool has_query = query != std::string_view::npos && query < space;
  const std::size_t path_end = has_query ? query : space;
  const auto for_each_segment = [&](auto&& visit) {
    for (std::size_t pos = first_slash; pos < path_end;) {
      std::size_t end = pos + 1;
      while (end < path_end && name[end] != '/') ++end;
      visit(name.substr(pos + 1, end - pos - 1));
      pos = end;
    }
  };
  bool changed = has_query;
  for_each_segment([&](std::string_view segment) { changed = changed || IsIdentifier(segment); });
  if (!changed) return false;
  std::string result(name.substr(0, first_slash));
  for_each_segment([&](std::string_view segment) {
    result.push_back('/');
    if (IsIdentifier(segment)) {
      result.append("{id}");
    } else {
      result.append(segment.data(), segment.size());
    }
  });
  result.append(name.substr(space).data(), name.size() - space);
  *out = std::move(result);
  return true;
}

}  // namespace faultline::internal
