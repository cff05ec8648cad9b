// Transparent decompression (gzip, zstd) and trace format detection from a source's first
// bytes and its name.
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "faultline/internal/strings.h"
#include "ingest/protowire.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {
namespace {

// The largest decompressed source accepted: far beyond any trace file read in one piece,
// small enough to stop a decompression bomb before it exhausts memory.
constexpr std::uint64_t kMaxDecompressedBytes = std::uint64_t{8} << 30;
// Room reserved up front from a size the stream declares: trusted only this far.
constexpr std::uint64_t kMaxReserveBytes = std::uint64_t{1} << 30;

std::string TooLarge(std::string_view name, std::string_view what, std::size_t offset) {
  return StrCat(name, ": ", what, " data decompresses to more than ", kMaxDecompressedBytes >> 30,
                " GiB (stopped at compressed offset ", offset,
                "); split the file or decompress it in pieces");
}

// Grows `out` for more output: doubling, bounded by the cap. False when the cap is reached.
bool Grow(std::string& out, std::size_t used) {
  if (used >= kMaxDecompressedBytes) return false;
  std::uint64_t next = std::max<std::uint64_t>(std::uint64_t{1} << 16, used * 2);
  next = std::min<std::uint64_t>(next, kMaxDecompressedBytes);
  out.resize(static_cast<std::size_t>(next));
  return true;
}

absl::StatusOr<std::string> Gunzip(const std::string& in, std::string_view name) {
  std::string out;
  std::size_t used = 0;
  // ISIZE (the last four bytes): the size of the last member modulo 2^32, a good first guess.
  if (in.size() >= 18) {
    const auto* tail = reinterpret_cast<const std::uint8_t*>(in.data() + in.size() - 4);
    // Deflate expands at most 1032:1.
    const std::uint64_t hint = std::min<std::uint64_t>(protowire::LoadLittle32(tail),
                                                       std::uint64_t{1032} * in.size());
    out.resize(static_cast<std::size_t>(std::min(hint + 1, kMaxReserveBytes)));
  }
  if (out.size() < 4096) out.resize(4096);

  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) {
    return absl::ResourceExhaustedError(StrCat(name, ": cannot start gzip decompression"));
  }
  std::size_t pos = 0;  // compressed bytes consumed
  std::size_t members = 0;
  absl::Status status;
  for (;;) {
    const std::size_t in_chunk =
        std::min<std::size_t>(in.size() - pos, std::numeric_limits<uInt>::max());
    if (used == out.size() && !Grow(out, used)) {
      status = absl::ResourceExhaustedError(TooLarge(name, "gzip", pos));
      break;
    }
    const std::size_t out_chunk =
        std::min<std::size_t>(out.size() - used, std::numeric_limits<uInt>::max());
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + pos));
    z.avail_in = static_cast<uInt>(in_chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    z.avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(&z, Z_NO_FLUSH);
    pos += in_chunk - z.avail_in;
    used += out_chunk - z.avail_out;
    if (rc == Z_STREAM_END) {
      ++members;
      // Concatenated members (`cat a.gz b.gz`) form one stream; zero padding after the
      // last member is tolerated, as gzip(1) does.
      const std::string_view rest = std::string_view(in).substr(pos);
      if (rest.empty() || rest.find_first_not_of('\0') == std::string_view::npos) break;
      if (!StartsWith(rest, "\x1f\x8b")) {
        status = absl::DataLossError(
            StrCat(name, ": ", rest.size(), " bytes of trailing garbage after gzip member ",
                   members, " at compressed offset ", pos));
        break;
      }
      inflateReset(&z);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z.avail_out == 0) continue;  // needs more room
    if (rc == Z_BUF_ERROR && pos == in.size()) {
      status = absl::DataLossError(
          StrCat(name, ": gzip stream truncated: input ends at compressed offset ", pos,
                 " inside member ", members + 1, " (", used, " bytes decompressed)"));
      break;
    }
    status = absl::DataLossError(StrCat(name, ": corrupt gzip data near compressed offset ", pos,
                                        " in member ", members + 1, ": ",
                                        z.msg != nullptr ? z.msg : "inflate failed"));
    break;
  }
  inflateEnd(&z);
  if (!status.ok()) return status;
  out.resize(used);
  return out;
}

