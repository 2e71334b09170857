#include "core/gguf.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/bf16.h"
#include "core/check.h"
#include "core/f16.h"
#include "core/fileio.h"

namespace own {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint64_t kDefaultAlignment = 32;
constexpr uint64_t kMaxAlignment = 1 << 16;
constexpr int kMaxDims = 4;  // GGML_MAX_DIMS
constexpr int64_t kQ8BlockBytes = 2 + kQ8Block;

constexpr const char* kScalarNames[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32",
                                        "bool", "string", "array", "u64", "i64", "f64"};
constexpr int64_t kScalarSizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

bool is_integer(GgufType t) {
  switch (t) {
    case GgufType::U8: case GgufType::I8: case GgufType::U16: case GgufType::I16:
    case GgufType::U32: case GgufType::I32: case GgufType::U64: case GgufType::I64: case GgufType::BOOL:
      return true;
    default:
      return false;
  }
}
bool is_float(GgufType t) { return t == GgufType::F32 || t == GgufType::F64; }

int64_t tensor_bytes(GgmlType type, int64_t numel) {
  switch (type) {
    case GgmlType::F32: return 4 * numel;
    case GgmlType::F16: case GgmlType::BF16: return 2 * numel;
    case GgmlType::Q8_0: return numel / kQ8Block * kQ8BlockBytes;
  }
  return -1;
}

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace

bool is_gguf_path(const std::string& path) { return path.size() > 5 && path.ends_with(".gguf"); }

const char* gguf_type_name(GgufType t) {
  auto i = static_cast<uint32_t>(t);
  return i < std::size(kScalarNames) ? kScalarNames[i] : "unknown";
}

std::string ggml_type_name(uint32_t t) {
  static const char* const names[] = {"f32",     "f16",     "q4_0",   "q4_1",   "q4_2",    "q4_3",   "q5_0",
                                      "q5_1",    "q8_0",    "q8_1",   "q2_K",   "q3_K",    "q4_K",   "q5_K",
                                      "q6_K",    "q8_K",    "iq2_xxs", "iq2_xs", "iq3_xxs", "iq1_s",  "iq4_nl",
                                      "iq3_s",   "iq2_s",   "iq4_xs", "i8",     "i16",     "i32",    "i64",
                                      "f64",     "iq1_m",   "bf16"};
  if (t < std::size(names)) return names[t];
  return "type " + std::to_string(t);
}

GgufValue GgufValue::u32(uint32_t v) {
  GgufValue g;
  g.type = GgufType::U32;
  g.i = v;
  return g;
}
GgufValue GgufValue::f32(float v) {
  GgufValue g;
  g.type = GgufType::F32;
  g.f = v;
  return g;
}
GgufValue GgufValue::boolean(bool v) {
  GgufValue g;
  g.type = GgufType::BOOL;
  g.i = v ? 1 : 0;
  return g;
}
GgufValue GgufValue::string(std::string v) {
  GgufValue g;
  g.type = GgufType::STRING;
  g.s = std::move(v);
  return g;
}
GgufValue GgufValue::strings(std::vector<std::string> v) {
  GgufValue g;
  g.type = GgufType::ARRAY;
  g.elem = GgufType::STRING;
  g.strs = std::move(v);
  return g;
}
GgufValue GgufValue::i32s(std::vector<int32_t> v) {
  GgufValue g;
  g.type = GgufType::ARRAY;
  g.elem = GgufType::I32;
  g.ints.assign(v.begin(), v.end());
  return g;
}
GgufValue GgufValue::f32s(std::vector<float> v) {
  GgufValue g;
  g.type = GgufType::ARRAY;
  g.elem = GgufType::F32;
  g.floats.assign(v.begin(), v.end());
  return g;
}

// ---- writing ----

namespace {

class Out {
 public:
  explicit Out(FileSink& sink) : sink_(sink) {}
  template <typename T>
  void put(T v) {
    sink_.write(&v, sizeof v);
  }
  void str(const std::string& s) {
    put<uint64_t>(s.size());
    sink_.write(s);
  }
  void scalar(GgufType t, const GgufValue& v, size_t k) {
    const bool arr = v.type == GgufType::ARRAY;
    const int64_t i = arr && is_integer(t) ? v.ints[k] : v.i;
    const double f = arr && is_float(t) ? v.floats[k] : v.f;
    switch (t) {
      case GgufType::U8: put(static_cast<uint8_t>(i)); break;
      case GgufType::I8: put(static_cast<int8_t>(i)); break;
      case GgufType::U16: put(static_cast<uint16_t>(i)); break;
      case GgufType::I16: put(static_cast<int16_t>(i)); break;
      case GgufType::U32: put(static_cast<uint32_t>(i)); break;
      case GgufType::I32: put(static_cast<int32_t>(i)); break;
      case GgufType::BOOL: put(static_cast<uint8_t>(i != 0)); break;
      case GgufType::U64: put(static_cast<uint64_t>(i)); break;
      case GgufType::I64: put(i); break;
      case GgufType::F32: put(static_cast<float>(f)); break;
      case GgufType::F64: put(f); break;
      case GgufType::STRING: str(v.type == GgufType::ARRAY ? v.strs[k] : v.s); break;
      case GgufType::ARRAY: OWN_CHECK(false, "arrays of arrays are not written");
    }
  }
  void value(const GgufValue& v) {
    put(static_cast<uint32_t>(v.type));
    if (v.type != GgufType::ARRAY) return scalar(v.type, v, 0);
    put(static_cast<uint32_t>(v.elem));
    const size_t n = v.elem == GgufType::STRING ? v.strs.size() : is_float(v.elem) ? v.floats.size() : v.ints.size();
    put<uint64_t>(n);
    for (size_t k = 0; k < n; k++) scalar(v.elem, v, k);
  }
  void zeros(uint64_t n) {
    static const char pad[64] = {};
    while (n > 0) {
      const uint64_t k = std::min<uint64_t>(n, sizeof pad);
      sink_.write(pad, k);
      n -= k;
    }
  }
  int64_t written() const { return sink_.bytes_written(); }
  FileSink& sink() { return sink_; }

