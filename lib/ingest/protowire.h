// Private: a bounds-checked reader of the protocol buffers wire format (varints, fixed 32- and
// 64-bit values, length-delimited fields) over a byte range, for decoders that read the wire
// format directly instead of through generated message classes. Nothing is copied: values of
// length-delimited fields are pointers into the input.
#ifndef FAULTLINE_LIB_INGEST_PROTOWIRE_H_
#define FAULTLINE_LIB_INGEST_PROTOWIRE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#if defined(__GNUC__) || defined(__clang__)
#define FAULTLINE_PROTOWIRE_INLINE inline __attribute__((always_inline))
#else
#define FAULTLINE_PROTOWIRE_INLINE inline
#endif

namespace faultline::internal::protowire {

// WireType: the low three bits of a tag.
enum WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// WireError: why a range is not a well-formed message. Offsets count from the start of the
// whole input (the `base` of the Reader).
struct WireError {
  enum Kind : std::uint8_t {
    kNone = 0,
    kTruncatedVarint,   // a varint runs past the end of the enclosing message
    kOverlongVarint,    // a varint longer than 10 bytes
    kBadFieldNumber,    // field number 0 or above 2^29 - 1
    kBadWireType,       // wire type 6 or 7
    kGroup,             // wire types 3 and 4 (groups), which OTLP never uses
    kLengthPastEnd,     // a length-delimited field longer than what is left
    kFixedPastEnd,      // a fixed32/fixed64 value cut off by the end
  };
  Kind kind = kNone;
  std::size_t offset = 0;  // where the offending field (or varint) starts
  std::uint64_t length = 0;  // kLengthPastEnd: the declared length; kBadWireType: the type
  std::size_t limit = 0;     // the end of the enclosing message
  std::uint32_t field = 0;   // the field number, when known

  bool ok() const { return kind == kNone; }
};

// Describe(): "offset N: length L runs past the end of the enclosing message at offset M"
// and the like, for an error that is not ok().
std::string Describe(const WireError& error);

// Field: one decoded field. `value` holds varint and fixed values; `data`/`size` the
// payload of a length-delimited field; `start` points at its tag.
struct Field {
  std::uint32_t number = 0;
  WireType type = kVarint;
  std::uint64_t value = 0;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  const std::uint8_t* start = nullptr;
};

// ReadVarintSlow(): the multi-byte case of ReadVarint(); nullptr with *error set when the
// varint is truncated at `end` or longer than 10 bytes.
const std::uint8_t* ReadVarintSlow(const std::uint8_t* p, const std::uint8_t* end,
                                   std::uint64_t* out, WireError::Kind* error);

// ReadVarint(): decodes the varint at `p` (p < end is not required); returns the position
// after it, or nullptr with *error set.
FAULTLINE_PROTOWIRE_INLINE const std::uint8_t* ReadVarint(const std::uint8_t* p,
                                                          const std::uint8_t* end,
                                                          std::uint64_t* out,
                                                          WireError::Kind* error) {
  if (p < end && *p < 0x80) {
    *out = *p;
    return p + 1;
  }
  return ReadVarintSlow(p, end, out, error);
}

// LoadLittle64() / LoadLittle32() / LoadBig64() / LoadBig32(): unaligned loads.
inline std::uint64_t LoadLittle64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline std::uint32_t LoadLittle32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
inline std::uint64_t LoadBig64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
inline std::uint32_t LoadBig32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

// Reader: iterates over the fields of one message in [begin, end).
//
//   Reader r(base, begin, end);
//   Field f;
//   while (r.Next(&f)) { switch (f.number) { ... } }
//   if (!r.error().ok()) ...  // malformed
//
// Next() consumes a whole field, so unknown fields are skipped by ignoring them. Groups
// (wire types 3 and 4) are errors. O(1) per field.
class Reader {
 public:
  Reader(const std::uint8_t* base, const std::uint8_t* begin, const std::uint8_t* end)
      : base_(base), p_(begin), end_(end) {}

  // Next(): true with the next field in *f; false at the end of the range or on an error
  // (then error() is not ok() and the reader stays stopped).
  FAULTLINE_PROTOWIRE_INLINE bool Next(Field* f);

  const WireError& error() const { return error_; }
  std::size_t Offset(const std::uint8_t* p) const { return static_cast<std::size_t>(p - base_); }

 private:
  bool Fail(WireError::Kind kind, const std::uint8_t* at, std::uint32_t field,
            std::uint64_t length = 0);

  const std::uint8_t* base_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  WireError error_;
};

FAULTLINE_PROTOWIRE_INLINE bool Reader::Next(Field* f) {
  if (p_ >= end_) return false;
  const std::uint8_t* start = p_;
  std::uint64_t tag;
  WireError::Kind kind = WireError::kNone;
  const std::uint8_t* p = ReadVarint(p_, end_, &tag, &kind);
  if (p == nullptr) return Fail(kind, start, 0);
  const std::uint64_t number = tag >> 3;
  if (number == 0 || number > 0x1fffffff) {
    return Fail(WireError::kBadFieldNumber, start, static_cast<std::uint32_t>(number & 0xffffffff));
  }
  f->number = static_cast<std::uint32_t>(number);
  f->type = static_cast<WireType>(tag & 7);
  f->start = start;
  switch (f->type) {
    case kVarint:
      p = ReadVarint(p, end_, &f->value, &kind);
      if (p == nullptr) return Fail(kind, start, f->number);
      break;
    case kLengthDelimited: {
      std::uint64_t length;
      p = ReadVarint(p, end_, &length, &kind);
      if (p == nullptr) return Fail(kind, start, f->number);
      if (length > static_cast<std::uint64_t>(end_ - p)) {
        return Fail(WireError::kLengthPastEnd, start, f->number, length);
      }
      f->data = p;
      f->size = static_cast<std::size_t>(length);
      p += length;
      break;
    }
    case kFixed64:
      if (end_ - p < 8) return Fail(WireError::kFixedPastEnd, start, f->number, 8);
      f->value = LoadLittle64(p);
      p += 8;
      break;
    case kFixed32:
      if (end_ - p < 4) return Fail(WireError::kFixedPastEnd, start, f->number, 4);
      f->value = LoadLittle32(p);
      p += 4;
      break;
    case kStartGroup:
    case kEndGroup:
      return Fail(WireError::kGroup, start, f->number);
    default:
      return Fail(WireError::kBadWireType, start, f->number, tag & 7);
  }
  p_ = p;
  return true;
}

}  // namespace faultline::internal::protowire

#endif  // FAULTLINE_LIB_INGEST_PROTOWIRE_H_
