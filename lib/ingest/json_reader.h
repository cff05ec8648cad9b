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
#include "faultline/ingest/source.h"

namespace faultline::internal {

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

  // Peek(): skips whitespace and returns the type of the next value (kInvalid at the end of
  // the window, on an error, or before '}' ']' ',' and other non-value bytes).
  JsonType Peek() {
    if (!ok_) return JsonType::kInvalid;
    SkipSpace();
    return pos_ < end_ ? kTypeOf[static_cast<unsigned char>(text_[pos_])] : JsonType::kInvalid;
  }

  // BeginObject(): consumes '{'. False (no error) when the next value is not an object.
  bool BeginObject();
  // NextKey(): the next key of the current object, with its ':' consumed; the caller must
  // then consume its value. False at the closing '}' (consumed) or on an error. `*key` is
  // valid until the next NextKey() (escaped keys are unescaped into an internal buffer).
  bool NextKey(std::string_view* key);

  // BeginArray(): consumes '['. False (no error) when the next value is not an array.
  bool BeginArray();
  // NextElement(): true when another element follows (the caller must consume it); false at
  // the closing ']' (consumed) or on an error.
  bool NextElement();

  // ReadString(): the next string. Without escapes `*out` views the text; with escapes it
  // is unescaped (\uXXXX and surrogate pairs to UTF-8; a lone surrogate becomes U+FFFD) into
  // `*scratch`, or into an internal buffer when `scratch` is null, and views that buffer
  // until it is next written. False (no error) when the value is not a string.
  bool ReadString(std::string_view* out, std::string* scratch = nullptr);

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

  // Fail(): records an error at the next value's offset: "expected `expected`". Use it for
  // values of the wrong shape (a syntax error when no value starts there); `expected` must
  // outlive the reader (a literal).
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
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      ++pos_;
    }
  }
  bool Literal(std::string_view word);
  bool Enter();
  // Scans a string starting after its opening quote; sets *out / escapes. Returns the end
  // position (after the closing quote) through pos_.
  bool ScanString(std::string_view* out, std::string* scratch);
  bool Unescape(std::size_t start, std::string_view* out, std::string* scratch);
  bool ScanNumber(std::size_t* end, bool* integral);
  bool SkipValue(int depth);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  int depth_ = 0;
  int max_depth_ = kDefaultMaxDepth;
  bool first_ = false;  // the container just opened has had no member yet
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
