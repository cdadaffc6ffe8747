// The scenario runner's random numbers: the same seed gives the same stream on every machine
// and compiler (no std::*_distribution, whose outputs the standard leaves to the library).
// SplitMix64 (Steele, Lea, Flood 2014): 64-bit state, full period, one multiply-xorshift chain
// per draw; streams for different purposes are derived by mixing the scenario's seed with a
// stream key (device index, group, purpose), so adding a device does not shift another's draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace routesim::scenario {

class Rng {
  __extension__ using Wide = unsigned __int128;  // GCC and Clang; the product's high half

 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A stream for `key` under `seed`: independent of other keys' streams.
  static Rng stream(uint64_t seed, uint64_t key) { return Rng(mix(seed ^ mix(key + kGolden))); }

  uint64_t next() {
    state_ += kGolden;
    return mix(state_);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi) (hi > lo), by Lemire's multiply-shift (bias below 2^-64 * span).
  int64_t range(int64_t lo, int64_t hi) {
    auto span = static_cast<uint64_t>(hi - lo);
    Wide wide = static_cast<Wide>(next()) * span;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(wide >> 64));
  }
  // Index in [0, n), n > 0.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<Wide>(next()) * n) >> 64);
  }

  static constexpr uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // FNV-1a of a name, for stream keys derived from names.
  static constexpr uint64_t key(std::string_view name) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    return h;
  }

 private:
  static constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
  uint64_t state_;
};

}  // namespace routesim::scenario
