// Terraform addresses and names: QuoteKey(), ReadIndexKey(), StackFromName(),
// ConfigAddress() and IdSegment().
#include "iac/terraform_address.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace faultline::internal {

// A string instance key as Terraform writes it in addresses: HCL-quoted.
std::string QuoteKey(std::string_view key) {
  std::string out = "\"";
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '$':
      case '%':
        out.push_back(c);
        if (i + 1 < key.size() && key[i + 1] == '{') out.push_back(c);
        break;
      default: out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Reads an index key (number or string) into its address form. False for other types.
bool ReadIndexKey(JsonReader& r, std::string* out) {
  std::string_view s;
  switch (r.Peek()) {
    case JsonType::kNumber:
      if (!r.ReadNumberText(&s)) return false;
      out->assign(s.data(), s.size());
      return true;
    case JsonType::kString:
      if (!r.ReadString(&s)) return false;
      *out = QuoteKey(s);
      return true;
    case JsonType::kNull:
      r.ReadNull();
      out->clear();
      return true;
    default: return false;
  }
}

std::string StackFromName(const std::string& name) {
  std::string path = name;
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
  if (base == "terraform.tfstate" && !dir.empty()) {
    const auto s2 = dir.find_last_of('/');
    return s2 == std::string::npos ? dir : dir.substr(s2 + 1);
  }
  const auto dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base.empty() ? std::string("default") : base;
}

std::string ConfigAddress(std::string_view address) {
  std::string out;
  out.reserve(address.size());
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (depth > 0) {
      if (c == '"') quoted = true;
      else if (c == '[') ++depth;
      else if (c == ']') --depth;
    } else if (c == '[') {
      depth = 1;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string IdSegment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '"') c = '_';
  }
  return out;
}

}  // namespace faultline::internal