absl::StatusOr<std::string> Unzstd(const std::string& in, std::string_view name) {
  std::string out;
  std::size_t used = 0;
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    const std::uint64_t hint = std::min<std::uint64_t>(static_cast<std::uint64_t>(declared),
                                                       std::uint64_t{64} * in.size());
    out.resize(static_cast<std::size_t>(std::min(hint + 1, kMaxReserveBytes)));
  }
  if (out.size() < 4096) out.resize(4096);

  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) {
    return absl::ResourceExhaustedError(StrCat(name, ": cannot start zstd decompression"));
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  absl::Status status;
  for (;;) {
    if (used == out.size() && !Grow(out, used)) {
      status = absl::ResourceExhaustedError(TooLarge(name, "zstd", input.pos));
      break;
    }
    ZSTD_outBuffer output{out.data() + used, out.size() - used, 0};
    const std::size_t in_before = input.pos;
    const std::size_t rc = ZSTD_decompressStream(dctx, &output, &input);
    used += output.pos;
    if (ZSTD_isError(rc)) {
      status = absl::DataLossError(StrCat(name, ": corrupt zstd data near compressed offset ",
                                          input.pos, ": ", ZSTD_getErrorName(rc)));
      break;
    }
    if (output.pos < output.size && input.pos == input.size) {
      // Everything decodable is out; 0 means the last frame ended cleanly.
      if (rc != 0) {
        status = absl::DataLossError(
            StrCat(name, ": zstd stream truncated: input ends at compressed offset ", input.pos,
                   " inside a frame (", used, " bytes decompressed)"));
      }
      break;
    }
    if (output.pos == 0 && input.pos == in_before) {
      status = absl::DataLossError(StrCat(name, ": corrupt zstd data near compressed offset ",
                                          input.pos, ": the decoder made no progress"));
      break;
    }
  }
  ZSTD_freeDCtx(dctx);
  if (!status.ok()) return status;
  out.resize(used);
  return out;
}

// --- detection ---------------------------------------------------------------------------

constexpr std::size_t kSniffBytes = 8192;

enum class Extension : std::uint8_t { kNone, kProto, kJson, kJsonLines, kCsv };

Extension ExtensionOf(std::string_view name) {
  for (std::string_view z : {".gz", ".gzip", ".zst", ".zstd"}) {
    if (EndsWith(name, z)) {
      name.remove_suffix(z.size());
      break;
    }
  }
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return Extension::kNone;
  const std::string lower = AsciiStrToLower(name.substr(dot));
  if (lower == ".pb" || lower == ".proto" || lower == ".binpb" || lower == ".protobuf") {
    return Extension::kProto;
  }
  if (lower == ".json") return Extension::kJson;
  if (lower == ".jsonl" || lower == ".ndjson") return Extension::kJsonLines;
  if (lower == ".csv") return Extension::kCsv;
  return Extension::kNone;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The keys of the first JSON object in `text` (a prefix of a document), in order, with
// their nesting depth (1: the object's own keys). Stops at the end of `text` or of that
// object; strings are scanned with their escapes, so braces in values do not count.
struct JsonKey {
  std::string_view key;
  int depth;
};

std::vector<JsonKey> ScanKeys(std::string_view text, std::size_t from) {
  std::vector<JsonKey> keys;
  std::vector<char> stack;  // open objects and arrays
  int objects = 0;          // open objects: the depth of a key (array levels do not count)
  std::size_t i = from;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (i >= text.size()) break;
      const std::string_view str = text.substr(start, i - start);
      ++i;
      std::size_t j = i;
      while (j < text.size() && IsJsonSpace(text[j])) ++j;
      if (j < text.size() && text[j] == ':' && !stack.empty() && stack.back() == '{') {
        keys.push_back({str, objects});
      }
      continue;
    }
    if (c == '{' || c == '[') {
      stack.push_back(c);
      objects += c == '{';
    } else if (c == '}' || c == ']') {
      if (stack.empty()) break;
      objects -= stack.back() == '{';
      stack.pop_back();
      if (stack.empty()) break;
    }
    ++i;
  }
  return keys;
}

bool HasKey(const std::vector<JsonKey>& keys, std::string_view key, int max_depth = 1 << 20) {
  for (const JsonKey& k : keys) {
    if (k.key == key && k.depth <= max_depth) return true;
  }
  return false;
}

