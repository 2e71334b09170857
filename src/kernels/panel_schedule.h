// The tile loop the packed-weight linear kernels share (linear.cpp, linear_int8.cpp), called inside
// an OpenMP parallel region: x rows in blocks of m_block (what stays in L2 while the weights stream
// by), each block's panels split over the threads in groups (static, so a panel's thread is fixed),
// and within a group tiles of up to max_tok rows x panels_for(rows) panels, with single-panel tiles
// at the group's tail. tile(m, tm, p, single) computes rows m .. m + tm - 1 against the tile's
// panels starting at panel p (one panel when single, else panels_for(tm)).
#pragma once
#include <algorithm>
#include <cstdint>

namespace own {

template <typename PanelsFor, typename Tile>
inline void for_each_tile(int64_t M, int64_t P, int64_t m_block, int max_tok, PanelsFor panels_for, Tile tile) {
  // groups sized for the common row count of a tile
  const int64_t np = panels_for(static_cast<int>(std::min<int64_t>(M, max_tok))), n_groups = (P + np - 1) / np;
  for (int64_t m0 = 0; m0 < M; m0 += m_block) {
    const int64_t m1 = std::min(M, m0 + m_block);
#pragma omp for schedule(static) nowait
    for (int64_t g = 0; g < n_groups; g++) {
      const int64_t p0 = g * np, p1 = std::min(P, p0 + np);
      for (int64_t m = m0, tm; m < m1; m += tm) {
        tm = std::min<int64_t>(max_tok, m1 - m);
        const int64_t want = panels_for(static_cast<int>(tm));
        for (int64_t p = p0, take; p < p1; p += take) {
          take = p1 - p >= want ? want : 1;
          tile(m, tm, p, take == 1 && want > 1);
        }
      }
    }
  }
}

}  // namespace own
