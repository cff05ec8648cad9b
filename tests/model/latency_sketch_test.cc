// Tests of LatencySketch: accuracy against exact quantiles, exact min/max/sum, clamping of
// negative durations, exact merging, and validation in FromParts().
#include "faultline/model/latency_sketch.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace faultline {
namespace {

constexpr double kAccuracy = LatencySketch::kRelativeAccuracy;

std::vector<std::int64_t> LogNormalDurations(std::uint64_t seed, int n, double mu, double sigma) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(mu, sigma);
  std::vector<std::int64_t> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(std::max<std::int64_t>(1, static_cast<std::int64_t>(dist(rng))));
  }
  return out;
}

LatencySketch SketchOf(const std::vector<std::int64_t>& durations) {
  LatencySketch sketch;
  for (std::int64_t d : durations) sketch.Add(d);
  return sketch;
}

// True when `estimate` is within the relative accuracy of an exact q-quantile of `sorted`.
// Conventions differ by one rank between definitions, so both neighbouring ranks count.
::testing::AssertionResult WithinRelativeError(const std::vector<std::int64_t>& sorted, double q,
                                               double estimate) {
  const std::size_t n = sorted.size();
  const auto lo_rank = static_cast<std::size_t>(std::floor(q * (n - 1)));
  const auto hi_rank = std::min(n - 1, static_cast<std::size_t>(std::ceil(q * n)));
  const double lo = static_cast<double>(sorted[lo_rank]) * (1 - kAccuracy) - 1e-9;
  const double hi = static_cast<double>(sorted[hi_rank]) * (1 + kAccuracy) + 1e-9;
  if (estimate >= lo && estimate <= hi) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "q=" << q << " estimate " << estimate << " outside [" << lo << ", " << hi
         << "] (exact " << sorted[lo_rank] << " .. " << sorted[hi_rank] << ")";
}

TEST(LatencySketchTest, EmptySketchReportsZeros) {
  LatencySketch sketch;
  EXPECT_TRUE(sketch.empty());
  EXPECT_EQ(sketch.count(), 0u);
  EXPECT_EQ(sketch.sum_ns(), 0u);
  EXPECT_EQ(sketch.min_ns(), 0);
  EXPECT_EQ(sketch.max_ns(), 0);
  EXPECT_EQ(sketch.mean_ns(), 0.0);
  EXPECT_EQ(sketch.Quantile(0.5), 0.0);
  EXPECT_TRUE(sketch.bins().empty());
}

