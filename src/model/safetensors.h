// Hugging Face safetensors: u64 little-endian header length N, N bytes of JSON header
// {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then the
// data section (offsets are relative to its start). The reader validates everything a corrupt or
// foreign file could get wrong (the spec's rules: offsets in range, no overlap, no holes, sizes
// match shapes) and throws InputError naming the file and tensor; it never aborts.
// Not supported: dtypes beyond F32/BF16/F16/I32/I64/U8, big-endian hosts, lazy (mmap) loading.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace own {

enum class Dtype { F32, BF16, F16, I32, I64, U8 };

const char* dtype_name(Dtype d);  // "F32", "BF16", ... as spelled in the header
int64_t dtype_size(Dtype d);      // bytes per element
bool dtype_from_name(const std::string& name, Dtype& out);

// Half-precision conversions (exact: every BF16/F16 value is representable in F32).
float bf16_to_f32(uint16_t h);
float f16_to_f32(uint16_t h);

// One tensor to write; `data` holds numel(shape) * dtype_size(dtype) bytes, little-endian.
struct StTensorRef {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
};

// Writes atomically (core/fileio): header keys and data in name order, header padded with
// spaces to a multiple of 8 bytes. Throws InputError on I/O failure (disk full, permissions).
void safetensors_write(const std::string& path, const std::vector<StTensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

struct StInfo {
  Dtype dtype = Dtype::F32;
  std::vector<int64_t> shape;
  int64_t numel = 0;
  int64_t bytes = 0;
  int64_t offset = 0;  // begin, relative to the data section
};

// "[2, 3]": for shape messages.
std::string shape_str(const std::vector<int64_t>& shape);

// A whole safetensors file in memory, validated on open.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);  // throws InputError

  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;  // sorted
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const StInfo& info(const std::string& name) const;  // InputError when absent
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // The tensor's stored bytes (any dtype; unaligned, so copy out with memcpy).
  std::span<const std::byte> data(const std::string& name) const;
  // Copies n = numel floats into dst, converting BF16/F16. InputError for other dtypes or n != numel.
  void read_f32(const std::string& name, float* dst, int64_t n) const;

 private:
  std::string path_;
  std::string bytes_;  // the whole file
  int64_t data_start_ = 0;
  std::map<std::string, StInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace own
