// Plain text logs: one record per line, read with a regular expression whose named groups
// say what each part is (LogTextFormat). std::regex knows no named groups: the names are
// taken out of the pattern here and the groups numbered as ECMAScript numbers them.
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/str_cat.h"
#include "ingest/logs/log_parsers.h"

namespace faultline::internal {
namespace {

struct CompiledRegex {
  std::regex regex;
  std::vector<std::string> names;  // names[i]: the name of capture group i + 1, or ""
};

// Removes the names of `(?P<name>` / `(?<name>` groups from `pattern`, recording them.
absl::StatusOr<CompiledRegex> Compile(std::string_view pattern, std::string_view source) {
  CompiledRegex out;
  std::string plain;
  plain.reserve(pattern.size());
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      plain.push_back(c);
      plain.push_back(pattern[++i]);
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      plain.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      plain.push_back(c);
      continue;
    }
    if (c != '(') {
      plain.push_back(c);
      continue;
    }
    std::size_t name_start = std::string_view::npos;
    if (pattern.substr(i, 4) == "(?P<") {
      name_start = i + 4;
    } else if (pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() &&
               pattern[i + 3] != '=' && pattern[i + 3] != '!') {
      name_start = i + 3;
    }
    if (name_start != std::string_view::npos) {
      const std::size_t close = pattern.find('>', name_start);
      if (close == std::string_view::npos) {
        return absl::InvalidArgumentError(StrCat(source, ": log line regex: group name at ",
                                                 i, " has no closing '>'"));
      }
      out.names.emplace_back(pattern.substr(name_start, close - name_start));
      plain.push_back('(');
      i = close;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '?') {
      plain.push_back(c);  // (?: (?= (?!: not a capture group
      continue;
    }
    out.names.emplace_back();
    plain.push_back(c);
  }
  try {
    out.regex = std::regex(plain, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        StrCat(source, ": log line regex \"", pattern, "\" is not valid: ", e.what()));
  }
  if (out.regex.mark_count() != out.names.size()) {
    return absl::InvalidArgumentError(
        StrCat(source, ": log line regex \"", pattern, "\": cannot number its groups"));
  }
  return out;
}

}  // namespace

absl::Status ParseLogText(std::string_view bytes, const LogTextFormat& format,
                          LogParseContext& ctx, LogRecordSink& sink) {
  const std::string_view pattern =
      format.regex.empty() ? LogTextFormat::kDefaultRegex : std::string_view(format.regex);
  auto compiled = Compile(pattern, ctx.name());
  if (!compiled.ok()) return compiled.status();
  int time_group = -1, severity_group = -1, message_group = -1, trace_group = -1,
      span_group = -1;
  std::vector<int> label_groups;
  for (std::size_t i = 0; i < compiled->names.size(); ++i) {
    const std::string& name = compiled->names[i];
    const int g = static_cast<int>(i) + 1;
    if (name.empty()) continue;
    if (name == "time") time_group = g;
    else if (name == "severity" || name == "level") severity_group = g;
    else if (name == "message" || name == "msg") message_group = g;
    else if (name == "trace_id") trace_group = g;
    else if (name == "span_id") span_group = g;
    else label_groups.push_back(g);
  }
  if (time_group < 0) {
    return absl::InvalidArgumentError(StrCat(
        ctx.name(), ": log line regex \"", pattern, "\" has no group named time (?P<time>...)"));
  }
  std::vector<LogLabel> labels;
  std::size_t pos = bytes.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0;
  std::size_t line_no = 0;
  std::cmatch m;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ctx.Read();
    const std::string_view matched = line.substr(0, format.max_match_bytes);
    if (!std::regex_match(matched.data(), matched.data() + matched.size(), m,
                          compiled->regex)) {
      ctx.Reject("line does not match the regex", StrCat("line ", line_no));
      continue;
    }
    auto group = [&](int g) -> std::string_view {
      if (g < 0 || !m[g].matched) return {};
      return std::string_view(m[g].first, static_cast<std::size_t>(m[g].length()));
    };
    RawLogRecord record;
    const std::string_view time_text = group(time_group);
    if (time_text.empty()) {
      ctx.Reject("missing time", StrCat("line ", line_no));
      continue;
    }
    if (!ParseLogTime(time_text, format.time_unit, &record.time_ns)) {
      ctx.Reject("bad time", StrCat("line ", line_no, " (\"", time_text.substr(0, 40), "\")"));
      continue;
    }
    if (message_group < 0) {
      record.body = line;
    } else {
      record.body = group(message_group);
      // A message cut by the match window runs on to the end of the line.
      if (matched.size() < line.size() && m[message_group].matched &&
          m[message_group].second == matched.data() + matched.size()) {
        record.body = line.substr(static_cast<std::size_t>(m[message_group].first - line.data()));
      }
    }
    const std::string_view severity = group(severity_group);
    if (!severity.empty()) record.severity = SeverityFromText(severity);
    labels.clear();
    for (int g : label_groups) {
      const std::string_view v = group(g);
      if (!v.empty()) labels.push_back({compiled->names[static_cast<std::size_t>(g - 1)], v});
    }
    record.labels = &labels;
    record.trace_id = group(trace_group);
    record.span_id = group(span_group);
    record.line = line_no;
    sink.Record(record);
  }
  return absl::OkStatus();
}

}  // namespace faultline::internal
