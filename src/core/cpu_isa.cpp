#include "core/cpu_isa.h"

#include <cpuid.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/check.h"

namespace own {

namespace {

struct Regs {
  uint32_t a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(uint32_t leaf, uint32_t sub = 0) {
  Regs r;
  if (!__get_cpuid_count(leaf, sub, &r.a, &r.b, &r.c, &r.d)) r = Regs{};
  return r;
}

bool bit(uint32_t v, int i) { return (v >> i) & 1u; }

uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

std::string brand() {
  if (cpuid(0x80000000).a < 0x80000004) return "unknown x86-64";
  char s[49] = {};
  for (uint32_t i = 0; i < 3; i++) {
    const Regs r = cpuid(0x80000002 + i);
    std::memcpy(s + 16 * i, &r, 16);
  }
  std::string out(s);
  const size_t a = out.find_first_not_of(' '), b = out.find_last_not_of(' ');
  return a == std::string::npos ? "unknown x86-64" : out.substr(a, b - a + 1);
}

CpuFeatures detect() {
  CpuFeatures f;
  f.model = brand();
  const Regs l1 = cpuid(1), l7 = cpuid(7, 0), l7s1 = cpuid(7, 1);
  if (!bit(l1.c, 27)) return f;  // no OSXSAVE: the OS saves no vector state beyond SSE
  const uint64_t xcr0 = xgetbv0();
  const bool os_ymm = (xcr0 & 0x6) == 0x6, os_zmm = os_ymm && (xcr0 & 0xe0) == 0xe0;
  const bool os_tiles = (xcr0 & 0x60000) == 0x60000;
  f.avx2_fma = os_ymm && bit(l1.c, 28) && bit(l1.c, 12) && bit(l7.b, 5);
  f.avx_vnni = f.avx2_fma && bit(l7s1.a, 4);
  f.avx512 = f.avx2_fma && os_zmm && bit(l7.b, 16) && bit(l7.b, 17) && bit(l7.b, 30) && bit(l7.b, 31);
  f.avx512_vnni = f.avx512 && bit(l7.c, 11);
  f.avx512_bf16 = f.avx512 && bit(l7s1.a, 5);
  f.amx_int8 = os_tiles && bit(l7.d, 24) && bit(l7.d, 25);
  f.amx_bf16 = os_tiles && bit(l7.d, 24) && bit(l7.d, 22);
  return f;
}

Isa parse_cap(const char* s) {
  if (!s || !*s) return Isa::native;
  for (Isa i : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::avx512_vnni, Isa::native})
    if (std::strcmp(s, isa_name(i)) == 0) return i;
  input_error("OWNCHAT_ISA=\"{}\" is not an instruction set (expected scalar, avx2, avx512, avx512_vnni or native)", s);
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::avx512_vnni: return "avx512_vnni";
    case Isa::native: return "native";
  }
  return "?";
}

std::string CpuFeatures::flags() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (on) s += (s.empty() ? "" : " ") + std::string(name);
  };
  add(avx2_fma, "avx2+fma");
  add(avx_vnni, "avx_vnni");
  add(avx512, "avx512(f,bw,vl,dq)");
  add(avx512_vnni, "avx512_vnni");
  add(avx512_bf16, "avx512_bf16");
  add(amx_int8, "amx_int8");
  add(amx_bf16, "amx_bf16");
  return s.empty() ? "none beyond sse" : s;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

Isa isa_cap() {
  static const Isa cap = parse_cap(std::getenv("OWNCHAT_ISA"));
  return cap;
}

bool isa_usable(Isa need) {
  if (static_cast<int>(need) > static_cast<int>(isa_cap())) return false;
  const CpuFeatures& f = cpu_features();
  switch (need) {
    case Isa::scalar: return true;
    case Isa::avx2: return f.avx2_fma;
    case Isa::avx512: return f.avx512;
    case Isa::avx512_vnni: return f.avx512_vnni;
    case Isa::native: return false;  // not a kernel's requirement
  }
  return false;
}

std::string cpu_summary() {
  const CpuFeatures& f = cpu_features();
  std::string s = f.model + " (" + f.flags() + ")";
  if (isa_cap() != Isa::native) s += std::string(", capped at ") + isa_name(isa_cap()) + " by OWNCHAT_ISA";
  return s;
}

}  // namespace own
