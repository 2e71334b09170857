// GGUF, the model file of llama.cpp, Ollama and LM Studio (version 3; version 2 reads the same on a
// little-endian host). Layout, all little-endian:
//   "GGUF", u32 version, u64 n_tensors, u64 n_kv
//   n_kv x      (string key, u32 value type, value)          a string is u64 length + bytes
//   n_tensors x (string name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset)
//   zero padding to general.alignment (32 unless the file sets it), then the data section; each
//   tensor's offset is relative to the data section and a multiple of the alignment.
// ne[0] varies fastest, so a row-major (out, in) matrix has ne = {in, out}. Here shapes are given
// outermost first, as in safetensors and the rest of the project; the file's ne order is internal.
// The reader holds the whole file and checks everything a truncated or crafted file could get
// wrong (counts and lengths against the file size, types, duplicate names, offsets in range,
// alignment, overlap), throwing InputError that names the file and the key or tensor.
// Tensor types: F32, F16, BF16 and Q8_0 (blocks of 32: an f16 scale, 32 int8). Others (the
// k-quants, q4_0, ...) are refused by name when the file is opened.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace own {

enum class GgufType : uint32_t { U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 };
enum class GgmlType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30 };

// A path that names a GGUF file (by its ".gguf" extension): where a checkpoint directory or a
// tokenizer.json is expected, such a file stands for both.
bool is_gguf_path(const std::string& path);

const char* gguf_type_name(GgufType t);  // "u32", "string", "array", ...
std::string ggml_type_name(uint32_t t);  // "f32", "q4_K", ...; "type 99" for one ggml does not have

constexpr int64_t kQ8Block = 32;  // values per Q8_0 block (2 + 32 bytes)

// One metadata value. Scalars: integers and bools in `i`, floats in `f`, a string in `s`.
// Arrays (type ARRAY, element type `elem`; no arrays of arrays): `ints`, `floats` or `strs`.
struct GgufValue {
  GgufType type = GgufType::U32;
  GgufType elem = GgufType::U32;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strs;

  static GgufValue u32(uint32_t v);
  static GgufValue f32(float v);
  static GgufValue boolean(bool v);
  static GgufValue string(std::string v);
  static GgufValue strings(std::vector<std::string> v);
  static GgufValue i32s(std::vector<int32_t> v);
  static GgufValue f32s(std::vector<float> v);
};

// Builds a file in memory (metadata, and tensors as pointers to f32 data the caller keeps alive)
// and writes it atomically, converting each tensor to its type on the way out.
class GgufWriter {
 public:
  void set(const std::string& key, GgufValue v);  // replaces an earlier value of the key
  // `shape` outermost first; `data` holds numel(shape) floats. Q8_0 needs the last dimension to be
  // a multiple of 32 (InputError naming the tensor otherwise); NaN/Inf are InputErrors too.
  void add_tensor(const std::string& name, std::vector<int64_t> shape, const float* data, GgmlType type);
  void write(const std::string& path) const;

 private:
  struct Pending {
    std::string name;
    std::vector<int64_t> shape;
    const float* data;
    GgmlType type;
  };
  std::vector<std::pair<std::string, GgufValue>> kv_;  // in the order set
  std::vector<Pending> tensors_;
};

struct GgufTensor {
  std::string name;
  GgmlType type = GgmlType::F32;
  std::vector<int64_t> shape;  // outermost first
  int64_t numel = 0;
  int64_t bytes = 0;
  int64_t offset = 0;  // in the data section
};

class GgufFile {
 public:
  explicit GgufFile(const std::string& path);  // throws InputError

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  const std::vector<std::pair<std::string, GgufValue>>& kv() const { return kv_; }
  const GgufValue* find(const std::string& key) const;  // nullptr when absent
  // Typed reads that throw InputError naming the key: missing, or of another type.
  int64_t get_int(const std::string& key) const;  // any integer type
  double get_float(const std::string& key) const;  // f32 or f64
  bool get_bool(const std::string& key) const;
  const std::string& get_string(const std::string& key) const;
  const GgufValue& get_array(const std::string& key) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* find_tensor(const std::string& name) const;  // nullptr when absent
  std::span<const std::byte> data(const GgufTensor& t) const;
  // Dequantizes into n == t.numel floats (row-major, outermost first).
  void read_f32(const GgufTensor& t, float* dst, int64_t n) const;

 private:
  std::string path_;
  std::string bytes_;
  uint32_t version_ = 0;
  int64_t data_start_ = 0;
  std::vector<std::pair<std::string, GgufValue>> kv_;
  std::map<std::string, size_t> kv_index_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t> tensor_index_;
  friend class GgufParser;
};

}  // namespace own
