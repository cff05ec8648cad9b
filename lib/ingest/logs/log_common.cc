// Helpers shared by the log parsers: times, level words, ids, number and bytes rendering,
// and the parse context's accounting.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "faultline/internal/str_cat.h"
#include "ingest/logs/log_parsers.h"

namespace faultline::internal {
namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Reads exactly `n` digits at s[*i].
bool Digits(std::string_view s, std::size_t* i, int n, int* out) {
  if (*i + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[*i + static_cast<std::size_t>(k)];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *i += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

bool ParseCalendarTime(std::string_view s, std::int64_t* out) {
  std::size_t i = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(s, &i, 4, &year) || i >= s.size() || s[i++] != '-' ||
      !Digits(s, &i, 2, &month) || i >= s.size() || s[i++] != '-' || !Digits(s, &i, 2, &day)) {
    return false;
  }
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return false;
  ++i;
  if (!Digits(s, &i, 2, &hour) || i >= s.size() || s[i++] != ':' ||
      !Digits(s, &i, 2, &minute) || i >= s.size() || s[i++] != ':' ||
      !Digits(s, &i, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return false;
  }
  std::int64_t frac_ns = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    int digits = 0;
    std::int64_t scale = 100'000'000;
    while (i < s.size() && IsDigit(s[i])) {
      if (digits < 9) frac_ns += (s[i] - '0') * scale;
      scale /= 10;
      ++digits;
      ++i;
    }
    if (digits == 0) return false;
  }
  std::int64_t offset_s = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int oh, om = 0;
      if (!Digits(s, &i, 2, &oh)) return false;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size() && !Digits(s, &i, 2, &om)) return false;
      if (oh > 23 || om > 59) return false;
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return false;
    }
  }
  if (i != s.size()) return false;
  const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                          static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (seconds < 0 || seconds > kMaxInt64 / 1'000'000'000 - 1) return false;
  *out = seconds * 1'000'000'000 + frac_ns;
  return true;
}

std::int64_t UnitScale(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanoseconds: return 1;
    case TimeUnit::kMicroseconds: return 1'000;
    case TimeUnit::kMilliseconds: return 1'000'000;
    case TimeUnit::kSeconds: return 1'000'000'000;
  }
  return 1;
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (Upper(s[i]) != Upper(prefix[i])) return false;
  }
  return true;
}

// The severity a level word names (upper case given), or unspecified.
Severity LevelOfUpper(std::string_view w) {
  if (w == "TRACE" || w == "FINEST" || w == "FINER") return Severity::kTrace;
  if (w == "DEBUG" || w == "DBG" || w == "FINE") return Severity::kDebug;
  if (w == "INFO" || w == "INF" || w == "NOTICE" || w == "INFORMATION") return Severity::kInfo;
  if (w == "WARN" || w == "WARNING" || w == "WRN") return Severity::kWarn;
  if (w == "ERROR" || w == "ERR" || w == "SEVERE") return Severity::kError;
  if (w == "FATAL" || w == "CRITICAL" || w == "CRIT" || w == "PANIC" || w == "EMERG" ||
      w == "EMERGENCY" || w == "ALERT") {
    return Severity::kFatal;
  }
  return Severity::kUnspecified;
}

}  // namespace

void LogParseContext::Reject(std::string_view reason, std::string_view where) {
  ++report_->rejected[std::string(reason)];
  if (report_->errors.size() < max_messages_) {
    report_->errors.push_back(StrCat(name_, ": ", where, ": ", reason));
  }
}

bool ParseLogTime(std::string_view text, const std::optional<TimeUnit>& unit,
                  std::int64_t* out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) return false;
  if (text.size() >= 10 && text[4] == '-') return ParseCalendarTime(text, out);
  // An epoch number: digits, optionally a fraction.
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 19) return false;
  for (char c : whole) {
    if (!IsDigit(c)) return false;
  }
  for (char c : frac) {
    if (!IsDigit(c)) return false;
  }
  if (dot != std::string_view::npos && frac.empty()) return false;
  std::uint64_t value = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), value);
  if (value > static_cast<std::uint64_t>(kMaxInt64) || value == 0) return false;
  std::int64_t scale;
  if (unit.has_value()) {
    scale = UnitScale(*unit);
  } else if (value < 100'000'000'000ULL) {
    scale = 1'000'000'000;
  } else if (value < 100'000'000'000'000ULL) {
    scale = 1'000'000;
  } else if (value < 100'000'000'000'000'000ULL) {
    scale = 1'000;
  } else {
    scale = 1;
  }
  const auto v = static_cast<std::int64_t>(value);
  if (v > kMaxInt64 / scale) return false;
  std::int64_t ns = v * scale;
  // The fraction, in units of `scale`.
  std::int64_t part = scale / 10;
  for (char c : frac) {
    if (part == 0) break;
    ns += (c - '0') * part;
    part /= 10;
  }
  if (ns < 0) return false;
  *out = ns;
  return true;
}

Severity LevelWord(std::string_view token) {
  bool marked = false;  // bracketed or after level=: any case counts
  if (!token.empty() && (token.front() == '[' || token.front() == '(' || token.front() == '<')) {
    token.remove_prefix(1);
    marked = true;
  }
  for (std::string_view prefix : {"level=", "lvl=", "severity=", "loglevel="}) {
    if (StartsWithNoCase(token, prefix)) {
      token.remove_prefix(prefix.size());
      marked = true;
      break;
    }
  }
  if (!token.empty() && token.front() == '"') token.remove_prefix(1);
  while (!token.empty()) {
    const char c = token.back();
    if (c == ']' || c == ')' || c == '>' || c == ':' || c == ',' || c == '|' || c == '"' ||
        c == ';') {
      token.remove_suffix(1);
    } else {
      break;
    }
  }
  if (token.size() < 3 || token.size() > 11) return Severity::kUnspecified;
  char upper[12];
  bool all_upper = true;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = token[i];
    if (c >= 'a' && c <= 'z') all_upper = false;
    else if (c < 'A' || c > 'Z') return Severity::kUnspecified;
    upper[i] = Upper(c);
  }
  if (!all_upper && !marked) return Severity::kUnspecified;
  return LevelOfUpper(std::string_view(upper, token.size()));
}

Severity LevelInText(std::string_view text, int tokens) {
  std::size_t i = 0;
  for (int t = 0; t < tokens; ++t) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    const Severity s = LevelWord(text.substr(start, i - start));
    if (s != Severity::kUnspecified) return s;
  }
  return Severity::kUnspecified;
}

std::string HexOfBytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  return out;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
    out.push_back(kTable[v >> 18]);
    out.push_back(kTable[(v >> 12) & 63]);
    out.push_back(kTable[(v >> 6) & 63]);
    out.push_back(kTable[v & 63]);
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = p[i] << 16;
    out.push_back(kTable[v >> 18]);
    out.push_back(kTable[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = p[i] << 16 | p[i + 1] << 8;
    out.push_back(kTable[v >> 18]);
    out.push_back(kTable[(v >> 12) & 63]);
    out.push_back(kTable[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

}  // namespace faultline::internal
