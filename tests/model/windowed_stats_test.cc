// Tests of WindowedStats: bucket boundaries, aggregation over half-open windows, exact
// merging, width mismatch, and dropping old buckets.
#include "faultline/model/windowed_stats.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::HasCode;

constexpr std::int64_t kSecond = 1'000'000'000;

struct Request {
  std::int64_t time_ns;
  bool error;
  std::int64_t latency_ns;
};

std::vector<Request> RandomRequests(std::uint64_t seed, int n, std::int64_t t0,
                                    std::int64_t span_ns) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> time(t0, t0 + span_ns);
  std::lognormal_distribution<double> latency(std::log(5e6), 1.3);
  std::vector<Request> out;
  for (int i = 0; i < n; ++i) {
    std::int64_t l = static_cast<std::int64_t>(latency(rng));
    if (rng() % 50 == 0) l = -static_cast<std::int64_t>(rng() % 1000);  // clock skew
    out.push_back({time(rng), rng() % 7 == 0, l});
  }
  return out;
}

WindowedStats StatsOf(const std::vector<Request>& requests,
                      std::int64_t width = kDefaultBucketWidthNs) {
  WindowedStats stats(width);
  for (const Request& r : requests) stats.Record(r.time_ns, r.error, r.latency_ns);
  return stats;
}

TEST(WindowedStatsTest, DefaultBucketWidthIsTenSeconds) {
  EXPECT_EQ(kDefaultBucketWidthNs, 10 * kSecond);
  EXPECT_EQ(WindowedStats().bucket_width_ns(), 10 * kSecond);
}

TEST(WindowedStatsTest, NonPositiveWidthIsReplacedByTheDefault) {
  EXPECT_EQ(WindowedStats(0).bucket_width_ns(), kDefaultBucketWidthNs);
  EXPECT_EQ(WindowedStats(-5).bucket_width_ns(), kDefaultBucketWidthNs);
  EXPECT_EQ(WindowedStats(3 * kSecond).bucket_width_ns(), 3 * kSecond);
}

