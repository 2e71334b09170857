// What the CPU can run, read once from cpuid (and the OS's saved-state mask, xgetbv), capped by the
// OWNCHAT_ISA environment variable. The hand-written kernels are compiled once per instruction set
// (kernels/*_<isa>.cpp) and each call site picks the best one this answers yes to, so one build
// runs on any x86-64 CPU and a lower path can be forced on a higher one (tests, comparisons).
//   OWNCHAT_ISA  scalar | avx2 | avx512 | avx512_vnni | native (the default: no cap)
// Levels are ordered; a feature is usable when the CPU has it and its level is at most the cap.
#pragma once
#include <string>
#include <vector>

namespace own {

enum class Isa { scalar = 0, avx2 = 1, avx512 = 2, avx512_vnni = 3, native = 4 };
const char* isa_name(Isa isa);

struct CpuFeatures {
  std::string model;          // the brand string, e.g. "AMD EPYC 9B14"
  bool avx2_fma = false;      // AVX2 + FMA3 (and the OS saves ymm)
  bool avx_vnni = false;      // VEX-encoded vpdpbusd on ymm (no AVX-512 needed)
  bool avx512 = false;        // AVX-512 F + BW + VL + DQ (and the OS saves zmm and masks)
  bool avx512_vnni = false;   // vpdpbusd on zmm
  bool avx512_bf16 = false;   // vdpbf16ps
  bool amx_int8 = false, amx_bf16 = false;  // tile units (the OS saves tile state)
  std::string flags() const;  // the above that are present, space-separated
};

// detected once, before any cap
const CpuFeatures& cpu_features();
// OWNCHAT_ISA, parsed once; an unknown value is an InputError naming it and the choices
Isa isa_cap();
// can a kernel needing `need` run here, under the cap?
bool isa_usable(Isa need);
// one line: the CPU, its flags, and the cap when one is set
std::string cpu_summary();

// the highest of a kernel's variants (listed lowest first, each with a `need`) that can run here
template <typename Variant>
const Variant& best_variant(const std::vector<const Variant*>& variants) {
  const Variant* best = variants.front();
  for (const Variant* v : variants)
    if (isa_usable(v->need)) best = v;
  return *best;
}

}  // namespace own
