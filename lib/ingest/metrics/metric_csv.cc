// Metric CSV files: long form (one sample per row) and wide form (one row per time, one
// column per series), with the Nezha and RCAEval presets.
//
// Syntax (RFC 4180): a header row; fields separated by ',', optionally quoted with '"' (a
// quoted field may hold ',', '"' written as "", and line breaks); LF, CRLF or CR; empty
// lines skipped; a UTF-8 byte order mark ignored; cells trimmed of spaces.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "faultline/internal/str_cat.h"
#include "ingest/metrics/metric_sink.h"

namespace faultline {

WideCsvMapping WideCsvMapping::Nezha() {
  WideCsvMapping m;
  m.time = "Time";
  m.labels = {"PodName"};
  m.ignore = {"TimeStamp"};
  return m;
}

WideCsvMapping WideCsvMapping::RcaEval() {
  WideCsvMapping m;
  m.time = "time";
  m.split_separator = "_";
  m.split_label = "service";
  return m;
}

namespace internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// CsvRows: the records of a CSV text, as views (quoted fields with "" unescaped into
// buffers that live until the next Next()).
class CsvRows {
 public:
  explicit CsvRows(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xef\xbb\xbf") pos_ = 3;
  }

  // Next(): the next non-empty record; false at the end. *line is its first line. A quote
  // left open at the end of the input sets *unterminated.
  bool Next(std::vector<std::string_view>* fields, std::size_t* line, bool* unterminated) {
    *unterminated = false;
    for (;;) {
      if (pos_ >= text_.size()) return false;
      fields->clear();
      used_ = 0;
      *line = line_;
      bool blank = true;
      for (;;) {
        std::string_view field;
        if (pos_ < text_.size() && text_[pos_] == '"') {
          blank = false;
          ++pos_;
          const std::size_t start = pos_;
          bool escaped = false;
          for (;;) {
            if (pos_ >= text_.size()) {
              *unterminated = true;
              break;
            }
            const char c = text_[pos_];
            if (c == '"') {
              if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                escaped = true;
                pos_ += 2;
                continue;
              }
              break;
            }
            if (c == '\n') ++line_;
            ++pos_;
          }
          field = text_.substr(start, pos_ - start);
          if (pos_ < text_.size()) ++pos_;  // the closing quote
          if (escaped) {
            if (used_ == scratch_.size()) scratch_.emplace_back();
            std::string& buf = scratch_[used_++];
            buf.clear();
            for (std::size_t i = 0; i < field.size(); ++i) {
              buf.push_back(field[i]);
              if (field[i] == '"') ++i;
            }
            field = buf;
          }
          // Text between the closing quote and the separator is kept out.
          while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
                 text_[pos_] != '\r') {
            ++pos_;
          }
        } else {
          const std::size_t start = pos_;
          while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
                 text_[pos_] != '\r') {
            ++pos_;
          }
          field = Trim(text_.substr(start, pos_ - start));
          if (!field.empty()) blank = false;
        }
        fields->push_back(field);
        if (pos_ < text_.size() && text_[pos_] == ',') {
          blank = false;
          ++pos_;
          continue;
        }
        // End of record.
        if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        ++line_;
        break;
      }
      if (!blank) return true;
    }
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::deque<std::string> scratch_;
  std::size_t used_ = 0;
};

int FindColumn(const std::vector<std::string_view>& header,
               std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (Lower(header[i]) == name) return static_cast<int>(i);
    }
  }
  return -1;
}

std::string LineWhere(std::size_t line) { return StrCat("line ", line); }

}  // namespace

// --- long form ------------------------------------------------------------------------------

