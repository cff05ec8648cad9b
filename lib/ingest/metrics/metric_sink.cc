// The shared half of the metric readers: series resolution, rates, outputs, and the time,
// number and label-set syntax every format uses.
#include "ingest/metrics/metric_sink.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "faultline/internal/str_cat.h"

namespace faultline::internal {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Contains(const std::vector<std::string>& keys, std::string_view key) {
  for (const std::string& k : keys) {
    if (k == key) return true;
  }
  return false;
}

constexpr std::int64_t kPow10[] = {1,         10,         100,         1000,
                                   10000,     100000,     1000000,     10000000,
                                   100000000, 1000000000};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  *out = v;
  return true;
}

// A date: YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|[ ]+HH[:]MM][ UTC][ m=...].
bool ParseDate(std::string_view s, std::int64_t* ns) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return false;
  }
  std::size_t i = 19;
  std::int64_t frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    std::size_t digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (digits < 9) frac = frac * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return false;
    if (digits < 9) frac *= kPow10[9 - digits];
  }
  std::int64_t offset_s = 0;
  if (i < s.size() && s[i] == ' ') {
    // Go's " +0000 UTC m=+0.1" or a space before the offset.
    if (i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) ++i;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    int oh, om;
    if (!Digits(s, i + 1, 2, &oh)) return false;
    i += 3;
    if (i < s.size() && s[i] == ':') ++i;
    if (!Digits(s, i, 2, &om)) return false;
    i += 2;
    offset_s = sign * (oh * 3600 + om * 60);
  }
  // What may follow: a zone abbreviation and Go's monotonic clock reading.
  while (i < s.size() && s[i] == ' ') {
    std::size_t j = i + 1;
    while (j < s.size() && s[j] != ' ') ++j;
    const std::string_view word = s.substr(i + 1, j - i - 1);
    const bool zone = word == "UTC" || word == "GMT";
    const bool monotonic = word.substr(0, 2) == "m=";
    if (!zone && !monotonic) return false;
    i = j;
  }
  if (i != s.size()) return false;
  const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                          static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (secs < -9'000'000'000 || secs > 9'000'000'000) return false;
  *ns = secs * 1'000'000'000 + frac;
  return true;
}

}  // namespace

bool IsCounterName(std::string_view metric) {
  return EndsWith(metric, "_total") || EndsWith(metric, "_count") || EndsWith(metric, "_sum") ||
         EndsWith(metric, "_bucket");
}

void MetricContext::Reject(std::string_view reason, std::string_view where,
                           std::uint64_t count) {
  report_->rejected[std::string(reason)] += count;
  // Unmapped series are listed by label set in the report, not per sample.
  if (!where.empty() && report_->errors.size() < max_messages_ && reason != "unmapped") {
    report_->errors.push_back(StrCat(name_, ": ", where, ": ", reason));
  }
}

void MetricContext::Note(std::string message) {
  if (report_->errors.size() < max_messages_) report_->errors.push_back(std::move(message));
}

// --- outputs -------------------------------------------------------------------------------

absl::StatusOr<std::uint32_t> CollectOutput::Declare(const ResolvedEntity& entity,
                                                     std::string_view metric,
                                                     std::string_view type) {
  Handle h;
  auto e = entities_.find(entity.id);
  if (e == entities_.end()) {
    h.entity = static_cast<std::uint32_t>(out_->entities.size());
    out_->entities.push_back(entity.id);
    entities_.emplace(entity.id, h.entity);
  } else {
    h.entity = e->second;
  }
  auto m = metrics_.find(std::string(metric));
  if (m == metrics_.end()) {
    h.metric = static_cast<std::uint32_t>(out_->metrics.size());
    out_->metrics.emplace_back(metric);
    out_->types.emplace_back(type);
    metrics_.emplace(std::string(metric), h.metric);
  } else {
    h.metric = m->second;
  }
  handles_.push_back(h);
  return static_cast<std::uint32_t>(handles_.size() - 1);
}

// --- series ---------------------------------------------------------------------------------

std::string SeriesKeyOf(const Attributes& labels, std::string_view metric) {
  std::string key(metric);
  for (const auto& [k, v] : labels) {
    key.push_back('\x1f');
    key += k;
    key.push_back('\x1e');
    key += v;
  }
  return key;
}