TEST(LatencySketchTest, QuantilesAreWithinOnePercentOfExactQuantilesOnRandomData) {
  const struct {
    std::uint64_t seed;
    int n;
    double mu;
    double sigma;
  } cases[] = {
      {1, 10000, std::log(2e6), 1.0},   // ~2 ms median, heavy tail
      {2, 5000, std::log(5e4), 2.5},    // microseconds to seconds
      {3, 20000, std::log(3e8), 0.3},   // ~300 ms, narrow
      {4, 1000, std::log(20.0), 1.5},   // tens of nanoseconds
  };
  for (const auto& c : cases) {
    std::vector<std::int64_t> durations = LogNormalDurations(c.seed, c.n, c.mu, c.sigma);
    const LatencySketch sketch = SketchOf(durations);
    std::sort(durations.begin(), durations.end());
    ASSERT_EQ(sketch.count(), durations.size());
    for (double q : {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
      EXPECT_TRUE(WithinRelativeError(durations, q, sketch.Quantile(q))) << "seed " << c.seed;
    }
  }
}

TEST(LatencySketchTest, QuantilesAreWithinOnePercentOnUniformData) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::int64_t> dist(1, 1'000'000'000);
  std::vector<std::int64_t> durations(8000);
  for (auto& d : durations) d = dist(rng);
  const LatencySketch sketch = SketchOf(durations);
  std::sort(durations.begin(), durations.end());
  for (int i = 0; i <= 100; ++i) {
    const double q = i / 100.0;
    EXPECT_TRUE(WithinRelativeError(durations, q, sketch.Quantile(q)));
  }
}

TEST(LatencySketchTest, MinMaxAndSumAreExact) {
  std::vector<std::int64_t> durations = LogNormalDurations(5, 3000, std::log(1e6), 1.2);
  const LatencySketch sketch = SketchOf(durations);
  const auto [mn, mx] = std::minmax_element(durations.begin(), durations.end());
  std::uint64_t sum = 0;
  for (auto d : durations) sum += static_cast<std::uint64_t>(d);
  EXPECT_EQ(sketch.min_ns(), *mn);
  EXPECT_EQ(sketch.max_ns(), *mx);
  EXPECT_EQ(sketch.sum_ns(), sum);
  EXPECT_DOUBLE_EQ(sketch.mean_ns(), static_cast<double>(sum) / durations.size());
  // The extreme quantiles are the exact extremes.
  EXPECT_EQ(sketch.Quantile(0.0), static_cast<double>(*mn));
  EXPECT_EQ(sketch.Quantile(1.0), static_cast<double>(*mx));
}

TEST(LatencySketchTest, QuantileClampsQToZeroOne) {
  const LatencySketch sketch = SketchOf({100, 200, 300, 400});
  EXPECT_EQ(sketch.Quantile(-1.0), sketch.Quantile(0.0));
  EXPECT_EQ(sketch.Quantile(2.0), sketch.Quantile(1.0));
}

TEST(LatencySketchTest, SingleValueQuantilesAreThatValue) {
  LatencySketch sketch;
  sketch.Add(123456789);
  for (double q : {0.0, 0.3, 0.5, 1.0}) {
    const double v = sketch.Quantile(q);
    EXPECT_NEAR(v, 123456789.0, 123456789.0 * kAccuracy) << q;
  }
  EXPECT_EQ(sketch.min_ns(), 123456789);
  EXPECT_EQ(sketch.max_ns(), 123456789);
}

TEST(LatencySketchTest, NegativeDurationsAreRecordedAsZero) {
  LatencySketch negative;
  negative.Add(-5);
  negative.Add(-1'000'000);
  negative.Add(7000);
  LatencySketch zeros;
  zeros.Add(0);
  zeros.Add(0);
  zeros.Add(7000);
  EXPECT_EQ(negative, zeros);
  EXPECT_EQ(negative.count(), 3u);
  EXPECT_EQ(negative.min_ns(), 0);
  EXPECT_EQ(negative.sum_ns(), 7000u);
  EXPECT_EQ(negative.Quantile(0.0), 0.0);
  ASSERT_FALSE(negative.bins().empty());
  EXPECT_EQ(negative.bins().front().index, LatencySketch::kZeroBin);
  EXPECT_EQ(negative.bins().front().count, 2u);
}

TEST(LatencySketchTest, AddWithCountEqualsRepeatedAdds) {
  LatencySketch bulk;
  bulk.Add(1500, 4);
  bulk.Add(-3, 2);
  bulk.Add(90'000'000, 1);
  LatencySketch single;
  for (int i = 0; i < 4; ++i) single.Add(1500);
  for (int i = 0; i < 2; ++i) single.Add(-3);
  single.Add(90'000'000);
  EXPECT_EQ(bulk, single);
  EXPECT_EQ(bulk.count(), 7u);
  EXPECT_EQ(bulk.sum_ns(), 6000u + 90'000'000u);
}

TEST(LatencySketchTest, BinsAreSortedUniqueAndCountsAddUp) {
  const LatencySketch sketch = SketchOf(LogNormalDurations(9, 5000, std::log(1e5), 2.0));
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < sketch.bins().size(); ++i) {
    total += sketch.bins()[i].count;
    EXPECT_GT(sketch.bins()[i].count, 0u);
    if (i > 0) {
      EXPECT_LT(sketch.bins()[i - 1].index, sketch.bins()[i].index);
    }
  }
  EXPECT_EQ(total, sketch.count());
}

TEST(LatencySketchTest, BinValueIsWithinOnePercentOfEveryDurationInTheBin) {
  EXPECT_EQ(LatencySketch::BinIndex(0), LatencySketch::kZeroBin);
  EXPECT_EQ(LatencySketch::BinIndex(-42), LatencySketch::kZeroBin);
  std::int32_t previous = LatencySketch::kZeroBin;
  for (std::int64_t d = 1; d < 4'000'000'000'000LL; d = d + 1 + d / 97) {
    const std::int32_t index = LatencySketch::BinIndex(d);
    EXPECT_GE(index, previous) << d;  // monotone in the duration
    EXPECT_NE(index, LatencySketch::kZeroBin) << d;
    previous = index;
    const double value = LatencySketch::BinValue(index);
    EXPECT_LE(std::abs(value - d), kAccuracy * d + 1e-9) << d;
  }
}