absl::Status ParseLongCsv(std::string_view text, MetricContext& ctx, MetricAccumulator& acc) {
  CsvRows rows(text);
  std::vector<std::string_view> fields;
  std::size_t line = 0;
  bool unterminated = false;
  if (!rows.Next(&fields, &line, &unterminated)) return absl::OkStatus();  // empty
  int time_col = FindColumn(fields, {"timestamp", "time", "ts", "time_ns", "time_unix_nano"});
  int entity_col = FindColumn(fields, {"entity", "labels", "series", "entity_or_labels"});
  int metric_col = FindColumn(fields, {"metric", "name", "__name__", "metric_name"});
  int value_col = FindColumn(fields, {"value", "val"});
  bool header = true;
  if (time_col < 0 && entity_col < 0 && metric_col < 0 && value_col < 0 && fields.size() == 4) {
    // No header: the columns in the documented order.
    std::int64_t t;
    double v;
    if (ParseTimestamp(fields[0], &t) && ParseValue(fields[3], &v)) {
      header = false;
      time_col = 0;
      entity_col = 1;
      metric_col = 2;
      value_col = 3;
    }
  }
  if (time_col < 0 || entity_col < 0 || metric_col < 0 || value_col < 0) {
    std::string missing;
    if (time_col < 0) missing += " timestamp";
    if (entity_col < 0) missing += " entity";
    if (metric_col < 0) missing += " metric";
    if (value_col < 0) missing += " value";
    return absl::InvalidArgumentError(StrCat(
        ctx.name(), ":", line, ": a long metric CSV needs the columns timestamp,entity,metric,"
        "value (missing:", missing, ")"));
  }
  const std::size_t needed =
      static_cast<std::size_t>(std::max(std::max(time_col, entity_col),
                                        std::max(metric_col, value_col))) + 1;
  // (entity cell, metric cell) -> series.
  absl::flat_hash_map<std::string, std::uint32_t> cache;
  std::string key;
  Attributes labels;
  bool first = true;
  for (;;) {
    if (!(first && !header)) {
      if (!rows.Next(&fields, &line, &unterminated)) break;
    }
    first = false;
    ctx.Read();
    if (unterminated) {
      ctx.Reject("unterminated quote", LineWhere(line));
      break;
    }
    if (fields.size() < needed) {
      ctx.Reject("too few columns", LineWhere(line));
      continue;
    }
    const std::string_view entity = Trim(fields[entity_col]);
    const std::string_view metric = Trim(fields[metric_col]);
    std::int64_t time_ns;
    if (!ParseTimestamp(fields[time_col], &time_ns)) {
      ctx.Reject("bad timestamp", ctx.WantsMessage() ? LineWhere(line) : std::string());
      continue;
    }
    double value;
    if (!ParseValue(Trim(fields[value_col]), &value)) {
      ctx.Reject("bad value", ctx.WantsMessage() ? LineWhere(line) : std::string());
      continue;
    }
    key.assign(entity.data(), entity.size());
    key.push_back('\0');
    key.append(metric.data(), metric.size());
    auto it = cache.find(key);
    std::uint32_t series;
    if (it != cache.end()) {
      series = it->second;
    } else {
      const std::size_t colon = entity.find(':');
      const std::size_t eq = entity.find('=');
      if (entity.empty()) {
        labels.clear();
      } else if (eq == std::string_view::npos && colon != std::string_view::npos) {
        labels = {{acc.options().mapping.entity, std::string(entity)}};
      } else if (!ParseLabelSet(entity, &labels)) {
        ctx.Reject("bad label set", ctx.WantsMessage() ? LineWhere(line) : std::string());
        continue;
      }
      const SampleKind kind = IsCounterName(metric) ? SampleKind::kCounter : SampleKind::kGauge;
      series = acc.Series(labels, metric, kind, ctx);
      cache.emplace(key, series);
    }
    if (const char* why = acc.Sample(series, time_ns, value, 0, ctx)) {
      ctx.Reject(why, ctx.WantsMessage() ? LineWhere(line) : std::string());
    }
  }
  return absl::OkStatus();
}

// --- wide form ------------------------------------------------------------------------------

