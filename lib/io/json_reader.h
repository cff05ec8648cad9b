// Private: JsonReader, a fast pull reader over JSON text held in memory, and the helpers
// that read "JSON Lines or one document" inputs with it (the JSON trace formats, Terraform
// state and other JSON inputs).
//
// The reader walks the text once, front to back, without building a tree and without heap
// allocation on the hot path: strings come back as views into the text, or, when they hold
// escapes, unescaped into a scratch buffer the caller chooses (reused across calls).
//
// Usage:
//
//   JsonReader r(text);
//   if (r.BeginObject()) {
//     std::string_view key;
//     while (r.NextKey(&key)) {
//       if (key == "name") { if (!r.ReadString(&name)) r.Skip(); }
//       else r.Skip();                 // every key's value must be consumed exactly once
//     }
//   }
//   if (!r.ok()) return r.status(source_name);
//
// Errors: a syntax error (or a Fail() by the caller) is sticky: every later call returns
// false and consumes nothing, so loops such as `while (r.NextKey(&key))` end by themselves;
// check ok() afterwards. A typed read (ReadString(), ReadInt64()...) whose value has another
// type returns false WITHOUT an error and without consuming it: the caller decides (usually
// Skip() and treat the record as bad). Offsets are byte offsets into the `text` given to the
// constructor or Reset(), also when only a window of it is read.
#ifndef FAULTLINE_LIB_INGEST_JSON_READER_H_
#define FAULTLINE_LIB_INGEST_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "faultline/io/source.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace faultline::internal {

namespace json_detail {

// FindStringSpecial(): the offset of the first '"', '\\' or control byte (< 0x20) in
// s[pos, end), or `end`. 16 bytes at a time where SSE2 is available.
inline std::size_t FindStringSpecial(const char* s, std::size_t pos, std::size_t end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1F);
  while (pos + 16 <= end) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos));
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(v, control_max), v));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) return pos + static_cast<std::size_t>(__builtin_ctz(mask));
    pos += 16;
  }
#endif
  while (pos < end) {
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c == '"' || c == '\\' || c < 0x20) return pos;
    ++pos;
  }
  return end;
}

}  // namespace json_detail

// JsonType: the type of the next value, from its first byte.
enum class JsonType : std::uint8_t {
  kInvalid = 0,  // end of input, an error, or a byte that cannot start a value
  kNull,
  kBool,
  kNumber,
  kString,
  kArray,
  kObject,
};

// JsonTypeName(): "null", "a boolean", "a number", "a string", "an array", "an object",
// "no value".
std::string_view JsonTypeName(JsonType type);

// JsonReader
//
// Not thread-safe; cheap to construct; Reset() reuses its scratch buffers. Every operation
// is O(bytes consumed); Skip() validates what it skips. Nesting deeper than max_depth
// (objects plus arrays) is an error, not a recursion.
class JsonReader {
 public:
  static constexpr int kDefaultMaxDepth = 512;

  JsonReader() = default;
  explicit JsonReader(std::string_view text, int max_depth = kDefaultMaxDepth) {
    Reset(text, 0, text.size(), max_depth);
  }

  // Reset(): reads text[begin, end) from scratch (clamped to the text), keeping the scratch
  // buffers' capacity. Offsets and line:column positions stay relative to `text`.
  void Reset(std::string_view text, std::size_t begin = 0,
             std::size_t end = std::string_view::npos, int max_depth = kDefaultMaxDepth);
  // ResetToLine(): reads the line of `text` that starts at `begin`: the window ends at the
  // first newline between tokens, found while reading (no separate scan for it); a newline
  // inside a string is a syntax error. window_end() is that newline once reached.
  void ResetToLine(std::string_view text, std::size_t begin,
                   int max_depth = kDefaultMaxDepth) {
    Reset(text, begin, text.size(), max_depth);
    single_line_ = true;
  }

  // Peek(): skips whitespace and returns the type of the next value (kInvalid at the end of
  // the window, on an error, or before '}' ']' ',' and other non-value bytes).
  JsonType Peek() {
    if (!ok_) return JsonType::kInvalid;
    SkipSpace();
    return pos_ < end_ ? kTypeOf[static_cast<unsigned char>(text_[pos_])] : JsonType::kInvalid;
  }