// The JSON format of the object starting at `text[from]` ('{'), or kAuto.
TraceFormat ClassifyObject(std::string_view text, std::size_t from) {
  const std::vector<JsonKey> keys = ScanKeys(text, from);
  if (HasKey(keys, "resourceSpans", 1) || HasKey(keys, "resource_spans", 1)) {
    return TraceFormat::kOtlpJson;
  }
  // Jaeger: {"data": [{traceID, spans, processes}]} or one trace object.
  if (HasKey(keys, "traceID") &&
      (HasKey(keys, "spans") || HasKey(keys, "processes") || HasKey(keys, "spanID"))) {
    return TraceFormat::kJaeger;
  }
  if (HasKey(keys, "data", 1) &&
      (HasKey(keys, "spans", 2) || HasKey(keys, "processes", 2) || HasKey(keys, "errors", 1) ||
       HasKey(keys, "total", 1))) {
    return TraceFormat::kJaeger;  // also the empty answer {"data": [], "total": 0, ...}
  }
  // Zipkin: one span per line.
  if (HasKey(keys, "traceId", 1) && HasKey(keys, "id", 1)) return TraceFormat::kZipkin;
  return TraceFormat::kAuto;
}

// The JSON format of the array starting at `text[from]` ('['), or kAuto.
TraceFormat ClassifyArray(std::string_view text, std::size_t from) {
  std::size_t i = from + 1;
  while (i < text.size() && IsJsonSpace(text[i])) ++i;
  if (i >= text.size()) return TraceFormat::kAuto;
  if (text[i] == ']') return TraceFormat::kZipkin;  // an empty list of spans
  if (text[i] == '[') {
    // Zipkin's /api/v2/traces: a list of traces, each a list of spans.
    const TraceFormat inner = ClassifyArray(text, i);
    return inner == TraceFormat::kZipkin ? inner : TraceFormat::kAuto;
  }
  if (text[i] != '{') return TraceFormat::kAuto;
  const std::vector<JsonKey> keys = ScanKeys(text, i);
  if (HasKey(keys, "traceId", 1) && HasKey(keys, "id", 1)) return TraceFormat::kZipkin;
  if (HasKey(keys, "traceID", 1) &&
      (HasKey(keys, "spans", 1) || HasKey(keys, "processes", 1))) {
    return TraceFormat::kJaeger;
  }
  return TraceFormat::kAuto;
}

// True when `bytes` start like a protobuf TracesData: length-prefixed records whose first
// length fits and whose first record starts with field 1 (or is empty), or a message whose
// fields in the sniffed window are well formed, the first being resource_spans (field 1,
// length-delimited) with a well-formed first field of its own.
bool LooksLikeProto(std::string_view bytes) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const std::uint8_t* end = p + bytes.size();
  if (bytes.size() >= 4 && p[0] == 0) {
    const std::uint32_t length = protowire::LoadBig32(p);
    if (length > bytes.size() - 4) return false;
    return length == 0 || p[4] == 0x0a;
  }
  if (bytes.empty() || p[0] != 0x0a) return false;
  const std::uint8_t* window_end = p + std::min<std::size_t>(bytes.size(), kSniffBytes);
  protowire::Reader r(p, p, end);
  protowire::Field f;
  if (!r.Next(&f) || f.number != 1 || f.type != protowire::kLengthDelimited) return false;
  if (f.size > 0) {
    protowire::Reader inner(p, f.data, f.data + f.size);
    protowire::Field g;
    if (!inner.Next(&g)) return false;
  }
  while (f.data + f.size < window_end && r.Next(&f)) {
  }
  return r.error().ok();
}

