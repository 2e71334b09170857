// IEEE half precision (f16): the exact widening to fp32 and rounding to nearest-even from it
// (overflow to infinity, NaN stays a quiet NaN, subnormals kept).
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

namespace own {

inline float from_f16(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  if (exp == 0) {  // zero or subnormal: mant * 2^-24
    float f = static_cast<float>(mant) * 0x1p-24f;
    return sign ? -f : f;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));  // inf / nan
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));  // rebias 15 -> 127
}

inline uint16_t to_f16(float x) {
  const uint32_t u = std::bit_cast<uint32_t>(x);
  const auto sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  if (std::isnan(x)) return static_cast<uint16_t>(sign | 0x7E00u);
  const float a = std::fabs(x);
  if (a >= 65520.0f) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds past the largest half
  if (a < 0x1p-14f) {  // subnormal half: a multiple of 2^-24, rounded to nearest even by rint
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::rint(a * 0x1p24f)));
  }
  const uint32_t au = std::bit_cast<uint32_t>(a);
  // drop 13 mantissa bits with round-to-nearest-even; a carry into the exponent is correct
  const uint32_t rounded = au + 0xFFFu + ((au >> 13) & 1u);
  return static_cast<uint16_t>(sign | static_cast<uint16_t>(((rounded >> 13) - (112u << 10)) & 0x7FFFu));
}

}  // namespace own
