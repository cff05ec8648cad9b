// The metric-type table (faultline/ingest/metric_types.h).
#include "faultline/ingest/metric_types.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "faultline/io/source.h"
#include "io/json_reader.h"

namespace faultline {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct BuiltInRule {
  const char* match;
  const char* type;
};

// Exact names first (their order does not matter), then patterns (first match wins).
constexpr BuiltInRule kBuiltIn[] = {
    // cAdvisor / kubelet
    {"container_cpu_usage_seconds_total", "cpu"},
    {"container_cpu_user_seconds_total", "cpu"},
    {"container_cpu_system_seconds_total", "cpu"},
    {"container_cpu_cfs_throttled_periods_total", "cpu_throttling"},
    {"container_cpu_cfs_throttled_seconds_total", "cpu_throttling"},
    {"container_cpu_cfs_periods_total", "cpu_throttling"},
    {"container_memory_working_set_bytes", "memory"},
    {"container_memory_rss", "memory"},
    {"container_memory_usage_bytes", "memory"},
    {"container_memory_cache", "memory"},
    {"container_oom_events_total", "oom"},
    {"container_memory_failcnt", "oom"},
    {"container_network_receive_errors_total", "network_errors"},
    {"container_network_transmit_errors_total", "network_errors"},
    {"container_network_receive_packets_dropped_total", "network_errors"},
    {"container_network_transmit_packets_dropped_total", "network_errors"},
    {"container_network_receive_bytes_total", "throughput"},
    {"container_network_transmit_bytes_total", "throughput"},
    {"container_fs_reads_bytes_total", "disk"},
    {"container_fs_writes_bytes_total", "disk"},
    {"container_fs_usage_bytes", "disk"},
    // kube-state-metrics
    {"kube_pod_container_status_restarts_total", "restarts"},
    {"kube_pod_container_status_last_terminated_reason", "oom"},
    {"kube_pod_container_status_terminated_reason", "oom"},
    {"kube_pod_container_status_waiting_reason", "restarts"},
    {"kube_pod_status_ready", "other"},
    {"kube_node_status_condition", "other"},
    // node-exporter
    {"node_cpu_seconds_total", "cpu"},
    {"node_load1", "cpu"},
    {"node_memory_MemAvailable_bytes", "memory"},
    {"node_memory_MemFree_bytes", "memory"},
    {"node_vmstat_oom_kill", "oom"},
    {"node_network_receive_errs_total", "network_errors"},
    {"node_network_transmit_errs_total", "network_errors"},
    {"node_network_receive_drop_total", "network_errors"},
    {"node_netstat_Tcp_RetransSegs", "network_errors"},
    {"node_disk_io_time_seconds_total", "disk"},
    {"node_disk_read_bytes_total", "disk"},
    {"node_disk_written_bytes_total", "disk"},
    {"node_filesystem_avail_bytes", "disk"},
    // OpenTelemetry semantic conventions
    {"http.server.request.duration", "latency"},
    {"http.client.request.duration", "latency"},
    {"rpc.server.duration", "latency"},
    {"rpc.client.duration", "latency"},
    {"db.client.operation.duration", "latency"},
    {"db.client.connection.count", "connection_pool"},
    {"db.client.connections.usage", "connection_pool"},
    {"messaging.process.duration", "latency"},
    {"container.cpu.usage", "cpu"},
    {"container.cpu.time", "cpu"},
    {"container.memory.usage", "memory"},
    {"k8s.pod.cpu.usage", "cpu"},
    {"k8s.pod.cpu.time", "cpu"},
    {"k8s.pod.memory.working_set", "memory"},
    {"k8s.pod.memory.usage", "memory"},
    {"k8s.container.restarts", "restarts"},
    {"k8s.pod.network.errors", "network_errors"},
    {"system.cpu.utilization", "cpu"},
    {"system.memory.utilization", "memory"},
    {"process.cpu.utilization", "cpu"},
    {"process.memory.usage", "memory"},
    // Nezha pod metric columns
    {"CpuUsage(m)", "cpu"},
    {"CpuUsageRate(%)", "cpu"},
    {"MemoryUsage(Mi)", "memory"},
    {"MemoryUsageRate(%)", "memory"},
    {"SyscallRead", "disk"},
    {"SyscallWrite", "disk"},
    {"NetworkReceiveBytes", "throughput"},
    {"NetworkTransmitBytes", "throughput"},
    {"PodClientLatencyP90(s)", "latency"},
    {"PodServerLatencyP90(s)", "latency"},
    {"PodClientLatencyP95(s)", "latency"},
    {"PodServerLatencyP95(s)", "latency"},
    {"PodClientLatencyP99(s)", "latency"},
    {"PodServerLatencyP99(s)", "latency"},
    {"PodWorkload(Ops)", "throughput"},
    {"PodSuccessRate(%)", "success_rate"},
    {"NodeCpuUsageRate(%)", "cpu"},
    {"NodeMemoryUsageRate(%)", "memory"},
    {"NodeNetworkReceiveBytes", "throughput"},
    // RCAEval {service}_{metric} suffixes
    {"cpu", "cpu"},
    {"mem", "memory"},
    {"memory", "memory"},
    {"latency", "latency"},
    {"latency-50", "latency"},
    {"latency-90", "latency"},
    {"latency-99", "latency"},
    {"workload", "throughput"},
    {"error", "error_rate"},
    {"errors", "error_rate"},
    {"diskio", "disk"},
    {"disk", "disk"},
    {"net", "throughput"},
    {"socket", "connection_pool"},
    // Patterns, most specific first.
    {"*throttl*", "cpu_throttling"},
    {"*oom*", "oom"},
    {"*restart*", "restarts"},
    {"*retrans*", "network_errors"},
    {"*packets_dropped*", "network_errors"},
    {"*network*error*", "network_errors"},
    {"*network*latency*", "network_latency"},
    {"*rtt*", "network_latency"},
    {"*ping*", "network_latency"},
    {"*success*", "success_rate"},
    {"*error*", "error_rate"},
    {"*fail*", "error_rate"},
    {"*latency*", "latency"},
    {"*duration*", "latency"},
    {"*_seconds_bucket", "latency"},
    {"*response_time*", "latency"},
    {"*_p50", "latency"},
    {"*_p90", "latency"},
    {"*_p99", "latency"},
    {"*consumer_lag*", "queue_lag"},
    {"*_lag", "queue_lag"},
    {"*lag_seconds*", "queue_lag"},
    {"*queue*", "queue_depth"},
    {"*backlog*", "queue_depth"},
    {"*pending_messages*", "queue_depth"},
    {"*pool*", "connection_pool"},
    {"*connections*", "connection_pool"},
    {"*cpu*", "cpu"},
    {"*mem*", "memory"},
    {"*disk*", "disk"},
    {"*_fs_*", "disk"},
    {"*filesystem*", "disk"},
    {"*requests*", "throughput"},
    {"*workload*", "throughput"},
    {"*throughput*", "throughput"},
    {"*qps*", "throughput"},
    {"*_rate", "throughput"},
};

bool IsPattern(std::string_view match) {
  return !match.empty() && (match.front() == '*' || match.back() == '*');
}

}  // namespace

