// ParseContext accounting and hex id parsing shared by the trace parsers.
#include "faultline/internal/str_cat.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {

void ParseContext::Reject(std::string_view reason, std::string_view where) {
  ++report_->rejected[std::string(reason)];
  if (report_->errors.size() < max_messages_) {
    report_->errors.push_back(StrCat(name_, ": ", where, ": ", reason));
  }
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool ParseHexTraceId(std::string_view hex, TraceId* out) {
  if (hex.empty() || hex.size() > 32) return false;
  TraceId id;
  for (char c : hex) {
    const int d = HexDigit(c);
    if (d < 0) return false;
    id.hi = (id.hi << 4) | (id.lo >> 60);
    id.lo = (id.lo << 4) | static_cast<std::uint64_t>(d);
  }
  *out = id;
  return true;
}

bool ParseHexSpanId(std::string_view hex, std::uint64_t* out) {
  if (hex.empty() || hex.size() > 16) return false;
  std::uint64_t v = 0;
  for (char c : hex) {
    const int d = HexDigit(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace faultline::internal
