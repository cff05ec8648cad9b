// Tests of transparent decompression (gzip and zstd round trips, concatenated members and
// frames, truncated and corrupt streams) and of trace format detection (every canonical
// fixture, plain and compressed, inline samples of each format, tie-breaking by extension,
// and the error for unrecognizable input).
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "ingest/trace_parsers.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using internal::Decompress;
using internal::DetectTraceFormat;

std::string TracesDir() { return std::string(FAULTLINE_SOURCE_DIR) + "/tests/data/traces/"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Gzip(std::string_view data, int level = 6) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(n);
  return out;
}

// A few MiB of compressible but varied text: longer than any first output buffer guess.
std::string SampleText(std::size_t bytes) {
  std::mt19937 rng(7);
  std::string out;
  while (out.size() < bytes) {
    out += "{\"traceId\":\"" + std::to_string(rng()) + "\",\"name\":\"GET /item/" +
           std::to_string(rng() % 1000) + "\"}\n";
  }
  return out;
}

TEST(DecompressTest, UncompressedInputIsReturnedUnchanged) {
  for (const std::string& s : {std::string(), std::string("{\"resourceSpans\": []}"),
                               std::string("\x1f", 1), std::string("\x28\xb5\x2f", 3)}) {
    auto out = Decompress(s, "plain");
    ASSERT_OK(out);
    EXPECT_EQ(*out, s);
  }
}

TEST(DecompressTest, GzipRoundTrips) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{5000},
                           std::size_t{3} << 20}) {
    const std::string text = SampleText(size).substr(0, size);
    auto out = Decompress(Gzip(text), "t.json.gz");
    ASSERT_OK(out);
    EXPECT_EQ(*out, text) << size;
  }
}

TEST(DecompressTest, ZstdRoundTrips) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{5000},
                           std::size_t{3} << 20}) {
    const std::string text = SampleText(size).substr(0, size);
    auto out = Decompress(Zstd(text), "t.json.zst");
    ASSERT_OK(out);
    EXPECT_EQ(*out, text) << size;
  }
}

TEST(DecompressTest, ZstdStreamWithoutDeclaredSizeRoundTrips) {
  const std::string text = SampleText(1 << 20);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string compressed(ZSTD_compressBound(text.size()), '\0');
  ZSTD_outBuffer out{compressed.data(), compressed.size(), 0};
  // Streaming compression in pieces, without a pledged size, leaves the frame size unknown.
  for (std::size_t pos = 0; pos < text.size(); pos += 65536) {
    ZSTD_inBuffer in{text.data() + pos, std::min<std::size_t>(65536, text.size() - pos), 0};
    while (in.pos < in.size) {
      ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_continue)));
    }
  }
  ZSTD_inBuffer end{nullptr, 0, 0};
  while (ZSTD_compressStream2(cctx, &out, &end, ZSTD_e_end) != 0) {
  }
  ZSTD_freeCCtx(cctx);
  compressed.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(compressed.data(), compressed.size()),
            ZSTD_CONTENTSIZE_UNKNOWN);
  auto result = Decompress(compressed, "stream.zst");
  ASSERT_OK(result);
  EXPECT_EQ(*result, text);
}

TEST(DecompressTest, ConcatenatedGzipMembersAndZstdFramesAreJoined) {
  const std::string a = SampleText(70000);
  const std::string b = "second part\n";
  auto gz = Decompress(Gzip(a) + Gzip(b) + Gzip(""), "cat.gz");
  ASSERT_OK(gz);
  EXPECT_EQ(*gz, a + b);
  auto zst = Decompress(Zstd(a) + Zstd(b), "cat.zst");
  ASSERT_OK(zst);
  EXPECT_EQ(*zst, a + b);
  // Zero padding after the last gzip member is tolerated.
  auto padded = Decompress(Gzip(b) + std::string(16, '\0'), "padded.gz");
  ASSERT_OK(padded);
  EXPECT_EQ(*padded, b);
}