TEST(LatencySketchTest, BinIndexIsCeilOfLogGammaForEveryDurationTried) {
  // The definition: ceil(log_gamma(d)) with gamma = 1.01 / 0.99. Checked at every duration
  // up to 100k, around every bin boundary, at random durations and at the extremes.
  const double log_gamma = std::log((1.0 + kAccuracy) / (1.0 - kAccuracy));
  const auto reference = [&](std::int64_t d) {
    return static_cast<std::int32_t>(
        std::ceil(std::log(static_cast<double>(d)) / log_gamma - 1e-12));
  };
  for (std::int64_t d = 1; d <= 100'000; ++d) {
    ASSERT_EQ(LatencySketch::BinIndex(d), reference(d)) << d;
  }
  for (int i = 1; i < 2100; ++i) {
    const auto near = static_cast<std::int64_t>(std::exp(i * log_gamma));
    for (std::int64_t d = std::max<std::int64_t>(1, near - 3); d <= near + 3; ++d) {
      ASSERT_EQ(LatencySketch::BinIndex(d), reference(d)) << d;
    }
  }
  std::mt19937_64 rng(7);
  for (int k = 0; k < 200'000; ++k) {
    const auto d = static_cast<std::int64_t>(rng() >> (1 + rng() % 63));
    if (d > 0) ASSERT_EQ(LatencySketch::BinIndex(d), reference(d)) << d;
  }
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(LatencySketch::BinIndex(max), reference(max));
  EXPECT_EQ(LatencySketch::BinIndex(max - 1), reference(max - 1));
}

TEST(LatencySketchTest, MergeEqualsSketchOfTheUnionForRandomSplits) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> durations =
        LogNormalDurations(seed * 31, 500 + static_cast<int>(seed) * 50, std::log(1e6), 1.5);
    // Some zero and negative durations too.
    durations.push_back(0);
    durations.push_back(-17);
    std::vector<std::int64_t> a, b, c;
    for (auto d : durations) {
      switch (rng() % 3) {
        case 0: a.push_back(d); break;
        case 1: b.push_back(d); break;
        default: c.push_back(d); break;
      }
    }
    const LatencySketch whole = SketchOf(durations);
    LatencySketch ab = SketchOf(a);
    ab.Merge(SketchOf(b));
    ab.Merge(SketchOf(c));
    EXPECT_EQ(ab, whole) << "seed " << seed;

    LatencySketch cba = SketchOf(c);
    cba.Merge(SketchOf(b));
    cba.Merge(SketchOf(a));
    EXPECT_EQ(cba, whole) << "seed " << seed;
    EXPECT_EQ(cba.Quantile(0.99), whole.Quantile(0.99));
  }
}

TEST(LatencySketchTest, MergeWithEmptySketchesIsIdentity) {
  const LatencySketch data = SketchOf({5, 50, 500, 5000});
  LatencySketch into_empty;
  into_empty.Merge(data);
  EXPECT_EQ(into_empty, data);
  EXPECT_EQ(into_empty.min_ns(), 5);
  LatencySketch with_empty = data;
  with_empty.Merge(LatencySketch());
  EXPECT_EQ(with_empty, data);
}

TEST(LatencySketchTest, FromPartsRebuildsAnEqualSketch) {
  const LatencySketch original = SketchOf(LogNormalDurations(21, 2000, std::log(3e6), 1.0));
  LatencySketch rebuilt;
  ASSERT_TRUE(LatencySketch::FromParts(original.bins(), original.sum_ns(), original.min_ns(),
                                       original.max_ns(), &rebuilt));
  EXPECT_EQ(rebuilt, original);
  EXPECT_EQ(rebuilt.count(), original.count());
  EXPECT_EQ(rebuilt.Quantile(0.5), original.Quantile(0.5));

  LatencySketch empty;
  ASSERT_TRUE(LatencySketch::FromParts({}, 0, 0, 0, &empty));
  EXPECT_TRUE(empty.empty());
}

TEST(LatencySketchTest, FromPartsRejectsInconsistentPartsAndLeavesOutputUnchanged) {
  const LatencySketch original = SketchOf({1000, 2000, 4000, 8000, 16000});
  ASSERT_GE(original.bins().size(), 3u);
  const LatencySketch sentinel = SketchOf({77});

  auto expect_rejected = [&](std::vector<LatencySketch::Bin> bins, std::uint64_t sum,
                             std::int64_t min, std::int64_t max, const char* what) {
    LatencySketch out = sentinel;
    EXPECT_FALSE(LatencySketch::FromParts(std::move(bins), sum, min, max, &out)) << what;
    EXPECT_EQ(out, sentinel) << what;
  };

  std::vector<LatencySketch::Bin> unsorted = original.bins();
  std::swap(unsorted[0], unsorted[1]);
  expect_rejected(unsorted, original.sum_ns(), original.min_ns(), original.max_ns(), "unsorted");

  std::vector<LatencySketch::Bin> duplicated = original.bins();
  duplicated[1].index = duplicated[0].index;
  expect_rejected(duplicated, original.sum_ns(), original.min_ns(), original.max_ns(),
                  "duplicated");

  expect_rejected(original.bins(), original.sum_ns(), original.max_ns(), original.min_ns(),
                  "min > max");
}

}  // namespace
}  // namespace faultline