const std::vector<std::string_view>& MetricTypeNames() {
  static const std::vector<std::string_view> kNames = {
      "cpu",          "cpu_throttling", "memory",     "oom",         "restarts",
      "network_errors", "network_latency", "disk",     "success_rate", "error_rate",
      "latency",      "throughput",     "queue_depth", "queue_lag",   "connection_pool",
      "other"};
  return kNames;
}

bool IsMetricType(std::string_view type) {
  for (std::string_view t : MetricTypeNames()) {
    if (t == type) return true;
  }
  return false;
}

absl::Status MetricTypeTable::AddRule(std::string_view match, std::string_view type) {
  if (match.empty() || match == "*" || match == "**") {
    return absl::InvalidArgumentError("metric type rule: empty match");
  }
  if (!IsMetricType(type)) {
    const std::string known = internal::StrJoin(MetricTypeNames(), ", ");
    return absl::InvalidArgumentError(
        internal::StrCat("metric type rule \"", match, "\": unknown type \"", type,
                         "\" (known: ", known, ")"));
  }
  if (!IsPattern(match)) {
    // The first exact rule for a name wins.
    if (exact_.emplace(std::string(match), std::string(type)).second) ++exact_count_;
    return absl::OkStatus();
  }
  Pattern p;
  p.prefix_star = match.front() == '*';
  p.suffix_star = match.size() > 1 && match.back() == '*';
  std::string_view core = match;
  if (p.prefix_star) core.remove_prefix(1);
  if (p.suffix_star && !core.empty()) core.remove_suffix(1);
  p.text = Lower(core);
  p.type = std::string(type);
  patterns_.push_back(std::move(p));
  return absl::OkStatus();
}

