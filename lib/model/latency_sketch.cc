// LatencySketch: logarithmic bins, gamma = (1 + a) / (1 - a) with a = 1 %.
#include "faultline/model/latency_sketch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace faultline {
namespace {

constexpr double kGamma = (1.0 + LatencySketch::kRelativeAccuracy) /
                          (1.0 - LatencySketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

// The defining formula: ceil(log_gamma(v)) for v >= 1, so the index is >= 0.
std::int32_t ReferenceBinIndex(std::int64_t duration_ns) {
  return static_cast<std::int32_t>(std::ceil(std::log(static_cast<double>(duration_ns)) /
                                             kLogGamma - 1e-12));
}

// The largest duration of every bin under ReferenceBinIndex(), so a duration's bin can be
// found from an estimate and one or two comparisons instead of a logarithm.
struct BinBounds {
  std::vector<std::int64_t> upper;  // upper[i]: the largest duration in bin i
  BinBounds() {
    const std::int32_t last = ReferenceBinIndex(std::numeric_limits<std::int64_t>::max());
    upper.resize(static_cast<std::size_t>(last) + 1, std::numeric_limits<std::int64_t>::max());
    for (std::int32_t i = 0; i < last; ++i) {
      // Near gamma^i; the reference formula settles the exact integer.
      auto v = static_cast<std::int64_t>(std::pow(kGamma, i));
      while (v > 1 && ReferenceBinIndex(v) > i) --v;
      while (ReferenceBinIndex(v + 1) <= i) ++v;
      upper[static_cast<std::size_t>(i)] = v;
    }
  }
};

const BinBounds& Bounds() {
  static const BinBounds* bounds = new BinBounds();
  return *bounds;
}

}  // namespace

std::int32_t LatencySketch::BinIndex(std::int64_t duration_ns) {
  if (duration_ns <= 0) return kZeroBin;
  // An estimate of log_gamma(v) within a fraction of a bin: the binary exponent plus a
  // cubic fit of log2 of the mantissa (error < 0.0014, a twentieth of a bin), then exact by
  // the bounds table.
  const auto v = static_cast<std::uint64_t>(duration_ns);
  const int e = 63 - __builtin_clzll(v);
  const double m = static_cast<double>(v) / static_cast<double>(std::uint64_t{1} << e) - 1.0;
  const double log2 = e + m * (1.42349497 + m * (-0.58777239 + m * 0.16559264));
  static const double kBinsPerOctave = std::log(2.0) / kLogGamma;
  const std::vector<std::int64_t>& upper = Bounds().upper;
  const auto last = static_cast<std::int32_t>(upper.size()) - 1;
  auto i = std::clamp(static_cast<std::int32_t>(log2 * kBinsPerOctave), 0, last);
  while (i > 0 && duration_ns <= upper[static_cast<std::size_t>(i - 1)]) --i;
  while (i < last && duration_ns > upper[static_cast<std::size_t>(i)]) ++i;
  return i;
}

double LatencySketch::BinValue(std::int32_t index) {
  if (index <= kZeroBin) return 0.0;
  // The value with equal relative distance to both bin bounds (gamma^(i-1), gamma^i].
  return 2.0 * std::pow(kGamma, index) / (kGamma + 1.0);
}

void LatencySketch::AddSlow(std::int32_t index, std::int64_t duration_ns,
                            std::uint64_t count) {
  if (count == 0) return;
  if (duration_ns < 0) duration_ns = 0;
  // The stored range starts at one bin and grows with slack on the side it grows towards
  // (a quarter of its size, at least kMinSlackBins), so a sketch settles after a few
  // growths instead of one per new bin. Bins in the slack are zero.
  constexpr std::int32_t kMinSlackBins = 4;
  const auto slack = [&] {
    return std::max<std::int32_t>(kMinSlackBins, static_cast<std::int32_t>(counts_.size() / 4));
  };
  if (counts_.empty()) {
    offset_ = index;  // one bin: most buckets of a sparse edge never see a second value
    counts_.assign(1, 0);
  } else if (index < offset_) {
    const std::int32_t lo = std::max(kZeroBin, index - slack());
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - lo), 0);
    offset_ = lo;
  } else if (static_cast<std::size_t>(index - offset_) >= counts_.size()) {
    counts_.resize(static_cast<std::size_t>(index - offset_ + 1 + slack()), 0);
  }
  counts_[static_cast<std::size_t>(index - offset_)] += count;
  if (count_ == 0) {
    min_ns_ = max_ns_ = duration_ns;
  } else {
    min_ns_ = std::min(min_ns_, duration_ns);
    max_ns_ = std::max(max_ns_, duration_ns);
  }
  count_ += count;
  sum_ns_ += static_cast<std::uint64_t>(duration_ns) * count;
}