std::uint32_t MetricAccumulator::Series(Attributes labels, std::string_view metric,
                                        SampleKind kind, MetricContext& ctx,
                                        std::string_view type) {
  labels.erase(std::remove_if(labels.begin(), labels.end(),
                              [&](const Attribute& kv) {
                                return kv.second.empty() ||
                                       Contains(options_.ignored_labels, kv.first);
                              }),
               labels.end());
  std::sort(labels.begin(), labels.end());
  std::string key = SeriesKeyOf(labels, metric);
  key.push_back(static_cast<char>('0' + static_cast<int>(kind)));
  key.append(type.data(), type.size());
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;

  const auto handle = static_cast<std::uint32_t>(series_.size());
  index_.emplace(std::move(key), handle);
  series_.emplace_back();
  SeriesState& state = series_.back();
  state.kind = kind;
  MetricReport& report = ctx.report();
  ++report.series;

  Attributes identity, qualifiers;
  for (Attribute& kv : labels) {
    (Contains(options_.qualifier_labels, kv.first) ? qualifiers : identity).push_back(kv);
  }
  if (metric.empty()) {
    state.reject_reason = "missing metric name";
    return handle;
  }
  std::optional<ResolvedEntity> resolved = ResolveEntity(identity, options_.mapping);
  if (!resolved) {
    ++report.unmapped_series;
    if (report.unmapped.size() < ctx.max_messages()) {
      report.unmapped.push_back(StrCat(metric, FormatLabels(labels)));
    }
    state.reject_reason = "unmapped";
    return handle;
  }
  std::string name(metric);
  if (!qualifiers.empty()) name += FormatLabels(qualifiers);
  const std::string_view signal = type.empty() ? types_.TypeOf(metric) : type;
  absl::StatusOr<std::uint32_t> out = output_->Declare(*resolved, name, signal);
  if (!out.ok()) {
    state.reject_reason = "entity conflict";
    ctx.Note(StrCat(ctx.name(), ": series ", metric, FormatLabels(labels), ": ",
                    out.status().message()));
    return handle;
  }
  state.output = *out;
  return handle;
}

// --- label sets -----------------------------------------------------------------------------

bool ParseLabelSet(std::string_view text, Attributes* labels) {
  labels->clear();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip_space();
  bool braces = false;
  if (i < text.size() && text[i] == '{') {
    braces = true;
    ++i;
  }
  for (;;) {
    skip_space();
    if (i >= text.size()) return !braces && !labels->empty();
    if (braces && text[i] == '}') {
      ++i;
      skip_space();
      return i == text.size();
    }
    const std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && text[i] != ',' && text[i] != '}') ++i;
    if (i >= text.size() || text[i] != '=') return false;
    std::string_view key = text.substr(key_start, i - key_start);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    if (key.empty()) return false;
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < text.size()) {
          const char e = text[i++];
          value.push_back(e == 'n' ? '\n' : e);
          continue;
        }
        value.push_back(c);
      }
      if (!closed) return false;
    } else {
      const std::size_t v_start = i;
      while (i < text.size() && text[i] != ',' && !(braces && text[i] == '}')) ++i;
      std::string_view v = text.substr(v_start, i - v_start);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      value = std::string(v);
    }
    labels->emplace_back(std::string(key), std::move(value));
    skip_space();
    if (i < text.size() && text[i] == ',') {
      ++i;
    } else if (i < text.size() && !(braces && text[i] == '}')) {
      return false;
    }
  }
}

// --- numbers and times ----------------------------------------------------------------------

bool ParseValue(std::string_view text, double* value) {
  if (FastDecimal(text.data(), text.data() + text.size(), value)) return true;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  if (ec == std::errc::result_out_of_range) {
    // Beyond double: keep the sign, as strtod would give +-HUGE_VAL.
    *value = text.front() == '-' ? -std::numeric_limits<double>::infinity()
                                 : std::numeric_limits<double>::infinity();
    return ptr == end;
  }
  return ec == std::errc() && ptr == end;
}

bool ParseDecimalTime(std::string_view text, std::int64_t unit_ns, std::int64_t* ns) {
  if (text.empty()) return false;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    ++i;
  }
  std::int64_t whole = 0;
  std::size_t int_digits = 0;
  bool overflow = false;
  while (i < text.size() && IsDigit(text[i])) {
    if (whole > (std::numeric_limits<std::int64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) whole = whole * 10 + (text[i] - '0');
    ++int_digits;
    ++i;
  }
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      if (frac_digits < 9) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      }
      ++i;
    }
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    double d;
    if (!ParseValue(text, &d)) return false;
    const double scaled = d * static_cast<double>(unit_ns);
    if (!(std::fabs(scaled) < 9.2e18)) return false;
    *ns = static_cast<std::int64_t>(std::llround(scaled));
    return true;
  }
  if (i != text.size() || overflow) return false;
  if (whole > std::numeric_limits<std::int64_t>::max() / unit_ns) return false;
  std::int64_t out = whole * unit_ns;
  if (frac_digits > 0) out += frac * unit_ns / kPow10[frac_digits];
  *ns = negative ? -out : out;
  return true;
}

