// Private: small helpers shared by the JSON trace parsers (OTLP/JSON, Jaeger, Zipkin):
// string storage that outlives a span's AddSpan() call, resource interning, key matching,
// reads and checks of span fields that give the first reason a span is bad (integers, ids,
// times), and the handling of a line that is not JSON.
#ifndef FAULTLINE_LIB_INGEST_JSON_TRACE_COMMON_H_
#define FAULTLINE_LIB_INGEST_JSON_TRACE_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "faultline/ingest/span.h"
#include "ingest/attribute_cache.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline::internal {

// StringPool: buffers for unescaped strings that must stay valid until a span has been
// passed to the sink. Clear() makes every buffer reusable (capacity is kept, so a steady
// state allocates nothing).
class StringPool {
 public:
  // ReadString(): the next JSON string; when it holds escapes, its unescaped copy stays
  // valid until Clear(). False (no error) when the value is not a string.
  bool ReadString(JsonReader& r, std::string_view* out) {
    if (used_ == slots_.size()) slots_.emplace_back();
    std::string* slot = &slots_[used_];
    if (!r.ReadString(out, slot)) return false;
    if (!out->empty() && out->data() == slot->data()) ++used_;
    return true;
  }
  // ReadStringOr(): ReadString(), or else records `reason` in *bad (the first reason
  // wins) and skips the value: a span field of the wrong type.
  void ReadStringOr(JsonReader& r, std::string_view* out, const char* reason,
                    const char** bad) {
    if (ReadString(r, out)) return;
    if (*bad == nullptr) *bad = reason;
    r.Skip();
  }
  void Clear() { used_ = 0; }

 private:
  std::deque<std::string> slots_;  // a deque: growing it keeps earlier buffers in place
  std::size_t used_ = 0;
};

// ResourceInterner: registers each distinct ResourceInfo with the sink once.
class ResourceInterner {
 public:
  std::uint32_t Intern(const ResourceInfo& resource, SpanSink& sink) {
    auto it = handles_.find(resource);
    if (it != handles_.end()) return it->second;
    const std::uint32_t handle = sink.AddResource(resource);
    handles_.emplace(resource, handle);
    return handle;
  }

 private:
  absl::flat_hash_map<ResourceInfo, std::uint32_t> handles_;
};

// CompleteResource(): fills the deployment from the pod name when only the pod is known,
// as every trace parser does.
inline void CompleteResource(ResourceInfo& resource) {
  if (resource.deployment.empty() && !resource.pod.empty()) {
    const std::string_view deployment = DeploymentFromPodName(resource.pod);
    resource.deployment.assign(deployment.data(), deployment.size());
  }
}

// KeyIs(): `key` equals the lowerCamelCase or the snake_case spelling.
inline bool KeyIs(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}

// MicrosToNanos(): `us` microseconds as nanoseconds; false when negative or beyond int64.
inline bool MicrosToNanos(std::int64_t us, std::int64_t* ns) {
  if (us < 0 || us > std::numeric_limits<std::int64_t>::max() / 1000) return false;
  *ns = us * 1000;
  return true;
}

// ReadSpanIds(): the span's hex ids into `s`: the trace and span ids, both required and
// non-zero, and the parent span id when there is one. nullptr when they are good, else the
// first problem, checked in that order: "missing trace id", "bad trace id", "missing span
// id", "bad span id", "bad parent span id".
inline const char* ReadSpanIds(std::string_view trace_hex, std::string_view span_hex,
                               std::string_view parent_hex, SpanRecord& s) {
  if (trace_hex.empty()) return "missing trace id";
  if (!ParseHexTraceId(trace_hex, &s.trace_id)) return "bad trace id";
  if (s.trace_id.empty()) return "missing trace id";
  if (span_hex.empty()) return "missing span id";
  if (!ParseHexSpanId(span_hex, &s.span_id)) return "bad span id";
  if (s.span_id == 0) return "missing span id";
  if (!parent_hex.empty() && !ParseHexSpanId(parent_hex, &s.parent_span_id)) {
    return "bad parent span id";
  }
  return nullptr;
}

// EndAfterMicros(): `start_ns` plus `duration_us` microseconds into *end_ns; false, leaving
// *end_ns alone, when the duration is negative or the end would pass int64.
inline bool EndAfterMicros(std::int64_t start_ns, std::int64_t duration_us,
                           std::int64_t* end_ns) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (duration_us < 0 || duration_us > (kMax - start_ns) / 1000) return false;
  *end_ns = start_ns + duration_us * 1000;
  return true;
}

// ReadInt64Or(): reads an integer into *out, or else records `reason` in *bad (the first
// reason wins) and skips the value: a span field of the wrong type. False only when the
// reader failed (malformed JSON), which ends the span.
inline bool ReadInt64Or(JsonReader& r, std::int64_t* out, const char* reason,
                        const char** bad) {
  if (r.ReadInt64(out)) return true;
  if (!r.ok()) return false;
  if (*bad == nullptr) *bad = reason;
  r.Skip();
  return true;
}

// RejectMalformedLine(): ReadJsonStream()'s `bad_line` for a trace parser: a line that is
// not a record counts as one span read and rejected as "malformed JSON line".
inline std::function<void(std::size_t, std::string_view)> RejectMalformedLine(
    ParseContext& ctx) {
  return [&ctx](std::size_t, std::string_view where) {
    ctx.Read();
    ctx.Reject("malformed JSON line", where);
  };
}

// ReadAttributeScalar(): a scalar attribute value (string, number or boolean) as the text
// and integer SetSpanAttribute() takes: strings as they are (is_int false), integral numbers
// and booleans (1/0, text "true"/"false") with is_int true, other numbers as their text.
// False, with the value skipped, for arrays, objects and null.
inline bool ReadAttributeScalar(JsonReader& r, StringPool& pool, std::string_view* text,
                                std::int64_t* int_value, bool* is_int) {
  *is_int = false;
  *int_value = 0;
  switch (r.Peek()) {
    case JsonType::kString:
      return pool.ReadString(r, text);
    case JsonType::kBool: {
      bool b = false;
      if (!r.ReadBool(&b)) return false;
      *text = b ? "true" : "false";
      *int_value = b ? 1 : 0;
      *is_int = true;
      return true;
    }
    case JsonType::kNumber: {
      const std::size_t start = r.offset();
      if (r.ReadInt64(int_value)) {
        *is_int = true;
      } else if (!r.ok() || !r.Skip()) {
        return false;
      }
      *text = r.text().substr(start, r.offset() - start);
      return true;
    }
    default:
      r.Skip();
      return false;
  }
}

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_JSON_TRACE_COMMON_H_