 private:
  FileSink& sink_;
};

// One Q8_0 block as llama.cpp makes it: scale amax / 127 (as f16), values round(x / scale).
void q8_block(const float* x, std::byte* out) {
  float amax = 0;
  for (int64_t k = 0; k < kQ8Block; k++) amax = std::max(amax, std::fabs(x[k]));
  const float d = amax / 127.0f;
  const float inv = d != 0 ? 1.0f / d : 0.0f;
  const uint16_t dh = to_f16(d);
  std::memcpy(out, &dh, 2);
  for (int64_t k = 0; k < kQ8Block; k++) out[2 + k] = static_cast<std::byte>(static_cast<int8_t>(std::lround(x[k] * inv)));
}

void write_tensor_data(FileSink& sink, const float* x, int64_t numel, GgmlType type) {
  std::vector<std::byte> buf;
  constexpr int64_t kChunk = 1 << 16;  // values per write, a multiple of the Q8_0 block
  for (int64_t start = 0; start < numel; start += kChunk) {
    const int64_t n = std::min(kChunk, numel - start);
    const float* p = x + start;
    buf.resize(static_cast<size_t>(tensor_bytes(type, n)));
    if (type == GgmlType::F32) {
      std::memcpy(buf.data(), p, buf.size());
    } else if (type == GgmlType::Q8_0) {
      for (int64_t b = 0; b < n / kQ8Block; b++) q8_block(p + b * kQ8Block, buf.data() + b * kQ8BlockBytes);
    } else {
      for (int64_t k = 0; k < n; k++) {
        const uint16_t h = type == GgmlType::F16 ? to_f16(p[k]) : to_bf16(p[k]);
        std::memcpy(buf.data() + 2 * k, &h, 2);
      }
    }
    sink.write(buf.data(), buf.size());
  }
}

int64_t numel_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue v) {
  for (auto& [k, old] : kv_)
    if (k == key) {
      old = std::move(v);
      return;
    }
  kv_.emplace_back(key, std::move(v));
}

void GgufWriter::add_tensor(const std::string& name, std::vector<int64_t> shape, const float* data, GgmlType type) {
  OWN_CHECK(!shape.empty() && shape.size() <= kMaxDims, "tensor {}: {} dimensions", name, shape.size());
  const int64_t numel = numel_of(shape);
  if (type == GgmlType::Q8_0 && shape.back() % kQ8Block != 0)
    input_error("tensor {}: rows of {} values cannot be stored as q8_0 (blocks of {}); use --type f16 or f32", name,
                shape.back(), kQ8Block);
  for (int64_t k = 0; k < numel; k++)
    if (!std::isfinite(data[k])) input_error("tensor {}: value {} at element {} is not finite", name, data[k], k);
  tensors_.push_back({name, std::move(shape), data, type});
}

void GgufWriter::write(const std::string& path) const {
  write_file_atomic(path, [&](FileSink& sink) {
    Out out(sink);
    out.put(kMagic);
    out.put<uint32_t>(3);
    out.put<uint64_t>(tensors_.size());
    out.put<uint64_t>(kv_.size());
    for (const auto& [key, v] : kv_) {
      out.str(key);
      out.value(v);
    }
    uint64_t offset = 0;
    for (const Pending& t : tensors_) {
      out.str(t.name);
      out.put(static_cast<uint32_t>(t.shape.size()));
      for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d) out.put(static_cast<uint64_t>(*d));
      out.put(static_cast<uint32_t>(t.type));
      out.put(offset);
      offset = align_up(offset + tensor_bytes(t.type, numel_of(t.shape)), kDefaultAlignment);
    }
    const auto header = static_cast<uint64_t>(out.written());
    out.zeros(align_up(header, kDefaultAlignment) - header);
    for (const Pending& t : tensors_) {
      const int64_t bytes = tensor_bytes(t.type, numel_of(t.shape));
      write_tensor_data(sink, t.data, numel_of(t.shape), t.type);
      out.zeros(align_up(bytes, kDefaultAlignment) - bytes);
    }
  });
}