// True when the first 64 bytes after the first hold a control character other than white
// space: binary data, not text.
bool LooksBinary(std::string_view bytes) {
  for (std::size_t i = 1; i < std::min<std::size_t>(bytes.size(), 64); ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if ((u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

// A short, printable description of what `bytes` start with, for error messages.
std::string DescribeStart(std::string_view bytes) {
  if (bytes.empty()) return "an empty input";
  const std::string_view head = bytes.substr(0, 24);
  bool printable = true;
  for (char c : head) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') printable = false;
  }
  std::string out;
  if (printable) {
    out = "text \"";
    for (char c : head) {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c == '"') out += "\\\"";
      else out.push_back(c);
    }
    out += bytes.size() > head.size() ? "...\"" : "\"";
    return out;
  }
  out = "bytes";
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < std::min<std::size_t>(head.size(), 12); ++i) {
    const auto u = static_cast<unsigned char>(head[i]);
    out += ' ';
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  if (bytes.size() > 12) out += " ...";
  return out;
}

// True when the first line of `text` (from `from`) reads as a CSV header: printable text
// with a comma and no JSON braces.
bool LooksLikeCsv(std::string_view text, std::size_t from) {
  std::size_t end = text.find('\n', from);
  if (end == std::string_view::npos) {
    if (text.size() - from >= kSniffBytes) return false;  // no line end in sight
    end = text.size();
  }
  const std::string_view line = text.substr(from, end - from);
  if (line.find(',') == std::string_view::npos) return false;
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\r') || u == 0x7f) return false;
    if (c == '{' || c == '[') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> Decompress(std::string bytes, std::string_view name) {
  if (StartsWith(bytes, "\x1f\x8b")) return Gunzip(bytes, name);
  if (StartsWith(bytes, "\x28\xb5\x2f\xfd")) return Unzstd(bytes, name);
  return absl::StatusOr<std::string>(std::move(bytes));
}

absl::StatusOr<TraceFormat> DetectTraceFormat(std::string_view bytes, std::string_view name) {
  const Extension ext = ExtensionOf(name);
  const std::string_view head = bytes.substr(0, kSniffBytes);

  // Binary: length-prefixed records start with a 0 byte, which no text format does.
  if (!head.empty() && head[0] == '\0' && LooksLikeProto(bytes)) return TraceFormat::kOtlpProto;

  // Text: skip a UTF-8 byte order mark and white space (and blank lines).
  std::size_t i = StartsWith(head, "\xef\xbb\xbf") ? 3 : 0;
  while (i < head.size() && IsJsonSpace(head[i])) ++i;
  if (i < head.size() && (head[i] == '{' || head[i] == '[')) {
    // JSON or JSON Lines: decided from the first value (the first line).
    const TraceFormat format =
        head[i] == '{' ? ClassifyObject(head, i) : ClassifyArray(head, i);
    if (format != TraceFormat::kAuto) return format;
  }

  const bool json_start = i < head.size() && (head[i] == '{' || head[i] == '[');
  const bool binary = LooksBinary(head);
  // A message whose first length byte happens to be '{' or '[' is still binary.
  if ((!json_start || binary) && LooksLikeProto(bytes)) return TraceFormat::kOtlpProto;
  if (i < head.size() && head[i] != '{' && head[i] != '[' && LooksLikeCsv(head, i)) {
    return TraceFormat::kCsv;
  }

  // Tie-breakers: what the name says, when the bytes do not contradict it. The parser then
  // reports precisely what is wrong.
  if (ext == Extension::kProto && !json_start) return TraceFormat::kOtlpProto;
  if (ext == Extension::kCsv && !json_start) return TraceFormat::kCsv;
  if (ext == Extension::kJsonLines && json_start && head[i] == '{') return TraceFormat::kOtlpJson;
  // Binary data that starts like protobuf (field 1, or a record length) but is damaged: the
  // protobuf parser says where.
  if (binary && !head.empty() && (head[0] == 0x0a || (head[0] == 0 && head.size() >= 5))) {
    return TraceFormat::kOtlpProto;
  }

  std::string found = DescribeStart(bytes);
  if (json_start) {
    const std::size_t object = head.find('{', i);
    const std::vector<JsonKey> keys =
        ScanKeys(head, object == std::string_view::npos ? head.size() : object);
    std::vector<std::string> names;
    for (const JsonKey& k : keys) {
      if (k.depth == 1 && names.size() < 6) names.push_back(StrCat("\"", k.key, "\""));
    }
    found = StrCat(head[i] == '{' ? "a JSON object" : "a JSON array",
                   names.empty() ? std::string() : StrCat(" with keys ", StrJoin(names, ", ")),
                   " but none of resourceSpans, data/traceID/spans or traceId/id");
  }
  return absl::InvalidArgumentError(StrCat(
      name, ": cannot tell the trace format from the first bytes (found ", found,
      "); pass format= one of otlp-proto, otlp-json, jaeger, zipkin, csv"));
}

}  // namespace faultline::internal
