// ReadEvents() and AddEvents(): Kubernetes events and JSON lists of deploys and config
// changes into ChangeEvent records on entities.
#include "faultline/ingest/events.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "ingest/alerts/record_json.h"
#include "ingest/trace_parsers.h"
#include "io/json_reader.h"

namespace faultline {

std::string_view EventFormatName(EventFormat format) {
  switch (format) {
    case EventFormat::kAuto: return "auto";
    case EventFormat::kKubernetes: return "kubernetes";
    case EventFormat::kJson: return "json";
  }
  return "auto";
}

absl::StatusOr<EventFormat> ParseEventFormat(std::string_view name) {
  for (EventFormat f : {EventFormat::kAuto, EventFormat::kKubernetes, EventFormat::kJson}) {
    if (name == EventFormatName(f)) return f;
  }
  if (name.empty()) return EventFormat::kAuto;
  return absl::InvalidArgumentError(internal::StrCat(
      "unknown event format \"", name, "\"; expected kubernetes, json or auto"));
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Config Change", "config-change", "ConfigChange" -> "config_change".
std::string SnakeCase(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c)) {
      const bool upper = std::isupper(c);
      if (upper && i > 0 && std::islower(static_cast<unsigned char>(s[i - 1])) &&
          !out.empty() && out.back() != '_') {
        out.push_back('_');
      }
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool ParseCount(std::string_view text, std::uint64_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::string EventKindOfReason(std::string_view reason, std::uint64_t count) {
  static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"BackOff", "backoff"},
      {"OOMKilling", "oom_killed"},
      {"OOMKilled", "oom_killed"},
      {"Killing", "killing"},
      {"Unhealthy", "unhealthy"},
      {"FailedScheduling", "failed_scheduling"},
      {"NodeNotReady", "node_not_ready"},
      {"Evicted", "evicted"},
      {"ScalingReplicaSet", "scaling"},
  };
  for (const auto& [r, kind] : kKinds) {
    if (reason == r) return std::string(kind);
  }
  if (reason.empty()) return "event";
  const std::string lower = Lower(reason);
  if (reason == "Started" || reason == "Created" || reason == "Pulled") {
    return count > 1 ? "restart" : lower;
  }
  if (lower.find("restart") != std::string::npos || lower.find("reboot") != std::string::npos) {
    return "restart";
  }
  return lower;
}

std::string ReplicaSetOwner(std::string_view name) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::string(name);
  const std::string_view hash = name.substr(dash + 1);
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  if (hash.size() < 6 || hash.size() > 10) return std::string(name);
  for (char c : hash) {
    if (kAlphabet.find(c) == std::string_view::npos) return std::string(name);
  }
  return std::string(name.substr(0, dash));
}

