// FlattenValue(): one attributes object into dotted-key leaves, dynamic values unwrapped.
#include "iac/attribute_flattening.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"

namespace faultline::internal {
namespace {

// Flattener: flattens one attributes object into leaves, unwrapping dynamic values
// ({"value": ..., "type": <cty type>}) in place.
class Flattener {
 public:
  explicit Flattener(std::vector<Leaf>* leaves) : leaves_(leaves) {}

  // Reads the value at the reader into leaves under `prefix` (empty at the root).
  void Value(JsonReader& r, std::string& prefix) {
    switch (r.Peek()) {
      case JsonType::kObject: Object(r, prefix); return;
      case JsonType::kArray: Array(r, prefix); return;
      case JsonType::kString: {
        std::string_view s;
        if (r.ReadString(&s, &scratch_)) Emit(prefix, s);
        return;
      }
      case JsonType::kNumber: {
        std::string_view s;
        if (r.ReadNumberText(&s)) Emit(prefix, s);
        return;
      }
      case JsonType::kBool: {
        bool b = false;
        if (r.ReadBool(&b)) Emit(prefix, b ? "true" : "false");
        return;
      }
      case JsonType::kNull: r.ReadNull(); return;
      case JsonType::kInvalid: r.Skip(); return;
    }
  }

 private:
  void Emit(const std::string& key, std::string_view value) {
    if (key.empty()) return;  // a scalar where an object of attributes belongs
    leaves_->push_back(Leaf{key, std::string(value)});
  }

  static bool IsCtyPrimitive(std::string_view s) {
    return s == "string" || s == "number" || s == "bool" || s == "dynamic";
  }
  static bool IsCtyKind(std::string_view s) {
    return s == "object" || s == "list" || s == "map" || s == "set" || s == "tuple";
  }

  void Object(JsonReader& r, std::string& prefix) {
    if (!r.BeginObject()) return;
    const std::size_t base = prefix.size();
    const std::size_t first_leaf = leaves_->size();
    bool saw_value = false;
    bool type_is_cty = false;
    bool other_keys = false;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (!prefix.empty()) prefix.push_back('.');
      const bool is_value = key == "value";
      const bool is_type = key == "type";
      prefix.append(key.data(), key.size());
      if (is_type && base > 0) {
        const std::size_t before = leaves_->size();
        const JsonType t = r.Peek();
        Value(r, prefix);
        if (t == JsonType::kString && leaves_->size() == before + 1) {
          type_is_cty = IsCtyPrimitive((*leaves_)[before].value);
        } else if (t == JsonType::kArray && leaves_->size() > before) {
          type_is_cty = IsCtyKind((*leaves_)[before].value);
        }
      } else {
        saw_value = saw_value || is_value;
        other_keys = other_keys || !is_value;
        Value(r, prefix);
      }
      prefix.resize(base);
    }
    if (base == 0 || !saw_value || !type_is_cty || other_keys) return;
    // A dynamic value: drop the type leaves, lift "P.value..." to "P...".
    const std::string type_key = StrCat(prefix, ".type");
    const std::string value_key = StrCat(prefix, ".value");
    std::size_t out = first_leaf;
    for (std::size_t i = first_leaf; i < leaves_->size(); ++i) {
      Leaf& leaf = (*leaves_)[i];
      if (leaf.key == type_key || StartsWith(leaf.key, StrCat(type_key, "."))) continue;
      if (StartsWith(leaf.key, value_key) &&
          (leaf.key.size() == value_key.size() || leaf.key[value_key.size()] == '.')) {
        leaf.key.erase(base, value_key.size() - base);
      }
      if (out != i) (*leaves_)[out] = std::move(leaf);
      ++out;
    }
    leaves_->resize(out);
  }

  void Array(JsonReader& r, std::string& prefix) {
    if (!r.BeginArray()) return;
    const std::size_t base = prefix.size();
    std::size_t index = 0;
    while (r.NextElement()) {
      if (!prefix.empty()) prefix.push_back('.');
      prefix.append(std::to_string(index++));
      Value(r, prefix);
      prefix.resize(base);
    }
  }

  std::vector<Leaf>* leaves_;
  std::string scratch_;
};

}  // namespace

void FlattenValue(JsonReader& r, std::string& prefix, std::vector<Leaf>* leaves) {
  Flattener(leaves).Value(r, prefix);
}

}  // namespace faultline::internal
