// AddMetrics(): the metric readers writing into a ModelBuilder (BuilderOutput).
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/ingest/metrics.h"
#include "ingest/metrics/metric_sink.h"

namespace faultline {
namespace internal {

absl::StatusOr<std::uint32_t> BuilderOutput::Declare(const ResolvedEntity& entity,
                                                     std::string_view metric,
                                                     std::string_view type) {
  std::string key = entity.id;
  key.push_back('\0');
  key.append(metric.data(), metric.size());
  auto it = handles_.find(key);
  if (it != handles_.end()) return it->second;
  absl::StatusOr<EntityId> id = AddResolvedEntity(builder_, subgraph_, entity);
  if (!id.ok()) return id.status();
  Pending p;
  p.series = &builder_.MetricSeries(subgraph_, *id, metric);
  pending_.push_back(std::move(p));
  const auto handle = static_cast<std::uint32_t>(pending_.size() - 1);
  handles_.emplace(std::move(key), handle);
  if (typed_.emplace(std::string(metric), true).second) builder_.SetMetricType(metric, type);
  return handle;
}

void BuilderOutput::Finish() {
  for (Pending& p : pending_) {
    if (p.bucket.count != 0) p.series->MergeBucket(p.index, p.bucket);
    p.bucket = SeriesBucket();
    p.index = std::numeric_limits<std::int64_t>::min();
  }
}

}  // namespace internal

absl::StatusOr<std::vector<MetricReport>> AddMetrics(ModelBuilder& builder,
                                                     const std::vector<InputSource>& sources,
                                                     const MetricOptions& options) {
  absl::StatusOr<MetricTypeTable> types = internal::LoadMetricTypes(options);
  if (!types.ok()) return types.status();
  SubgraphOptions sub;
  sub.kind = "metrics";
  absl::StatusOr<SubgraphId> subgraph = builder.AddSubgraph(options.subgraph, sub);
  if (!subgraph.ok()) return subgraph.status();
  internal::BuilderOutput output(builder, *subgraph);
  internal::MetricAccumulator acc(options, *types, &output);
  std::vector<MetricReport> reports;
  const absl::Status s = internal::ReadMetricSources(sources, options, acc, &reports);
  output.Finish();
  if (!s.ok()) return s;
  return reports;
}

absl::StatusOr<MetricReport> AddMetrics(ModelBuilder& builder, const InputSource& source,
                                        const MetricOptions& options) {
  const std::vector<InputSource> sources = {source};
  absl::StatusOr<std::vector<MetricReport>> reports = AddMetrics(builder, sources, options);
  if (!reports.ok()) return reports.status();
  return std::move(reports->front());
}

}  // namespace faultline
