// SafetensorsFile (the reader every checkpoint load goes through) on arbitrary file bytes.
// Properties: an open file or an InputError; an open file's tensors tile its data section exactly
// (sizes match shapes and dtypes) and every float tensor reads into a buffer of its numel.
#include <vector>

#include "fuzz_util.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = own::fuzz::scratch_dir() / "model.safetensors";
  own::fuzz::write_bytes(path, std::string_view(reinterpret_cast<const char*>(data), size));
  std::optional<own::SafetensorsFile> f;
  if (!own::fuzz::accepts([&] { f.emplace(path.string()); })) return 0;

  uint64_t header_len = 0;
  std::memcpy(&header_len, data, 8);
  int64_t covered = 0;
  for (const std::string& name : f->names()) {
    const own::StInfo& info = f->info(name);
    FUZZ_REQUIRE(info.bytes == info.numel * own::dtype_size(info.dtype), name);
    FUZZ_REQUIRE(f->data(name).size() == static_cast<size_t>(info.bytes), name);
    covered += info.bytes;
    if (info.dtype == own::Dtype::F32 || info.dtype == own::Dtype::BF16 || info.dtype == own::Dtype::F16) {
      std::vector<float> out(static_cast<size_t>(info.numel));
      FUZZ_REQUIRE(own::fuzz::accepts([&] { f->read_f32(name, out.data(), info.numel); }), "read_f32 refused " + name);
    }
  }
  FUZZ_REQUIRE(static_cast<uint64_t>(covered) + 8 + header_len == size, "tensors do not tile the data section");
  return 0;
}