namespace {

using internal::JsonNode;
using internal::JsonReader;
using internal::JsonType;
using internal::ScalarText;
using internal::StrCat;

std::string_view Describe(EventFormat f) {
  return f == EventFormat::kKubernetes ? "Kubernetes events" : "a list of changes";
}

void SetLabel(Attributes& labels, std::string_view key, std::string_view value) {
  if (key.empty() || value.empty()) return;
  for (auto& [k, v] : labels) {
    if (k == key) {
      v = std::string(value);
      return;
    }
  }
  labels.emplace_back(std::string(key), std::string(value));
}

std::string FirstKey(const std::vector<std::string>& keys, std::string_view fallback) {
  return keys.empty() ? std::string(fallback) : keys.front();
}

class EventParser {
 public:
  EventParser(std::string_view text, std::string_view name, const EventOptions& options,
              EventReport* report)
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
        [this](std::size_t, std::string_view where) {
          batch_.Clear();
          batch_.read = 1;
          ++batch_.rejected["malformed JSON"];
          if (batch_.errors.size() < options_.max_error_messages) {
            batch_.errors.push_back(StrCat(name_, ": ", where));
          }
          Commit();
        });
    if (!fatal_.ok()) return fatal_;
    if (!status.ok()) return status;
    Commit();
    return absl::OkStatus();
  }

  std::vector<ParsedEvent> TakeEvents() { return std::move(events_); }

 private:
  std::string Where(std::size_t offset) {
    const LineColumn lc = lines_.At(offset);
    return StrCat("line ", lc.line, ", column ", lc.column);
  }

  void Fatal(JsonReader& r, std::size_t offset, std::string_view message) {
    const LineColumn lc = lines_.At(offset);
    fatal_ = absl::InvalidArgumentError(StrCat(name_, ":", lc.line, ":", lc.column, ": ", message));
    r.FailAt(offset, "an event document");
  }

  bool Shape(EventFormat found, std::size_t offset, JsonReader& r) {
    if (options_.format != EventFormat::kAuto && options_.format != found) {
      Fatal(r, offset,
            StrCat("expected ", Describe(options_.format), " (format \"",
                   EventFormatName(options_.format), "\" was named), found ", Describe(found)));
      return false;
    }
    if (report_->format == EventFormat::kAuto) report_->format = found;
    return true;
  }

  void Reject(std::string_view reason, std::size_t offset, std::string_view detail) {
    internal::CountRejected(batch_.rejected, batch_.errors, options_.max_error_messages, name_,
                            reason, Where(offset), detail);
  }

  void Value(JsonReader& r, int level) {
    const JsonType type = r.Peek();
    if (type == JsonType::kObject) {
      Object(r, level);
      return;
    }
    if (type == JsonType::kArray && level == 0) {
      r.BeginArray();
      while (r.NextElement()) Value(r, 1);
      return;
    }
    const std::size_t offset = r.offset();
    if (level == 0) {
      if (r.Skip()) {
        Fatal(r, offset,
              StrCat("expected a Kubernetes event list, an Event or a list of changes, found ",
                     internal::JsonTypeName(type)));
      }
      return;
    }
    ++batch_.read;
    Reject("not an object", offset, StrCat("found ", internal::JsonTypeName(type)));
    r.Skip();
  }

  void Object(JsonReader& r, int level) {
    const std::size_t offset = r.offset();
    JsonNode self;
    self.type = JsonType::kObject;
    self.offset = offset;
    bool list = false;
    r.BeginObject();
    std::string_view key;
    while (r.NextKey(&key)) {
      if (level == 0 && key == "items" && r.Peek() == JsonType::kArray) {
        if (!Shape(EventFormat::kKubernetes, offset, r)) return;
        list = true;
        r.BeginArray();
        while (r.NextElement()) {
          const std::size_t at = r.offset();
          if (r.Peek() != JsonType::kObject) {
            ++batch_.read;
            Reject("not an object", at, StrCat("found ", internal::JsonTypeName(r.Peek())));
            r.Skip();
            continue;
          }
          JsonNode item;
          if (!internal::ReadJsonNode(r, &item)) return;
          Kubernetes(item);
        }
        continue;
      }
      self.members.emplace_back(std::string(key), JsonNode());
      if (!internal::ReadJsonNode(r, &self.members.back().second)) return;
    }
    if (!r.ok() || list) return;
    if (self.Get("involvedObject") != nullptr || self.Get("regarding") != nullptr) {
      if (!Shape(EventFormat::kKubernetes, offset, r)) return;
      Kubernetes(self);
      return;
    }
    const EventFields& f = options_.fields;
    if (level == 0 && report_->format == EventFormat::kAuto && self.Get(f.time) == nullptr &&
        self.Get(f.kind) == nullptr) {
      Fatal(r, offset,
            StrCat("expected a Kubernetes event list (\"items\"), an Event (\"involvedObject\") "
                   "or a change (\"", f.time, "\", \"", f.kind, "\")"));
      return;
    }
    if (!Shape(EventFormat::kJson, offset, r)) return;
    Change(self);
  }

  // The time of `node`, or nullopt with the record rejected (bad) or nothing (absent).
  bool Time(const JsonNode* node, std::string_view field, std::optional<std::int64_t>* out) {
    bool bad = false, zero = false;
    *out = internal::TimeOfNode(node, &bad, &zero);
    if (bad) {
      Reject("bad timestamp", node->offset,
             StrCat(field, " \"", node->text, "\" is not an RFC 3339 time or Unix epoch"));
      return false;
    }
    if (zero) out->reset();
    return true;
  }

  void Kubernetes(const JsonNode& e) {
    ++batch_.read;
    ParsedEvent p;
    p.line = lines_.At(e.offset).line;
    const JsonNode* object = e.Get("involvedObject");
    if (object == nullptr) object = e.Get("regarding");
    const std::string kind(ScalarText(object ? object->Get("kind") : nullptr));
    const std::string name(ScalarText(object ? object->Get("name") : nullptr));
    const std::string ns(ScalarText(object ? object->Get("namespace") : nullptr));
    p.object = StrCat(kind, "/", ns, "/", name);

    const JsonNode* series = e.Get("series");
    const JsonNode* metadata = e.Get("metadata");
    std::optional<std::int64_t> first, last, event_time, series_last, created, t;
    if (!Time(e.Get("firstTimestamp"), "firstTimestamp", &first)) return;
    if (!first && !Time(e.Get("deprecatedFirstTimestamp"), "deprecatedFirstTimestamp", &first)) {
      return;
    }
    if (!Time(e.Get("lastTimestamp"), "lastTimestamp", &last)) return;
    if (!last && !Time(e.Get("deprecatedLastTimestamp"), "deprecatedLastTimestamp", &last)) {
      return;
    }
    if (!Time(e.Get("eventTime"), "eventTime", &event_time)) return;
    if (series != nullptr &&
        !Time(series->Get("lastObservedTime"), "series.lastObservedTime", &series_last)) {
      return;
    }
    if (metadata != nullptr &&
        !Time(metadata->Get("creationTimestamp"), "metadata.creationTimestamp", &created)) {
      return;
    }
    if (!first) first = event_time ? event_time : last ? last : created;
    if (!first) {
      Reject("missing time", e.offset,
             "no firstTimestamp, lastTimestamp, eventTime or metadata.creationTimestamp");
      return;
    }
    if (!last) last = series_last ? series_last : first;
    ChangeEvent& ev = p.event;
    ev.time_ns = *first;
    ev.last_ns = std::max(*last, *first);
    std::uint64_t count = 1;
    for (const JsonNode* c : {e.Get("count"), e.Get("deprecatedCount"),
                              series ? series->Get("count") : nullptr}) {
      std::uint64_t v = 0;
      if (ParseCount(ScalarText(c), &v) && v > 0) {
        count = v;
        break;
      }
    }
    ev.count = count;
    ev.reason = std::string(ScalarText(e.Get("reason")));
    ev.kind = EventKindOfReason(ev.reason, count);
    ev.detail = std::string(ScalarText(e.Get("message")));
    if (ev.detail.empty()) ev.detail = std::string(ScalarText(e.Get("note")));
    ev.warning = ScalarText(e.Get("type")) == "Warning";
    ev.source = name_;

    const LabelMapping& m = options_.labels;
    const JsonNode* source = e.Get("source");
    if (source == nullptr) source = e.Get("deprecatedSource");
    std::string host(ScalarText(source ? source->Get("host") : nullptr));
    std::string component(ScalarText(source ? source->Get("component") : nullptr));
    if (host.empty() && ScalarText(e.Get("reportingController")) == "kubelet") {
      host = std::string(ScalarText(e.Get("reportingInstance")));
      component = "kubelet";
    }
    if (kind == "Pod") {
      SetLabel(p.labels, FirstKey(m.pod, "pod"), name);
      SetLabel(p.labels, FirstKey(m.k8s_namespace, "namespace"), ns);
      if (component == "kubelet") SetLabel(p.labels, FirstKey(m.node, "node"), host);
    } else if (kind == "Node") {
      SetLabel(p.labels, FirstKey(m.node, "node"), name);
    } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
               kind == "ReplicaSet" || kind == "Job" || kind == "CronJob" ||
               kind == "Service" || kind == "HorizontalPodAutoscaler") {
      SetLabel(p.labels, FirstKey(m.service, "service"),
               kind == "ReplicaSet" ? ReplicaSetOwner(name) : name);
      SetLabel(p.labels, FirstKey(m.k8s_namespace, "namespace"), ns);
    } else {
      // Named for the report; no mapping rule reads these keys unless configured to.
      SetLabel(p.labels, "k8s.object.kind", kind);
      SetLabel(p.labels, "k8s.object.name", name);
      SetLabel(p.labels, "k8s.object.namespace", ns);
    }
    std::sort(p.labels.begin(), p.labels.end());
    batch_.records.push_back(std::move(p));
  }

  void Change(const JsonNode& c) {
    ++batch_.read;
    const EventFields& f = options_.fields;
    ParsedEvent p;
    p.line = lines_.At(c.offset).line;
    std::optional<std::int64_t> time, end;
    if (!Time(f.time.empty() ? nullptr : c.Get(f.time), f.time, &time)) return;
    if (!time) {
      Reject("missing time", c.offset, StrCat("no \"", f.time, "\""));
      return;
    }
    if (!Time(f.end.empty() ? nullptr : c.Get(f.end), f.end, &end)) return;
    auto field = [&](const std::string& key) -> std::string_view {
      return key.empty() ? std::string_view() : ScalarText(c.Get(key));
    };
    ChangeEvent& ev = p.event;
    ev.time_ns = *time;
    ev.last_ns = std::max(end.value_or(*time), *time);
    const std::string_view kind = field(f.kind);
    ev.kind = kind.empty() ? SnakeCase(options_.default_kind) : SnakeCase(kind);
    ev.reason = std::string(field(f.reason));
    if (ev.reason.empty()) ev.reason = std::string(kind);
    ev.detail = std::string(field(f.detail));
    std::uint64_t count = 0;
    if (ParseCount(field(f.count), &count) && count > 0) ev.count = count;
    const std::string_view warning = field(f.warning);
    ev.warning = warning == "true" || warning == "1";
    ev.source = name_;

    const LabelMapping& m = options_.labels;
    if (!f.labels.empty()) p.labels = internal::StringMap(c.Get(f.labels));
    for (const auto& [k, v] : c.members) {
      if (!v.is_scalar() || k == f.time || k == f.end || k == f.entity || k == f.service ||
          k == f.labels || k == f.kind || k == f.reason || k == f.detail || k == f.count ||
          k == f.warning) {
        continue;
      }
      SetLabel(p.labels, k, v.text);
    }
    SetLabel(p.labels, FirstKey(m.service, "service"), field(f.service));
    SetLabel(p.labels, m.entity.empty() ? std::string("entity") : m.entity, field(f.entity));
    std::sort(p.labels.begin(), p.labels.end());
    batch_.records.push_back(std::move(p));
  }

  void Commit() {
    report_->read += batch_.read;
    for (const auto& [reason, count] : batch_.rejected) report_->rejected[reason] += count;
    for (std::string& e : batch_.errors) {
      if (report_->errors.size() < options_.max_error_messages) {
        report_->errors.push_back(std::move(e));
      }
    }
    for (ParsedEvent& e : batch_.records) events_.push_back(std::move(e));
    batch_.Clear();
  }

  std::string_view text_;
  std::string name_;
  const EventOptions& options_;
  EventReport* report_;
  internal::LineTracker lines_;
  internal::RecordBatch<ParsedEvent> batch_;
  std::vector<ParsedEvent> events_;
  absl::Status fatal_;
};

}  // namespace