TEST(WindowedStatsTest, BucketIndexIsFloorOfTimeOverWidthIncludingNegativeTimes) {
  const WindowedStats stats;  // 10 s
  const std::int64_t w = 10 * kSecond;
  EXPECT_EQ(stats.BucketIndex(0), 0);
  EXPECT_EQ(stats.BucketIndex(1), 0);
  EXPECT_EQ(stats.BucketIndex(w - 1), 0);
  EXPECT_EQ(stats.BucketIndex(w), 1);
  EXPECT_EQ(stats.BucketIndex(5 * w + 3), 5);
  EXPECT_EQ(stats.BucketIndex(-1), -1);
  EXPECT_EQ(stats.BucketIndex(-w), -1);
  EXPECT_EQ(stats.BucketIndex(-w - 1), -2);
  EXPECT_EQ(stats.BucketIndex(1'700'000'000 * kSecond + 15 * kSecond), 170'000'000 + 1);
  EXPECT_EQ(stats.BucketStart(-2), -2 * w);
  EXPECT_EQ(stats.BucketStart(3), 3 * w);
  for (std::int64_t t : std::vector<std::int64_t>{-3 * w - 7, -w, -1, 0, 7 * w + 9}) {
    const std::int64_t i = stats.BucketIndex(t);
    EXPECT_LE(stats.BucketStart(i), t);
    EXPECT_GT(stats.BucketStart(i + 1), t);
  }
}

TEST(WindowedStatsTest, RecordCountsRequestsErrorsAndLatencyPerBucket) {
  WindowedStats stats;
  stats.Record(1 * kSecond, false, 2'000'000);
  stats.Record(9 * kSecond, true, 4'000'000);
  stats.Record(10 * kSecond, false, 8'000'000);
  stats.Record(-1, true, -10);

  ASSERT_EQ(stats.buckets().size(), 3u);
  const BucketStats& b0 = stats.buckets().at(0);
  EXPECT_EQ(b0.requests, 2u);
  EXPECT_EQ(b0.errors, 1u);
  EXPECT_EQ(b0.latency.count(), 2u);
  EXPECT_EQ(b0.latency.min_ns(), 2'000'000);
  EXPECT_EQ(b0.latency.max_ns(), 4'000'000);
  EXPECT_DOUBLE_EQ(b0.error_rate(), 0.5);

  const BucketStats& b1 = stats.buckets().at(1);
  EXPECT_EQ(b1.requests, 1u);
  EXPECT_EQ(b1.errors, 0u);

  const BucketStats& bm1 = stats.buckets().at(-1);
  EXPECT_EQ(bm1.requests, 1u);
  EXPECT_EQ(bm1.errors, 1u);
  EXPECT_EQ(bm1.latency.min_ns(), 0);  // negative latency recorded as 0
  EXPECT_EQ(bm1.latency.sum_ns(), 0u);

  const BucketStats total = stats.Total();
  EXPECT_EQ(total.requests, 4u);
  EXPECT_EQ(total.errors, 2u);
  EXPECT_EQ(total.latency.count(), 4u);
}

TEST(WindowedStatsTest, AggregateCoversBucketsStartingInHalfOpenWindow) {
  WindowedStats stats;
  stats.Record(5 * kSecond, false, 1000);    // bucket 0, starts at 0
  stats.Record(15 * kSecond, true, 2000);    // bucket 1, starts at 10 s
  stats.Record(25 * kSecond, false, 3000);   // bucket 2, starts at 20 s
  stats.Record(-5 * kSecond, false, 4000);   // bucket -1, starts at -10 s

  EXPECT_EQ(stats.Aggregate(10 * kSecond, 20 * kSecond).requests, 1u);
  EXPECT_EQ(stats.Aggregate(10 * kSecond, 20 * kSecond).errors, 1u);
  EXPECT_EQ(stats.Aggregate(10 * kSecond, 30 * kSecond).requests, 2u);
  // The end is exclusive: a window ending at a bucket start leaves that bucket out.
  EXPECT_EQ(stats.Aggregate(0, 10 * kSecond).requests, 1u);
  EXPECT_EQ(stats.Aggregate(0, 10 * kSecond + 1).requests, 2u);
  // A bucket counts by its start: it is outside a window that begins after its start.
  EXPECT_EQ(stats.Aggregate(11 * kSecond, 20 * kSecond).requests, 0u);
  EXPECT_EQ(stats.Aggregate(-10 * kSecond, 0).requests, 1u);
  EXPECT_EQ(stats.Aggregate(-100 * kSecond, 100 * kSecond), stats.Total());
  EXPECT_EQ(stats.Aggregate(20 * kSecond, 20 * kSecond).requests, 0u);
  EXPECT_EQ(stats.Aggregate(30 * kSecond, 10 * kSecond).requests, 0u);

  const BucketStats window = stats.Aggregate(0, 30 * kSecond);
  EXPECT_EQ(window.requests, 3u);
  EXPECT_EQ(window.latency.min_ns(), 1000);
  EXPECT_EQ(window.latency.max_ns(), 3000);
  EXPECT_EQ(window.latency.sum_ns(), 6000u);
}

TEST(WindowedStatsTest, AggregateEqualsMergeOfTheBucketsInRangeOnRandomData) {
  const std::vector<Request> requests = RandomRequests(3, 3000, -200 * kSecond, 600 * kSecond);
  const WindowedStats stats = StatsOf(requests);
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<std::int64_t> t(-300 * kSecond, 500 * kSecond);
  for (int trial = 0; trial < 50; ++trial) {
    const std::int64_t begin = t(rng), end = t(rng);
    BucketStats expected;
    for (const Request& r : requests) {
      const std::int64_t start = stats.BucketStart(stats.BucketIndex(r.time_ns));
      if (start >= begin && start < end) {
        expected.requests += 1;
        expected.errors += r.error ? 1 : 0;
        expected.latency.Add(r.latency_ns);
      }
    }
    EXPECT_EQ(stats.Aggregate(begin, end), expected) << begin << " " << end;
  }
}

TEST(WindowedStatsTest, MergeEqualsStatsOfTheUnionForRandomSplits) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const std::vector<Request> requests =
        RandomRequests(seed, 2000, -120 * kSecond, 400 * kSecond);
    const WindowedStats whole = StatsOf(requests, 7 * kSecond);
    std::mt19937_64 rng(seed + 100);
    const int parts = 2 + static_cast<int>(seed % 4);
    std::vector<std::vector<Request>> split(parts);
    for (const Request& r : requests) split[rng() % parts].push_back(r);

    WindowedStats merged(7 * kSecond);
    for (const auto& part : split) {
      ASSERT_OK(merged.Merge(StatsOf(part, 7 * kSecond)));
    }
    EXPECT_EQ(merged, whole) << "seed " << seed;

    WindowedStats reversed(7 * kSecond);
    for (auto it = split.rbegin(); it != split.rend(); ++it) {
      ASSERT_OK(reversed.Merge(StatsOf(*it, 7 * kSecond)));
    }
    EXPECT_EQ(reversed, whole) << "seed " << seed;
  }
}

