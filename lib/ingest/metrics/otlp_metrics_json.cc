// OTLP metrics as JSON (protobuf JSON mapping): one ExportMetricsServiceRequest /
// MetricsData per line, as the collector's file exporter writes, or one document.
// lowerCamelCase and snake_case keys are both accepted. Members the parser needs before
// others (a sum's temporality after its dataPoints, a resource after its scopeMetrics, a
// metric's name after its data) are handled by reading the deferred bytes a second time.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "ingest/metrics/metric_sink.h"
#include "ingest/metrics/otlp_metrics_common.h"
#include "io/json_reader.h"

namespace faultline::internal {
namespace {

bool KeyIs(std::string_view key, std::string_view camel, std::string_view snake) {
  return key == camel || key == snake;
}

class OtlpJsonParser {
 public:
  OtlpJsonParser(std::string_view text, MetricContext& ctx, MetricAccumulator& acc)
      : text_(text), ctx_(ctx), acc_(acc), histograms_(acc) {}

  // One top-level value (MetricsData); `r` positioned before it.
  void Visit(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("an object {\"resourceMetrics\": [...]}");
      return;
    }
    std::string_view key;
    while (r.NextKey(&key)) {
      if (KeyIs(key, "resourceMetrics", "resource_metrics")) {
        if (!r.BeginArray()) {
          r.Fail("\"resourceMetrics\" to be an array");
          return;
        }
        while (r.NextElement()) ReadResourceMetrics(r);
      } else {
        r.Skip();
      }
    }
  }

 private:
  std::string Where(std::size_t offset) {
    const LineColumn lc = LineColumnAt(text_, offset);
    return StrCat("line ", lc.line, ", column ", lc.column);
  }

  // Reads the value at `offset` with a fresh reader over the same text (deferred members).
  template <typename F>
  void Reread(JsonReader& outer, std::size_t offset, F read) {
    JsonReader inner;
    inner.Reset(text_, offset);
    read(inner);
    if (!inner.ok()) outer.FailAt(inner.error_offset(), "a well-formed deferred member");
  }

  void ReadAttributes(JsonReader& r, Attributes* out) {
    if (!r.BeginArray()) {
      r.Skip();
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Skip();
        continue;
      }
      std::string key, value;
      bool has_value = false;
      std::string_view k;
      while (r.NextKey(&k)) {
        if (k == "key") {
          std::string_view v;
          if (r.ReadString(&v)) {
            key = std::string(v);
          } else {
            r.Skip();
          }
        } else if (k == "value") {
          has_value = ReadAnyValue(r, &value);
        } else {
          r.Skip();
        }
      }
      if (!key.empty() && has_value) out->emplace_back(std::move(key), std::move(value));
    }
  }

  // An AnyValue as label text; false (value consumed) for arrays, maps, bytes and null.
  bool ReadAnyValue(JsonReader& r, std::string* out) {
    if (!r.BeginObject()) {
      r.Skip();
      return false;
    }
    bool ok = false;
    std::string_view k;
    while (r.NextKey(&k)) {
      if (KeyIs(k, "stringValue", "string_value")) {
        std::string_view v;
        if (r.ReadString(&v)) {
          *out = std::string(v);
          ok = true;
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "intValue", "int_value")) {
        std::int64_t v;
        if (r.ReadInt64(&v)) {
          *out = StrCat(v);
          ok = true;
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "boolValue", "bool_value")) {
        bool v;
        if (r.ReadBool(&v)) {
          *out = v ? "true" : "false";
          ok = true;
        } else {
          r.Skip();
        }
      } else if (KeyIs(k, "doubleValue", "double_value")) {
        std::string_view v;
        if (r.ReadNumberText(&v)) {
          *out = std::string(v);
          ok = true;
        } else {
          r.Skip();
        }
      } else {
        r.Skip();
      }
    }
    return ok;
  }

