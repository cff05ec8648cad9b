// Fuzz target: the metric readers (ReadMetrics) on arbitrary bytes. The first byte picks
// the format (detection, Prometheus JSON, OTLP JSON, OTLP protobuf, long CSV, wide CSV with
// the Nezha or RCAEval preset); the rest is the input. Checks the accounting and that every
// point recorded is finite and belongs to a declared entity and metric.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "faultline/ingest/metrics.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using faultline::MetricFormat;
  faultline::MetricOptions options;
  options.max_error_messages = 4;
  switch (data[0] % 7) {
    case 0: break;
    case 1: options.format = MetricFormat::kPrometheusJson; break;
    case 2: options.format = MetricFormat::kOtlpJson; break;
    case 3: options.format = MetricFormat::kOtlpProto; break;
    case 4: options.format = MetricFormat::kLongCsv; break;
    case 5:
      options.format = MetricFormat::kWideCsv;
      options.wide = faultline::WideCsvMapping::Nezha();
      options.wide_set = true;
      break;
    case 6:
      options.format = MetricFormat::kWideCsv;
      options.wide = faultline::WideCsvMapping::RcaEval();
      options.wide_set = true;
      break;
  }
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<faultline::MetricReport> reports;
  absl::StatusOr<faultline::MetricPoints> points = faultline::ReadMetrics(
      {faultline::InputSource::FromBytes(std::move(bytes), "fuzz")}, options, &reports);
  for (const faultline::MetricReport& r : reports) {
    if (r.samples_accepted > r.samples_read) std::abort();
    if (r.rejected_total() > r.samples_read) std::abort();
    if (r.errors.size() > 4 || r.unmapped.size() > 4) std::abort();
    if (r.unmapped_series > r.series) std::abort();
  }
  if (points.ok()) {
    const faultline::MetricPoints& p = *points;
    if (p.value.size() != p.time_ns.size() || p.entity.size() != p.time_ns.size() ||
        p.metric.size() != p.time_ns.size() || p.types.size() != p.metrics.size()) {
      std::abort();
    }
    for (std::size_t i = 0; i < p.value.size(); ++i) {
      if (!std::isfinite(p.value[i])) std::abort();
      if (p.entity[i] >= p.entities.size() || p.metric[i] >= p.metrics.size()) std::abort();
    }
  }
  return 0;
}