  // BeginObject(): consumes '{'. False (no error) when the next value is not an object.
  bool BeginObject() {
    if (Peek() != JsonType::kObject) return false;
    return Enter();
  }
  // NextKey(): the next key of the current object, with its ':' consumed; the caller must
  // then consume its value. False at the closing '}' (consumed) or on an error. `*key` is
  // valid until the next NextKey() (escaped keys are unescaped into an internal buffer).
  bool NextKey(std::string_view* key) {
    if (!ok_) return false;
    // Fast path, compact JSON: `"key":` first, or `,"key":` after a member.
    std::size_t p = pos_;
    if (p < end_ && text_[p] == (first_ ? '"' : ',')) {
      if (!first_) ++p;
      if (p < end_ && text_[p] == '"') {
        const std::size_t close = json_detail::FindStringSpecial(text_.data(), p + 1, end_);
        if (close + 1 < end_ && text_[close] == '"' && text_[close + 1] == ':') {
          *key = text_.substr(p + 1, close - p - 1);
          pos_ = close + 2;
          first_ = false;
          return true;
        }
      }
    }
    return NextKeySlow(key);
  }

  // BeginArray(): consumes '['. False (no error) when the next value is not an array.
  bool BeginArray() {
    if (Peek() != JsonType::kArray) return false;
    return Enter();
  }
  // NextElement(): true when another element follows (the caller must consume it); false at
  // the closing ']' (consumed) or on an error.
  bool NextElement() {
    if (!ok_) return false;
    if (pos_ + 1 < end_) {
      const char c = text_[pos_];
      if (first_) {
        if (kTypeOf[static_cast<unsigned char>(c)] != JsonType::kInvalid) {
          first_ = false;
          return true;
        }
      } else if (c == ',' &&
                 kTypeOf[static_cast<unsigned char>(text_[pos_ + 1])] != JsonType::kInvalid) {
        ++pos_;
        return true;
      }
    }
    return NextElementSlow();
  }

  // ReadString(): the next string. Without escapes `*out` views the text; with escapes it
  // is unescaped (\uXXXX and surrogate pairs to UTF-8; a lone surrogate becomes U+FFFD) into
  // `*scratch`, or into an internal buffer when `scratch` is null, and views that buffer
  // until it is next written. False (no error) when the value is not a string.
  bool ReadString(std::string_view* out, std::string* scratch = nullptr) {
    if (Peek() != JsonType::kString) return false;
    ++pos_;
    return ScanString(out, scratch != nullptr ? scratch : &value_scratch_);
  }

  // ReadInt64() / ReadUint64(): an integer given as a JSON number or as a string holding a
  // decimal integer (the protobuf JSON form of 64-bit integers), exactly. A number with a
  // fraction or exponent is accepted when its value is integral and in range. False (no
  // error, nothing consumed) for other types, non-integral values and values out of range.
  bool ReadInt64(std::int64_t* out);
  bool ReadUint64(std::uint64_t* out);
  // ReadDouble(): a JSON number (or a string holding one: "NaN", "Infinity" and
  // "-Infinity" too, as protobuf writes them). False (no error) otherwise.
  bool ReadDouble(double* out);
  // ReadNumberText(): the text of the next JSON number, validated. False for non-numbers.
  bool ReadNumberText(std::string_view* out);
  // ReadBool(): true or false. False (no error) for other types.
  bool ReadBool(bool* out);
  // ReadNull(): consumes null. False (no error) for other types.
  bool ReadNull();

  // Skip(): consumes (and validates) the next value, whatever its type.
  bool Skip();

  // AtEnd(): only whitespace remains in the window (skips it).
  bool AtEnd() {
    if (!ok_) return false;
    SkipSpace();
    return pos_ >= end_;
  }
  // ExpectEnd(): AtEnd(), else an error "end of input".
  bool ExpectEnd();

  // Fail(): records a shape error at the next value: "expected `expected`", for values of
  // the wrong type. When the text there is not a valid JSON value, the syntax error is
  // recorded instead (validating the value: O(its size)). `expected` must outlive the
  // reader (a literal).
  bool Fail(const char* expected);
  // FailAt(): the same at `offset`.
  bool FailAt(std::size_t offset, const char* expected, bool syntax = false);

  bool ok() const { return ok_; }
  // offset(): the current position (after any whitespace already skipped).
  std::size_t offset() const { return pos_; }
  std::size_t window_end() const { return end_; }
  std::string_view text() const { return text_; }
  int depth() const { return depth_; }