absl::Status ParseWideCsv(std::string_view text, const WideCsvMapping& mapping,
                          MetricContext& ctx, MetricAccumulator& acc) {
  CsvRows rows(text);
  std::vector<std::string_view> header_views;
  std::size_t line = 0;
  bool unterminated = false;
  if (!rows.Next(&header_views, &line, &unterminated)) return absl::OkStatus();
  std::vector<std::string> header(header_views.begin(), header_views.end());
  auto find = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int time_col = find(mapping.time);
  if (time_col < 0) {
    return absl::InvalidArgumentError(StrCat(ctx.name(), ":", line, ": no time column \"",
                                             mapping.time, "\" in the header"));
  }
  std::vector<std::pair<int, std::string>> label_cols;
  for (const std::string& l : mapping.labels) {
    const int c = find(l);
    if (c < 0) {
      return absl::InvalidArgumentError(
          StrCat(ctx.name(), ":", line, ": no label column \"", l, "\" in the header"));
    }
    label_cols.emplace_back(c, l);
  }
  // Value columns: (column, metric name, split label value).
  struct ValueColumn {
    int column;
    std::string metric;
    std::string split_value;
  };
  std::vector<ValueColumn> values;
  if (!mapping.values.empty()) {
    for (const auto& [column, metric] : mapping.values) {
      const int c = find(column);
      if (c < 0) {
        return absl::InvalidArgumentError(
            StrCat(ctx.name(), ":", line, ": no value column \"", column, "\" in the header"));
      }
      values.push_back({c, metric.empty() ? column : metric, ""});
    }
  } else {
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i];
      if (static_cast<int>(i) == time_col || name.empty()) continue;
      bool skip = false;
      for (const auto& lc : label_cols) skip |= lc.first == static_cast<int>(i);
      for (const std::string& ig : mapping.ignore) skip |= ig == name;
      if (skip) continue;
      values.push_back({static_cast<int>(i), name, ""});
    }
  }
  if (!mapping.split_separator.empty()) {
    for (ValueColumn& v : values) {
      const std::size_t sep = v.metric.find(mapping.split_separator);
      if (sep == std::string::npos || sep == 0 ||
          sep + mapping.split_separator.size() >= v.metric.size()) {
        continue;  // not {label}{sep}{metric}: a metric of the constant labels alone
      }
      v.split_value = v.metric.substr(0, sep);
      v.metric = v.metric.substr(sep + mapping.split_separator.size());
    }
  }
  if (values.empty()) {
    return absl::InvalidArgumentError(
        StrCat(ctx.name(), ":", line, ": no value columns besides time and labels"));
  }
  std::size_t needed = static_cast<std::size_t>(time_col) + 1;
  for (const auto& lc : label_cols) needed = std::max(needed, static_cast<std::size_t>(lc.first) + 1);
  for (const ValueColumn& v : values) needed = std::max(needed, static_cast<std::size_t>(v.column) + 1);

  // (label cells) -> one series per value column.
  absl::flat_hash_map<std::string, std::vector<std::uint32_t>> cache;
  std::string key;
  std::vector<std::string_view> fields;
  while (rows.Next(&fields, &line, &unterminated)) {
    if (unterminated) {
      ctx.Read(values.size());
      ctx.Reject("unterminated quote", LineWhere(line), values.size());
      break;
    }
    if (fields.size() < needed) {
      ctx.Read(values.size());
      ctx.Reject("too few columns", LineWhere(line), values.size());
      continue;
    }
    std::int64_t time_ns;
    if (!ParseTimestamp(fields[time_col], &time_ns)) {
      ctx.Read(values.size());
      ctx.Reject("bad timestamp", ctx.WantsMessage() ? LineWhere(line) : std::string(),
                 values.size());
      continue;
    }
    key.clear();
    for (const auto& lc : label_cols) {
      key.append(fields[lc.first].data(), fields[lc.first].size());
      key.push_back('\0');
    }
    auto it = cache.find(key);
    if (it == cache.end()) {
      std::vector<std::uint32_t> handles;
      handles.reserve(values.size());
      for (const ValueColumn& v : values) {
        Attributes labels = mapping.constant_labels;
        for (const auto& lc : label_cols) {
          labels.emplace_back(lc.second, std::string(Trim(fields[lc.first])));
        }
        if (!v.split_value.empty()) labels.emplace_back(mapping.split_label, v.split_value);
        const SampleKind kind =
            IsCounterName(v.metric) ? SampleKind::kCounter : SampleKind::kGauge;
        handles.push_back(acc.Series(std::move(labels), v.metric, kind, ctx));
      }
      it = cache.emplace(key, std::move(handles)).first;
    }
    const std::vector<std::uint32_t>& handles = it->second;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string_view cell = Trim(fields[values[i].column]);
      if (cell.empty()) continue;  // no sample in this row for this series
      ctx.Read();
      double value;
      const char* why = nullptr;
      if (!ParseValue(cell, &value)) {
        why = "bad value";
      } else {
        why = acc.Sample(handles[i], time_ns, value, 0, ctx);
      }
      if (why != nullptr) {
        ctx.Reject(why, ctx.WantsMessage()
                            ? StrCat("line ", line, ", column \"", header[values[i].column], "\"")
                            : std::string());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace faultline
