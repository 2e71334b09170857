// The int8 tile in plain C++: the reference the vector variants must equal bit for bit, and the
// path for a CPU without AVX2 (or OWNCHAT_ISA=scalar).
#include "kernels/int8_dot.h"

namespace own {
namespace {

struct Tiles {
  static constexpr int panels(int) { return 1; }
  template <int TM, int NP>
  static void run(int32_t* sums, const int8_t* w, int64_t panel_bytes, const int8_t* x, int64_t K4) {
    for (int m = 0; m < TM; m++)
      for (int j = 0; j < NP * 16; j++) {
        const int8_t* panel = w + (j / 16) * panel_bytes + (j % 16) * 4;
        int32_t s = 0;
        for (int64_t k = 0; k < K4; k++) s += int32_t(x[m * K4 + k]) * panel[(k / 4) * 64 + k % 4];
        sums[m * NP * 16 + j] = s;
      }
  }
};

}  // namespace

const Int8Dot kInt8DotScalar = {"scalar", Isa::scalar, false, 1, Tiles::panels, int8_pick<Tiles, 1>};

}  // namespace own