TEST(WindowedStatsTest, MergeBucketAddsToTheNamedBucket) {
  WindowedStats stats;
  stats.Record(12 * kSecond, false, 100);
  BucketStats extra;
  extra.requests = 3;
  extra.errors = 2;
  extra.latency.Add(50, 3);
  stats.MergeBucket(1, extra);
  stats.MergeBucket(-4, extra);
  ASSERT_EQ(stats.buckets().size(), 2u);
  EXPECT_EQ(stats.buckets().at(1).requests, 4u);
  EXPECT_EQ(stats.buckets().at(1).errors, 2u);
  EXPECT_EQ(stats.buckets().at(1).latency.count(), 4u);
  EXPECT_EQ(stats.buckets().at(-4), extra);
}

TEST(WindowedStatsTest, MergeWithDifferentWidthIsInvalidArgumentAndChangesNothing) {
  const WindowedStats target_before = StatsOf(RandomRequests(8, 200, 0, 100 * kSecond));
  WindowedStats target = target_before;
  const WindowedStats other = StatsOf(RandomRequests(9, 200, 0, 100 * kSecond), 5 * kSecond);
  const absl::Status status = target.Merge(other);
  EXPECT_TRUE(HasCode(status, absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(target, target_before);
}

TEST(WindowedStatsTest, MergeOfEmptyIsIdentityAndMergeIntoEmptyCopies) {
  const WindowedStats data = StatsOf(RandomRequests(10, 300, 0, 60 * kSecond));
  WindowedStats a = data;
  ASSERT_OK(a.Merge(WindowedStats()));
  EXPECT_EQ(a, data);
  WindowedStats b;
  ASSERT_OK(b.Merge(data));
  EXPECT_EQ(b, data);
}

TEST(WindowedStatsTest, DropBeforeForgetsBucketsStartingBeforeTheTime) {
  WindowedStats stats;
  for (std::int64_t s : {-15, -5, 5, 15, 25, 35}) stats.Record(s * kSecond, false, 10);
  ASSERT_EQ(stats.buckets().size(), 6u);

  stats.DropBefore(0);
  EXPECT_EQ(stats.buckets().size(), 4u);
  EXPECT_EQ(stats.buckets().begin()->first, 0);

  // Bucket 1 starts at 10 s, before 15 s: it goes although 15 s lies inside it.
  stats.DropBefore(15 * kSecond);
  ASSERT_EQ(stats.buckets().size(), 2u);
  EXPECT_EQ(stats.buckets().begin()->first, 2);

  stats.DropBefore(20 * kSecond);  // bucket 2 starts exactly at 20 s and stays
  EXPECT_EQ(stats.buckets().size(), 2u);

  stats.DropBefore(1000 * kSecond);
  EXPECT_TRUE(stats.empty());
  EXPECT_EQ(stats.Total().requests, 0u);
}

TEST(WindowedStatsTest, EqualityComparesWidthAndBuckets) {
  WindowedStats a(5 * kSecond), b(5 * kSecond), c(6 * kSecond);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);  // same (no) data, different widths
  a.Record(1, false, 1);
  EXPECT_NE(a, b);
  b.Record(2, false, 1);
  EXPECT_EQ(a, b);  // same bucket, same latency
  b.Record(3, true, 1);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace faultline