// ---- reading ----

class GgufParser {
 public:
  GgufParser(GgufFile& f) : f_(f), s_(f.bytes_) {}

  void parse() {
    if (s_.size() < 24 || get<uint32_t>("magic") != kMagic)
      fail("not a GGUF file (it does not start with \"GGUF\" and a 20-byte header)");
    f_.version_ = get<uint32_t>("version");
    if (f_.version_ != 2 && f_.version_ != 3)
      fail("GGUF version {} is not supported (versions 2 and 3 are)", f_.version_);
    const uint64_t n_tensors = get<uint64_t>("tensor count");
    const uint64_t n_kv = get<uint64_t>("metadata count");
    // every entry takes at least 12 bytes (a key) or 24 (a tensor): bound the counts by the file
    if (n_kv > left() / 12) fail("header says {} metadata entries; the file is too short for them", n_kv);
    for (uint64_t k = 0; k < n_kv; k++) read_kv(k);
    if (n_tensors > left() / 24) fail("header says {} tensors; the file is too short for them", n_tensors);
    for (uint64_t k = 0; k < n_tensors; k++) read_tensor_info(k);
    const uint64_t alignment = file_alignment();
    f_.data_start_ = static_cast<int64_t>(align_up(pos_, alignment));
    if (f_.data_start_ > static_cast<int64_t>(s_.size())) fail("the file ends before its data section");
    check_tensor_data(alignment);
  }

