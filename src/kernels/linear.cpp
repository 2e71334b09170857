#include "kernels/linear.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/bf16.h"
#include "core/check.h"
#include "core/cpu_isa.h"
#include "kernels/linear_float.h"
#include "kernels/linear_int8.h"

namespace own {

const char* weight_type_name(WeightType t) {
  switch (t) {
    case WeightType::f32: return "f32";
    case WeightType::bf16: return "bf16";
    case WeightType::int8: return "int8";
  }
  return "?";
}

WeightType parse_weight_type(const std::string& s) {
  if (s == "f32") return WeightType::f32;
  if (s == "bf16") return WeightType::bf16;
  if (s == "int8") return WeightType::int8;
  input_error("unknown weight type '{}' (expected f32, bf16 or int8)", s);
}

int64_t PackedWeight::bytes() const {
  return static_cast<int64_t>(data.bytes() + scales.size() * sizeof(float) + qsums.size() * sizeof(int32_t));
}

// where weight (n, k) of a (N, K) matrix sits in the packed (N/16, K, 16) layout
static size_t packed_index(int64_t n, int64_t k, int64_t K) {
  return static_cast<size_t>(((n / kPanelRows) * K + k) * kPanelRows + n % kPanelRows);
}

PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t) {
  PackedWeight p;
  p.type = t;
  p.rows = N;
  p.cols = K;
  const int64_t P = n_panels(N);
  const size_t padded = static_cast<size_t>(P * K * kPanelRows);
  auto at = [K](int64_t n, int64_t k) { return packed_index(n, k, K); };
  switch (t) {
    case WeightType::f32:
      p.data = HugeBuffer(padded * sizeof(float));
      for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++) p.data.as<float>()[at(n, k)] = w[n * K + k];
      break;
    case WeightType::bf16:
      p.data = HugeBuffer(padded * sizeof(uint16_t));
      for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++) p.data.as<uint16_t>()[at(n, k)] = to_bf16(w[n * K + k]);
      break;
    case WeightType::int8:
      pack_int8(p, w);
      break;
  }
  return p;
}

void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n) {
  const int64_t K = w.cols;
  for (int64_t r = r0; r < r0 + n; r++, out += K)
    for (int64_t k = 0; k < K; k++) {
      switch (w.type) {
        case WeightType::f32: out[k] = w.data.as<float>()[packed_index(r, k, K)]; break;
        case WeightType::bf16: out[k] = from_bf16(w.data.as<uint16_t>()[packed_index(r, k, K)]); break;
        case WeightType::int8:
          out[k] = static_cast<float>(w.data.as<int8_t>()[int8_packed_index(r, k, K)]) * w.scales[static_cast<size_t>(r)];
          break;
      }
    }
}

void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate) {
  const int64_t N = w.rows, K = w.cols;
  switch (w.type) {
    case WeightType::f32: linear_float().f32(y, x, w.data.as<float>(), M, N, K, accumulate); break;
    case WeightType::bf16: linear_float().bf16(y, x, w.data.as<uint16_t>(), M, N, K, accumulate); break;
    case WeightType::int8: linear_forward_int8(y, x, w, M, accumulate); break;
  }
}

const std::vector<const LinearFloat*>& linear_floats() {
  static const std::vector<const LinearFloat*> all = {&kLinearFloatScalar, &kLinearFloatAvx2, &kLinearFloatAvx512};
  return all;
}

const LinearFloat& linear_float() {
  static const LinearFloat& best = best_variant(linear_floats());
  return best;
}

}  // namespace own