TEST(DecompressTest, TruncatedGzipIsDataLossWithTheOffset) {
  const std::string compressed = Gzip(SampleText(200000));
  for (std::size_t cut : {std::size_t{2}, std::size_t{10}, compressed.size() / 2,
                          compressed.size() - 1}) {
    auto out = Decompress(compressed.substr(0, cut), "cut.json.gz");
    ASSERT_FALSE(out.ok()) << cut;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kDataLoss) << out.status();
    const std::string message(out.status().message());
    EXPECT_EQ(message.rfind("cut.json.gz: ", 0), 0u) << message;
    EXPECT_NE(message.find("compressed offset "), std::string::npos) << message;
  }
  auto out = Decompress(compressed.substr(0, compressed.size() / 2), "cut.json.gz");
  EXPECT_NE(std::string(out.status().message())
                .find("truncated: input ends at compressed offset " +
                      std::to_string(compressed.size() / 2)),
            std::string::npos)
      << out.status();
}

TEST(DecompressTest, TruncatedZstdIsDataLossWithTheOffset) {
  const std::string compressed = Zstd(SampleText(200000));
  for (std::size_t cut : {std::size_t{4}, std::size_t{9}, compressed.size() / 2,
                          compressed.size() - 1}) {
    auto out = Decompress(compressed.substr(0, cut), "cut.zst");
    ASSERT_FALSE(out.ok()) << cut;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kDataLoss) << out.status();
    const std::string message(out.status().message());
    EXPECT_EQ(message.rfind("cut.zst: ", 0), 0u) << message;
    EXPECT_NE(message.find("compressed offset "), std::string::npos) << message;
  }
}

TEST(DecompressTest, CorruptStreamsAreDataLoss) {
  std::string gz = Gzip(SampleText(100000));
  gz[gz.size() / 2] ^= 0x55;
  gz[gz.size() / 2 + 1] ^= 0x55;
  auto g = Decompress(gz, "bad.gz");
  EXPECT_EQ(g.status().code(), absl::StatusCode::kDataLoss) << g.status();
  EXPECT_NE(std::string(g.status().message()).find("bad.gz: "), std::string::npos);

  std::string zst = Zstd(SampleText(100000));
  for (std::size_t i = zst.size() / 2; i < zst.size() / 2 + 8; ++i) zst[i] ^= 0x5a;
  auto z = Decompress(zst, "bad.zst");
  EXPECT_EQ(z.status().code(), absl::StatusCode::kDataLoss) << z.status();
  EXPECT_NE(std::string(z.status().message()).find("bad.zst: corrupt zstd data"),
            std::string::npos)
      << z.status();

  auto trailing = Decompress(Gzip("abc") + "garbage", "trail.gz");
  EXPECT_EQ(trailing.status().code(), absl::StatusCode::kDataLoss) << trailing.status();
  EXPECT_NE(std::string(trailing.status().message()).find("trailing garbage"),
            std::string::npos);
}

TEST(DecompressTest, RandomBytesAfterTheMagicNeverCrash) {
  std::mt19937 rng(99);
  for (int round = 0; round < 500; ++round) {
    std::string bytes =
        round % 2 == 0 ? std::string("\x1f\x8b", 2) : std::string("\x28\xb5\x2f\xfd", 4);
    const std::size_t n = rng() % 200;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(rng()));
    auto out = Decompress(bytes, "random");
    if (!out.ok()) {
      EXPECT_TRUE(out.status().code() == absl::StatusCode::kDataLoss ||
                  out.status().code() == absl::StatusCode::kResourceExhausted)
          << out.status();
    }
  }
}

// --- detection -----------------------------------------------------------------------------

struct Sample {
  const char* fixture;  // under tests/data/traces/, used when present
  const char* inline_text;  // otherwise
  TraceFormat format;
};

