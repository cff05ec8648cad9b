// OTLP metrics as protobuf (opentelemetry/proto/metrics/v1/metrics.proto): one
// ExportMetricsServiceRequest / MetricsData message, or messages each preceded by a 4-byte
// big-endian length (the collector's file exporter), decoded from the wire format directly.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "ingest/metrics/metric_sink.h"
#include "ingest/metrics/otlp_metrics_common.h"
#include "ingest/protowire.h"

namespace faultline::internal {
namespace {

using protowire::Field;
using protowire::Reader;

// Field numbers.
constexpr std::uint32_t kDataResourceMetrics = 1;
constexpr std::uint32_t kResourceMetricsResource = 1;
constexpr std::uint32_t kResourceMetricsScopeMetrics = 2;
constexpr std::uint32_t kResourceAttributes = 1;
constexpr std::uint32_t kScopeMetricsMetrics = 2;
constexpr std::uint32_t kMetricName = 1;
constexpr std::uint32_t kMetricGauge = 5;
constexpr std::uint32_t kMetricSum = 7;
constexpr std::uint32_t kMetricHistogram = 9;
constexpr std::uint32_t kMetricExponentialHistogram = 10;
constexpr std::uint32_t kMetricSummary = 11;
constexpr std::uint32_t kDataDataPoints = 1;  // Gauge, Sum, Histogram, ...
constexpr std::uint32_t kDataTemporality = 2;
constexpr std::uint32_t kSumIsMonotonic = 3;
constexpr std::uint32_t kPointStart = 2;
constexpr std::uint32_t kPointTime = 3;
constexpr std::uint32_t kNumberAsDouble = 4;
constexpr std::uint32_t kNumberAsInt = 6;
constexpr std::uint32_t kNumberAttributes = 7;
constexpr std::uint32_t kHistogramCount = 4;
constexpr std::uint32_t kHistogramBucketCounts = 6;
constexpr std::uint32_t kHistogramBounds = 7;
constexpr std::uint32_t kHistogramAttributes = 9;
constexpr std::uint32_t kKeyValueKey = 1;
constexpr std::uint32_t kKeyValueValue = 2;
constexpr std::uint32_t kAnyString = 1;
constexpr std::uint32_t kAnyBool = 2;
constexpr std::uint32_t kAnyInt = 3;
constexpr std::uint32_t kAnyDouble = 4;

double AsDouble(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

class OtlpProtoMetricsParser {
 public:
  OtlpProtoMetricsParser(std::string_view bytes, MetricContext& ctx, MetricAccumulator& acc)
      : base_(reinterpret_cast<const std::uint8_t*>(bytes.data())),
        size_(bytes.size()),
        ctx_(ctx),
        acc_(acc),
        histograms_(acc) {}

  absl::Status Run() {
    if (size_ == 0) return absl::OkStatus();
    if (LooksFramed()) return ParseFramed();
    if (!ParseData(base_, base_ + size_)) {
      return absl::InvalidArgumentError(StrCat(ctx_.name(), ": ", protowire::Describe(error_),
                                               " (not a valid OTLP metrics protobuf message)"));
    }
    return absl::OkStatus();
  }

 private:
  bool LooksFramed() const {
    if (base_[0] == 0) return true;
    std::size_t off = 0;
    while (size_ - off >= 4) {
      const std::uint32_t length = protowire::LoadBig32(base_ + off);
      off += 4;
      if (length > size_ - off) return false;
      off += length;
    }
    return off == size_;
  }

  absl::Status ParseFramed() {
    std::size_t off = 0, records = 0, corrupt = 0;
    std::string first_error, framing_error;
    while (off < size_) {
      if (size_ - off < 4) {
        framing_error = StrCat("offset ", off, ": record header cut off after ", size_ - off,
                               " of 4 bytes");
        break;
      }
      const std::uint32_t length = protowire::LoadBig32(base_ + off);
      if (length > size_ - off - 4) {
        framing_error = StrCat("offset ", off, ": record length ", length,
                               " runs past the end of the input at offset ", size_);
        break;
      }
      const std::uint8_t* begin = base_ + off + 4;
      if (!ParseData(begin, begin + length)) {
        if (corrupt == 0) {
          first_error = StrCat(protowire::Describe(error_), " (in record ", records,
                               " at offset ", off, ")");
        }
        ++corrupt;
      }
      ++records;
      off += 4 + static_cast<std::size_t>(length);
    }
    if (framing_error.empty() && corrupt == 0) return absl::OkStatus();
    std::string message = StrCat(ctx_.name(), ": ");
    if (corrupt > 0) {
      message += StrCat(first_error, "; ", corrupt, " of ", records,
                        " length-prefixed records unreadable, the others were read");
    }
    if (!framing_error.empty()) {
      if (corrupt > 0) message += "; ";
      message += StrCat(framing_error, " (after ", records,
                        " complete length-prefixed records, which were read)");
    }
    return absl::InvalidArgumentError(message);
  }

  bool Fail(const Reader& r) {
    error_ = r.error();
    return false;
  }

  bool ParseData(const std::uint8_t* begin, const std::uint8_t* end) {
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.number == kDataResourceMetrics && f.type == protowire::kLengthDelimited) {
        if (!ParseResourceMetrics(f.data, f.data + f.size)) return false;
      }
    }
    return r.error().ok() || Fail(r);
  }

