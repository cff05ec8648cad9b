// JSON record trees and timestamps for the alert and change-event readers.
#include "ingest/alerts/record_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "faultline/internal/str_cat.h"

namespace faultline::internal {

const JsonNode* JsonNode::Get(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

bool ReadJsonNode(JsonReader& r, JsonNode* out) {
  out->type = r.Peek();
  out->offset = r.offset();
  std::string_view view;
  switch (out->type) {
    case JsonType::kString:
      if (!r.ReadString(&view)) return false;
      out->text.assign(view.data(), view.size());
      return true;
    case JsonType::kNumber:
      if (!r.ReadNumberText(&view)) return r.Fail("a number");
      out->text.assign(view.data(), view.size());
      return true;
    case JsonType::kBool: {
      bool b = false;
      if (!r.ReadBool(&b)) return r.Fail("true or false");
      out->text = b ? "true" : "false";
      return true;
    }
    case JsonType::kNull:
      if (!r.ReadNull()) return r.Fail("null");
      return true;
    case JsonType::kObject: {
      r.BeginObject();
      std::string_view key;
      while (r.NextKey(&key)) {
        out->members.emplace_back(std::string(key), JsonNode());
        if (!ReadJsonNode(r, &out->members.back().second)) return false;
      }
      return r.ok();
    }
    case JsonType::kArray:
      r.BeginArray();
      while (r.NextElement()) {
        out->elements.emplace_back();
        if (!ReadJsonNode(r, &out->elements.back())) return false;
      }
      return r.ok();
    case JsonType::kInvalid:
      break;
  }
  r.Fail("a JSON value");
  return false;
}

std::string_view ScalarText(const JsonNode* node) {
  if (node == nullptr || !node->is_scalar()) return {};
  return node->text;
}

Attributes StringMap(const JsonNode* node, std::size_t* skipped) {
  Attributes out;
  if (node == nullptr || node->type != JsonType::kObject) return out;
  for (const auto& [k, v] : node->members) {
    if (v.is_scalar()) {
      out.emplace_back(k, v.text);
    } else if (skipped != nullptr) {
      ++*skipped;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Attribute& a, const Attribute& b) { return a.first < b.first; });
  // A repeated key: the last one wins, as JSON parsers usually do.
  Attributes unique;
  for (Attribute& a : out) {
    if (!unique.empty() && unique.back().first == a.first) {
      unique.back().second = std::move(a.second);
    } else {
      unique.push_back(std::move(a));
    }
  }
  return unique;
}

namespace {

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool ParseRfc3339(std::string_view s, std::int64_t* ns, bool* zero) {
  *zero = false;
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, &hour) ||
      s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' || !Digits(s, 17, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && LeapYear(year)) || hour > 23 || minute > 59 ||
      second > 60) {  // 60: a leap second, read as the next second
    return false;
  }
  std::size_t pos = 19;
  std::int64_t fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        fraction = fraction * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 9; ++i) fraction *= 10;
  }
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;  // RFC 3339 requires the offset
  }
  if (pos != s.size()) return false;
  if (year <= 1) {  // Go's zero time.Time: "no time"
    *zero = true;
    *ns = 0;
    return true;
  }
  const std::int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 +
                               minute * 60 + second - offset_s;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 1;
  if (seconds > kMax || seconds < -kMax) return false;
  *ns = seconds * 1'000'000'000 + fraction;
  return true;
}

bool EpochToNs(double v, std::int64_t* ns) {
  if (!std::isfinite(v) || v < 0) return false;
  double scale = 1.0;
  if (v < 1e11) {
    scale = 1e9;
  } else if (v < 1e14) {
    scale = 1e6;
  } else if (v < 1e17) {
    scale = 1e3;
  }
  if (v * scale >= 9.2e18) return false;
  // The integral part exactly, the fraction rounded to the nanosecond.
  double integral = 0;
  const double fraction = std::modf(v, &integral);
  *ns = static_cast<std::int64_t>(integral) * static_cast<std::int64_t>(scale) +
        static_cast<std::int64_t>(std::llround(fraction * scale));
  return true;
}

std::optional<std::int64_t> TimeOfNode(const JsonNode* node, bool* bad, bool* zero) {
  bool z = false;
  if (zero != nullptr) *zero = false;
  if (node == nullptr || node->type == JsonType::kNull) return std::nullopt;
  std::int64_t ns = 0;
  if (node->type == JsonType::kString || node->type == JsonType::kNumber) {
    const std::string& t = node->text;
    if (node->type == JsonType::kString && ParseRfc3339(t, &ns, &z)) {
      if (zero != nullptr) *zero = z;
      return ns;
    }
    // An epoch number, also quoted; integers exactly.
    std::int64_t integer = 0;
    const char* end = t.data() + t.size();
    auto [p, ec] = std::from_chars(t.data(), end, integer);
    if (ec == std::errc() && p == end && integer >= 0) {
      if (integer >= 100'000'000'000'000'000) return integer;  // already nanoseconds
      if (EpochToNs(static_cast<double>(integer), &ns)) {
        // Exact for integral seconds/ms/us below 2^53 after scaling.
        if (integer < 100'000'000'000) return integer * 1'000'000'000;
        if (integer < 100'000'000'000'000) return integer * 1'000'000;
        return integer * 1'000;
      }
    }
    if (!t.empty() && ((t[0] >= '0' && t[0] <= '9') || t[0] == '.')) {
      char* parse_end = nullptr;
      const std::string copy(t);
      const double d = std::strtod(copy.c_str(), &parse_end);
      if (parse_end == copy.c_str() + copy.size() && EpochToNs(d, &ns)) return ns;
    }
  }
  *bad = true;
  return std::nullopt;
}

absl::Status CheckResolvedKinds(const ModelBuilder& builder, const ResolvedEntity& entity,
                                std::string_view source) {
  auto check = [&](const std::string& id, EntityKind kind) -> absl::Status {
    const auto existing = builder.FindEntity(id);
    if (existing && builder.EntityKindOf(*existing) != kind) {
      return absl::FailedPreconditionError(
          StrCat(source, ": entity \"", id, "\" already exists as a ",
                 EntityKindName(builder.EntityKindOf(*existing)), ", not a ",
                 EntityKindName(kind)));
    }
    return absl::OkStatus();
  };
  absl::Status s = check(entity.id, entity.kind);
  if (s.ok() && entity.kind == EntityKind::kInstance && !entity.service.empty()) {
    s = check("service:" + entity.service, EntityKind::kService);
  }
  if (s.ok() && entity.kind == EntityKind::kInstance && !entity.node.empty()) {
    s = check("node:" + entity.node, EntityKind::kNode);
  }
  return s;
}

}  // namespace faultline::internal
