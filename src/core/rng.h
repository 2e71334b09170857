// Deterministic random numbers: SplitMix64 state, uniform and normal draws.
// The whole state is one uint64, so it is saved in train_state and resumes bit for bit.
// Not cryptographic; not std::mt19937 (its distributions differ between standard libraries).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace own {

struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed = 0) : state(seed) {}

  uint64_t next_u64() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // uniform in [0, 1) with 24 random bits
  float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }
  // uniform integer in [0, n)
  uint64_t below(uint64_t n) { return next_u64() % n; }
  // standard normal via Box-Muller (one draw per call; simple and reproducible)
  float normal() {
    double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740993.0);
    double u2 = static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
};

// Fisher-Yates, from the back: one draw per element but the first, so the draws are part of the output
template <class Vec>
void shuffle(Vec& v, Rng& rng) {
  using std::swap;  // found at instantiation (ADL), so std::array's and others' overloads too
  for (size_t i = v.size(); i > 1; i--) swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace own
