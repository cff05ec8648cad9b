// faultline/model/latency_sketch.h
//
// LatencySketch: a mergeable quantile sketch of durations (DDSketch-style logarithmic
// bins with 1 % relative accuracy). Merging is exact: merging the sketches of two sets of
// durations gives exactly the sketch of their union, in any order.
#ifndef FAULTLINE_MODEL_LATENCY_SKETCH_H_
#define FAULTLINE_MODEL_LATENCY_SKETCH_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace faultline {

// LatencySketch
//
// Durations are integer nanoseconds. Negative durations (clock skew) are recorded as zero;
// callers that can correct skew should do so before recording. Quantile() has a relative
// error of at most kRelativeAccuracy for values >= 1 ns and is exact for min and max.
// Storage is dense (DDSketch's contiguous store): one 8-byte count per 2 %-wide band between
// the smallest and the largest duration seen, so adding is O(1) amortized. Durations within
// a factor of 100 of each other take about 230 bands (1.9 KB); the whole int64 range at
// most 2,200.
class LatencySketch {
 public:
  static constexpr double kRelativeAccuracy = 0.01;

  // A bin: its logarithmic index and the count of durations that fell into it. Index
  // kZeroBin holds durations of 0 ns.
  struct Bin {
    std::int32_t index;
    std::uint64_t count;
    bool operator==(const Bin& o) const { return index == o.index && count == o.count; }
  };
  static constexpr std::int32_t kZeroBin = -1;

  LatencySketch() = default;

  // Add()
  //
  // Records `count` durations of `duration_ns`. O(1) within the bands held; O(bands) when
  // the range grows.
  void Add(std::int64_t duration_ns, std::uint64_t count = 1) {
    AddToBin(BinIndex(duration_ns), duration_ns, count);
  }

  // AddToBin()
  //
  // Add() with the bin computed by the caller, for recording one duration into several
  // sketches. Requires bin == BinIndex(duration_ns).
  void AddToBin(std::int32_t bin, std::int64_t duration_ns, std::uint64_t count = 1) {
    // Fast path (inline): a duration inside the bands already held.
    if (count != 0 && count_ != 0 && bin >= offset_ &&
        static_cast<std::size_t>(bin - offset_) < counts_.size() && duration_ns >= 0) {
      counts_[static_cast<std::size_t>(bin - offset_)] += count;
      if (duration_ns < min_ns_) min_ns_ = duration_ns;
      if (duration_ns > max_ns_) max_ns_ = duration_ns;
      count_ += count;
      sum_ns_ += static_cast<std::uint64_t>(duration_ns) * count;
      return;
    }
    AddSlow(bin, duration_ns, count);
  }

  // BinAddress()
  //
  // Where the count of `bin` is stored, or null when the bin is outside the stored range.
  // For prefetching ahead of AddToBin().
  const void* BinAddress(std::int32_t bin) const {
    return bin >= offset_ && static_cast<std::size_t>(bin - offset_) < counts_.size()
               ? &counts_[static_cast<std::size_t>(bin - offset_)]
               : nullptr;
  }

  // Merge()
  //
  // Adds every duration recorded in `other`. O(bands of both).
  void Merge(const LatencySketch& other);

  // Quantile()
  //
  // The q-quantile (q in [0, 1], clamped) in nanoseconds; 0 for an empty sketch.
  // O(bins).
  double Quantile(double q) const;

  std::uint64_t count() const { return count_; }
  // The exact sum of recorded durations, in nanoseconds (exact and order-independent).
  std::uint64_t sum_ns() const { return sum_ns_; }
  std::int64_t min_ns() const { return count_ == 0 ? 0 : min_ns_; }
  std::int64_t max_ns() const { return count_ == 0 ? 0 : max_ns_; }
  bool empty() const { return count_ == 0; }
  double mean_ns() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_ns_) / count_; }

  // bins(): the non-empty bins sorted by index, for serialization. O(bands).
  std::vector<Bin> bins() const;
  // Bytes of heap memory held.
  std::size_t heap_bytes() const { return counts_.capacity() * sizeof(std::uint64_t); }

  // FromParts()
  //
  // Rebuilds a sketch from serialized parts. Returns false (and leaves *out unchanged)
  // when the parts are inconsistent: bins unsorted or duplicated, counts not adding up,
  // min > max.
  static bool FromParts(std::vector<Bin> bins, std::uint64_t sum_ns, std::int64_t min_ns,
                        std::int64_t max_ns, LatencySketch* out);

  // BinIndex() / BinValue(): the bin of a duration and the representative value of a bin.
  static std::int32_t BinIndex(std::int64_t duration_ns);
  static double BinValue(std::int32_t index);

  // Equal counts, sum, extremes and non-zero bins.
  bool operator==(const LatencySketch& o) const;
  bool operator!=(const LatencySketch& o) const { return !(*this == o); }

 private:
  void AddSlow(std::int32_t bin, std::int64_t duration_ns, std::uint64_t count);

  std::int32_t offset_ = 0;             // the bin index of counts_[0]
  std::vector<std::uint64_t> counts_;   // counts of bins offset_, offset_ + 1, ...
  std::uint64_t count_ = 0;
  std::uint64_t sum_ns_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
};

}  // namespace faultline

#endif  // FAULTLINE_MODEL_LATENCY_SKETCH_H_