  void ReadResourceMetrics(JsonReader& r) {
    if (!r.BeginObject()) {
      r.Fail("a ResourceMetrics object");
      return;
    }
    Attributes resource;
    bool have_resource = false;
    std::vector<std::size_t> deferred;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "resource") {
        have_resource = true;
        if (!r.BeginObject()) {
          r.Skip();
          continue;
        }
        std::string_view k;
        while (r.NextKey(&k)) {
          if (k == "attributes") {
            ReadAttributes(r, &resource);
          } else {
            r.Skip();
          }
        }
      } else if (KeyIs(key, "scopeMetrics", "scope_metrics") ||
                 KeyIs(key, "instrumentationLibraryMetrics",
                       "instrumentation_library_metrics")) {
        if (!have_resource) {
          deferred.push_back(r.offset());
          r.Skip();
          continue;
        }
        ReadScopes(r, resource);
      } else {
        r.Skip();
      }
    }
    for (std::size_t at : deferred) {
      if (!r.ok()) break;
      Reread(r, at, [&](JsonReader& inner) { ReadScopes(inner, resource); });
    }
  }

  void ReadScopes(JsonReader& r, const Attributes& resource) {
    if (!r.BeginArray()) {
      r.Fail("\"scopeMetrics\" to be an array");
      return;
    }
    while (r.NextElement()) {
      if (!r.BeginObject()) {
        r.Fail("a ScopeMetrics object");
        return;
      }
      std::string_view key;
      while (r.NextKey(&key)) {
        if (key == "metrics") {
          if (!r.BeginArray()) {
            r.Fail("\"metrics\" to be an array");
            return;
          }
          while (r.NextElement()) ReadMetric(r, resource);
        } else {
          r.Skip();
        }
      }
    }
  }

  void ReadMetric(JsonReader& r, const Attributes& resource) {
    if (!r.BeginObject()) {
      r.Fail("a Metric object");
      return;
    }
    OtlpMetricInfo info;
    std::size_t points_at = std::string_view::npos;
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "name") {
        std::string_view v;
        if (r.ReadString(&v)) {
          info.name = std::string(v);
        } else {
          r.Skip();
        }
        continue;
      }
      OtlpShape shape = OtlpShape::kNone;
      if (key == "gauge") shape = OtlpShape::kGauge;
      else if (key == "sum") shape = OtlpShape::kSum;
      else if (key == "histogram") shape = OtlpShape::kHistogram;
      else if (KeyIs(key, "exponentialHistogram", "exponential_histogram"))
        shape = OtlpShape::kExponentialHistogram;
      else if (key == "summary") shape = OtlpShape::kSummary;
      if (shape == OtlpShape::kNone) {
        r.Skip();
        continue;
      }
      info.shape = shape;
      if (!r.BeginObject()) {
        r.Fail("the metric's data to be an object");
        return;
      }
      std::string_view k;
      while (r.NextKey(&k)) {
        if (KeyIs(k, "dataPoints", "data_points")) {
          points_at = r.offset();
          r.Skip();
        } else if (KeyIs(k, "aggregationTemporality", "aggregation_temporality")) {
          std::int64_t t;
          std::string_view name;
          if (r.ReadInt64(&t)) {
            info.temporality = static_cast<int>(t);
          } else if (r.ReadString(&name)) {
            info.temporality = name == "AGGREGATION_TEMPORALITY_DELTA" ? 1
                               : name == "AGGREGATION_TEMPORALITY_CUMULATIVE" ? 2 : 0;
          } else {
            r.Skip();
          }
        } else if (KeyIs(k, "isMonotonic", "is_monotonic")) {
          bool b;
          if (r.ReadBool(&b)) {
            info.monotonic = b;
          } else {
            r.Skip();
          }
        } else {
          r.Skip();
        }
      }
    }
    if (!r.ok() || points_at == std::string_view::npos) return;
    Reread(r, points_at, [&](JsonReader& inner) { ReadPoints(inner, info, resource); });
  }

  void ReadPoints(JsonReader& r, const OtlpMetricInfo& info, const Attributes& resource) {
    if (!r.BeginArray()) {
      r.Fail("\"dataPoints\" to be an array");
      return;
    }
    const bool histogram = info.shape == OtlpShape::kHistogram;
    const bool number = info.shape == OtlpShape::kGauge || info.shape == OtlpShape::kSum;
    const SampleKind kind = KindOf(info);
    while (r.NextElement()) {
      const std::size_t at = r.offset();
      ctx_.Read();
      if (!number && !histogram) {
        r.Skip();
        ctx_.Reject(UnsupportedReason(info.shape), ctx_.WantsMessage() ? Where(at) : "");
        continue;
      }
      if (!r.BeginObject()) {
        r.Fail("a data point object");
        return;
      }
      Attributes attrs;
      HistogramPoint hp;
      double value = 0;
      bool has_value = false;
      bool has_count = false;
      const char* bad = nullptr;
      std::string_view k;
      while (r.NextKey(&k)) {
        if (k == "attributes") {
          ReadAttributes(r, &attrs);
        } else if (KeyIs(k, "timeUnixNano", "time_unix_nano")) {
          if (!r.ReadInt64(&hp.time_ns)) {
            r.Skip();
            bad = "bad timestamp";
          }
        } else if (KeyIs(k, "startTimeUnixNano", "start_time_unix_nano")) {
          if (!r.ReadInt64(&hp.start_ns)) {
            r.Skip();
            bad = "bad timestamp";
          }
        } else if (number && KeyIs(k, "asDouble", "as_double")) {
          if (r.ReadDouble(&value)) {
            has_value = true;
          } else {
            r.Skip();
            bad = "bad value";
          }
        } else if (number && KeyIs(k, "asInt", "as_int")) {
          std::int64_t v;
          if (r.ReadInt64(&v)) {
            value = static_cast<double>(v);
            has_value = true;
          } else {
            r.Skip();
            bad = "bad value";
          }
        } else if (histogram && k == "count") {
          std::uint64_t c;
          if (r.ReadUint64(&c)) {
            hp.count = static_cast<double>(c);
            has_count = true;
          } else {
            r.Skip();
            bad = "bad value";
          }
        } else if (histogram && KeyIs(k, "bucketCounts", "bucket_counts")) {
          if (!r.BeginArray()) {
            r.Skip();
            bad = "bad bucket counts";
            continue;
          }
          while (r.NextElement()) {
            std::uint64_t c;
            if (r.ReadUint64(&c)) {
              hp.counts.push_back(static_cast<double>(c));
            } else {
              r.Skip();
              bad = "bad bucket counts";
            }
          }
        } else if (histogram && KeyIs(k, "explicitBounds", "explicit_bounds")) {
          if (!r.BeginArray()) {
            r.Skip();
            bad = "bad bucket bounds";
            continue;
          }
          while (r.NextElement()) {
            double b;
            if (r.ReadDouble(&b)) {
              hp.bounds.push_back(b);
            } else {
              r.Skip();
              bad = "bad bucket bounds";
            }
          }
        } else {
          r.Skip();
        }
      }
      if (!r.ok()) return;
      if (bad == nullptr && hp.time_ns <= 0) bad = "missing timestamp";
      if (bad == nullptr && number && !has_value) bad = "missing value";
      if (bad == nullptr && histogram) {
        if (!has_count) bad = "missing value";
        else if (!hp.counts.empty() && hp.counts.size() != hp.bounds.size() + 1)
          bad = "bucket counts do not match bounds";
      }
      if (bad == nullptr) {
        Attributes labels = MergeLabels(resource, std::move(attrs));
        if (histogram) {
          bad = histograms_.Point(labels, info.name, info.temporality != 1, hp, ctx_);
        } else {
          const std::uint32_t series = acc_.Series(std::move(labels), info.name, kind, ctx_);
          bad = acc_.Sample(series, hp.time_ns, value, hp.start_ns, ctx_);
        }
      }
      if (bad != nullptr) ctx_.Reject(bad, ctx_.WantsMessage() ? Where(at) : "");
    }
  }

  std::string_view text_;
  MetricContext& ctx_;
  MetricAccumulator& acc_;
  HistogramSink histograms_;
};

}  // namespace

absl::Status ParseOtlpMetricsJson(std::string_view text, MetricContext& ctx,
                                  MetricAccumulator& acc) {
  OtlpJsonParser parser(text, ctx, acc);
  JsonReader reader;
  return ReadJsonStream(
      text, ctx.name(), reader, [&](JsonReader& r, std::size_t) { parser.Visit(r); },
      [&](std::size_t line, std::string_view where) {
        // The line counts as one record read and rejected (points read from it before the
        // error stand, counted on their own).
        ctx.Read();
        ctx.Reject("malformed line", StrCat(where));
      });
}

}  // namespace faultline::internal