  bool ParseResourceMetrics(const std::uint8_t* begin, const std::uint8_t* end) {
    Attributes resource;
    {
      // The resource first, wherever it is on the wire.
      Reader r(base_, begin, end);
      Field f;
      while (r.Next(&f)) {
        if (f.number == kResourceMetricsResource && f.type == protowire::kLengthDelimited) {
          Reader rr(base_, f.data, f.data + f.size);
          Field g;
          while (rr.Next(&g)) {
            if (g.number == kResourceAttributes && g.type == protowire::kLengthDelimited) {
              if (!ReadKeyValue(g, &resource)) return false;
            }
          }
          if (!rr.error().ok()) return Fail(rr);
        }
      }
      if (!r.error().ok()) return Fail(r);
    }
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.number != kResourceMetricsScopeMetrics || f.type != protowire::kLengthDelimited) {
        continue;
      }
      Reader sr(base_, f.data, f.data + f.size);
      Field g;
      while (sr.Next(&g)) {
        if (g.number == kScopeMetricsMetrics && g.type == protowire::kLengthDelimited) {
          if (!ParseMetric(g.data, g.data + g.size, resource)) return false;
        }
      }
      if (!sr.error().ok()) return Fail(sr);
    }
    return r.error().ok() || Fail(r);
  }

  bool ReadKeyValue(const Field& kv, Attributes* out) {
    Reader r(base_, kv.data, kv.data + kv.size);
    Field f;
    std::string key, value;
    bool has_value = false;
    while (r.Next(&f)) {
      if (f.number == kKeyValueKey && f.type == protowire::kLengthDelimited) {
        key.assign(reinterpret_cast<const char*>(f.data), f.size);
      } else if (f.number == kKeyValueValue && f.type == protowire::kLengthDelimited) {
        Reader vr(base_, f.data, f.data + f.size);
        Field v;
        while (vr.Next(&v)) {
          if (v.number == kAnyString && v.type == protowire::kLengthDelimited) {
            value.assign(reinterpret_cast<const char*>(v.data), v.size);
            has_value = true;
          } else if (v.number == kAnyBool && v.type == protowire::kVarint) {
            value = v.value != 0 ? "true" : "false";
            has_value = true;
          } else if (v.number == kAnyInt && v.type == protowire::kVarint) {
            value = StrCat(static_cast<std::int64_t>(v.value));
            has_value = true;
          } else if (v.number == kAnyDouble && v.type == protowire::kFixed64) {
            value = StrCat(AsDouble(v.value));
            has_value = true;
          }
        }
        if (!vr.error().ok()) return Fail(vr);
      }
    }
    if (!r.error().ok()) return Fail(r);
    if (!key.empty() && has_value) out->emplace_back(std::move(key), std::move(value));
    return true;
  }

  bool ParseMetric(const std::uint8_t* begin, const std::uint8_t* end,
                   const Attributes& resource) {
    OtlpMetricInfo info;
    const std::uint8_t* data = nullptr;
    std::size_t data_size = 0;
    Reader r(base_, begin, end);
    Field f;
    while (r.Next(&f)) {
      if (f.type != protowire::kLengthDelimited) continue;
      switch (f.number) {
        case kMetricName:
          info.name.assign(reinterpret_cast<const char*>(f.data), f.size);
          break;
        case kMetricGauge:
        case kMetricSum:
        case kMetricHistogram:
        case kMetricExponentialHistogram:
        case kMetricSummary:
          info.shape = f.number == kMetricGauge       ? OtlpShape::kGauge
                       : f.number == kMetricSum       ? OtlpShape::kSum
                       : f.number == kMetricHistogram ? OtlpShape::kHistogram
                       : f.number == kMetricSummary   ? OtlpShape::kSummary
                                                      : OtlpShape::kExponentialHistogram;
          data = f.data;
          data_size = f.size;
          break;
        default:
          break;
      }
    }
    if (!r.error().ok()) return Fail(r);
    if (data == nullptr) return true;
    // Temporality and monotonicity first: they follow the points on the wire.
    {
      Reader dr(base_, data, data + data_size);
      while (dr.Next(&f)) {
        if (f.number == kDataTemporality && f.type == protowire::kVarint) {
          info.temporality = static_cast<int>(f.value);
        } else if (f.number == kSumIsMonotonic && f.type == protowire::kVarint &&
                   info.shape == OtlpShape::kSum) {
          info.monotonic = f.value != 0;
        }
      }
      if (!dr.error().ok()) return Fail(dr);
    }
    Reader dr(base_, data, data + data_size);
    while (dr.Next(&f)) {
      if (f.number != kDataDataPoints || f.type != protowire::kLengthDelimited) continue;
      if (!ParsePoint(f, info, resource)) return false;
    }
    return dr.error().ok() || Fail(dr);
  }

  bool ParsePoint(const Field& point, const OtlpMetricInfo& info, const Attributes& resource) {
    ctx_.Read();
    const std::size_t offset = static_cast<std::size_t>(point.start - base_);
    const bool number = info.shape == OtlpShape::kGauge || info.shape == OtlpShape::kSum;
    const bool histogram = info.shape == OtlpShape::kHistogram;
    if (!number && !histogram) {
      ctx_.Reject(UnsupportedReason(info.shape),
                  ctx_.WantsMessage() ? StrCat("offset ", offset) : std::string());
      return true;
    }
    Attributes attrs;
    HistogramPoint hp;
    double value = 0;
    bool has_value = false, has_count = false;
    const char* bad = nullptr;
    Reader r(base_, point.data, point.data + point.size);
    Field f;
    const std::uint32_t attributes_field = histogram ? kHistogramAttributes : kNumberAttributes;
    while (r.Next(&f)) {
      if (f.number == attributes_field && f.type == protowire::kLengthDelimited) {
        if (!ReadKeyValue(f, &attrs)) return false;
      } else if (f.number == kPointTime && f.type == protowire::kFixed64) {
        hp.time_ns = static_cast<std::int64_t>(f.value);
      } else if (f.number == kPointStart && f.type == protowire::kFixed64) {
        hp.start_ns = static_cast<std::int64_t>(f.value);
      } else if (number && f.number == kNumberAsDouble && f.type == protowire::kFixed64) {
        value = AsDouble(f.value);
        has_value = true;
      } else if (number && f.number == kNumberAsInt && f.type == protowire::kFixed64) {
        value = static_cast<double>(static_cast<std::int64_t>(f.value));
        has_value = true;
      } else if (histogram && f.number == kHistogramCount && f.type == protowire::kFixed64) {
        hp.count = static_cast<double>(f.value);
        has_count = true;
      } else if (histogram && f.number == kHistogramBucketCounts) {
        if (f.type == protowire::kLengthDelimited) {
          if (f.size % 8 != 0) bad = "bad bucket counts";
          for (std::size_t i = 0; i + 8 <= f.size; i += 8) {
            hp.counts.push_back(static_cast<double>(protowire::LoadLittle64(f.data + i)));
          }
        } else if (f.type == protowire::kFixed64) {
          hp.counts.push_back(static_cast<double>(f.value));
        }
      } else if (histogram && f.number == kHistogramBounds) {
        if (f.type == protowire::kLengthDelimited) {
          if (f.size % 8 != 0) bad = "bad bucket bounds";
          for (std::size_t i = 0; i + 8 <= f.size; i += 8) {
            hp.bounds.push_back(AsDouble(protowire::LoadLittle64(f.data + i)));
          }
        } else if (f.type == protowire::kFixed64) {
          hp.bounds.push_back(AsDouble(f.value));
        }
      }
    }
    if (!r.error().ok()) return Fail(r);
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
        const std::uint32_t series = acc_.Series(std::move(labels), info.name, KindOf(info), ctx_);
        bad = acc_.Sample(series, hp.time_ns, value, hp.start_ns, ctx_);
      }
    }
    if (bad != nullptr) {
      ctx_.Reject(bad, ctx_.WantsMessage() ? StrCat("offset ", offset) : std::string());
    }
    return true;
  }

  const std::uint8_t* base_;
  std::size_t size_;
  MetricContext& ctx_;
  MetricAccumulator& acc_;
  HistogramSink histograms_;
  protowire::WireError error_;
};

}  // namespace

absl::Status ParseOtlpMetricsProto(std::string_view bytes, MetricContext& ctx,
                                   MetricAccumulator& acc) {
  OtlpProtoMetricsParser parser(bytes, ctx, acc);
  return parser.Run();
}

}  // namespace faultline::internal
