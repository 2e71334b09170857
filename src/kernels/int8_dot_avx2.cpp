// The int8 tile on AVX2 (compiled with -mavx2 -mfma): one k-quad of a panel is two ymm of 8 outputs
// x 4 bytes. vpmaddubsw takes unsigned times signed bytes, so each pair is |p| times q with p's sign
// moved onto q (vpsignb); a pair sum is at most 2 * 127 * 127 < 2^15 (no saturation), and vpmaddwd
// against ones widens the pairs into 8 int32 lanes.
#include <immintrin.h>

#include <cstring>

#include "kernels/int8_dot.h"

namespace own {
namespace {

struct Tiles {
  // measured at K 768: 2 rows x 2 panels beats 4 x 1, 3 x 2 and 2 x 3 by 10-25% on a prefill-sized M
  static constexpr int panels(int tm) { return tm == 1 ? 4 : 2; }
  template <int TM, int NP>
  static void run(int32_t* sums, const int8_t* w, int64_t panel_bytes, const int8_t* x, int64_t K4) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[TM][NP * 2];
    for (int m = 0; m < TM; m++)
      for (int v = 0; v < NP * 2; v++) acc[m][v] = _mm256_setzero_si256();
    for (int64_t k = 0; k < K4; k += 4) {
      __m256i wv[NP * 2];
      for (int p = 0; p < NP; p++)
        for (int v = 0; v < 2; v++)
          wv[p * 2 + v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p * panel_bytes + k * 16 + v * 32));
      for (int m = 0; m < TM; m++) {
        int32_t quad;
        std::memcpy(&quad, x + m * K4 + k, sizeof quad);
        const __m256i xb = _mm256_set1_epi32(quad);  // p[m][k..k+3] in every lane
        const __m256i xa = _mm256_abs_epi8(xb);
        for (int v = 0; v < NP * 2; v++) {
          const __m256i pairs = _mm256_maddubs_epi16(xa, _mm256_sign_epi8(wv[v], xb));  // 16 x int16
          acc[m][v] = _mm256_add_epi32(acc[m][v], _mm256_madd_epi16(pairs, ones));     // 8 x int32
        }
      }
    }
    for (int m = 0; m < TM; m++)
      for (int v = 0; v < NP * 2; v++)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + m * NP * 16 + v * 8), acc[m][v]);
  }
};

int panels_for(int tm) { return Tiles::panels(tm); }

}  // namespace

const Int8Dot kInt8DotAvx2 = {"avx2", Isa::avx2, false, 2, panels_for, int8_pick<Tiles, 2>};

}  // namespace own
