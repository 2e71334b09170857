#include "kernels/isa_report.h"

#include <fmt/format.h>

#include "core/cpu_isa.h"
#include "kernels/linear_int8.h"
#include "kernels/matmul.h"
#include "kernels/simd.h"

namespace own {

std::string kernels_report() {
  std::string built;
  for (const Int8Dot* d : int8_dots()) built += (built.empty() ? "" : ", ") + std::string(d->name);
  // the float kernels (simd.h) are compiled for the build's instruction set (-march), not switched
#if defined(__AVX512F__)
  const char* simd = "avx512 (16 lanes)";
#elif defined(__AVX2__)
  const char* simd = "avx2 (8 lanes)";
#else
  const char* simd = "scalar";
#endif
  return fmt::format(
      "cpu: {}\n"
      "  int8 linear (inference): {} (built: {}; chosen at run time)\n"
      "  f32/bf16 linear, attention, norms: {} (chosen at build time)\n"
      "  training GEMMs: oneDNN {} (bf16 {})\n",
      cpu_summary(), int8_dot().name, built, simd, onednn_isa_name(), bf16_is_native() ? "native" : "emulated");
}

}  // namespace own
