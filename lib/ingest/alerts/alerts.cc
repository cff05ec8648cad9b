// ReadAlerts() and AddAlerts(): Alertmanager webhook payloads, Prometheus /api/v1/alerts
// responses and plain alert lists into Alert records on entities.
#include "faultline/ingest/alerts.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "ingest/alerts/record_json.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline {

std::string_view AlertFormatName(AlertFormat format) {
  switch (format) {
    case AlertFormat::kAuto: return "auto";
    case AlertFormat::kAlertmanager: return "alertmanager";
    case AlertFormat::kPrometheus: return "prometheus";
    case AlertFormat::kJson: return "json";
  }
  return "auto";
}

absl::StatusOr<AlertFormat> ParseAlertFormat(std::string_view name) {
  for (AlertFormat f : {AlertFormat::kAuto, AlertFormat::kAlertmanager, AlertFormat::kPrometheus,
                        AlertFormat::kJson}) {
    if (name == AlertFormatName(f)) return f;
  }
  if (name.empty()) return AlertFormat::kAuto;
  return absl::InvalidArgumentError(internal::StrCat(
      "unknown alert format \"", name, "\"; expected alertmanager, prometheus, json or auto"));
}

namespace {

using internal::JsonNode;
using internal::JsonReader;
using internal::JsonType;
using internal::StrCat;

std::string_view Describe(AlertFormat f) {
  switch (f) {
    case AlertFormat::kAlertmanager: return "an Alertmanager webhook payload";
    case AlertFormat::kPrometheus: return "a Prometheus /api/v1/alerts response";
    case AlertFormat::kJson: return "a list of alerts";
    case AlertFormat::kAuto: break;
  }
  return "alerts";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::string* FindLabel(const Attributes& labels, std::string_view key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return &v;
  }
  return nullptr;
}

void SetIfAbsent(Attributes& labels, std::string_view key, std::string_view value) {
  if (value.empty() || FindLabel(labels, key) != nullptr) return;
  labels.emplace_back(std::string(key), std::string(value));
  std::sort(labels.begin(), labels.end());
}

// Fields of a plain alert object that are not labels.
bool IsAlertField(std::string_view key) {
  static constexpr std::string_view kFields[] = {
      "name",     "alertname",    "labels",      "annotations", "severity",     "status",
      "state",    "startsAt",     "starts_at",   "activeAt",    "time",         "start",
      "timestamp", "endsAt",      "ends_at",     "end",         "summary",      "description",
      "message",  "fingerprint",  "value",       "generatorURL", "updatedAt",   "receivers",
      "inhibitedBy", "silencedBy", "keepFiringSince"};
  for (std::string_view f : kFields) {
    if (key == f) return true;
  }
  return false;
}

// The first of `keys` present in `node` (non-null), or nullptr.
const JsonNode* FirstOf(const JsonNode& node, std::initializer_list<std::string_view> keys,
                        std::string_view* which) {
  for (std::string_view k : keys) {
    const JsonNode* v = node.Get(k);
    if (v != nullptr && v->type != JsonType::kNull) {
      *which = k;
      return v;
    }
  }
  return nullptr;
}

class AlertParser {
 public:
  AlertParser(std::string_view text, std::string_view name, const AlertOptions& options,
              AlertReport* report)
      : text_(text), name_(name), options_(options), report_(report), lines_(text) {}

  absl::Status Run() {
    JsonReader reader;
    absl::Status status = internal::ReadJsonStream(
        text_, name_, reader,
        [this](JsonReader& r, std::size_t) {
          Commit();
          if (fatal_.ok()) Value(r, 0);
          else r.Skip();
        },
        [this](std::size_t line, std::string_view where) {
          batch_.Clear();
          batch_.read = 1;
          ++batch_.rejected["malformed JSON"];
          if (batch_.errors.size() < options_.max_error_messages) {
            batch_.errors.push_back(StrCat(name_, ": ", where));
          }
          Commit();
          (void)line;
        });
    if (!fatal_.ok()) return fatal_;
    if (!status.ok()) return status;
    Commit();
    return absl::OkStatus();
  }