  // The error, when !ok(): its offset, what was expected there, and whether the text is not
  // JSON (true) or only not of the expected shape (false).
  std::size_t error_offset() const { return error_offset_; }
  std::string_view error_expected() const { return error_expected_; }
  bool error_is_syntax() const { return error_syntax_; }
  // ErrorDescription(): "malformed JSON: expected X, found Y" (or "unexpected JSON: ..."
  // for shape errors); empty when ok().
  std::string ErrorDescription() const;
  // status(): OK, or kInvalidArgument "NAME:LINE:COLUMN: <ErrorDescription()>".
  absl::Status status(std::string_view name) const;

 private:
  static const JsonType kTypeOf[256];

  void SkipSpace() {
    while (pos_ < end_) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        if (single_line_) {
          end_ = pos_;
          return;
        }
        ++pos_;
      } else {
        return;
      }
    }
  }
  bool Literal(std::string_view word);
  bool Enter() {
    if (++depth_ > max_depth_) return FailDepth();
    ++pos_;
    first_ = true;
    return true;
  }
  bool FailDepth();
  bool NextKeySlow(std::string_view* key);
  bool NextElementSlow();
  // Scans a string from after its opening quote to after its closing one, into *out
  // (unescaped into *scratch when it holds escapes).
  bool ScanString(std::string_view* out, std::string* scratch) {
    const std::size_t close = json_detail::FindStringSpecial(text_.data(), pos_, end_);
    if (close < end_ && text_[close] == '"') {
      *out = text_.substr(pos_, close - pos_);
      pos_ = close + 1;
      return true;
    }
    return ScanStringSlow(out, scratch, close);
  }
  bool ScanStringSlow(std::string_view* out, std::string* scratch, std::size_t special);
  bool Unescape(std::size_t start, std::string_view* out, std::string* scratch);
  bool ScanNumber(std::size_t* end, bool* integral);
  bool SkipValue(int depth);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  int depth_ = 0;
  int max_depth_ = kDefaultMaxDepth;
  bool first_ = false;  // the container just opened has had no member yet
  bool single_line_ = false;  // the window ends at the first newline
  bool ok_ = true;
  bool error_syntax_ = false;
  std::size_t error_offset_ = 0;
  const char* error_expected_ = "";
  std::string key_scratch_;
  std::string value_scratch_;
};

// LineTracker: LineColumnAt() for a sequence of offsets into one text, O(distance between
// consecutive offsets) instead of O(offset).
class LineTracker {
 public:
  explicit LineTracker(std::string_view text) : text_(text) {}
  LineColumn At(std::size_t offset);

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

// JsonStreamLayout: how a JSON input holds its records.
enum class JsonStreamLayout : std::uint8_t {
  kDocument,  // whitespace-separated JSON values spanning any lines (usually one)
  kLines,     // JSON Lines: one value per line, blank lines ignored
};

// DetectJsonStreamLayout()
//
// kLines when the first non-blank line holds a complete JSON value (or a syntax error
// before its end) and non-blank text follows it; kDocument otherwise (one line, or a first
// line that ends inside a value, as a pretty-printed document does). O(first line).
JsonStreamLayout DetectJsonStreamLayout(std::string_view text);

// ReadJsonStream()
//
// Calls `visit(reader, line)` for each top-level value of `text`, in the layout
// DetectJsonStreamLayout() finds, with `reader` positioned before the value; `visit` must
// consume exactly that value, or Fail() the reader. `line` is the 1-based line on which
// the value starts.
// - kLines: a line that is not one JSON value (a syntax error, a Fail() by `visit`, or
//   trailing text) is passed to `bad_line(line, where)`, `where` being "line N, column C
//   (expected X, found Y)", and reading goes on with the next line. Work `visit` did before
//   the error stands.
// - kDocument: the first error ends the reading.
// Returns kInvalidArgument "NAME:LINE:COLUMN: malformed JSON: expected X, found Y" for an
// error in a document, and for a kLines input none of whose non-blank lines was read
// (then naming the first bad line); OK otherwise, also for an empty input. O(|text|).
absl::Status ReadJsonStream(std::string_view text, std::string_view name, JsonReader& reader,
                            const std::function<void(JsonReader&, std::size_t)>& visit,
                            const std::function<void(std::size_t, std::string_view)>& bad_line);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_JSON_READER_H_
