// faultline/ingest/metric_types.h
//
// The signal type of a metric name: what a series measures (cpu, memory, latency, ...),
// so that rankers weigh a CPU-starved pod and a rising error rate as what they are.
//
// Types: cpu, cpu_throttling, memory, oom, restarts, network_errors, network_latency, disk,
// success_rate, error_rate, latency, throughput, queue_depth, queue_lag, connection_pool,
// other.
//
// A table of rules, each {match, type}. `match` is an exact name, or a pattern with '*' at
// its start and/or end ("*_seconds_total" suffix, "kube_*" prefix, "*throttl*" substring);
// patterns compare case-insensitively. Lookup: the first rule whose exact name equals the
// metric, else the first pattern, in order, that matches; "other" when none does. User
// rules (a JSON file {"rules": [{"match": "...", "type": "..."}]}) come before the built-in
// ones, so they extend and override the table without code changes.
//
// Built in: Kubernetes/cAdvisor/node-exporter names (container_cpu_usage_seconds_total,
// container_cpu_cfs_throttled_periods_total, container_memory_working_set_bytes,
// kube_pod_container_status_restarts_total, container_oom_events_total,
// node_cpu_seconds_total, ...), the Nezha columns (CpuUsage(m), MemoryUsage(Mi),
// PodSuccessRate(%), NodeCpuUsageRate(%), ...), RCAEval's metric suffixes (cpu, mem,
// latency, latency-50, latency-90, workload, error, ...), then patterns by substring.
#ifndef FAULTLINE_INGEST_METRIC_TYPES_H_
#define FAULTLINE_INGEST_METRIC_TYPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace faultline {

// MetricTypeNames(): every type, "other" last.
const std::vector<std::string_view>& MetricTypeNames();
// IsMetricType(): `type` is one of MetricTypeNames().
bool IsMetricType(std::string_view type);

// MetricTypeTable
class MetricTypeTable {
 public:
  // An empty table (every name is "other").
  MetricTypeTable() = default;
  // BuiltIn(): the built-in rules.
  static MetricTypeTable BuiltIn();
  // FromRulesFile(): the rules of the JSON file at `path`, then the built-in ones.
  // kInvalidArgument naming the file and line:column for malformed JSON, a rule without
  // "match" or "type", or an unknown type; errors of InputSource for an unreadable file.
  static absl::StatusOr<MetricTypeTable> FromRulesFile(const std::string& path);
  // FromRulesJson(): the same from JSON text named `name` in errors.
  static absl::StatusOr<MetricTypeTable> FromRulesJson(std::string_view json,
                                                       std::string_view name);

  // AddRule(): appends a rule (kInvalidArgument for an empty match or an unknown type).
  absl::Status AddRule(std::string_view match, std::string_view type);
  // Append(): appends every rule of `other`, after this table's.
  void Append(const MetricTypeTable& other);

  // TypeOf(): the type of `metric` (a base name, without {qualifiers}). O(rules) for a
  // name without an exact rule, O(1) expected with one.
  std::string_view TypeOf(std::string_view metric) const;

  std::size_t size() const { return exact_count_ + patterns_.size(); }

 private:
  struct Pattern {
    std::string text;  // lowercase, without the stars
    bool prefix_star = false;
    bool suffix_star = false;
    std::string type;
  };
  absl::flat_hash_map<std::string, std::string> exact_;
  std::size_t exact_count_ = 0;
  std::vector<Pattern> patterns_;
};

}  // namespace faultline

#endif  // FAULTLINE_INGEST_METRIC_TYPES_H_
