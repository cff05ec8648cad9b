// AddLogs() and ReadLogs(): read, decompress, detect, parse; then, per record, the
// severity fallbacks, message unwrapping, labels -> entity (ResolveEntity() only), template
// mining and the counts (see faultline/ingest/logs.h).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "faultline/ingest/logs.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "ingest/logs/log_parsers.h"
#include "ingest/operation_name.h"
#include "ingest/protowire.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline {

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kAuto: return "auto";
    case LogFormat::kOtlpJson: return "otlp-json";
    case LogFormat::kOtlpProto: return "otlp-proto";
    case LogFormat::kCsv: return "csv";
    case LogFormat::kText: return "text";
  }
  return "unknown";
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name, LogCsvMapping* mapping) {
  for (LogFormat f : {LogFormat::kAuto, LogFormat::kOtlpJson, LogFormat::kOtlpProto,
                      LogFormat::kCsv, LogFormat::kText}) {
    if (LogFormatName(f) == name) return f;
  }
  if (name == "nezha") {
    if (mapping != nullptr) *mapping = LogCsvMapping::Nezha();
    return LogFormat::kCsv;
  }
  return absl::InvalidArgumentError(internal::StrCat(
      "unknown log format \"", name,
      "\"; expected one of: auto, otlp-json, otlp-proto, csv, text, nezha"));
}

