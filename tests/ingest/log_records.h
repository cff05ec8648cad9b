// Test helpers for the log readers: one list of records written in every log format
// (OTLP/JSON, OTLP protobuf, CSV, plain text), and the rows ReadLogs() makes of a source.
#ifndef FAULTLINE_TESTS_INGEST_LOG_RECORDS_H_
#define FAULTLINE_TESTS_INGEST_LOG_RECORDS_H_

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "faultline/ingest/logs.h"

namespace faultline::testing {

struct GoldenRecord {
  std::int64_t time_ns;
  std::string service;
  std::string pod;  // "" for none
  int severity_number;
  std::string severity_word;
  std::string message;
  std::string trace_id;
  std::string span_id;
};

inline std::vector<GoldenRecord> GoldenRecords() {
  constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
  constexpr std::int64_t s = 1'000'000'000;
  return {
      {t0 + 1 * s + 5, "checkout", "checkout-7d9f8b6c5d-abcde", 17, "ERROR",
       "payment 4711 failed: card declined", "0af7651916cd43dd8448eb211c80319c",
       "b7ad6b7169203331"},
      {t0 + 3 * s + 250'000'000, "checkout", "checkout-7d9f8b6c5d-abcde", 17, "ERROR",
       "payment 4712 failed: card declined", "", ""},
      {t0 + 4 * s, "checkout", "checkout-7d9f8b6c5d-abcde", 9, "INFO",
       "order 17 placed for user alice", "", ""},
      {t0 + 12 * s + 1, "checkout", "checkout-7d9f8b6c5d-abcde", 9, "INFO",
       "order 18 placed for user bob", "", ""},
      {t0 + 13 * s, "cart", "", 5, "DEBUG", "cache miss for key cart:42", "", ""},
      {t0 + 14 * s + 999, "cart", "", 13, "WARN",
       "slow response from currencyservice after 300 ms", "4bf92f3577b34da6a3ce929d0e0e4736",
       "00f067aa0ba902b7"},
      {t0 + 25 * s, "cart", "", 17, "ERROR", "payment 99 failed: card declined", "", ""},
  };
}

// RFC 3339 with nanoseconds, UTC.
inline std::string Rfc3339(std::int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ns % 1'000'000'000));
  return buf;
}

inline std::string JsonAttr(const std::string& key, const std::string& value) {
  return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
}

// One ExportLogsServiceRequest per record and line.
inline std::string GoldenOtlpJson() {
  std::string out;
  for (const GoldenRecord& r : GoldenRecords()) {
    std::string attrs = JsonAttr("service.name", r.service);
    if (!r.pod.empty()) attrs += "," + JsonAttr("k8s.pod.name", r.pod);
    out += "{\"resourceLogs\":[{\"resource\":{\"attributes\":[" + attrs +
           "]},\"scopeLogs\":[{\"scope\":{\"name\":\"app\"},\"logRecords\":[{\"timeUnixNano\":\"" +
           std::to_string(r.time_ns) + "\",\"severityNumber\":" +
           std::to_string(r.severity_number) + ",\"severityText\":\"" + r.severity_word +
           "\",\"body\":{\"stringValue\":\"" + r.message + "\"}";
    if (!r.trace_id.empty()) out += ",\"traceId\":\"" + r.trace_id + "\",\"spanId\":\"" + r.span_id + "\"";
    out += "}]}]}]}\n";
  }
  return out;
}

// A minimal protobuf writer.
class ProtoWriter {
 public:
  ProtoWriter& Varint(int field, std::uint64_t v) {
    Tag(field, 0);
    Raw(v);
    return *this;
  }
  ProtoWriter& Fixed64(int field, std::uint64_t v) {
    Tag(field, 1);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }
  ProtoWriter& Bytes(int field, const std::string& bytes) {
    Tag(field, 2);
    Raw(bytes.size());
    out_ += bytes;
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void Tag(int field, int type) { Raw(static_cast<std::uint64_t>(field) << 3 | type); }
  void Raw(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

inline std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

inline std::string ProtoAttr(const std::string& key, const std::string& value) {
  return ProtoWriter().Bytes(1, key).Bytes(2, ProtoWriter().Bytes(1, value).str()).str();
}

// One LogsData message per record, each framed by a 4-byte big-endian length.
inline std::string GoldenOtlpProto() {
  std::string out;
  for (const GoldenRecord& r : GoldenRecords()) {
    ProtoWriter resource;
    resource.Bytes(1, ProtoAttr("service.name", r.service));
    if (!r.pod.empty()) resource.Bytes(1, ProtoAttr("k8s.pod.name", r.pod));
    ProtoWriter record;
    record.Fixed64(1, static_cast<std::uint64_t>(r.time_ns))
        .Varint(2, static_cast<std::uint64_t>(r.severity_number))
        .Bytes(3, r.severity_word)
        .Bytes(5, ProtoWriter().Bytes(1, r.message).str());
    if (!r.trace_id.empty()) {
      record.Bytes(9, HexToBytes(r.trace_id)).Bytes(10, HexToBytes(r.span_id));
    }
    const std::string scope = ProtoWriter().Bytes(2, record.str()).str();
    const std::string rl = ProtoWriter().Bytes(1, resource.str()).Bytes(2, scope).str();
    const std::string msg = ProtoWriter().Bytes(1, rl).str();
    const auto n = static_cast<std::uint32_t>(msg.size());
    out.push_back(static_cast<char>(n >> 24));
    out.push_back(static_cast<char>(n >> 16));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
    out += msg;
  }
  return out;
}

// CSV: epoch nanoseconds, a lower-case severity word, the pod under "k8s.pod.name".
inline std::string GoldenCsv() {
  std::string out = "time,severity,message,service,k8s.pod.name,trace_id,span_id\n";
  for (const GoldenRecord& r : GoldenRecords()) {
    std::string word = r.severity_word;
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += std::to_string(r.time_ns) + "," + word + ",\"" + r.message + "\"," + r.service + "," +
           r.pod + "," + r.trace_id + "," + r.span_id + "\n";
  }
  return out;
}

// Plain text: "TIME LEVEL service=S [pod=P ][trace=T span=S ]MESSAGE".
inline std::string GoldenText() {
  std::string out;
  for (const GoldenRecord& r : GoldenRecords()) {
    out += Rfc3339(r.time_ns) + " " + r.severity_word + " service=" + r.service + " ";
    if (!r.pod.empty()) out += "pod=" + r.pod + " ";
    if (!r.trace_id.empty()) out += "trace=" + r.trace_id + " span=" + r.span_id + " ";
    out += r.message + "\n";
  }
  return out;
}

inline constexpr const char* kGoldenTextRegex =
    R"(^(?P<time>\S+) (?P<severity>[A-Z]+) service=(?P<service>\S+) (?:pod=(?P<pod>\S+) )?(?:trace=(?P<trace_id>\S+) span=(?P<span_id>\S+) )?(?P<message>.*)$)";

// One row of ReadLogs(), with the template's final text.
struct Row {
  std::int64_t time_ns;
  std::string entity;
  Severity severity;
  std::string template_text;
  std::string message;
  std::string trace_id;
  std::string span_id;
  std::string operation;
  bool operator==(const Row& o) const {
    return std::tie(time_ns, entity, severity, template_text, message, trace_id, span_id,
                    operation) == std::tie(o.time_ns, o.entity, o.severity, o.template_text,
                                           o.message, o.trace_id, o.span_id, o.operation);
  }
};

inline std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "{" << r.time_ns << " " << r.entity << " " << SeverityName(r.severity) << " ["
            << r.template_text << "] \"" << r.message << "\" " << r.trace_id << "/" << r.span_id
            << " " << r.operation << "}";
}

struct ReadResult {
  std::vector<Row> rows;
  LogBatchReport batch;
  absl::Status status;
  const LogReport& report() const { return batch.files.front(); }
};

inline ReadResult ReadRows(const std::vector<InputSource>& sources, const LogOptions& options) {
  ReadResult out;
  TemplateMiner miner(options.miner);
  std::vector<std::uint32_t> ids;
  auto batch = ReadLogs(sources, options, miner, [&](const LogRow& row) {
    out.rows.push_back(Row{row.time_ns, std::string(row.entity), row.severity, "",
                           std::string(row.message), std::string(row.trace_id),
                           std::string(row.span_id), std::string(row.operation)});
    ids.push_back(row.template_id);
  });
  out.status = batch.status();
  if (batch.ok()) out.batch = *std::move(batch);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out.rows[i].template_text = ids[i] == TemplateMiner::kNoTemplate ? "(none)"
                                : ids[i] == TemplateMiner::kOverflow ? "(overflow)"
                                                                     : miner.Template(ids[i]);
  }
  return out;
}

inline ReadResult ReadRows(const std::string& bytes, const LogOptions& options,
                           const std::string& name = "<test>") {
  return ReadRows(std::vector<InputSource>{InputSource::FromBytes(bytes, name)}, options);
}

}  // namespace faultline::testing

#endif  // FAULTLINE_TESTS_INGEST_LOG_RECORDS_H_
