// bf16 as the top 16 bits of an fp32: rounding to nearest-even (NaN stays a quiet NaN) and the
// exact widening back.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

namespace own {

inline uint16_t to_bf16(float x) {
  if (std::isnan(x)) return 0x7FC0;
  const uint32_t u = std::bit_cast<uint32_t>(x);
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

inline float from_bf16(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

}  // namespace own
