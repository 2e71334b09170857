// The int8 inner loop of linear_int8.cpp, once per instruction set. Each int8_dot_<isa>.cpp is
// compiled for its ISA alone (CMakeLists.txt) and exports one Int8Dot; linear_int8.cpp calls the
// best one the CPU can run (core/cpu_isa.h). A kernel writes exact int32 sums, so every variant
// gives the same bits:
//   sums[m][j] = sum_k xb[m][k] * q[k][j]   for TM rows of x and NP panels of 16 outputs
//   x: (TM, K4) bytes, row stride K4: p (signed), or p ^ 0x80 = p + 128 (unsigned) when
//      unsigned_x; the caller then subtracts 128 * sum_k q[k][j]
//   w: NP panels, panel_bytes apart, each (K4/4, 16, 4) int8
//   sums: (TM, NP * 16) int32, row stride NP * 16
// Translation units built for different instruction sets must share no inline code: every helper
// below that is instantiated in them takes the unit's own (internal) Tiles type.
#pragma once
#include <cstdint>

#include "core/cpu_isa.h"

namespace own {

using Int8SumsFn = void (*)(int32_t* sums, const int8_t* w, int64_t panel_bytes, const int8_t* x, int64_t K4);

struct Int8Dot {
  const char* name;
  Isa need;                          // what the CPU must have
  bool unsigned_x;                   // x bytes are p + 128
  int max_tok;                       // rows of x per tile
  int (*panels_for)(int tm);         // panels per tile for tm rows
  Int8SumsFn (*pick)(int tm, bool single);  // the tile for tm rows x panels_for(tm) panels, or 1 panel
};

extern const Int8Dot kInt8DotScalar, kInt8DotAvx2, kInt8DotAvx512Vnni;

// pick<Tiles, TM>(tm, single): Tiles::run<tm, 1> or Tiles::run<tm, Tiles::panels(tm)>, tm <= TM
template <typename Tiles, int TM>
Int8SumsFn int8_pick(int tm, bool single) {
  if constexpr (TM == 1) {
    return single ? &Tiles::template run<1, 1> : &Tiles::template run<1, Tiles::panels(1)>;
  } else {
    if (tm == TM) return single ? &Tiles::template run<TM, 1> : &Tiles::template run<TM, Tiles::panels(TM)>;
    return int8_pick<Tiles, TM - 1>(tm, single);
  }
}

}  // namespace own
