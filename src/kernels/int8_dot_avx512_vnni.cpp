// The int8 tile on AVX512-VNNI (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni): one
// k-quad of a panel is one zmm of 16 outputs x 4 bytes, and vpdpbusd adds the four products of each
// lane's bytes into its int32, exactly. vpdpbusd takes unsigned times signed bytes, so x arrives as
// p + 128 (1..255) and the caller subtracts 128 * sum_k q; a lane's sum stays below
// 255 * 127 * K < 2^31 for K < 2^16.
#include <immintrin.h>

#include <cstring>

#include "kernels/int8_dot.h"

namespace own {
namespace {

struct Tiles {
  // 32 zmm: up to 4 rows x 4 panels = 16 accumulators + 4 weights + a broadcast; a single row
  // takes 8 panels, enough independent sums to hide vpdpbusd's latency while decode streams
  static constexpr int panels(int tm) { return tm == 1 ? 8 : 4; }
  template <int TM, int NP>
  static void run(int32_t* sums, const int8_t* w, int64_t panel_bytes, const int8_t* x, int64_t K4) {
    __m512i acc[TM][NP];
    for (int m = 0; m < TM; m++)
      for (int p = 0; p < NP; p++) acc[m][p] = _mm512_setzero_si512();
    for (int64_t k = 0; k < K4; k += 4) {
      __m512i wv[NP];
      for (int p = 0; p < NP; p++) wv[p] = _mm512_loadu_si512(w + p * panel_bytes + k * 16);
      for (int m = 0; m < TM; m++) {
        int32_t quad;
        std::memcpy(&quad, x + m * K4 + k, sizeof quad);
        const __m512i xb = _mm512_set1_epi32(quad);  // (p + 128)[m][k..k+3] in every lane
        for (int p = 0; p < NP; p++) acc[m][p] = _mm512_dpbusd_epi32(acc[m][p], xb, wv[p]);
      }
    }
    for (int m = 0; m < TM; m++)
      for (int p = 0; p < NP; p++) _mm512_storeu_si512(sums + m * NP * 16 + p * 16, acc[m][p]);
  }
};

int panels_for(int tm) { return Tiles::panels(tm); }

}  // namespace

const Int8Dot kInt8DotAvx512Vnni = {"avx512_vnni", Isa::avx512_vnni, true, 4, panels_for, int8_pick<Tiles, 4>};

}  // namespace own