bool LatencySketch::operator==(const LatencySketch& o) const {
  if (count_ != o.count_ || sum_ns_ != o.sum_ns_ || min_ns() != o.min_ns() ||
      max_ns() != o.max_ns()) {
    return false;
  }
  // The same non-zero bins; the stored ranges may differ by zero slack.
  const std::int32_t lo = std::min(offset_, o.offset_);
  const std::int32_t hi =
      std::max(offset_ + static_cast<std::int32_t>(counts_.size()),
               o.offset_ + static_cast<std::int32_t>(o.counts_.size()));
  const auto at = [](const LatencySketch& s, std::int32_t bin) -> std::uint64_t {
    const std::int64_t i = static_cast<std::int64_t>(bin) - s.offset_;
    return i >= 0 && static_cast<std::size_t>(i) < s.counts_.size()
               ? s.counts_[static_cast<std::size_t>(i)]
               : 0;
  };
  for (std::int32_t bin = lo; bin < hi; ++bin) {
    if (at(*this, bin) != at(o, bin)) return false;
  }
  return true;
}

void LatencySketch::Merge(const LatencySketch& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const std::int32_t lo = std::min(offset_, other.offset_);
  const std::int32_t hi = std::max(offset_ + static_cast<std::int32_t>(counts_.size()),
                                   other.offset_ + static_cast<std::int32_t>(other.counts_.size()));
  if (lo < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - lo), 0);
    offset_ = lo;
  }
  counts_.resize(static_cast<std::size_t>(hi - lo), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) {
    counts_[static_cast<std::size_t>(other.offset_ - lo) + i] += other.counts_[i];
  }
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

std::vector<LatencySketch::Bin> LatencySketch::bins() const {
  std::vector<Bin> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) out.push_back(Bin{offset_ + static_cast<std::int32_t>(i), counts_[i]});
  }
  return out;
}

double LatencySketch::Quantile(double q) const {
  if (count_ == 0) return 0.0;
  if (!(q > 0.0)) return static_cast<double>(min_ns_);
  if (q >= 1.0) return static_cast<double>(max_ns_);
  // The rank of the q-quantile among count_ sorted values (0-based, lower interpolation).
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen > rank) {
      const double v = BinValue(offset_ + static_cast<std::int32_t>(i));
      return std::clamp(v, static_cast<double>(min_ns_), static_cast<double>(max_ns_));
    }
  }
  return static_cast<double>(max_ns_);
}

bool LatencySketch::FromParts(std::vector<Bin> bins, std::uint64_t sum_ns, std::int64_t min_ns,
                              std::int64_t max_ns, LatencySketch* out) {
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i].count == 0 || bins[i].index < kZeroBin) return false;
    if (i > 0 && bins[i - 1].index >= bins[i].index) return false;
    if (count + bins[i].count < count) return false;  // overflow: not from a real sketch
    count += bins[i].count;
  }
  if (count == 0) {
    if (sum_ns != 0) return false;
    *out = LatencySketch();
    return true;
  }
  if (min_ns < 0 || min_ns > max_ns) return false;
  if (BinIndex(min_ns) != bins.front().index || BinIndex(max_ns) != bins.back().index) {
    return false;
  }
  LatencySketch s;
  s.offset_ = bins.front().index;
  s.counts_.assign(static_cast<std::size_t>(bins.back().index - bins.front().index) + 1, 0);
  for (const Bin& b : bins) s.counts_[static_cast<std::size_t>(b.index - s.offset_)] = b.count;
  s.count_ = count;
  s.sum_ns_ = sum_ns;
  s.min_ns_ = min_ns;
  s.max_ns_ = max_ns;
  *out = std::move(s);
  return true;
}

}  // namespace faultline