  std::vector<ParsedAlert> TakeAlerts() { return std::move(alerts_); }

 private:
  enum class Context { kTop, kListElement, kData };

  std::string Where(std::size_t offset) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column);
  }

  // A document of `found` format: checks it against the named one. False (and fatal_ set,
  // the reader stopped) on a mismatch.
  bool Shape(AlertFormat found, std::size_t offset, JsonReader& r) {
    if (options_.format != AlertFormat::kAuto && options_.format != found) {
      const LineColumn lc = lines_.At(offset);
      fatal_ = absl::InvalidArgumentError(
          StrCat(name_, ":", lc.line, ":", lc.column, ": expected ", Describe(options_.format),
                 " (format \"", AlertFormatName(options_.format), "\" was named), found ",
                 Describe(found)));
      r.FailAt(offset, "an alert document");
      return false;
    }
    if (report_->format == AlertFormat::kAuto) report_->format = found;
    return true;
  }

  void Reject(std::string_view reason, std::size_t offset, std::string_view detail) {
    internal::CountRejected(batch_.rejected, batch_.errors, options_.max_error_messages, name_,
                            reason, Where(offset), detail);
  }

  void Value(JsonReader& r, int level) {
    const JsonType type = r.Peek();
    if (type == JsonType::kObject) {
      Object(r, level == 0 ? Context::kTop : Context::kListElement);
      return;
    }
    if (type == JsonType::kArray && level == 0) {
      const std::size_t offset = r.offset();
      r.BeginArray();
      bool any = false;
      while (r.NextElement()) {
        any = true;
        Value(r, 1);
      }
      if (!any && r.ok()) {
        // An empty list: a list of alerts with none in it.
        if (!Shape(AlertFormat::kJson, offset, r)) return;
        ++report_->documents;
      }
      return;
    }
    if (level == 0) {
      const std::size_t offset = r.offset();
      if (r.Skip()) {
        const LineColumn lc = lines_.At(offset);
        fatal_ = absl::InvalidArgumentError(StrCat(
            name_, ":", lc.line, ":", lc.column,
            ": expected an Alertmanager webhook payload, a Prometheus /api/v1/alerts "
            "response or a list of alerts, found ", internal::JsonTypeName(type)));
        r.FailAt(offset, "an alert document");
      }
      return;
    }
    ++batch_.read;
    Reject("not an object", r.offset(), StrCat("found ", internal::JsonTypeName(type)));
    r.Skip();
  }

  // The elements of an "alerts" array: alert objects, kept as trees until the enclosing
  // document is complete (its common labels may come after them).
  void AlertArray(JsonReader& r, std::vector<JsonNode>* out) {
    r.BeginArray();
    while (r.NextElement()) {
      if (r.Peek() != JsonType::kObject) {
        ++batch_.read;
        Reject("not an object", r.offset(),
               StrCat("found ", internal::JsonTypeName(r.Peek())));
        r.Skip();
        continue;
      }
      out->emplace_back();
      if (!internal::ReadJsonNode(r, &out->back())) return;
    }
  }

  void Object(JsonReader& r, Context context) {
    const std::size_t offset = r.offset();
    JsonNode self;
    self.type = JsonType::kObject;
    self.offset = offset;
    std::vector<JsonNode> nested;  // alerts of a payload or response
    bool payload = false, response = false;
    r.BeginObject();
    std::string_view key;
    while (r.NextKey(&key)) {
      if (key == "alerts" && r.Peek() == JsonType::kArray) {
        if (context == Context::kData) {
          response = true;
        } else {
          payload = true;
          if (!Shape(AlertFormat::kAlertmanager, offset, r)) return;
        }
        AlertArray(r, &nested);
        continue;
      }
      if (context != Context::kData && key == "data" && r.Peek() == JsonType::kObject) {
        if (!Shape(AlertFormat::kPrometheus, offset, r)) return;
        response = true;
        Object(r, Context::kData);
        // The data object's alerts were read into data_alerts_.
        continue;
      }
      self.members.emplace_back(std::string(key), JsonNode());
      if (!internal::ReadJsonNode(r, &self.members.back().second)) return;
    }
    if (!r.ok()) return;
    if (context == Context::kData) {
      if (!response) {
        const LineColumn lc = lines_.At(offset);
        fatal_ = absl::InvalidArgumentError(
            StrCat(name_, ":", lc.line, ":", lc.column,
                   ": a Prometheus response without \"alerts\" in its data (a query result?): "
                   "expected a /api/v1/alerts response"));
        r.FailAt(offset, "an alerts response");
        return;
      }
      data_alerts_ = std::move(nested);
      return;
    }
    if (response) {
      // A Prometheus response: {"status", "data": {"alerts": [...]}, "error"}.
      if (ScalarText(self.Get("status")) == "error") {
        const LineColumn lc = lines_.At(offset);
        fatal_ = absl::InvalidArgumentError(
            StrCat(name_, ":", lc.line, ":", lc.column, ": the Prometheus response has status "
                   "\"error\": ", ScalarText(self.Get("errorType")), " ",
                   ScalarText(self.Get("error"))));
        r.FailAt(offset, "a successful response");
        return;
      }
      ++report_->documents;
      std::vector<JsonNode> list = std::move(data_alerts_);
      data_alerts_.clear();
      for (const JsonNode& a : list) Build(a, AlertFormat::kPrometheus, {}, {});
      return;
    }
    if (payload) {
      ++report_->documents;
      const Attributes common_labels = internal::StringMap(self.Get("commonLabels"));
      const Attributes common_annotations = internal::StringMap(self.Get("commonAnnotations"));
      for (const JsonNode& a : nested) {
        Build(a, AlertFormat::kAlertmanager, common_labels, common_annotations);
      }
      return;
    }
    // A plain alert. Alone at the top of a source whose format is not known yet, it must
    // look like one (later lines of JSON Lines are records like any other).
    if (context == Context::kTop && report_->format == AlertFormat::kAuto &&
        self.Get("labels") == nullptr &&
        self.Get("alertname") == nullptr && self.Get("name") == nullptr) {
      const LineColumn lc = lines_.At(offset);
      fatal_ = absl::InvalidArgumentError(StrCat(
          name_, ":", lc.line, ":", lc.column,
          ": expected an Alertmanager webhook payload (\"alerts\"), a Prometheus "
          "/api/v1/alerts response (\"data\") or an alert (\"labels\", \"alertname\" or "
          "\"name\")"));
      r.FailAt(offset, "an alert document");
      return;
    }
    if (!Shape(AlertFormat::kJson, offset, r)) return;
    if (context == Context::kTop) ++report_->documents;
    else if (!list_counted_) {
      list_counted_ = true;
      ++report_->documents;
    }
    Build(self, AlertFormat::kJson, {}, {});
  }

  // One alert object into batch_.
  void Build(const JsonNode& node, AlertFormat format, const Attributes& common_labels,
             const Attributes& common_annotations) {
    ++batch_.read;
    ParsedAlert a;
    a.line = lines_.At(node.offset).line;
    a.labels = internal::StringMap(node.Get("labels"));
    for (const auto& [k, v] : common_labels) SetIfAbsent(a.labels, k, v);
    if (format == AlertFormat::kJson) {
      for (const auto& [k, v] : node.members) {
        if (!IsAlertField(k) && v.is_scalar()) SetIfAbsent(a.labels, k, v.text);
      }
    }
    a.annotations = internal::StringMap(node.Get("annotations"));
    for (const auto& [k, v] : common_annotations) SetIfAbsent(a.annotations, k, v);

    if (const std::string* n = FindLabel(a.labels, "alertname")) a.name = *n;
    if (a.name.empty()) a.name = std::string(ScalarText(node.Get("alertname")));
    if (a.name.empty()) a.name = std::string(ScalarText(node.Get("name")));
    if (a.name.empty()) {
      Reject("missing alertname", node.offset, "no alertname label, \"alertname\" or \"name\"");
      return;
    }
    SetIfAbsent(a.labels, "alertname", a.name);
    if (const std::string* s = FindLabel(a.labels, "severity")) a.severity = *s;
    if (a.severity.empty()) {
      a.severity = std::string(ScalarText(node.Get("severity")));
      SetIfAbsent(a.labels, "severity", a.severity);
    }

    std::string_view which;
    bool bad = false, zero = false;
    const JsonNode* start = FirstOf(
        node, {"startsAt", "starts_at", "activeAt", "time", "start", "timestamp"}, &which);
    const auto starts = internal::TimeOfNode(start, &bad, &zero);
    if (bad || zero) {
      Reject("bad timestamp", start->offset,
             StrCat(which, " ", start->type == JsonType::kString ? "\"" : "", start->text,
                    start->type == JsonType::kString ? "\"" : "",
                    zero ? " is the zero time" : " is not an RFC 3339 time or Unix epoch"));
      return;
    }
    if (!starts) {
      Reject("missing start time", node.offset,
             "no startsAt, starts_at, activeAt, time, start or timestamp");
      return;
    }
    a.starts_ns = *starts;
    const JsonNode* end = FirstOf(node, {"endsAt", "ends_at", "end"}, &which);
    const auto ends = internal::TimeOfNode(end, &bad, &zero);
    if (bad) {
      Reject("bad timestamp", end->offset,
             StrCat(which, " \"", end->text, "\" is not an RFC 3339 time or Unix epoch"));
      return;
    }
    a.ends_ns = ends.value_or(0);

    // State: "status" (a string, or Alertmanager API's {"state": ...}) or "state".
    std::string state;
    if (const JsonNode* status = node.Get("status")) {
      state = status->type == JsonType::kObject ? std::string(ScalarText(status->Get("state")))
                                                : std::string(ScalarText(status));
    }
    if (state.empty()) state = std::string(ScalarText(node.Get("state")));
    state = Lower(state);
    if (state == "active") state = "firing";
    if (state == "inactive") state = "resolved";
    if (state.empty()) state = a.ends_ns != 0 ? "resolved" : "firing";
    a.state = std::move(state);
    if (a.state == "firing" || a.state == "pending") a.ends_ns = 0;

    for (std::string_view k : {"summary", "description", "message"}) {
      if (const std::string* v = FindLabel(a.annotations, k)) {
        a.summary = *v;
        break;
      }
    }
    for (std::string_view k : {"summary", "description", "message"}) {
      if (!a.summary.empty()) break;
      a.summary = std::string(ScalarText(node.Get(k)));
    }
    a.fingerprint = std::string(ScalarText(node.Get("fingerprint")));
    batch_.records.push_back(std::move(a));
  }

  // The current line's (or document's) records join the result, repeats folded.
  void Commit() {
    report_->read += batch_.read;
    for (const auto& [reason, count] : batch_.rejected) report_->rejected[reason] += count;
    for (std::string& e : batch_.errors) {
      if (report_->errors.size() < options_.max_error_messages) {
        report_->errors.push_back(std::move(e));
      }
    }
    for (ParsedAlert& a : batch_.records) {
      std::string key = a.fingerprint.empty()
                            ? StrCat(a.name, "\x1f", FormatLabels(a.labels))
                            : StrCat("#", a.fingerprint);
      key += StrCat("\x1f", a.starts_ns);
      auto [it, inserted] = index_.try_emplace(key, alerts_.size());
      if (inserted) {
        alerts_.push_back(std::move(a));
        continue;
      }
      ++report_->merged;
      ParsedAlert& kept = alerts_[it->second];
      kept.state = std::move(a.state);
      kept.ends_ns = a.ends_ns;
      if (!a.summary.empty()) kept.summary = std::move(a.summary);
      for (const auto& [k, v] : a.annotations) {
        bool found = false;
        for (auto& [kk, vv] : kept.annotations) {
          if (kk == k) {
            vv = v;
            found = true;
          }
        }
        if (!found) kept.annotations.emplace_back(k, v);
      }
      std::sort(kept.annotations.begin(), kept.annotations.end());
    }
    batch_.Clear();
  }

  std::string_view text_;
  std::string name_;
  const AlertOptions& options_;
  AlertReport* report_;
  internal::LineTracker lines_;
  internal::RecordBatch<ParsedAlert> batch_;
  std::vector<ParsedAlert> alerts_;
  absl::flat_hash_map<std::string, std::size_t> index_;
  std::vector<JsonNode> data_alerts_;
  bool list_counted_ = false;
  absl::Status fatal_;
};

}  // namespace

