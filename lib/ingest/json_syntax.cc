// A small recursive-descent JSON validator with precise error positions.
#include "ingest/json_syntax.h"

#include <string>

#include "faultline/internal/str_cat.h"
#include "faultline/ingest/source.h"

namespace faultline::internal {
namespace {

constexpr int kMaxDepth = 512;

class Checker {
 public:
  Checker(std::string_view text, std::string_view name) : s_(text), name_(name) {}

  absl::Status Run() {
    SkipSpace();
    if (!Value(0)) return error_;
    SkipSpace();
    if (pos_ != s_.size()) {
      Fail("end of document");
      return error_;
    }
    return absl::OkStatus();
  }

 private:
  std::string Found() const {
    if (pos_ >= s_.size()) return "end of input";
    const unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c >= 0x20 && c < 0x7f) return internal::StrCat("'", std::string(1, s_[pos_]), "'");
    return internal::StrCat("byte 0x", absl::Hex(c, absl::kZeroPad2));
  }

  bool Fail(std::string_view expected) {
    const LineColumn lc = LineColumnAt(s_, pos_);
    error_ = absl::InvalidArgumentError(internal::StrCat(name_, ":", lc.line, ":", lc.column,
                                                     ": malformed JSON: expected ", expected,
                                                     ", found ", Found()));
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return Fail(internal::StrCat("'", word, "'"));
    pos_ += word.size();
    return true;
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("at most 512 levels of nesting");
    if (pos_ >= s_.size()) return Fail("a value");
    switch (s_[pos_]) {
      case '{': return Object(depth);
      case '[': return Array(depth);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default:
        if (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9')) return Number();
        return Fail("a value");
    }
  }

  bool Object(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("a quoted object key");
      if (!String()) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("':' after an object key");
      ++pos_;
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Fail("',' or '}' in an object");
    }
  }

  bool Array(int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Fail("',' or ']' in an array");
    }
  }

  bool String() {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("a closing '\"' (control characters must be escaped)");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return Fail("an escape character");
        const char e = s_[pos_];
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_ + i]))) {
              pos_ += i;
              return Fail("four hex digits after \\u");
            }
          }
          pos_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return Fail("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
      }
      ++pos_;
    }
    return Fail("a closing '\"'");
  }

  bool Digits() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool Number() {
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!Digits()) {
      return Fail("a digit");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return Fail("a digit after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!Digits()) return Fail("a digit in the exponent");
    }
    return true;
  }

  std::string_view s_;
  std::string_view name_;
  std::size_t pos_ = 0;
  absl::Status error_;
};

}  // namespace

absl::Status CheckJsonSyntax(std::string_view text, std::string_view name) {
  return Checker(text, name).Run();
}

}  // namespace faultline::internal
