#include "kernels/isa_report.h"

#include <fmt/format.h>

#include "core/cpu_isa.h"
#include "kernels/linear_float.h"
#include "kernels/linear_int8.h"
#include "kernels/matmul.h"
#include "kernels/simd.h"

namespace own {

std::string kernels_report() {
  auto names = [](const auto& variants) {
    std::string s;
    for (const auto* v : variants) s += (s.empty() ? "" : ", ") + std::string(v->name);
    return s;
  };
  // the other float kernels (simd.h) are compiled for the build's instruction set (-march)
  return fmt::format(
      "cpu: {}\n"
      "  int8 linear (inference): {} (built: {}; chosen at run time)\n"
      "  f32/bf16 linear (inference): {} (built: {}; chosen at run time)\n"
      "  attention, norms, sampling: {} (chosen at build time)\n"
      "  training GEMMs: oneDNN {} (bf16 {})\n",
      cpu_summary(), int8_dot().name, names(int8_dots()), linear_float().name, names(linear_floats()),
      OWN_SIMD_NAME, onednn_isa_name(), bf16_is_native() ? "native" : "emulated");
}

}  // namespace own