const std::vector<Sample>& Samples() {
  static const auto* samples = new std::vector<Sample>{
      {"canonical.otlp.json",
       "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[]}]}",
       TraceFormat::kOtlpJson},
      {"canonical.jaeger.json",
       "{\"data\":[{\"traceID\":\"5b8efff798038103\",\"spans\":[],\"processes\":{}}],"
       "\"total\":0,\"errors\":null}",
       TraceFormat::kJaeger},
      {"canonical.zipkin.json",
       "[{\"traceId\":\"5b8efff798038103\",\"id\":\"00f067aa0ba902b1\",\"name\":\"get\"}]",
       TraceFormat::kZipkin},
      {"canonical.csv",
       "trace_id,span_id,parent_span_id,service,operation,start,duration\n1,2,,a,b,3,4\n",
       TraceFormat::kCsv},
      {"nezha_sample.csv",
       "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano\n",
       TraceFormat::kCsv},
  };
  return *samples;
}

std::string SampleBytes(const Sample& s) {
  const std::string path = TracesDir() + s.fixture;
  if (std::filesystem::exists(path)) return ReadFile(path);
  return s.inline_text;
}

TEST(DetectTraceFormatTest, EachCanonicalFixtureIsRecognized) {
  auto pb = DetectTraceFormat(ReadFile(TracesDir() + "canonical.otlp.pb"), "canonical.otlp.pb");
  ASSERT_OK(pb);
  EXPECT_EQ(*pb, TraceFormat::kOtlpProto);
  for (const Sample& s : Samples()) {
    const std::string bytes = SampleBytes(s);
    // The name must not matter for a recognizable file.
    for (const std::string& name : {std::string(s.fixture), std::string("stdin")}) {
      auto format = DetectTraceFormat(bytes, name);
      ASSERT_OK(format) << s.fixture;
      EXPECT_EQ(*format, s.format) << s.fixture << " as " << name;
    }
  }
}

TEST(DetectTraceFormatTest, CompressedFixturesAreRecognizedAfterDecompression) {
  std::vector<std::pair<std::string, TraceFormat>> inputs = {
      {ReadFile(TracesDir() + "canonical.otlp.pb"), TraceFormat::kOtlpProto}};
  for (const Sample& s : Samples()) inputs.emplace_back(SampleBytes(s), s.format);
  for (const auto& [bytes, expected] : inputs) {
    for (const bool zstd : {false, true}) {
      const std::string name = zstd ? "upload.zst" : "upload.gz";
      auto plain = Decompress(zstd ? Zstd(bytes) : Gzip(bytes), name);
      ASSERT_OK(plain);
      ASSERT_EQ(*plain, bytes);
      auto format = DetectTraceFormat(*plain, name);
      ASSERT_OK(format);
      EXPECT_EQ(*format, expected) << TraceFormatName(expected) << " via " << name;
    }
  }
}

TEST(DetectTraceFormatTest, ProtobufFramingsAreRecognized) {
  const std::string message = ReadFile(TracesDir() + "canonical.otlp.pb");
  std::string framed;
  for (int i = 3; i >= 0; --i) framed.push_back(static_cast<char>(message.size() >> (8 * i)));
  framed += message;
  for (const std::string& bytes : {message, framed, framed + framed}) {
    auto format = DetectTraceFormat(bytes, "export");
    ASSERT_OK(format);
    EXPECT_EQ(*format, TraceFormat::kOtlpProto);
  }
  // A message whose first length byte reads as '{' (after the 0x0a tag, a newline) is
  // still protobuf: resource_spans of 123 bytes holding only a schema_url.
  const std::string brace = "\x0a\x7b\x1a\x79" + std::string(121, 'a');
  auto braced = DetectTraceFormat(brace, "stdin");
  ASSERT_OK(braced);
  EXPECT_EQ(*braced, TraceFormat::kOtlpProto);
  // A damaged message still goes to the protobuf parser, which says what is wrong.
  auto cut = DetectTraceFormat(message.substr(0, 40), "export");
  ASSERT_OK(cut);
  EXPECT_EQ(*cut, TraceFormat::kOtlpProto);
}