bool ParseTimestamp(std::string_view text, std::int64_t* ns) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() >= 10 && text[4] == '-' && IsDigit(text[0])) return ParseDate(text, ns);
  // The unit from the magnitude of the integer part.
  double magnitude = 0;
  std::size_t i = 0;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  const std::size_t digits_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  const bool exponent = text.find_first_of("eE") != std::string_view::npos;
  if (exponent) {
    if (!ParseValue(text, &magnitude)) return false;
    magnitude = std::fabs(magnitude);
  } else {
    const std::size_t n = i - digits_start;
    magnitude = n == 0 ? 0 : std::pow(10.0, static_cast<double>(n - 1)) *
                                 static_cast<double>(text[digits_start] - '0');
  }
  std::int64_t unit;
  if (magnitude < 1e11) {
    unit = 1'000'000'000;
  } else if (magnitude < 1e14) {
    unit = 1'000'000;
  } else if (magnitude < 1e17) {
    unit = 1'000;
  } else {
    unit = 1;
  }
  return ParseDecimalTime(text, unit, ns);
}

// --- histograms -----------------------------------------------------------------------------

double HistogramQuantile(double q, const std::vector<double>& bounds,
                         const std::vector<double>& counts) {
  if (bounds.empty() || counts.size() != bounds.size() + 1) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double total = 0;
  for (double c : counts) total += c;
  if (!(total > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double rank = q * total;
  double cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double before = cumulative;
    cumulative += counts[i];
    if (cumulative < rank || counts[i] <= 0) continue;
    if (i == bounds.size()) return bounds.back();
    const double upper = bounds[i];
    const double lower = i == 0 ? (upper > 0 ? 0.0 : upper) : bounds[i - 1];
    return lower + (upper - lower) * ((rank - before) / counts[i]);
  }
  return bounds.back();
}

const char* HistogramSink::Point(const Attributes& labels, std::string_view metric,
                                 bool cumulative, const HistogramPoint& point,
                                 MetricContext& ctx) {
  std::string key = SeriesKeyOf(labels, metric);
  key.push_back(cumulative ? 'c' : 'd');
  auto it = states_.find(key);
  if (it == states_.end()) {
    HistogramState s;
    const std::string name(metric);
    const std::string_view base_type = acc_.types().TypeOf(metric);
    s.p50 = acc_.Series(labels, name + "_p50", SampleKind::kGauge, ctx, base_type);
    s.p90 = acc_.Series(labels, name + "_p90", SampleKind::kGauge, ctx, base_type);
    s.p99 = acc_.Series(labels, name + "_p99", SampleKind::kGauge, ctx, base_type);
    s.rate = acc_.Series(labels, name + "_rate",
                         cumulative ? SampleKind::kCounter : SampleKind::kDelta, ctx,
                         "throughput");
    it = states_.emplace(std::move(key), std::move(s)).first;
  }
  HistogramState& s = it->second;
  if (const char* why = acc_.Sample(s.rate, point.time_ns, point.count, point.start_ns, ctx)) {
    return why;
  }
  const std::vector<double>* counts = &point.counts;
  std::vector<double> delta;
  if (cumulative) {
    const bool has_prev = s.prev_ns != std::numeric_limits<std::int64_t>::min();
    const bool comparable = has_prev && s.prev_bounds == point.bounds &&
                            s.prev_counts.size() == point.counts.size() &&
                            point.time_ns > s.prev_ns;
    if (comparable) {
      bool reset = point.start_ns != s.prev_start && point.start_ns != 0 && s.prev_start != 0;
      delta.resize(point.counts.size());
      for (std::size_t i = 0; i < point.counts.size(); ++i) {
        if (point.counts[i] < s.prev_counts[i]) reset = true;
        delta[i] = point.counts[i] - s.prev_counts[i];
      }
      if (reset) delta = point.counts;
    }
    s.prev_counts = point.counts;
    s.prev_bounds = point.bounds;
    s.prev_ns = point.time_ns;
    s.prev_start = point.start_ns;
    if (!comparable) return nullptr;  // the base of the interval
    counts = &delta;
  }
  const double q50 = HistogramQuantile(0.5, point.bounds, *counts);
  if (q50 == q50) {
    acc_.Sample(s.p50, point.time_ns, q50, 0, ctx, false);
    acc_.Sample(s.p90, point.time_ns, HistogramQuantile(0.9, point.bounds, *counts), 0, ctx,
                false);
    acc_.Sample(s.p99, point.time_ns, HistogramQuantile(0.99, point.bounds, *counts), 0, ctx,
                false);
  }
  return nullptr;
}

}  // namespace faultline::internal