absl::StatusOr<std::vector<ParsedAlert>> ReadAlerts(const InputSource& source,
                                                    const AlertOptions& options,
                                                    AlertReport* report) {
  report->source = source.name();
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view view, source.View(&storage));
  if (internal::LooksCompressed(view)) {
    FAULTLINE_ASSIGN_OR_RETURN(storage, internal::Decompress(std::string(view), source.name()));
    view = storage;
  }
  AlertParser parser(view, source.name(), options, report);
  FAULTLINE_RETURN_IF_ERROR(parser.Run());
  return parser.TakeAlerts();
}

absl::StatusOr<AlertReport> AddAlerts(ModelBuilder& builder, const InputSource& source,
                                      const AlertOptions& options) {
  AlertReport report;
  FAULTLINE_ASSIGN_OR_RETURN(std::vector<ParsedAlert> alerts,
                             ReadAlerts(source, options, &report));
  report.subgraph = options.subgraph.empty() ? "alerts/default" : options.subgraph;
  // Resolve everything first: a kind conflict leaves the builder unchanged.
  std::vector<std::optional<ResolvedEntity>> resolved;
  resolved.reserve(alerts.size());
  for (const ParsedAlert& a : alerts) {
    resolved.push_back(ResolveEntity(a.labels, options.labels));
    if (resolved.back()) {
      FAULTLINE_RETURN_IF_ERROR(
          internal::CheckResolvedKinds(builder, *resolved.back(), source.name()));
    }
  }
  SubgraphOptions sg_options;
  sg_options.kind = "alerts";
  FAULTLINE_ASSIGN_OR_RETURN(const SubgraphId subgraph,
                             builder.AddSubgraph(report.subgraph, sg_options));
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    ParsedAlert& a = alerts[i];
    if (!resolved[i]) {
      ++report.rejected["unmapped"];
      if (report.unmapped.size() < options.max_unmapped_listed) {
        report.unmapped.push_back(
            StrCat("line ", a.line, ": ", FormatLabels(a.labels)));
      }
      continue;
    }
    FAULTLINE_ASSIGN_OR_RETURN(const EntityId entity,
                               AddResolvedEntity(builder, subgraph, *resolved[i]));
    Alert alert;
    alert.name = std::move(a.name);
    alert.severity = std::move(a.severity);
    alert.state = std::move(a.state);
    alert.starts_ns = a.starts_ns;
    alert.ends_ns = a.ends_ns;
    alert.labels = std::move(resolved[i]->matched);
    alert.summary = std::move(a.summary);
    alert.source = source.name();
    FAULTLINE_RETURN_IF_ERROR(builder.AddAlert(subgraph, entity, std::move(alert)));
    ++report.accepted;
  }
  return report;
}

absl::StatusOr<std::vector<AlertReport>> AddAlerts(ModelBuilder& builder,
                                                   const std::vector<InputSource>& sources,
                                                   const AlertOptions& options) {
  std::vector<AlertReport> reports;
  for (const InputSource& s : sources) {
    FAULTLINE_ASSIGN_OR_RETURN(AlertReport r, AddAlerts(builder, s, options));
    reports.push_back(std::move(r));
  }
  return reports;
}

}  // namespace faultline