TEST(DetectTraceFormatTest, JsonVariantsAreRecognized) {
  const std::vector<std::pair<std::string, TraceFormat>> cases = {
      // OTLP/JSON Lines (collector file exporter), snake_case keys, BOM and blank lines.
      {"{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n", TraceFormat::kOtlpJson},
      {"{\"resource_spans\": []}", TraceFormat::kOtlpJson},
      {"\xef\xbb\xbf\n\n  {\n  \"resourceSpans\": [\n", TraceFormat::kOtlpJson},
      // Jaeger: one trace object, an array of traces.
      {"{\"traceID\":\"ab\",\"spans\":[{\"traceID\":\"ab\",\"spanID\":\"cd\"}],\"processes\":{}}",
       TraceFormat::kJaeger},
      {"[{\"traceID\":\"ab\",\"spans\":[],\"processes\":{}}]", TraceFormat::kJaeger},
      {"{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}",
       TraceFormat::kJaeger},
      // Zipkin: one span per line, a list of traces, an empty list.
      {"{\"traceId\":\"ab\",\"id\":\"cd\",\"name\":\"x\"}\n{\"traceId\":\"ab\",\"id\":\"ce\"}\n",
       TraceFormat::kZipkin},
      {"[[{\"traceId\":\"ab\",\"id\":\"cd\"}]]", TraceFormat::kZipkin},
      {"[ ]", TraceFormat::kZipkin},
      // Keys inside string values do not count.
      {"[{\"name\":\"\\\"resourceSpans\\\": {\",\"traceId\":\"ab\",\"id\":\"cd\"}]",
       TraceFormat::kZipkin},
  };
  for (const auto& [text, expected] : cases) {
    auto format = DetectTraceFormat(text, "input");
    ASSERT_OK(format) << text;
    EXPECT_EQ(*format, expected) << text;
  }
}

TEST(DetectTraceFormatTest, ExtensionBreaksTies) {
  // JSON Lines of unknown shape: the collector's extension says OTLP.
  auto jsonl = DetectTraceFormat("{\"foo\": 1}\n", "traces.jsonl.gz");
  ASSERT_OK(jsonl);
  EXPECT_EQ(*jsonl, TraceFormat::kOtlpJson);
  // A header-only or odd CSV named .csv goes to the CSV parser, which names the problem.
  auto csv = DetectTraceFormat("just one column\n", "spans.CSV");
  ASSERT_OK(csv);
  EXPECT_EQ(*csv, TraceFormat::kCsv);
  auto pb = DetectTraceFormat("", "empty.binpb.zst");
  ASSERT_OK(pb);
  EXPECT_EQ(*pb, TraceFormat::kOtlpProto);
}

TEST(DetectTraceFormatTest, UnrecognizableInputIsAClearError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hello world", "found text \"hello world\""},
      {"", "found an empty input"},
      {std::string("\x12\x34\x56\x78\x9a\xbc", 6), "found bytes 12 34 56 78 9a bc"},
      {"{\"kind\": \"metrics\", \"points\": []}",
       "found a JSON object with keys \"kind\", \"points\""},
  };
  for (const auto& [bytes, found] : cases) {
    auto format = DetectTraceFormat(bytes, "mystery.dat");
    ASSERT_FALSE(format.ok()) << bytes;
    EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(format.status().message());
    EXPECT_EQ(message.rfind("mystery.dat: cannot tell the trace format from the first bytes (",
                            0),
              0u)
        << message;
    EXPECT_NE(message.find(found), std::string::npos) << message;
    EXPECT_NE(message.find("pass format= one of otlp-proto, otlp-json, jaeger, zipkin, csv"),
              std::string::npos)
        << message;
  }
}

TEST(DetectTraceFormatTest, RandomBytesNeverCrash) {
  std::mt19937 rng(5);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    const std::size_t n = rng() % 300;
    const char* alphabet = "{}[]\":, \n\\abtraceIdspnsRourc0\x0a";
    for (std::size_t i = 0; i < n; ++i) {
      bytes.push_back(round % 2 == 0 ? static_cast<char>(rng())
                                     : alphabet[rng() % std::strlen(alphabet)]);
    }
    auto format = DetectTraceFormat(bytes, "random");
    if (!format.ok()) {
      EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace faultline
