// The f32 / bf16 linear tiles in plain C++ (compiled without AVX): the path for a CPU without AVX2, or OWNCHAT_ISA=scalar.
#include "kernels/linear_float_tiles.h"

namespace own {

#ifdef OWN_SIMD
#error "linear_float_scalar.cpp must be compiled without AVX (CMakeLists.txt)"
#endif

const LinearFloat kLinearFloatScalar = {"scalar", Isa::scalar, linear_typed<float>, linear_typed<uint16_t>};

}  // namespace own
