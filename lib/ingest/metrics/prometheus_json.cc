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
    const std::size_t at = r_.offset();
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
      const absl::Status inner = r_.status(ctx_.name());
      r_ = std::move(outer);
      if (!ok) r_.FailAt(deferred, "samples [[time, \"value\"], ...]");
      (void)inner;
    }
    (void)at;
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
    if (!r_.BeginArray()) {
      r_.Fail("\"values\" to be an array of [time, \"value\"] pairs");
      return;
    }
    while (r_.NextElement()) {
      ReadSample(series);
      if (!r_.ok()) return;
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