 private:
  template <typename... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
    input_error("{}: {}", f_.path_, fmt::format(f, std::forward<Args>(args)...));
  }
  uint64_t left() const { return s_.size() - pos_; }

  template <typename T>
  T get(const std::string& what) {
    if (left() < sizeof(T)) fail("the file ends inside {} (byte {})", what, pos_);
    T v;
    std::memcpy(&v, s_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }

  std::string get_str(const std::string& what) {
    const auto n = get<uint64_t>(what);
    if (n > left()) fail("{}: a string of {} bytes runs past the end of the file", what, n);
    std::string out = s_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  GgufType get_type(const std::string& what) {
    const auto t = get<uint32_t>(what);
    if (t > static_cast<uint32_t>(GgufType::F64)) fail("{}: unknown value type {}", what, t);
    return static_cast<GgufType>(t);
  }

  // one scalar of type t into v (for arrays: appended)
  void get_scalar(GgufType t, GgufValue& v, bool in_array, const std::string& what) {
    int64_t i = 0;
    double f = 0;
    switch (t) {
      case GgufType::U8: i = get<uint8_t>(what); break;
      case GgufType::I8: i = get<int8_t>(what); break;
      case GgufType::U16: i = get<uint16_t>(what); break;
      case GgufType::I16: i = get<int16_t>(what); break;
      case GgufType::U32: i = get<uint32_t>(what); break;
      case GgufType::I32: i = get<int32_t>(what); break;
      case GgufType::BOOL: i = get<uint8_t>(what) != 0; break;
      case GgufType::U64: i = static_cast<int64_t>(get<uint64_t>(what)); break;
      case GgufType::I64: i = get<int64_t>(what); break;
      case GgufType::F32: f = get<float>(what); break;
      case GgufType::F64: f = get<double>(what); break;
      case GgufType::STRING:
        (in_array ? v.strs.emplace_back() : v.s) = get_str(what);
        return;
      case GgufType::ARRAY: fail("{}: arrays of arrays are not supported", what);
    }
    if (in_array && is_float(t)) v.floats.push_back(f);
    if (in_array && !is_float(t)) v.ints.push_back(i);
    if (!in_array) {
      v.f = f;
      v.i = i;
    }
  }

  void read_kv(uint64_t k) {
    const std::string key = get_str(fmt::format("metadata entry {} key", k));
    const std::string what = fmt::format("metadata \"{}\"", key);
    GgufValue v;
    v.type = get_type(what);
    if (v.type != GgufType::ARRAY) {
      get_scalar(v.type, v, false, what);
    } else {
      v.elem = get_type(what);
      const auto n = get<uint64_t>(what);
      const int64_t min_size = v.elem == GgufType::STRING ? 8 : kScalarSizes[static_cast<uint32_t>(v.elem)];
      if (min_size == 0 || n > left() / static_cast<uint64_t>(min_size))
        fail("{}: an array of {} {} values does not fit in the file", what, n, gguf_type_name(v.elem));
      for (uint64_t j = 0; j < n; j++) get_scalar(v.elem, v, true, what);
    }
    if (!f_.kv_index_.emplace(key, f_.kv_.size()).second) fail("{} appears twice", what);
    f_.kv_.emplace_back(key, std::move(v));
  }

  void read_tensor_info(uint64_t k) {
    GgufTensor t;
    t.name = get_str(fmt::format("tensor {} name", k));
    const std::string what = fmt::format("tensor \"{}\"", t.name);
    const auto n_dims = get<uint32_t>(what);
    if (n_dims < 1 || n_dims > kMaxDims) fail("{}: {} dimensions (1 to {} are allowed)", what, n_dims, kMaxDims);
    t.shape.resize(n_dims);
    t.numel = 1;
    for (uint32_t d = 0; d < n_dims; d++) {
      const auto ne = get<uint64_t>(what);
      if (ne == 0 || ne > (uint64_t{1} << 40) || static_cast<uint64_t>(t.numel) > (uint64_t{1} << 50) / ne)
        fail("{}: dimension {} of size {} is out of range", what, d, ne);
      t.shape[n_dims - 1 - d] = static_cast<int64_t>(ne);
      t.numel *= static_cast<int64_t>(ne);
    }
    const auto type = get<uint32_t>(what);
    if (type != 0 && type != 1 && type != 8 && type != 30)
      fail("{}: type {} is not supported (f32, f16, bf16 and q8_0 are; requantize with llama-quantize)", what,
           ggml_type_name(type));
    t.type = static_cast<GgmlType>(type);
    if (t.type == GgmlType::Q8_0 && t.shape.back() % kQ8Block != 0)
      fail("{}: q8_0 rows of {} values are not whole blocks of {}", what, t.shape.back(), kQ8Block);
    t.bytes = tensor_bytes(t.type, t.numel);
    const auto offset = get<uint64_t>(what);
    if (offset > s_.size()) fail("{}: offset {} is past the end of the file", what, offset);
    t.offset = static_cast<int64_t>(offset);
    if (!f_.tensor_index_.emplace(t.name, f_.tensors_.size()).second) fail("{} appears twice", what);
    f_.tensors_.push_back(std::move(t));
  }

  uint64_t file_alignment() {
    const GgufValue* a = f_.find("general.alignment");
    if (!a) return kDefaultAlignment;
    if (!is_integer(a->type) || a->i <= 0 || static_cast<uint64_t>(a->i) > kMaxAlignment ||
        !std::has_single_bit(static_cast<uint64_t>(a->i)))
      fail("metadata \"general.alignment\" must be a power of two up to {}", kMaxAlignment);
    return static_cast<uint64_t>(a->i);
  }

  void check_tensor_data(uint64_t alignment) {
    const int64_t data_size = static_cast<int64_t>(s_.size()) - f_.data_start_;
    std::vector<const GgufTensor*> by_offset;
    for (const GgufTensor& t : f_.tensors_) {
      if (static_cast<uint64_t>(t.offset) % alignment != 0)
        fail("tensor \"{}\": offset {} is not a multiple of the alignment {}", t.name, t.offset, alignment);
      if (t.offset > data_size || t.bytes > data_size - t.offset)
        fail("tensor \"{}\": {} bytes at offset {} run past the end of the file (data section of {} bytes; "
             "truncated?)", t.name, t.bytes, t.offset, data_size);
      by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t k = 1; k < by_offset.size(); k++)
      if (by_offset[k - 1]->offset + by_offset[k - 1]->bytes > by_offset[k]->offset)
        fail("tensors \"{}\" and \"{}\" overlap", by_offset[k - 1]->name, by_offset[k]->name);
  }

  GgufFile& f_;
  const std::string& s_;
  uint64_t pos_ = 0;
};

GgufFile::GgufFile(const std::string& path) : path_(path), bytes_(read_file(path)) { GgufParser(*this).parse(); }

const GgufValue* GgufFile::find(const std::string& key) const {
  auto it = kv_index_.find(key);
  return it == kv_index_.end() ? nullptr : &kv_[it->second].second;
}

namespace {
const GgufValue& require(const GgufFile& f, const std::string& key, const char* expected, bool ok_type(GgufType)) {
  const GgufValue* v = f.find(key);
  if (!v) input_error("{}: metadata \"{}\" is missing", f.path(), key);
  if (!ok_type(v->type))
    input_error("{}: metadata \"{}\" is a {}, expected {}", f.path(), key, gguf_type_name(v->type), expected);
  return *v;
}
}  // namespace

int64_t GgufFile::get_int(const std::string& key) const { return require(*this, key, "an integer", is_integer).i; }
double GgufFile::get_float(const std::string& key) const { return require(*this, key, "a float", is_float).f; }
bool GgufFile::get_bool(const std::string& key) const {
  return require(*this, key, "a bool", [](GgufType t) { return t == GgufType::BOOL; }).i != 0;
}
const std::string& GgufFile::get_string(const std::string& key) const {
  return require(*this, key, "a string", [](GgufType t) { return t == GgufType::STRING; }).s;
}
const GgufValue& GgufFile::get_array(const std::string& key) const {
  return require(*this, key, "an array", [](GgufType t) { return t == GgufType::ARRAY; });
}

const GgufTensor* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

std::span<const std::byte> GgufFile::data(const GgufTensor& t) const {
  return {reinterpret_cast<const std::byte*>(bytes_.data()) + data_start_ + t.offset, static_cast<size_t>(t.bytes)};
}

void GgufFile::read_f32(const GgufTensor& t, float* dst, int64_t n) const {
  OWN_CHECK(n == t.numel, "tensor {}: {} floats asked, {} stored", t.name, n, t.numel);
  const std::byte* src = data(t).data();
  auto half = [&](int64_t k) {
    uint16_t h;
    std::memcpy(&h, src + 2 * k, 2);
    return h;
  };
  switch (t.type) {
    case GgmlType::F32: std::memcpy(dst, src, static_cast<size_t>(4 * n)); return;
    case GgmlType::F16: for (int64_t k = 0; k < n; k++) dst[k] = from_f16(half(k)); return;
    case GgmlType::BF16: for (int64_t k = 0; k < n; k++) dst[k] = from_bf16(half(k)); return;
    case GgmlType::Q8_0:
      for (int64_t b = 0; b < n / kQ8Block; b++) {
        const std::byte* blk = src + b * kQ8BlockBytes;
        uint16_t dh;
        std::memcpy(&dh, blk, 2);
        const float d = from_f16(dh);
        for (int64_t k = 0; k < kQ8Block; k++) dst[b * kQ8Block + k] = d * static_cast<float>(static_cast<int8_t>(blk[2 + k]));
      }
      return;
  }
}

}  // namespace own
