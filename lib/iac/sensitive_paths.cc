// ReadSensitiveAttributes() and ReadSensitiveValues(): Terraform's sensitive markers as
// prefixes of flattened attribute keys.
#include "iac/sensitive_paths.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace faultline::internal {
namespace {

// Reads one step's index value: {"value": 0, "type": "number"} or a bare scalar.
bool ReadIndexStep(JsonReader& r, std::string* segment) {
  if (r.Peek() == JsonType::kObject) {
    r.BeginObject();
    bool found = false;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "value" && !found) {
        found = ReadIndexStep(r, segment);
        if (!found) r.Skip();
      } else {
        r.Skip();
      }
    }
    return found;
  }
  std::string_view s;
  if (r.Peek() == JsonType::kString && r.ReadString(&s)) {
    segment->assign(s.data(), s.size());
    return true;
  }
  if (r.Peek() == JsonType::kNumber && r.ReadNumberText(&s)) {
    segment->assign(s.data(), s.size());
    return true;
  }
  return false;
}

}  // namespace

// Reads `sensitive_attributes`: a list of paths, each a list of steps. A step that cannot be
// read ends its path there, marking everything under the part read so far.
void ReadSensitiveAttributes(JsonReader& r, SensitivePaths* out) {
  if (!r.BeginArray()) {
    if (r.Peek() == JsonType::kNull) {
      r.ReadNull();
      return;
    }
    r.Skip();
    out->unreadable = true;
    out->prefixes.emplace_back();
    return;
  }
  std::string segment;
  while (r.NextElement()) {
    std::string prefix;
    bool complete = true;
    if (!r.BeginArray()) {
      // A dotted string path ("password", "tags.secret"), as some writers give.
      std::string_view s;
      if (r.Peek() == JsonType::kString && r.ReadString(&s)) {
        out->prefixes.emplace_back(s);
      } else {
        r.Skip();
        out->unreadable = true;
        out->prefixes.emplace_back();
      }
      continue;
    }
    while (r.NextElement()) {
      if (!complete || !r.BeginObject()) {
        r.Skip();
        complete = false;
        continue;
      }
      std::string_view key;
      std::string type;
      bool have_segment = false;
      segment.clear();
      while (r.NextKey(&key)) {
        if (key == "type") {
          std::string_view t;
          if (r.ReadString(&t)) type.assign(t.data(), t.size());
          else r.Skip();
        } else if (key == "value") {
          have_segment = ReadIndexStep(r, &segment);
          if (!have_segment) r.Skip();
        } else {
          r.Skip();
        }
      }
      if (!have_segment || (type != "get_attr" && type != "index")) {
        complete = false;
        continue;
      }
      if (!prefix.empty()) prefix.push_back('.');
      prefix += segment;
    }
    if (!complete) out->unreadable = true;
    out->prefixes.push_back(std::move(prefix));
  }
}

// Reads `sensitive_values` (show -json): the shape of `values` with true at sensitive
// leaves or subtrees.
void ReadSensitiveValues(JsonReader& r, std::string& prefix, SensitivePaths* out) {
  const std::size_t base = prefix.size();
  switch (r.Peek()) {
    case JsonType::kBool: {
      bool b = false;
      r.ReadBool(&b);
      if (b) out->prefixes.push_back(prefix);
      return;
    }
    case JsonType::kObject: {
      r.BeginObject();
      std::string_view key;
      while (r.NextKey(&key)) {
        if (!prefix.empty()) prefix.push_back('.');
        prefix.append(key.data(), key.size());
        ReadSensitiveValues(r, prefix, out);
        prefix.resize(base);
      }
      return;
    }
    case JsonType::kArray: {
      r.BeginArray();
      std::size_t index = 0;
      while (r.NextElement()) {
        if (!prefix.empty()) prefix.push_back('.');
        prefix.append(std::to_string(index++));
        ReadSensitiveValues(r, prefix, out);
        prefix.resize(base);
      }
      return;
    }
    default: r.Skip(); return;
  }
}

}  // namespace faultline::internal
