// Prometheus HTTP API responses: /api/v1/query_range (matrix) and /api/v1/query (vector).
//
//   {"status": "success", "data": {"resultType": "matrix",
//    "result": [{"metric": {labels}, "values": [[1700000000.5, "0.25"], ...]}]}}
//
// The "data" object alone is accepted too. A result whose samples come before its "metric"
// object is read in a second pass over those bytes (the reader never buffers samples).
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "ingest/metrics/metric_sink.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

class PrometheusParser {
 public:
  PrometheusParser(std::string_view text, MetricContext& ctx, MetricAccumulator& acc)
      : text_(text), ctx_(ctx), acc_(acc), r_(text) {}

  absl::Status Parse() {
    if (!r_.BeginObject()) return Shape("a Prometheus API response object");
    std::string_view key;
    bool saw_data = false;
    std::string status;
    std::string error;
    while (r_.NextKey(&key)) {
      if (key == "data") {
        saw_data = true;
        if (!r_.BeginObject()) return Shape("\"data\" to be an object");
        ReadData();
      } else if (key == "result" || key == "resultType") {
        // The "data" object given alone.
        saw_data = true;
        ReadDataMember(key);
      } else if (key == "status" || key == "error" || key == "errorType") {
        std::string_view v;
        if (r_.ReadString(&v)) {
          (key == "status" ? status : error) += std::string(v);
        } else {
          r_.Skip();
        }
      } else {
        r_.Skip();
      }
    }
    if (!r_.ok()) return r_.status(ctx_.name());
    if (!r_.ExpectEnd()) return r_.status(ctx_.name());
    if (status == "error") {
      return absl::InvalidArgumentError(
          StrCat(ctx_.name(), ": the response is an error: ", error.empty() ? "(no message)" : error));
    }
    if (!saw_data) {
      return absl::InvalidArgumentError(
          StrCat(ctx_.name(), ": not a Prometheus query response: no \"data\" object"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Shape(const char* expected) {
    if (r_.ok()) r_.Fail(expected);
    return r_.status(ctx_.name());
  }

  std::string Where(std::size_t offset) {
    const LineColumn lc = LineColumnAt(text_, offset);
    return StrCat("line ", lc.line, ", column ", lc.column);
  }

  void ReadData() {
    std::string_view key;
    while (r_.NextKey(&key)) ReadDataMember(key);
  }

  void ReadDataMember(std::string_view key) {
    if (key == "resultType") {
      std::string_view v;
      const std::size_t at = r_.offset();
      if (!r_.ReadString(&v)) {
        r_.Fail("\"resultType\" to be a string");
        return;
      }
      if (v != "matrix" && v != "vector") {
        r_.FailAt(at, v == "scalar" || v == "string"
                          ? "resultType \"matrix\" or \"vector\" (scalar and string results "
                            "name no series)"
                          : "resultType \"matrix\" or \"vector\"");
      }
    } else if (key == "result") {
      if (!r_.BeginArray()) {
        r_.Fail("\"result\" to be an array of series");
        return;
      }
      while (r_.NextElement()) ReadSeries();
    } else {
      r_.Skip();
    }
  }

  void ReadSeries() {
    if (!r_.BeginObject()) {
      r_.Fail("a series object {\"metric\": ..., \"values\": ...}");
      return;
    }
    std::string_view key;
    bool known = false;
    std::uint32_t series = MetricAccumulator::kNoSeries;
    std::size_t deferred = std::string_view::npos;  // samples seen before "metric"
    bool deferred_single = false;
    while (r_.NextKey(&key)) {
      if (key == "metric") {
        series = ReadMetric();
        known = true;
      } else if (key == "values" || key == "value" || key == "histograms" ||
                 key == "histogram") {
        const bool single = key == "value";
        if (key[0] == 'h') {
          // Native histograms: not read (counted per sample).
          const std::size_t hat = r_.offset();
          std::uint64_t n = 1;
          if (key == "histograms" && r_.BeginArray()) {
            n = 0;
            while (r_.NextElement()) {
              ++n;
              r_.Skip();
            }
          } else {
            r_.Skip();
          }
          ctx_.Read(n);
          ctx_.Reject("native histogram (unsupported)",
                      ctx_.WantsMessage() ? Where(hat) : std::string(), n);
          continue;
        }
        if (!known) {
          deferred = r_.offset();
          deferred_single = single;
          r_.Skip();
          continue;
        }
        if (single) {
          ReadSample(series);
        } else {
          ReadSamples(series);
        }
      } else {
        r_.Skip();
      }
    }
    if (!r_.ok()) return;
    if (deferred != std::string_view::npos) {
      if (!known) series = acc_.Series({}, "", SampleKind::kGauge, ctx_);
      // Second pass over the samples, with their series now known.
      JsonReader outer = std::move(r_);
      r_.Reset(text_, deferred);
      if (deferred_single) {
        ReadSample(series);
      } else {
        ReadSamples(series);
      }
      const bool ok = r_.ok();
      const std::size_t error_at = r_.error_offset();
      r_ = std::move(outer);
      if (!ok) r_.FailAt(error_at, "samples [[time, \"value\"], ...]");
    }
  }

  std::uint32_t ReadMetric() {
    Attributes labels;
    std::string name;
    if (!r_.BeginObject()) {
      r_.Fail("\"metric\" to be an object of labels");
      return MetricAccumulator::kNoSeries;
    }
    std::string_view key, value;
    while (r_.NextKey(&key)) {
      std::string k(key);
      if (!r_.ReadString(&value)) {
        r_.Fail("a label value string");
        return MetricAccumulator::kNoSeries;
      }
      if (k == "__name__") name = std::string(value);
      labels.emplace_back(std::move(k), std::string(value));
    }
    const SampleKind kind = IsCounterName(name) ? SampleKind::kCounter : SampleKind::kGauge;
    return acc_.Series(std::move(labels), name, kind, ctx_);
  }

  void ReadSamples(std::uint32_t series) {
    if (r_.Peek() == JsonType::kArray) {
      // The fast path: the samples scanned directly, in the shape Prometheus writes them.
      std::size_t resume = 0;
      const FastResult result = FastSamples(series, r_.offset(), &resume);
      if (result != FastResult::kUnread) {
        Resume(resume);
        if (result == FastResult::kDone) return;
        // A sample the fast path does not read: the reader takes over at it (or after
        // the last pair read, at what follows it).
        if (result == FastResult::kStopped) ReadSample(series);
        while (r_.ok() && r_.NextElement()) ReadSample(series);
        return;
      }
    }
    if (!r_.BeginArray()) {
      r_.Fail("\"values\" to be an array of [time, \"value\"] pairs");
      return;
    }
    while (r_.NextElement()) {
      ReadSample(series);
      if (!r_.ok()) return;
    }
  }

  // Resume(): continues reading at `offset`, after a value the fast path consumed. The
  // reader restarts there (Reset()) with the depth budget it had left; its next call is
  // the enclosing container's NextKey()/NextElement(), which reads "," or the closing
  // bracket as it would have after consuming the value itself.
  void Resume(std::size_t offset) {
    const int depth = r_.depth();
    r_.Reset(text_, offset, r_.window_end(), JsonReader::kDefaultMaxDepth - depth);
  }

  enum class FastResult { kUnread, kDone, kStopped, kAfterPair };

  static bool Space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

  // FastSamples(): reads the array of [time, "value"] pairs at `begin` ('['). kDone with
  // *resume after its ']'; kStopped with *resume at the first pair it does not read (an
  // escape, an exponent, a syntax error: the reader reads it and reports what is wrong);
  // kAfterPair with *resume after the last pair read when neither ',' nor ']' follows it;
  // kUnread when it read nothing (*resume untouched).
  FastResult FastSamples(std::uint32_t series, std::size_t begin, std::size_t* resume) {
    const char* const base = text_.data();
    const char* p = base + begin + 1;
    const char* const end = base + r_.window_end();
    while (p < end && Space(*p)) ++p;
    if (p < end && *p == ']') {
      *resume = static_cast<std::size_t>(p + 1 - base);
      return FastResult::kDone;
    }
    bool any = false;
    for (;;) {
      const char* const sample = p;
      auto stop = [&] {
        if (!any) return FastResult::kUnread;
        *resume = static_cast<std::size_t>(sample - base);
        return FastResult::kStopped;
      };
      if (p >= end || *p != '[') return stop();
      ++p;
      while (p < end && Space(*p)) ++p;
      // Time: seconds with up to 9 fraction digits.
      std::int64_t seconds = 0;
      const char* digits = p;
      while (p < end && static_cast<unsigned>(*p - '0') < 10) {
        seconds = seconds * 10 + (*p - '0');
        ++p;
      }
      const std::ptrdiff_t int_digits = p - digits;
      if (int_digits == 0 || int_digits > 10) return stop();
      std::int64_t frac = 0;
      if (p < end && *p == '.') {
        ++p;
        const char* f = p;
        while (p < end && static_cast<unsigned>(*p - '0') < 10 && p - f < 9) {
          frac = frac * 10 + (*p - '0');
          ++p;
        }
        const std::ptrdiff_t n = p - f;
        if (n == 0) return stop();
        static constexpr std::int64_t kScale[] = {1,         100000000, 10000000,
                                                  1000000,   100000,    10000,
                                                  1000,      100,       10,
                                                  1};
        frac *= kScale[n];
      }
      while (p < end && Space(*p)) ++p;
      if (p >= end || *p != ',') return stop();
      ++p;
      while (p < end && Space(*p)) ++p;
      if (p >= end || *p != '"') return stop();
      ++p;
      const std::size_t close =
          json_detail::FindStringSpecial(base, static_cast<std::size_t>(p - base),
                                         static_cast<std::size_t>(end - base));
      if (close >= static_cast<std::size_t>(end - base) || base[close] != '"') return stop();
      const char* const value_begin = p;
      const char* const value_end = base + close;
      p = value_end + 1;
      while (p < end && Space(*p)) ++p;
      if (p >= end || *p != ']') return stop();
      ++p;
      // The pair is well formed: it is read here.
      any = true;
      ctx_.Read();
      double value;
      const char* bad = nullptr;
      if (!FastDecimal(value_begin, value_end, &value) &&
          !ParseValue(std::string_view(value_begin, static_cast<std::size_t>(value_end - value_begin)),
                      &value)) {
        bad = "bad value";
      } else {
        bad = acc_.Sample(series, seconds * kSecond + frac, value, 0, ctx_);
      }
      if (bad != nullptr) {
        ctx_.Reject(bad, ctx_.WantsMessage()
                             ? Where(static_cast<std::size_t>(sample - base))
                             : std::string());
      }
      while (p < end && Space(*p)) ++p;
      if (p < end && *p == ',') {
        ++p;
        while (p < end && Space(*p)) ++p;
        continue;
      }
      if (p < end && *p == ']') {
        *resume = static_cast<std::size_t>(p + 1 - base);
        return FastResult::kDone;
      }
      // Neither ',' nor ']': the reader reports it, from after this pair.
      *resume = static_cast<std::size_t>(p - base);
      return FastResult::kAfterPair;
    }
  }

  // One [time, "value"] pair.
  void ReadSample(std::uint32_t series) {
    const std::size_t at = r_.offset();
    ctx_.Read();
    if (!r_.BeginArray()) {
      r_.Fail("a sample [time, \"value\"]");
      return;
    }
    std::string_view time_text, value_text;
    const char* bad = nullptr;
    bool closed = false;  // the pair's ']' consumed
    if (!r_.NextElement()) {
      if (!r_.ok()) return;
      bad = "missing timestamp";
      closed = true;
    } else if (!r_.ReadNumberText(&time_text)) {
      if (!r_.ok()) return;
      r_.Skip();
      bad = "bad timestamp";
    }
    if (bad == nullptr || !closed) {
      if (!r_.NextElement()) {
        if (!r_.ok()) return;
        if (bad == nullptr) bad = "missing value";
        closed = true;
      } else if (bad != nullptr) {
        r_.Skip();
      } else if (!r_.ReadString(&value_text)) {
        if (!r_.ok()) return;
        // A bare number is tolerated; anything else is not a value.
        if (!r_.ReadNumberText(&value_text)) {
          if (!r_.ok()) return;
          r_.Skip();
          bad = "bad value";
        }
      }
    }
    // Consume the rest of the pair (extra elements are an error in the sample).
    bool extra = false;
    while (!closed && r_.NextElement()) {
      extra = true;
      r_.Skip();
    }
    if (!r_.ok()) return;
    if (bad == nullptr && extra) bad = "malformed sample";
    std::int64_t time_ns = 0;
    double value = 0;
    if (bad == nullptr && !ParseDecimalTime(time_text, kSecond, &time_ns)) bad = "bad timestamp";
    if (bad == nullptr && !ParseValue(value_text, &value)) bad = "bad value";
    if (bad == nullptr) bad = acc_.Sample(series, time_ns, value, 0, ctx_);
    if (bad != nullptr) ctx_.Reject(bad, ctx_.WantsMessage() ? Where(at) : std::string());
  }

  std::string_view text_;
  MetricContext& ctx_;
  MetricAccumulator& acc_;
  JsonReader r_;
};

}  // namespace

absl::Status ParsePrometheusJson(std::string_view text, MetricContext& ctx,
                                 MetricAccumulator& acc) {
  PrometheusParser parser(text, ctx, acc);
  return parser.Parse();
}

}  // namespace faultline::internal
