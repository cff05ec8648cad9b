// faultline/internal/random.h
//
// SplitMix64: the one deterministic pseudo-random generator of the benchmarks' synthetic
// workloads and the fuzz driver's mutations. Its sequence depends only on the seed (not on
// the platform or the standard library, unlike std::uniform_int_distribution), so a seed
// names the same workload everywhere. Not for cryptography; not part of the public API.
#ifndef FAULTLINE_INTERNAL_RANDOM_H_
#define FAULTLINE_INTERNAL_RANDOM_H_

#include <cstdint>
#include <type_traits>

namespace faultline::internal {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  // Next(): the next 64-bit value (Steele, Lea and Flood's SplitMix64 step and mix).
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Below(): Next() % n, a value in [0, n) for n > 0; the modulo bias is below n / 2^64.
  // The result is a std::uint32_t for an integer n of up to 32 bits, a std::uint64_t
  // otherwise (so it fits wherever n's type does).
  template <typename N, typename = std::enable_if_t<std::is_integral_v<N>>>
  auto Below(N n) -> std::conditional_t<(sizeof(N) <= 4), std::uint32_t, std::uint64_t> {
    using Result = std::conditional_t<(sizeof(N) <= 4), std::uint32_t, std::uint64_t>;
    return static_cast<Result>(Next() % static_cast<std::uint64_t>(n));
  }

 private:
  std::uint64_t state_;
};

}  // namespace faultline::internal

#endif  // FAULTLINE_INTERNAL_RANDOM_H_