void MetricTypeTable::Append(const MetricTypeTable& other) {
  for (const auto& [name, type] : other.exact_) {
    if (exact_.emplace(name, type).second) ++exact_count_;
  }
  patterns_.insert(patterns_.end(), other.patterns_.begin(), other.patterns_.end());
}

MetricTypeTable MetricTypeTable::BuiltIn() {
  MetricTypeTable table;
  for (const BuiltInRule& rule : kBuiltIn) {
    const absl::Status s = table.AddRule(rule.match, rule.type);
    (void)s;  // the built-in rules are valid (tested)
  }
  return table;
}

std::string_view MetricTypeTable::TypeOf(std::string_view metric) const {
  if (!exact_.empty()) {
    auto it = exact_.find(std::string(metric));
    if (it != exact_.end()) return it->second;
  }
  if (patterns_.empty()) return "other";
  const std::string lower = Lower(metric);
  const std::string_view m = lower;
  for (const Pattern& p : patterns_) {
    bool hit;
    if (p.prefix_star && p.suffix_star) {
      hit = m.find(p.text) != std::string_view::npos;
    } else if (p.prefix_star) {
      hit = m.size() >= p.text.size() && m.substr(m.size() - p.text.size()) == p.text;
    } else {
      hit = m.substr(0, p.text.size()) == p.text;
    }
    if (hit) return p.type;
  }
  return "other";
}

absl::StatusOr<MetricTypeTable> MetricTypeTable::FromRulesJson(std::string_view json,
                                                                std::string_view name) {
  MetricTypeTable table;
  internal::JsonReader r(json);
  auto fail = [&](std::size_t offset, const std::string& what) {
    const LineColumn lc = LineColumnAt(json, offset);
    return absl::InvalidArgumentError(
        internal::StrCat(name, ":", lc.line, ":", lc.column, ": ", what));
  };
  if (!r.BeginObject()) {
    if (!r.ok()) return r.status(name);
    return fail(r.offset(), "expected an object {\"rules\": [{\"match\": ..., \"type\": ...}]}");
  }
  std::string_view key;
  bool saw_rules = false;
  while (r.NextKey(&key)) {
    if (key != "rules") {
      r.Skip();
      continue;
    }
    saw_rules = true;
    if (!r.BeginArray()) {
      if (!r.ok()) return r.status(name);
      return fail(r.offset(), "\"rules\" must be an array");
    }
    std::size_t index = 0;
    while (r.NextElement()) {
      const std::size_t at = r.offset();
      if (!r.BeginObject()) {
        if (!r.ok()) return r.status(name);
        return fail(at, internal::StrCat("rules[", index, "] must be an object"));
      }
      std::string match, type;
      std::string_view k, v;
      while (r.NextKey(&k)) {
        const bool is_match = k == "match";
        const bool is_type = k == "type";
        if (!is_match && !is_type) {
          r.Skip();
          continue;
        }
        const std::size_t vat = r.offset();
        if (!r.ReadString(&v)) {
          if (!r.ok()) return r.status(name);
          return fail(vat, internal::StrCat("rules[", index, "].", is_match ? "match" : "type",
                                            " must be a string"));
        }
        (is_match ? match : type) = std::string(v);
      }
      if (!r.ok()) return r.status(name);
      if (match.empty() || type.empty()) {
        return fail(at, internal::StrCat("rules[", index, "] needs \"match\" and \"type\""));
      }
      const absl::Status s = table.AddRule(match, type);
      if (!s.ok()) return fail(at, internal::StrCat("rules[", index, "]: ", s.message()));
      ++index;
    }
  }
  if (!r.ok()) return r.status(name);
  if (!r.ExpectEnd()) return r.status(name);
  if (!saw_rules) return fail(0, "no \"rules\" array");
  table.Append(BuiltIn());
  return table;
}

absl::StatusOr<MetricTypeTable> MetricTypeTable::FromRulesFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return FromRulesJson(*text, path);
}

}  // namespace faultline
