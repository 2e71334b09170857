// checkpoint_load on a directory made from the input: config.json is the bytes before the first
// NUL (JSON never holds a raw NUL), model.safetensors the bytes after it. Properties: a checkpoint
// or an InputError, nothing else (no bad_alloc from a config that asks for absurd sizes); a
// loaded one has the layout its config implies and only finite weights.
#include <cmath>
#include <cstring>

#include "fuzz_util.h"
#include "model/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  if (nul == std::string_view::npos) return 0;
  const auto dir = own::fuzz::scratch_dir() / "ckpt";
  std::filesystem::create_directories(dir);
  own::fuzz::write_bytes(dir / "config.json", in.substr(0, nul));
  own::fuzz::write_bytes(dir / "model.safetensors", in.substr(nul + 1));

  own::Checkpoint ck;
  if (!own::fuzz::accepts([&] { ck = own::checkpoint_load(dir.string()); })) return 0;
  FUZZ_REQUIRE(ck.layout.total == own::param_layout(ck.config).total, "layout disagrees with config");
  FUZZ_REQUIRE(ck.params.size == ck.layout.total, "param buffer size");
  for (int64_t i = 0; i < ck.params.size; i++) FUZZ_REQUIRE(std::isfinite(ck.params.data[i]), "non-finite weight loaded");
  return 0;
}