namespace internal {
namespace {

constexpr std::size_t kSniffBytes = 8192;
constexpr std::uint32_t kUnmapped = static_cast<std::uint32_t>(-1);
constexpr std::uint32_t kNoOperation = static_cast<std::uint32_t>(-1);

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A protobuf LogsData: framed (a 0 byte, then a length that fits and a record starting
// with field 1) or a message whose first field is resource_logs (1, length-delimited) and
// whose fields in the first window are well formed.
bool LooksLikeLogsProto(std::string_view bytes) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  if (bytes.size() >= 4 && p[0] == 0) {
    const std::uint32_t length = protowire::LoadBig32(p);
    if (length > bytes.size() - 4) return false;
    return length == 0 || p[4] == 0x0a;
  }
  if (bytes.empty() || p[0] != 0x0a) return false;
  const std::uint8_t* end = p + bytes.size();
  const std::uint8_t* window_end = p + std::min(bytes.size(), kSniffBytes);
  protowire::Reader r(p, p, end);
  protowire::Field f;
  if (!r.Next(&f) || f.number != 1 || f.type != protowire::kLengthDelimited) return false;
  while (f.data + f.size < window_end && r.Next(&f)) {
  }
  return r.error().ok();
}

bool LooksBinary(std::string_view head) {
  for (std::size_t i = 0; i < std::min<std::size_t>(head.size(), 64); ++i) {
    const auto u = static_cast<unsigned char>(head[i]);
    if ((u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

// The first line reads as a CSV header: two or more fields, each a name (a letter or '_'
// first, then letters, digits and " _.-()%/").
bool LooksLikeCsvHeader(std::string_view line, std::vector<std::string_view>* fields) {
  std::size_t start = 0;
  fields->clear();
  for (;;) {
    std::size_t comma = line.find(',', start);
    std::string_view field =
        line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = field.substr(1, field.size() - 2);
    }
    if (field.empty() || field.size() > 64) return false;
    const char c0 = field[0];
    if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_')) return false;
    for (char c : field) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' ||
                      c == '%' || c == '/';
      if (!ok) return false;
    }
    fields->push_back(field);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields->size() >= 2;
}

std::string DescribeStart(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes.substr(0, 24)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out + (bytes.size() > 24 ? "...\"" : "\"");
}

}  // namespace

absl::StatusOr<LogFormat> DetectLogFormat(std::string_view bytes, std::string_view name,
                                          bool* nezha) {
  *nezha = false;
  const std::string_view head = bytes.substr(0, kSniffBytes);
  if (!head.empty() && (head[0] == '\0' || head[0] == 0x0a) && LooksLikeLogsProto(bytes)) {
    return LogFormat::kOtlpProto;
  }
  std::size_t i = head.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0;
  while (i < head.size() && IsSpace(head[i])) ++i;
  if (i >= head.size()) return LogFormat::kText;  // empty: nothing to read either way
  if (LooksBinary(head.substr(i))) {
    if (LooksLikeLogsProto(bytes)) return LogFormat::kOtlpProto;
    if (head[0] == 0x0a || head[0] == '\0') return LogFormat::kOtlpProto;  // damaged: say where
    return absl::InvalidArgumentError(StrCat(
        name, ": binary data that is not OTLP protobuf logs (starts with ", DescribeStart(bytes),
        "); pass format= one of otlp-json, otlp-proto, csv, text, nezha"));
  }
  if (head[i] == '{') {
    JsonReader r;
    r.ResetToLine(bytes, i);
    std::vector<std::string> keys;
    if (r.BeginObject()) {
      std::string_view key;
      while (r.NextKey(&key)) {
        if (key == "resourceLogs" || key == "resource_logs") return LogFormat::kOtlpJson;
        if (keys.size() < 6) keys.push_back(StrCat("\"", key, "\""));
        r.Skip();
      }
    }
    if (!r.ok() && bytes.find("\"resourceLogs\"", i) != std::string_view::npos) {
      return LogFormat::kOtlpJson;  // a damaged or pretty-printed document: the parser says
    }
    return absl::InvalidArgumentError(StrCat(
        name, ": a JSON object", keys.empty() ? std::string() : StrCat(" with keys ", StrJoin(keys, ", ")),
        " but no resourceLogs: not OTLP logs; pass format= one of otlp-json, otlp-proto, csv, "
        "text, nezha"));
  }
  std::size_t eol = head.find('\n', i);
  std::string_view first = head.substr(i, eol == std::string_view::npos ? head.size() - i : eol - i);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  std::vector<std::string_view> fields;
  if (LooksLikeCsvHeader(first, &fields)) {
    auto has = [&](std::string_view f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
    *nezha = has("TimeUnixNano") && has("PodName") && has("Log");
    return LogFormat::kCsv;
  }
  return LogFormat::kText;
}

namespace {

// LogProcessor: what every record goes through, whatever its format.
class LogProcessor : public LogRecordSink {
 public:
  LogProcessor(const LogOptions& options, TemplateMiner* miner)
      : options_(options), miner_(miner) {
    auto add = [this](const std::vector<std::string>& keys) {
      for (const std::string& k : keys) relevant_.insert(std::string_view(k));
    };
    const LabelMapping& m = options.mapping;
    relevant_.insert(std::string_view(m.entity));
    add(m.pod);
    add(m.service_instance);
    add(m.service);
    add(m.k8s_namespace);
    add(m.database);
    add(m.queue);
    add(m.node);
    add(m.weak_service);
    add(m.weak_node);
    add(m.zone);
    add(m.region);
    for (const auto& [k, v] : options.labels) static_labels_.push_back({k, v});
  }

  void Begin(LogParseContext* ctx) {
    ctx_ = ctx;
    unmapped_seen_.clear();
  }

  void Record(const RawLogRecord& raw) override {
    LogReport& report = ctx_->report();
    // Labels: the static ones first, so the record's own win.
    merged_.assign(static_labels_.begin(), static_labels_.end());
    if (raw.labels != nullptr) merged_.insert(merged_.end(), raw.labels->begin(), raw.labels->end());

    // The message and its severity.
    std::string_view message = raw.body;
    Severity severity = raw.severity;
    if (options_.json_messages) Unwrap(&message, &severity);
    if (severity == Severity::kUnspecified) severity = LevelInText(message);

    // The entity.
    const std::uint32_t entity = Entity();
    Emitted e;
    e.time_ns = raw.time_ns;
    e.severity = severity;
    e.entity = entity;
    e.message = message;
    e.trace_id = raw.trace_id;
    e.span_id = raw.span_id;
    if (entity == kUnmapped) {
      ++report.rejected["unmapped"];
      std::string labels = "{";
      for (std::size_t i = 0; i < merged_.size(); ++i) {
        labels += StrCat(i == 0 ? "" : ", ", merged_[i].key, "=", merged_[i].value);
      }
      labels += "}";
      if (report.unmapped_labels.size() < options_.max_error_messages &&
          unmapped_seen_.insert(labels).second) {
        report.unmapped_labels.push_back(labels);
      }
      e.cluster = TemplateMiner::kNoTemplate;
      if (wants_unmapped_) {
        e.cluster = Mine(message);
        Emit(e);
      }
      return;
    }
    e.cluster = Mine(message);
    e.operation = Operation(entity);
    if (!Emit(e)) return;
    ++report.records_accepted;
    ++report.by_severity[static_cast<std::size_t>(severity)];
    if (e.cluster == TemplateMiner::kNoTemplate || e.cluster == TemplateMiner::kOverflow) {
      ++report.untemplated;
    }
    if (!raw.span_id.empty()) ++report.records_with_span;
    if (e.operation != kNoOperation) ++report.operation_records;
  }

  std::size_t entity_count() const { return entities_.size(); }

 protected:
  struct Emitted {
    std::int64_t time_ns;
    Severity severity;
    std::uint32_t entity;     // index into entities_, or kUnmapped
    std::uint32_t cluster;    // the miner's id, kNoTemplate or kOverflow
    std::uint32_t operation = kNoOperation;  // index into operations_
    std::string_view message, trace_id, span_id;
  };
  struct OperationRef {
    std::string service;
    std::string name;  // normalized
  };

  // Emit(): false when the record could not be used (already rejected).
  virtual bool Emit(const Emitted& e) = 0;

  std::string Where(const RawLogRecord& raw) const {
    if (raw.line > 0) return StrCat("line ", raw.line);
    return StrCat("offset ", raw.offset);
  }

  const LogOptions& options_;
  TemplateMiner* miner_;
  LogParseContext* ctx_ = nullptr;
  bool wants_unmapped_ = false;
  std::vector<ResolvedEntity> entities_;
  std::vector<OperationRef> operations_;

 private:
  std::uint32_t Mine(std::string_view message) {
    if (!options_.templates || miner_ == nullptr) return TemplateMiner::kNoTemplate;
    return miner_->Add(message);
  }

  // A JSON-object message: its "message"/"msg" member, and its "severity"/"level" when the
  // record has none.
  void Unwrap(std::string_view* message, Severity* severity) {
    std::string_view m = *message;
    while (!m.empty() && IsSpace(m.front())) m.remove_prefix(1);
    while (!m.empty() && IsSpace(m.back())) m.remove_suffix(1);
    if (m.size() < 2 || m.front() != '{' || m.back() != '}') return;
    json_.Reset(m);
    if (!json_.BeginObject()) return;
    std::string_view key, text, level;
    bool have_text = false;
    while (json_.NextKey(&key)) {
      if (!have_text && (key == "message" || key == "msg")) {
        have_text = json_.ReadString(&text, &message_scratch_);
        if (!have_text) json_.Skip();
      } else if (level.empty() && (key == "severity" || key == "level")) {
        if (!json_.ReadString(&level, &level_scratch_)) json_.Skip();
      } else {
        json_.Skip();
      }
    }
    if (!json_.ok() || !have_text) return;
    *message = text;
    if (*severity == Severity::kUnspecified && !level.empty()) *severity = SeverityFromText(level);
  }

  // The entity of merged_, through ResolveEntity(); cached by the labels that matter.
  std::uint32_t Entity() {
    relevant_labels_.clear();
    for (const LogLabel& l : merged_) {
      if (!relevant_.contains(l.key)) continue;
      bool replaced = false;
      for (LogLabel& r : relevant_labels_) {
        if (r.key == l.key) {
          r.value = l.value;
          replaced = true;
        }
      }
      if (!replaced) relevant_labels_.push_back(l);
    }
    std::sort(relevant_labels_.begin(), relevant_labels_.end(),
              [](const LogLabel& a, const LogLabel& b) { return a.key < b.key; });
    key_.clear();
    for (const LogLabel& l : relevant_labels_) {
      key_.append(l.key.data(), l.key.size());
      key_.push_back('\x1f');
      key_.append(l.value.data(), l.value.size());
      key_.push_back('\x1e');
    }
    auto it = cache_.find(key_);
    if (it != cache_.end()) return it->second;
    Attributes labels;
    labels.reserve(relevant_labels_.size());
    for (const LogLabel& l : relevant_labels_) labels.emplace_back(l.key, l.value);
    std::optional<ResolvedEntity> resolved = ResolveEntity(labels, options_.mapping);
    std::uint32_t index = kUnmapped;
    if (resolved.has_value()) {
      auto found = by_id_.find(resolved->id);
      if (found != by_id_.end()) {
        index = found->second;
      } else {
        index = static_cast<std::uint32_t>(entities_.size());
        by_id_.emplace(resolved->id, index);
        entities_.push_back(*std::move(resolved));
      }
    }
    cache_.emplace(key_, index);
    return index;
  }

  // The operation the record names, for an entity with a service.
  std::uint32_t Operation(std::uint32_t entity) {
    std::string_view op;
    for (const LogLabel& l : merged_) {
      for (const std::string& k : options_.operation_labels) {
        if (l.key == k && !l.value.empty()) op = l.value;
      }
    }
    if (op.empty()) return kNoOperation;
    const ResolvedEntity& r = entities_[entity];
    std::string service;
    if (r.kind == EntityKind::kInstance) {
      service = r.service;
    } else if (r.kind == EntityKind::kService) {
      service = r.id.substr(r.id.find(':') + 1);
    }
    if (service.empty()) return kNoOperation;
    std::string name(op);
    std::string normalized;
    if (NormalizeOperationName(name, &normalized)) name = std::move(normalized);
    std::string key = StrCat(service, "/", name);
    auto it = op_index_.find(key);
    if (it != op_index_.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(operations_.size());
    operations_.push_back({std::move(service), std::move(name)});
    op_index_.emplace(std::move(key), index);
    return index;
  }

  std::vector<LogLabel> static_labels_;
  std::vector<LogLabel> merged_;
  std::vector<LogLabel> relevant_labels_;
  absl::flat_hash_set<std::string_view> relevant_;  // views into options_.mapping
  std::string key_;
  absl::flat_hash_map<std::string, std::uint32_t> cache_;
  absl::flat_hash_map<std::string, std::uint32_t> by_id_;
  absl::flat_hash_map<std::string, std::uint32_t> op_index_;
  absl::flat_hash_set<std::string> unmapped_seen_;
  JsonReader json_;
  std::string message_scratch_, level_scratch_;
};

// Reads one source into `processor`, filling `report`.
absl::Status ReadSource(const InputSource& source, const LogOptions& options,
                        LogProcessor& processor, LogReport* report) {
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view bytes, source.View(&storage));
  if (LooksCompressed(bytes)) {
    FAULTLINE_ASSIGN_OR_RETURN(storage, Decompress(std::string(bytes), source.name()));
    bytes = storage;
  }
  report->source = source.name();
  report->format = options.format;
  LogCsvMapping csv = options.csv;
  if (report->format == LogFormat::kAuto) {
    bool nezha = false;
    FAULTLINE_ASSIGN_OR_RETURN(report->format, DetectLogFormat(bytes, source.name(), &nezha));
    if (nezha) csv = LogCsvMapping::Nezha();
  }
  LogParseContext ctx(source.name(), report, options.max_error_messages);
  processor.Begin(&ctx);
  switch (report->format) {
    case LogFormat::kOtlpJson: return ParseOtlpLogsJson(bytes, ctx, processor);
    case LogFormat::kOtlpProto: return ParseOtlpLogsProto(bytes, ctx, processor);
    case LogFormat::kCsv: return ParseLogCsv(bytes, csv, ctx, processor);
    case LogFormat::kText: return ParseLogText(bytes, options.text, ctx, processor);
    case LogFormat::kAuto: break;
  }
  return absl::InvalidArgumentError("no log format");
}

// --- into the model ------------------------------------------------------------------------

struct CountKey {
  EntityId entity;
  std::uint32_t cluster;
  std::int64_t bucket;
  Severity severity;
  bool operator==(const CountKey& o) const {
    return entity == o.entity && cluster == o.cluster && bucket == o.bucket &&
           severity == o.severity;
  }
  template <typename H>
  friend H AbslHashValue(H h, const CountKey& k) {
    return H::combine(std::move(h), k.entity, k.cluster, k.bucket, k.severity);
  }
};

class ModelLogSink : public LogProcessor {
 public:
  ModelLogSink(ModelBuilder& builder, SubgraphId subgraph, const LogOptions& options,
               TemplateMiner* miner)
      : LogProcessor(options, miner),
        builder_(builder),
        subgraph_(subgraph),
        width_(builder.options().bucket_width_ns) {}

  // Finish(): writes the counts, each template's final text interned once. Returns the
  // number of distinct template ids written.
  absl::StatusOr<std::size_t> Finish() {
    std::vector<std::uint32_t> ids;
    absl::flat_hash_set<std::uint32_t> distinct;
    if (miner_ != nullptr) {
      ids.resize(miner_->size());
      for (std::uint32_t c = 0; c < ids.size(); ++c) {
        ids[c] = builder_.InternLogTemplate(miner_->Template(c));
        distinct.insert(ids[c]);
      }
    }
    for (const auto& [key, count] : counts_) {
      const std::uint32_t id = key.cluster < ids.size() ? ids[key.cluster] : kNoTemplate;
      builder_.EntityLogs(subgraph_, key.entity)
          .Record(key.bucket * width_, key.severity, id, count);
    }
    counts_.clear();
    return distinct.size();
  }

  const absl::Status& status() const { return status_; }

 private:
  bool Emit(const Emitted& e) override {
    const EntityId entity = ModelEntity(e.entity);
    if (entity == kInvalidEntity) return false;
    const std::int64_t bucket = e.time_ns / width_;
    ++counts_[CountKey{entity, e.cluster, bucket, e.severity}];
    if (e.operation != kNoOperation) {
      const EntityId op = ModelOperation(e.operation, entity);
      if (op != kInvalidEntity) ++counts_[CountKey{op, e.cluster, bucket, e.severity}];
    }
    return true;
  }

  EntityId ModelEntity(std::uint32_t index) {
    if (index < model_ids_.size() && model_ids_[index] != kUnset) return model_ids_[index];
    if (model_ids_.size() <= index) model_ids_.resize(index + 1, kUnset);
    auto id = AddResolvedEntity(builder_, subgraph_, entities_[index]);
    if (!id.ok()) {
      ctx_->Reject("entity conflict", std::string(id.status().message()));
      if (status_.ok()) status_ = id.status();
      model_ids_[index] = kInvalidEntity;
      return kInvalidEntity;
    }
    model_ids_[index] = *id;
    return *id;
  }

  EntityId ModelOperation(std::uint32_t index, EntityId) {
    if (index < op_ids_.size() && op_ids_[index] != kUnset) return op_ids_[index];
    if (op_ids_.size() <= index) op_ids_.resize(index + 1, kUnset);
    const OperationRef& op = operations_[index];
    EntityId result = kInvalidEntity;
    auto service = builder_.AddEntity(subgraph_, EntityKind::kService, "service:" + op.service);
    if (service.ok()) {
      auto id = builder_.AddEntity(subgraph_, EntityKind::kOperation,
                                   StrCat("operation:", op.service, "/", op.name),
                                   {{"service", op.service}, {"operation", op.name}});
      if (id.ok() && builder_.AddEdge(subgraph_, *service, *id, EdgeKind::kContains).ok()) {
        result = *id;
      }
    }
    op_ids_[index] = result;
    return result;
  }

  static constexpr EntityId kUnset = kInvalidEntity - 1;

  ModelBuilder& builder_;
  SubgraphId subgraph_;
  std::int64_t width_;
  std::vector<EntityId> model_ids_;
  std::vector<EntityId> op_ids_;
  absl::flat_hash_map<CountKey, std::uint64_t> counts_;
  absl::Status status_;
};

// --- rows, without the model ---------------------------------------------------------------

class RowLogSink : public LogProcessor {
 public:
  RowLogSink(const LogOptions& options, TemplateMiner* miner,
             const std::function<void(const LogRow&)>& visit)
      : LogProcessor(options, miner), visit_(visit) {
    wants_unmapped_ = true;
  }

 private:
  bool Emit(const Emitted& e) override {
    LogRow row;
    row.time_ns = e.time_ns;
    row.severity = e.severity;
    if (e.entity != kUnmapped) row.entity = entities_[e.entity].id;
    row.template_id = e.cluster;
    row.message = e.message;
    row.trace_id = e.trace_id;
    row.span_id = e.span_id;
    if (e.operation != kNoOperation) {
      op_text_ = StrCat(operations_[e.operation].service, "/", operations_[e.operation].name);
      row.operation = op_text_;
    }
    visit_(row);
    return true;
  }

  const std::function<void(const LogRow&)>& visit_;
  std::string op_text_;
};

}  // namespace
}  // namespace internal

absl::StatusOr<LogBatchReport> AddLogs(ModelBuilder& builder,
                                       const std::vector<InputSource>& sources,
                                       const LogOptions& options) {
  SubgraphOptions sub;
  sub.kind = "logs";
  FAULTLINE_ASSIGN_OR_RETURN(
      const SubgraphId subgraph,
      builder.AddSubgraph(options.subgraph.empty() ? "logs/default" : options.subgraph, sub));
  TemplateMiner miner(options.miner);
  internal::ModelLogSink sink(builder, subgraph, options, options.templates ? &miner : nullptr);
  LogBatchReport batch;
  batch.files.reserve(sources.size());
  absl::Status failed;
  for (const InputSource& source : sources) {
    LogReport report;
    absl::Status status = internal::ReadSource(source, options, sink, &report);
    if (!status.ok()) {
      failed = std::move(status);
      break;
    }
    batch.files.push_back(std::move(report));
  }
  // What was read stays in the model, also after an error.
  FAULTLINE_ASSIGN_OR_RETURN(batch.template_ids, sink.Finish());
  FAULTLINE_RETURN_IF_ERROR(failed);
  batch.templates = miner.size();
  batch.template_overflow = miner.overflowed();
  batch.entities = sink.entity_count();
  return batch;
}

absl::StatusOr<LogReport> AddLogs(ModelBuilder& builder, const InputSource& source,
                                  const LogOptions& options) {
  FAULTLINE_ASSIGN_OR_RETURN(LogBatchReport batch,
                             AddLogs(builder, std::vector<InputSource>{source}, options));
  return std::move(batch.files.front());
}

absl::StatusOr<LogBatchReport> ReadLogs(const std::vector<InputSource>& sources,
                                        const LogOptions& options, TemplateMiner& miner,
                                        const std::function<void(const LogRow&)>& visit) {
  internal::RowLogSink sink(options, options.templates ? &miner : nullptr, visit);
  LogBatchReport batch;
  for (const InputSource& source : sources) {
    LogReport report;
    FAULTLINE_RETURN_IF_ERROR(internal::ReadSource(source, options, sink, &report));
    batch.files.push_back(std::move(report));
  }
  batch.templates = miner.size();
  batch.template_overflow = miner.overflowed();
  batch.entities = sink.entity_count();
  return batch;
}

}  // namespace faultline
