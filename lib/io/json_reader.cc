// JsonReader: a pull reader over JSON text, and JSON Lines / document stream reading.
#include "io/json_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "faultline/internal/str_cat.h"


namespace faultline::internal {
namespace {

constexpr JsonType MakeTypeEntry(unsigned char c) {
  switch (c) {
    case '{': return JsonType::kObject;
    case '[': return JsonType::kArray;
    case '"': return JsonType::kString;
    case 't':
    case 'f': return JsonType::kBool;
    case 'n': return JsonType::kNull;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return JsonType::kNumber;
    default: return JsonType::kInvalid;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Parses unsigned decimal digits exactly; false on overflow or a non-digit.
bool ParseDigits(std::string_view digits, std::uint64_t* out) {
  if (digits.empty() || digits.size() > 20) return false;
  std::uint64_t v = 0;
  if (digits.size() <= 19) {  // cannot overflow
    for (char c : digits) {
      const unsigned d = static_cast<unsigned char>(c) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
    *out = v;
    return true;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// An integer literal ("-12", "0", "0012" in strings) as a sign and magnitude.
bool ParseSignedDigits(std::string_view s, bool* negative, std::uint64_t* magnitude) {
  *negative = !s.empty() && s[0] == '-';
  if (*negative) s.remove_prefix(1);
  return ParseDigits(s, magnitude);
}

bool ToInt64(bool negative, std::uint64_t magnitude, std::int64_t* out) {
  constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return false;
    *out = magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(magnitude);
    return true;
  }
  if (magnitude > kMax) return false;
  *out = static_cast<std::int64_t>(magnitude);
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "Infinity" || s == "-Infinity") {
    *out = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
    return true;
  }
  if (s.empty()) return false;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  *out = v;
  return true;
}

// Whether `s` is a JSON number (RFC 8259 grammar).
bool IsJsonNumber(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    const std::size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return false;
  }
  return i == n;
}

}  // namespace

const JsonType JsonReader::kTypeOf[256] = {
#define FAULTLINE_JSON_T(i) MakeTypeEntry(static_cast<unsigned char>(i))
#define FAULTLINE_JSON_T4(i) FAULTLINE_JSON_T(i), FAULTLINE_JSON_T(i + 1), \
    FAULTLINE_JSON_T(i + 2), FAULTLINE_JSON_T(i + 3)
#define FAULTLINE_JSON_T16(i) FAULTLINE_JSON_T4(i), FAULTLINE_JSON_T4(i + 4), \
    FAULTLINE_JSON_T4(i + 8), FAULTLINE_JSON_T4(i + 12)
#define FAULTLINE_JSON_T64(i) FAULTLINE_JSON_T16(i), FAULTLINE_JSON_T16(i + 16), \
    FAULTLINE_JSON_T16(i + 32), FAULTLINE_JSON_T16(i + 48)
    FAULTLINE_JSON_T64(0), FAULTLINE_JSON_T64(64), FAULTLINE_JSON_T64(128),
    FAULTLINE_JSON_T64(192),
#undef FAULTLINE_JSON_T64
#undef FAULTLINE_JSON_T16
#undef FAULTLINE_JSON_T4
#undef FAULTLINE_JSON_T
};

std::string_view JsonTypeName(JsonType type) {
  switch (type) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return "a boolean";
    case JsonType::kNumber: return "a number";
    case JsonType::kString: return "a string";
    case JsonType::kArray: return "an array";
    case JsonType::kObject: return "an object";
    case JsonType::kInvalid: break;
  }
  return "no value";
}

void JsonReader::Reset(std::string_view text, std::size_t begin, std::size_t end,
                       int max_depth) {
  text_ = text;
  end_ = std::min(end, text.size());
  pos_ = std::min(begin, end_);
  depth_ = 0;
  max_depth_ = max_depth;
  first_ = false;
  single_line_ = false;
  ok_ = true;
  error_syntax_ = false;
  error_offset_ = 0;
  error_expected_ = "";
}

bool JsonReader::FailAt(std::size_t offset, const char* expected, bool syntax) {
  if (!ok_) return false;
  ok_ = false;
  error_offset_ = std::min(offset, end_);
  error_expected_ = expected;
  error_syntax_ = syntax;
  return false;
}

bool JsonReader::Fail(const char* expected) {
  if (!ok_) return false;
  SkipSpace();
  // Text that is not a JSON value is malformed, not just of another shape: report where.
  const std::size_t at = pos_;
  if (pos_ >= end_ || kTypeOf[static_cast<unsigned char>(text_[pos_])] == JsonType::kInvalid) {
    return FailAt(pos_, expected, true);
  }
  if (!SkipValue(depth_)) return false;
  return FailAt(at, expected, false);
}

bool JsonReader::FailDepth() {
  return FailAt(pos_, "at most the maximum nesting depth of objects and arrays", true);
}

bool JsonReader::NextKeySlow(std::string_view* key) {
  SkipSpace();
  if (pos_ >= end_) {
    return FailAt(pos_, first_ ? "a quoted object key or '}'" : "',' or '}' in an object", true);
  }
  char c = text_[pos_];
  if (c == '}') {
    ++pos_;
    --depth_;
    first_ = false;
    return false;
  }
  if (first_) {
    first_ = false;
  } else {
    if (c != ',') return FailAt(pos_, "',' or '}' in an object", true);
    ++pos_;
    SkipSpace();
    if (pos_ >= end_) return FailAt(pos_, "a quoted object key", true);
    c = text_[pos_];
  }
  if (c != '"') return FailAt(pos_, "a quoted object key", true);
  ++pos_;
  if (!ScanString(key, &key_scratch_)) return false;
  SkipSpace();
  if (pos_ >= end_ || text_[pos_] != ':') return FailAt(pos_, "':' after an object key", true);
  ++pos_;
  return true;
}

bool JsonReader::NextElementSlow() {
  SkipSpace();
  if (pos_ >= end_) return FailAt(pos_, "a value or ']' in an array", true);
  const char c = text_[pos_];
  if (c == ']') {
    ++pos_;
    --depth_;
    first_ = false;
    return false;
  }
  if (first_) {
    if (kTypeOf[static_cast<unsigned char>(c)] == JsonType::kInvalid) {
      return FailAt(pos_, "a value or ']' in an array", true);
    }
    first_ = false;
    return true;
  }
  if (c != ',') return FailAt(pos_, "',' or ']' in an array", true);
  ++pos_;
  SkipSpace();
  if (pos_ >= end_ || kTypeOf[static_cast<unsigned char>(text_[pos_])] == JsonType::kInvalid) {
    return FailAt(pos_, "a value after ','", true);
  }
  return true;
}

bool JsonReader::ScanStringSlow(std::string_view* out, std::string* scratch,
                                std::size_t special) {
  const std::size_t start = pos_;
  if (special >= end_) return FailAt(end_, "a closing '\"'", true);
  if (text_[special] == '\\') {
    pos_ = special;
    return Unescape(start, out, scratch);
  }
  return FailAt(special, "a closing '\"' (control characters must be escaped)", true);
}

bool JsonReader::Unescape(std::size_t start, std::string_view* out, std::string* scratch) {
  std::string& buf = *scratch;
  buf.assign(text_.data() + start, pos_ - start);
  while (true) {
    // pos_ is at a special byte.
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      *out = std::string_view(buf);
      return true;
    }
    if (c != '\\') {
      return FailAt(pos_, "a closing '\"' (control characters must be escaped)", true);
    }
    if (pos_ + 1 >= end_) return FailAt(pos_ + 1, "an escape character", true);
    const char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"': buf.push_back('"'); break;
      case '\\': buf.push_back('\\'); break;
      case '/': buf.push_back('/'); break;
      case 'b': buf.push_back('\b'); break;
      case 'f': buf.push_back('\f'); break;
      case 'n': buf.push_back('\n'); break;
      case 'r': buf.push_back('\r'); break;
      case 't': buf.push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](std::size_t at, std::uint32_t* v) {
          if (at + 4 > end_) return false;
          std::uint32_t r = 0;
          for (std::size_t i = 0; i < 4; ++i) {
            const int d = HexValue(text_[at + i]);
            if (d < 0) return false;
            r = (r << 4) | static_cast<std::uint32_t>(d);
          }
          *v = r;
          return true;
        };
        std::uint32_t cp = 0;
        if (!hex4(pos_, &cp)) return FailAt(pos_, "four hex digits after \\u", true);
        pos_ += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (pos_ + 1 < end_ && text_[pos_] == '\\' && text_[pos_ + 1] == 'u' &&
              hex4(pos_ + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
            pos_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        AppendUtf8(cp, buf);
        break;
      }
      default:
        return FailAt(pos_ - 1, "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                      true);
    }
    const std::size_t special = json_detail::FindStringSpecial(text_.data(), pos_, end_);
    if (special >= end_) return FailAt(end_, "a closing '\"'", true);
    buf.append(text_.data() + pos_, special - pos_);
    pos_ = special;
  }
}

bool JsonReader::ScanNumber(std::size_t* end, bool* integral) {
  std::size_t i = pos_;
  const std::string_view s = text_;
  if (i < end_ && s[i] == '-') ++i;
  if (i >= end_) return FailAt(i, "a digit", true);
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < end_ && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return FailAt(i, "a digit", true);
  }
  *integral = true;
  if (i < end_ && s[i] == '.') {
    ++i;
    const std::size_t d = i;
    while (i < end_ && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return FailAt(i, "a digit after '.'", true);
    *integral = false;
  }
  if (i < end_ && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < end_ && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t d = i;
    while (i < end_ && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return FailAt(i, "a digit in the exponent", true);
    *integral = false;
  }
  *end = i;
  return true;
}

bool JsonReader::ReadNumberText(std::string_view* out) {
  if (Peek() != JsonType::kNumber) return false;
  std::size_t end = 0;
  bool integral = false;
  if (!ScanNumber(&end, &integral)) return false;
  *out = text_.substr(pos_, end - pos_);
  pos_ = end;
  return true;
}

namespace {

// The value of an integer-looking JSON number or string, as sign and magnitude; false when
// it is not an exact integer that fits 64 bits.
bool IntegerFromText(std::string_view text, bool integral, bool* negative,
                     std::uint64_t* magnitude) {
  if (integral) return ParseSignedDigits(text, negative, magnitude);
  double d = 0;
  if (!ParseDouble(text, &d) || !std::isfinite(d) || d != std::floor(d)) return false;
  if (d < 0) {
    if (d < -9223372036854775808.0) return false;
    *negative = true;
    *magnitude = static_cast<std::uint64_t>(-d);
    return true;
  }
  if (d >= 18446744073709551616.0) return false;
  *negative = false;
  *magnitude = static_cast<std::uint64_t>(d);
  return true;
}

}  // namespace

// Reads the next value as an integer (sign, magnitude) without consuming on failure.
#define FAULTLINE_JSON_READ_INTEGER(negative, magnitude)                              \
  bool negative = false;                                                              \
  std::uint64_t magnitude = 0;                                                        \
  std::size_t next = 0;                                                               \
  {                                                                                   \
    const JsonType type = Peek();                                                     \
    if (type == JsonType::kNumber) {                                                  \
      bool integral = false;                                                          \
      if (!ScanNumber(&next, &integral)) return false;                                \
      if (!IntegerFromText(text_.substr(pos_, next - pos_), integral, &negative,      \
                           &magnitude)) {                                             \
        return false;                                                                 \
      }                                                                               \
    } else if (type == JsonType::kString) {                                           \
      const std::size_t close = json_detail::FindStringSpecial(text_.data(), pos_ + 1, end_);      \
      if (close >= end_ || text_[close] != '"') return false;                         \
      const std::string_view body = text_.substr(pos_ + 1, close - pos_ - 1);         \
      if (!ParseSignedDigits(body, &negative, &magnitude)) {                          \
        if (!IsJsonNumber(body) ||                                                    \
            !IntegerFromText(body, false, &negative, &magnitude)) {                   \
          return false;                                                               \
        }                                                                             \
      }                                                                               \
      next = close + 1;                                                               \
    } else {                                                                          \
      return false;                                                                   \
    }                                                                                 \
  }

bool JsonReader::ReadInt64(std::int64_t* out) {
  FAULTLINE_JSON_READ_INTEGER(negative, magnitude)
  if (!ToInt64(negative, magnitude, out)) return false;
  pos_ = next;
  return true;
}

bool JsonReader::ReadUint64(std::uint64_t* out) {
  FAULTLINE_JSON_READ_INTEGER(negative, magnitude)
  if (negative && magnitude != 0) return false;
  *out = magnitude;
  pos_ = next;
  return true;
}

#undef FAULTLINE_JSON_READ_INTEGER

bool JsonReader::ReadDouble(double* out) {
  const JsonType type = Peek();
  if (type == JsonType::kNumber) {
    std::size_t next = 0;
    bool integral = false;
    if (!ScanNumber(&next, &integral)) return false;
    if (!ParseDouble(text_.substr(pos_, next - pos_), out)) return false;
    pos_ = next;
    return true;
  }
  if (type == JsonType::kString) {
    const std::size_t close = json_detail::FindStringSpecial(text_.data(), pos_ + 1, end_);
    if (close >= end_ || text_[close] != '"') return false;
    const std::string_view body = text_.substr(pos_ + 1, close - pos_ - 1);
    if (body != "NaN" && body != "Infinity" && body != "-Infinity" && !IsJsonNumber(body)) {
      return false;
    }
    if (!ParseDouble(body, out)) return false;
    pos_ = close + 1;
    return true;
  }
  return false;
}

bool JsonReader::Literal(std::string_view word) {
  if (text_.substr(pos_, std::min(word.size(), end_ - pos_)) != word) {
    return FailAt(pos_, "a value", true);
  }
  pos_ += word.size();
  return true;
}

bool JsonReader::ReadBool(bool* out) {
  if (Peek() != JsonType::kBool) return false;
  const bool value = text_[pos_] == 't';
  if (!Literal(value ? "true" : "false")) return false;
  *out = value;
  return true;
}

bool JsonReader::ReadNull() {
  if (Peek() != JsonType::kNull) return false;
  return Literal("null");
}

bool JsonReader::Skip() {
  if (!ok_) return false;
  return SkipValue(depth_);
}

bool JsonReader::SkipValue(int depth) {
  SkipSpace();
  if (pos_ >= end_) return FailAt(pos_, "a value", true);
  switch (kTypeOf[static_cast<unsigned char>(text_[pos_])]) {
    case JsonType::kString: {
      ++pos_;
      while (true) {
        const std::size_t special = json_detail::FindStringSpecial(text_.data(), pos_, end_);
        if (special >= end_) return FailAt(end_, "a closing '\"'", true);
        const char c = text_[special];
        if (c == '"') {
          pos_ = special + 1;
          return true;
        }
        if (c != '\\') {
          return FailAt(special, "a closing '\"' (control characters must be escaped)", true);
        }
        if (special + 1 >= end_) return FailAt(special + 1, "an escape character", true);
        const char e = text_[special + 1];
        if (e == 'u') {
          for (std::size_t i = 2; i < 6; ++i) {
            if (special + i >= end_ || HexValue(text_[special + i]) < 0) {
              return FailAt(special + i, "four hex digits after \\u", true);
            }
          }
          pos_ = special + 6;
        } else if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
          pos_ = special + 2;
        } else {
          return FailAt(special + 1,
                        "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", true);
        }
      }
    }
    case JsonType::kNumber: {
      std::size_t next = 0;
      bool integral = false;
      if (!ScanNumber(&next, &integral)) return false;
      pos_ = next;
      return true;
    }
    case JsonType::kBool: return Literal(text_[pos_] == 't' ? "true" : "false");
    case JsonType::kNull: return Literal("null");
    case JsonType::kObject: {
      if (depth + 1 > max_depth_) {
        return FailAt(pos_, "at most the maximum nesting depth of objects and arrays", true);
      }
      ++pos_;
      SkipSpace();
      if (pos_ < end_ && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      while (true) {
        SkipSpace();
        if (pos_ >= end_ || text_[pos_] != '"') {
          return FailAt(pos_, "a quoted object key", true);
        }
        if (!SkipValue(depth + 1)) return false;  // the key, a string
        SkipSpace();
        if (pos_ >= end_ || text_[pos_] != ':') {
          return FailAt(pos_, "':' after an object key", true);
        }
        ++pos_;
        if (!SkipValue(depth + 1)) return false;
        SkipSpace();
        if (pos_ < end_ && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < end_ && text_[pos_] == '}') {
          ++pos_;
          return true;
        }
        return FailAt(pos_, "',' or '}' in an object", true);
      }
    }
    case JsonType::kArray: {
      if (depth + 1 > max_depth_) {
        return FailAt(pos_, "at most the maximum nesting depth of objects and arrays", true);
      }
      ++pos_;
      SkipSpace();
      if (pos_ < end_ && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      while (true) {
        if (!SkipValue(depth + 1)) return false;
        SkipSpace();
        if (pos_ < end_ && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < end_ && text_[pos_] == ']') {
          ++pos_;
          return true;
        }
        return FailAt(pos_, "',' or ']' in an array", true);
      }
    }
    case JsonType::kInvalid: break;
  }
  return FailAt(pos_, "a value", true);
}

bool JsonReader::ExpectEnd() {
  if (!ok_) return false;
  SkipSpace();
  if (pos_ < end_) return FailAt(pos_, "end of input", true);
  return true;
}

std::string JsonReader::ErrorDescription() const {
  if (ok_) return "";
  std::string found;
  if (error_offset_ >= end_) {
    found = end_ < text_.size() && (text_[end_] == '\n' || text_[end_] == '\r')
                ? "end of line"
                : "end of input";
  } else if (text_[error_offset_] == '\n') {
    found = "end of line";
  } else {
    const unsigned char c = static_cast<unsigned char>(text_[error_offset_]);
    if (c >= 0x20 && c < 0x7f) {
      found = StrCat("'", static_cast<char>(c), "'");
    } else {
      found = StrCat("byte 0x", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return StrCat(error_syntax_ ? "malformed JSON: expected " : "unexpected JSON: expected ",
                error_expected_, ", found ", found);
}

absl::Status JsonReader::status(std::string_view name) const {
  if (ok_) return absl::OkStatus();
  const LineColumn lc = LineColumnAt(text_, error_offset_);
  return absl::InvalidArgumentError(
      StrCat(name, ":", lc.line, ":", lc.column, ": ", ErrorDescription()));
}

LineColumn LineTracker::At(std::size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < offset_) {
    // Backwards: rescan from the start of the text (rare).
    offset_ = 0;
    line_ = 1;
    line_start_ = 0;
  }
  const char* p = text_.data();
  std::size_t i = offset_;
  while (i < offset) {
    const void* nl = std::memchr(p + i, '\n', offset - i);
    if (nl == nullptr) break;
    i = static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1;
    ++line_;
    line_start_ = i;
  }
  offset_ = offset;
  return LineColumn{line_, offset - line_start_ + 1};
}

namespace {

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

std::size_t LineEnd(std::string_view text, std::size_t pos) {
  const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
  return nl == nullptr ? text.size()
                       : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
}

}  // namespace

JsonStreamLayout DetectJsonStreamLayout(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = LineEnd(text, pos);
    if (IsBlank(text.substr(pos, end - pos))) {
      pos = end + 1;
      continue;
    }
    if (end >= text.size() || IsBlank(text.substr(end))) return JsonStreamLayout::kDocument;
    JsonReader r;
    r.Reset(text, pos, end);
    if (r.Skip() && r.ExpectEnd()) return JsonStreamLayout::kLines;
    return r.error_offset() < end ? JsonStreamLayout::kLines : JsonStreamLayout::kDocument;
  }
  return JsonStreamLayout::kDocument;
}

absl::Status ReadJsonStream(std::string_view text, std::string_view name, JsonReader& reader,
                            const std::function<void(JsonReader&, std::size_t)>& visit,
                            const std::function<void(std::size_t, std::string_view)>& bad_line) {
  if (DetectJsonStreamLayout(text) == JsonStreamLayout::kDocument) {
    reader.Reset(text);
    LineTracker lines(text);
    while (!reader.AtEnd() && reader.ok()) {
      const std::size_t start = reader.offset();
      visit(reader, lines.At(start).line);
      if (reader.ok() && reader.offset() == start) reader.FailAt(start, "a JSON value", true);
    }
    return reader.status(name);
  }
  std::size_t line = 1;
  std::size_t line_start = 0;
  std::size_t good = 0;
  absl::Status first_error;
  std::size_t pos = 0;
  while (true) {
    // Blank lines and the newline that ended the previous value.
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r' || text[pos] == '\n')) {
      if (text[pos] == '\n') {
        ++line;
        line_start = pos + 1;
      }
      ++pos;
    }
    if (pos >= text.size()) break;
    reader.ResetToLine(text, pos);
    visit(reader, line);
    if (reader.ok() && reader.offset() == pos) reader.FailAt(pos, "a JSON value", true);
    if (reader.ExpectEnd()) {
      ++good;
      pos = reader.window_end();
      continue;
    }
    const std::string where =
        StrCat("line ", line, ", column ", reader.error_offset() - line_start + 1, " (",
               reader.ErrorDescription(), ")");
    if (first_error.ok()) first_error = reader.status(name);
    bad_line(line, where);
    pos = LineEnd(text, reader.error_offset());
  }
  if (good == 0 && !first_error.ok()) return first_error;
  return absl::OkStatus();
}

}  // namespace faultline::internal
