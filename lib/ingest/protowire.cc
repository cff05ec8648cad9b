// Protocol buffers wire format: the slow varint path and error descriptions.
#include "ingest/protowire.h"

#include "faultline/internal/str_cat.h"

namespace faultline::internal::protowire {

const std::uint8_t* ReadVarintSlow(const std::uint8_t* p, const std::uint8_t* end,
                                   std::uint64_t* out, WireError::Kind* error) {
  std::uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    if (p >= end) {
      *error = WireError::kTruncatedVarint;
      return nullptr;
    }
    const std::uint8_t b = *p++;
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (b < 0x80) {
      *out = v;
      return p;
    }
  }
  *error = WireError::kOverlongVarint;
  return nullptr;
}

bool Reader::Fail(WireError::Kind kind, const std::uint8_t* at, std::uint32_t field,
                  std::uint64_t length) {
  error_.kind = kind;
  error_.offset = Offset(at);
  error_.length = length;
  error_.limit = Offset(end_);
  error_.field = field;
  p_ = end_;
  return false;
}

std::string Describe(const WireError& e) {
  switch (e.kind) {
    case WireError::kNone:
      return "no error";
    case WireError::kTruncatedVarint:
      return StrCat("offset ", e.offset,
                    ": varint runs past the end of the enclosing message at offset ", e.limit);
    case WireError::kOverlongVarint:
      return StrCat("offset ", e.offset, ": varint longer than 10 bytes");
    case WireError::kBadFieldNumber:
      return StrCat("offset ", e.offset, ": invalid field number ", e.field,
                    " (not a protobuf message here)");
    case WireError::kBadWireType:
      return StrCat("offset ", e.offset, ": field ", e.field, " has invalid wire type ",
                    e.length, " (not a protobuf message here)");
    case WireError::kGroup:
      return StrCat("offset ", e.offset, ": field ", e.field,
                    " uses the group wire type, which OTLP never uses");
    case WireError::kLengthPastEnd:
      return StrCat("offset ", e.offset, ": length ", e.length,
                    " runs past the end of the enclosing message at offset ", e.limit);
    case WireError::kFixedPastEnd:
      return StrCat("offset ", e.offset, ": fixed", e.length * 8, " field ", e.field,
                    " runs past the end of the enclosing message at offset ", e.limit);
  }
  return "unknown wire error";
}

}  // namespace faultline::internal::protowire
