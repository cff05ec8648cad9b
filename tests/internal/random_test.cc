// SplitMix64 of faultline/internal/random.h: the published sequence, and Below().
#include "faultline/internal/random.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "gtest/gtest.h"

namespace faultline::internal {
namespace {

TEST(SplitMix64Test, SeedZeroGivesThePublishedSequence) {
  SplitMix64 rng(0);
  EXPECT_EQ(rng.Next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(rng.Next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(rng.Next(), 0x06c45d188009454fULL);
}

TEST(SplitMix64Test, BelowIsNextModuloN) {
  SplitMix64 a(42), b(42);
  for (std::uint32_t n : {1u, 2u, 7u, 100u, 1000u, 4000000000u}) {
    const std::uint32_t v = a.Below(n);
    EXPECT_EQ(v, b.Next() % n);
    EXPECT_LT(v, n);
  }
  const std::size_t big = std::size_t{1} << 40;
  EXPECT_EQ(a.Below(big), b.Next() % big);
}

TEST(SplitMix64Test, BelowReturnsAWidthThatHoldsN) {
  SplitMix64 rng(1);
  static_assert(std::is_same_v<decltype(rng.Below(4)), std::uint32_t>);
  static_assert(std::is_same_v<decltype(rng.Below(std::uint32_t{4})), std::uint32_t>);
  static_assert(std::is_same_v<decltype(rng.Below(std::uint64_t{4})), std::uint64_t>);
  static_assert(std::is_same_v<decltype(rng.Below(std::size_t{4})), std::uint64_t>);
  EXPECT_EQ(rng.Below(1), 0u);
}

}  // namespace
}  // namespace faultline::internal
