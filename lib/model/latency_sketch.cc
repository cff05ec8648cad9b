// LatencySketch: logarithmic bins, gamma = (1 + a) / (1 - a) with a = 1 %.
#include "faultline/model/latency_sketch.h"

#include <algorithm>
#include <cmath>

namespace faultline {
namespace {

constexpr double kGamma = (1.0 + LatencySketch::kRelativeAccuracy) /
                          (1.0 - LatencySketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

bool BinLess(const LatencySketch::Bin& b, std::int32_t index) { return b.index < index; }

}  // namespace

std::int32_t LatencySketch::BinIndex(std::int64_t duration_ns) {
  if (duration_ns <= 0) return kZeroBin;
  // ceil(log_gamma(v)); v >= 1 so the index is >= 0.
  return static_cast<std::int32_t>(std::ceil(std::log(static_cast<double>(duration_ns)) /
                                             kLogGamma - 1e-12));
}

double LatencySketch::BinValue(std::int32_t index) {
  if (index <= kZeroBin) return 0.0;
  // The value with equal relative distance to both bin bounds (gamma^(i-1), gamma^i].
  return 2.0 * std::pow(kGamma, index) / (kGamma + 1.0);
}

void LatencySketch::AddToBin(std::int32_t index, std::int64_t duration_ns,
                             std::uint64_t count) {
  if (count == 0) return;
  if (duration_ns < 0) duration_ns = 0;
  // Recent durations repeat: try the last bin touched before searching.
  auto it = (!bins_.empty() && bins_.back().index < index)
                ? bins_.end()
                : std::lower_bound(bins_.begin(), bins_.end(), index, BinLess);
  if (it != bins_.end() && it->index == index) {
    it->count += count;
  } else {
    bins_.insert(it, Bin{index, count});
  }
  if (count_ == 0) {
    min_ns_ = max_ns_ = duration_ns;
  } else {
    min_ns_ = std::min(min_ns_, duration_ns);
    max_ns_ = std::max(max_ns_, duration_ns);
  }
  count_ += count;
  sum_ns_ += static_cast<std::uint64_t>(duration_ns) * count;
}

void LatencySketch::Merge(const LatencySketch& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  std::vector<Bin> merged;
  merged.reserve(bins_.size() + other.bins_.size());
  auto a = bins_.begin();
  auto b = other.bins_.begin();
  while (a != bins_.end() || b != other.bins_.end()) {
    if (b == other.bins_.end() || (a != bins_.end() && a->index < b->index)) {
      merged.push_back(*a++);
    } else if (a == bins_.end() || b->index < a->index) {
      merged.push_back(*b++);
    } else {
      merged.push_back(Bin{a->index, a->count + b->count});
      ++a;
      ++b;
    }
  }
  bins_ = std::move(merged);
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

double LatencySketch::Quantile(double q) const {
  if (count_ == 0) return 0.0;
  if (!(q > 0.0)) return static_cast<double>(min_ns_);
  if (q >= 1.0) return static_cast<double>(max_ns_);
  // The rank of the q-quantile among count_ sorted values (0-based, lower interpolation).
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1));
  std::uint64_t seen = 0;
  for (const Bin& bin : bins_) {
    seen += bin.count;
    if (seen > rank) {
      const double v = BinValue(bin.index);
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
  s.bins_ = std::move(bins);
  s.count_ = count;
  s.sum_ns_ = sum_ns;
  s.min_ns_ = min_ns;
  s.max_ns_ = max_ns;
  *out = std::move(s);
  return true;
}

}  // namespace faultline
