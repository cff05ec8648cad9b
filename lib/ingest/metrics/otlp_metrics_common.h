// Private: what the OTLP metric parsers (JSON and protobuf) share: a metric's shape and
// how its data points become samples.
#ifndef FAULTLINE_LIB_INGEST_METRICS_OTLP_METRICS_COMMON_H_
#define FAULTLINE_LIB_INGEST_METRICS_OTLP_METRICS_COMMON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/metrics/metric_sink.h"

namespace faultline::internal {

// OtlpShape: which data a Metric holds.
enum class OtlpShape : std::uint8_t {
  kNone,
  kGauge,
  kSum,
  kHistogram,
  kExponentialHistogram,
  kSummary,
};

// OtlpMetricInfo: the parts of a Metric its points need.
struct OtlpMetricInfo {
  std::string name;
  OtlpShape shape = OtlpShape::kNone;
  int temporality = 0;  // 1 delta, 2 cumulative, 0 unspecified (read as cumulative)
  bool monotonic = false;
};

// KindOf(): the sample kind of a gauge or sum.
inline SampleKind KindOf(const OtlpMetricInfo& m) {
  if (m.shape != OtlpShape::kSum) return SampleKind::kGauge;
  if (m.temporality == 1) return SampleKind::kDelta;
  return m.monotonic ? SampleKind::kCounter : SampleKind::kGauge;
}

// Labels(): the resource attributes, then the point's (a point's value for a key wins).
inline Attributes MergeLabels(const Attributes& resource, Attributes point) {
  if (resource.empty()) return point;
  Attributes out = resource;
  for (Attribute& kv : point) {
    bool replaced = false;
    for (Attribute& r : out) {
      if (r.first == kv.first) {
        r.second = std::move(kv.second);
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(std::move(kv));
  }
  return out;
}

// UnsupportedReason(): the rejection reason of the points of a shape not read.
inline const char* UnsupportedReason(OtlpShape shape) {
  switch (shape) {
    case OtlpShape::kExponentialHistogram:
      return "exponential histogram (unsupported)";
    case OtlpShape::kSummary:
      return "summary (unsupported)";
    default:
      return "metric without data";
  }
}

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_METRICS_OTLP_METRICS_COMMON_H_