absl::StatusOr<std::vector<ParsedEvent>> ReadEvents(const InputSource& source,
                                                    const EventOptions& options,
                                                    EventReport* report) {
  report->source = source.name();
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view view, source.View(&storage));
  if (internal::LooksCompressed(view)) {
    FAULTLINE_ASSIGN_OR_RETURN(storage, internal::Decompress(std::string(view), source.name()));
    view = storage;
  }
  EventParser parser(view, source.name(), options, report);
  FAULTLINE_RETURN_IF_ERROR(parser.Run());
  return parser.TakeEvents();
}

absl::StatusOr<EventReport> AddEvents(ModelBuilder& builder, const InputSource& source,
                                      const EventOptions& options) {
  EventReport report;
  FAULTLINE_ASSIGN_OR_RETURN(std::vector<ParsedEvent> events,
                             ReadEvents(source, options, &report));
  report.subgraph = options.subgraph.empty() ? "events/default" : options.subgraph;
  std::vector<std::optional<ResolvedEntity>> resolved;
  resolved.reserve(events.size());
  for (const ParsedEvent& e : events) {
    resolved.push_back(ResolveEntity(e.labels, options.labels));
    if (resolved.back()) {
      FAULTLINE_RETURN_IF_ERROR(
          internal::CheckResolvedKinds(builder, *resolved.back(), source.name()));
    }
  }
  SubgraphOptions sg_options;
  sg_options.kind = "events";
  FAULTLINE_ASSIGN_OR_RETURN(const SubgraphId subgraph,
                             builder.AddSubgraph(report.subgraph, sg_options));
  for (std::size_t i = 0; i < events.size(); ++i) {
    ParsedEvent& e = events[i];
    if (!resolved[i]) {
      ++report.rejected["unmapped"];
      if (report.unmapped.size() < options.max_unmapped_listed) {
        report.unmapped.push_back(StrCat("line ", e.line, ": ",
                                         e.object.empty() ? "" : e.object + " ",
                                         FormatLabels(e.labels)));
      }
      continue;
    }
    FAULTLINE_ASSIGN_OR_RETURN(const EntityId entity,
                               AddResolvedEntity(builder, subgraph, *resolved[i]));
    ++report.by_kind[e.event.kind];
    FAULTLINE_RETURN_IF_ERROR(builder.AddEvent(subgraph, entity, std::move(e.event)));
    ++report.accepted;
  }
  return report;
}

absl::StatusOr<std::vector<EventReport>> AddEvents(ModelBuilder& builder,
                                                   const std::vector<InputSource>& sources,
                                                   const EventOptions& options) {
  std::vector<EventReport> reports;
  for (const InputSource& s : sources) {
    FAULTLINE_ASSIGN_OR_RETURN(EventReport r, AddEvents(builder, s, options));
    reports.push_back(std::move(r));
  }
  return reports;
}

}  // namespace faultline
