// safetensors reader and writer (format and guarantees in safetensors.h).
// The reader checks in the order a reader of the error needs: framing (length, JSON), then each
// entry on its own, then the entries together (truncation, overlaps, holes), so the first
// message names the most specific thing that is wrong. Integers from the header are checked
// for sign and overflow before any arithmetic.
#include "model/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "core/check.h"
#include "core/f16.h"
#include "core/fileio.h"
#include "core/json_util.h"

namespace own {

static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

namespace {

using nlohmann::json;

// The reference implementation allows 100 MB, but parsing that much JSON takes gigabytes; a real
// header is ~150 bytes a tensor (a 1000-layer model's: ~1.4 MB), so 16 MiB is far from any file.
constexpr int64_t kMaxHeaderBytes = int64_t{16} << 20;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

struct DtypeRow {
  Dtype dtype;
  const char* name;
  int64_t size;
};
constexpr DtypeRow kDtypes[] = {
    {Dtype::F32, "F32", 4}, {Dtype::BF16, "BF16", 2}, {Dtype::F16, "F16", 2},
    {Dtype::I32, "I32", 4}, {Dtype::I64, "I64", 8},   {Dtype::U8, "U8", 1},
};

const DtypeRow& dtype_row(Dtype d) {
  for (const auto& r : kDtypes)
    if (r.dtype == d) return r;
  OWN_CHECK(false, "unknown Dtype {}", static_cast<int>(d));
}

// A header integer that must be >= 0 and fit in int64.
bool get_nonneg(const json& j, int64_t& out) {
  if (!j.is_number_integer()) return false;
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(kInt64Max)) return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  out = j.get<int64_t>();
  return out >= 0;
}

// Numel of a shape, or -1 on overflow.
int64_t checked_numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > kInt64Max / d) return -1;
    n *= d;
  }
  return n;
}

}  // namespace

const char* dtype_name(Dtype d) { return dtype_row(d).name; }
int64_t dtype_size(Dtype d) { return dtype_row(d).size; }

bool dtype_from_name(const std::string& name, Dtype& out) {
  for (const auto& r : kDtypes)
    if (name == r.name) {
      out = r.dtype;
      return true;
    }
  return false;
}

float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

float f16_to_f32(uint16_t h) { return from_f16(h); }

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// ---------------------------------------------------------------------------------------------
// Writer

void safetensors_write(const std::string& path, const std::vector<StTensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const StTensorRef*> sorted;
  for (const auto& t : tensors) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });

  json header = json::object();
  std::vector<int64_t> sizes;
  int64_t offset = 0;
  for (size_t i = 0; i < sorted.size(); i++) {
    const StTensorRef& t = *sorted[i];
    OWN_CHECK(!t.name.empty() && t.name != "__metadata__", "bad tensor name \"{}\"", t.name);
    OWN_CHECK(i == 0 || sorted[i - 1]->name != t.name, "duplicate tensor name \"{}\"", t.name);
    int64_t numel = checked_numel(t.shape);
    OWN_CHECK(numel >= 0, "tensor {} shape {} overflows", t.name, shape_str(t.shape));
    int64_t bytes = numel * dtype_size(t.dtype);
    OWN_CHECK(bytes == 0 || t.data != nullptr, "tensor {} has no data", t.name);
    header[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    sizes.push_back(bytes);
    offset += bytes;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;

  std::string text = dump_json(header);
  text.resize((text.size() + 7) / 8 * 8, ' ');
  const uint64_t header_len = text.size();

  write_file_atomic(path, [&](FileSink& sink) {
    sink.write(&header_len, sizeof(header_len));
    sink.write(text);
    for (size_t i = 0; i < sorted.size(); i++) sink.write(sorted[i]->data, static_cast<size_t>(sizes[i]));
  });
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {

// the 8-byte little-endian length of the JSON header, checked against the limit and the file size
int64_t header_length(const std::string& path, const std::string& bytes) {
  const int64_t file_size = static_cast<int64_t>(bytes.size());
  if (file_size < 8)
    input_error("{}: file is {} bytes, too short for a safetensors file (needs an 8-byte header length)", path,
                file_size);
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  if (header_len > static_cast<uint64_t>(kMaxHeaderBytes))
    input_error("{}: header length {} is over the {} byte limit: not a safetensors file, or corrupt", path,
                header_len, kMaxHeaderBytes);
  const int64_t n = static_cast<int64_t>(header_len);
  if (8 + n > file_size)
    input_error("{}: truncated: header length says {} bytes of JSON, file has {} after the length", path, n,
                file_size - 8);
  return n;
}

json parse_header(const std::string& path, const std::string& bytes, int64_t data_start) {
  json header;
  try {
    header = json::parse(bytes.begin() + 8, bytes.begin() + data_start);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    input_error("{}: header is not valid JSON: {}", path, e.what());
  }
  if (!header.is_object()) input_error("{}: header must be a JSON object, got {}", path, header.type_name());
  return header;
}

void read_metadata(const std::string& path, const json& entry, std::map<std::string, std::string>& metadata) {
  if (!entry.is_object()) input_error("{}: __metadata__ must be an object of strings", path);
  for (const auto& [k, v] : entry.items()) {
    if (!v.is_string()) input_error("{}: __metadata__ \"{}\" must be a string, got {}", path, k, v.dump());
    metadata[k] = v.get<std::string>();
  }
}

// one tensor's entry on its own: dtype, shape, and data_offsets that match them
StInfo read_entry(const std::string& path, const std::string& name, const json& entry) {
  auto bad = [&](const std::string& what) { input_error("{}: tensor \"{}\": {}", path, name, what); };
  if (!entry.is_object()) bad("entry must be an object, got " + entry.dump());
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!entry.contains(key)) bad(fmt::format("missing \"{}\"", key));

  StInfo info;
  const json& dtype = entry["dtype"];
  if (!dtype.is_string()) bad("dtype must be a string, got " + dtype.dump());
  if (!dtype_from_name(dtype.get<std::string>(), info.dtype))
    bad(fmt::format("unknown dtype {} (known: F32, BF16, F16, I32, I64, U8)", dtype.dump()));

  const json& shape = entry["shape"];
  if (!shape.is_array()) bad("shape must be a list of non-negative integers, got " + shape.dump());
  for (const json& d : shape) {
    int64_t v = 0;
    if (!get_nonneg(d, v)) bad("shape must be a list of non-negative integers, got " + shape.dump());
    info.shape.push_back(v);
  }
  info.numel = checked_numel(info.shape);
  if (info.numel < 0 || info.numel > kInt64Max / dtype_size(info.dtype))
    bad("shape " + shape_str(info.shape) + " is too large");
  info.bytes = info.numel * dtype_size(info.dtype);

  const json& offsets = entry["data_offsets"];
  int64_t begin = 0, end = 0;
  if (!offsets.is_array() || offsets.size() != 2 || !get_nonneg(offsets[0], begin) || !get_nonneg(offsets[1], end))
    bad("data_offsets must be [begin, end] with non-negative integers, got " + offsets.dump());
  if (begin > end) bad(fmt::format("data_offsets [{}, {}] have begin > end", begin, end));
  if (end - begin != info.bytes)
    bad(fmt::format("data_offsets [{}, {}] do not match shape {} of {} ({} bytes)", begin, end,
                    shape_str(info.shape), dtype_name(info.dtype), info.bytes));
  info.offset = begin;
  return info;
}

// Together: the tensors must tile the data section exactly (no overlap, no hole, no tail).
void check_tiling(const std::string& path, const std::map<std::string, StInfo>& tensors, int64_t data_size) {
  std::vector<std::pair<const std::string*, const StInfo*>> by_offset;
  for (const auto& [name, info] : tensors) by_offset.emplace_back(&name, &info);
  std::sort(by_offset.begin(), by_offset.end(), [](const auto& a, const auto& b) {
    if (a.second->offset != b.second->offset) return a.second->offset < b.second->offset;
    return a.second->bytes < b.second->bytes;
  });
  int64_t needed = 0;
  const std::string* last_name = nullptr;
  for (const auto& [name, info] : by_offset) {
    if (info->offset + info->bytes > needed) {
      needed = info->offset + info->bytes;
      last_name = name;
    }
  }
  if (needed > data_size)
    input_error("{}: truncated: header says data section is {} bytes (tensor \"{}\" ends there), file has {}", path,
                needed, *last_name, data_size);
  int64_t covered = 0;
  const std::pair<const std::string*, const StInfo*>* prev = nullptr;
  for (const auto& item : by_offset) {
    const StInfo& info = *item.second;
    if (info.offset < covered)
      input_error("{}: tensors \"{}\" and \"{}\" overlap: data_offsets [{}, {}] and [{}, {}]", path, *prev->first,
                  *item.first, prev->second->offset, prev->second->offset + prev->second->bytes, info.offset,
                  info.offset + info.bytes);
    if (info.offset > covered)
      input_error("{}: {} unused bytes before tensor \"{}\" in the data section (corrupt file)", path,
                  info.offset - covered, *item.first);
    covered = info.offset + info.bytes;
    prev = &item;
  }
  if (covered != data_size)
    input_error("{}: data section is {} bytes but the tensors cover only {} (corrupt file, or data appended)", path,
                data_size, covered);
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path), bytes_(read_file(path)) {
  data_start_ = 8 + header_length(path, bytes_);
  const json header = parse_header(path, bytes_, data_start_);
  for (const auto& item : header.items()) {
    if (item.key() == "__metadata__") read_metadata(path, item.value(), metadata_);
    else tensors_[item.key()] = read_entry(path, item.key(), item.value());
  }
  check_tiling(path, tensors_, static_cast<int64_t>(bytes_.size()) - data_start_);
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : tensors_) out.push_back(name);
  return out;
}

const StInfo& SafetensorsFile::info(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) input_error("{}: no tensor \"{}\"", path_, name);
  return it->second;
}

std::span<const std::byte> SafetensorsFile::data(const std::string& name) const {
  const StInfo& i = info(name);
  const auto* base = reinterpret_cast<const std::byte*>(bytes_.data()) + data_start_ + i.offset;
  return {base, static_cast<size_t>(i.bytes)};
}

void SafetensorsFile::read_f32(const std::string& name, float* dst, int64_t n) const {
  const StInfo& i = info(name);
  if (n != i.numel) input_error("{}: tensor \"{}\" has {} elements, expected {}", path_, name, i.numel, n);
  const std::byte* src = data(name).data();
  switch (i.dtype) {
    case Dtype::F32:
      std::memcpy(dst, src, static_cast<size_t>(i.bytes));
      return;
    case Dtype::BF16:
    case Dtype::F16: {
      const bool bf16 = i.dtype == Dtype::BF16;
      for (int64_t k = 0; k < n; k++) {
        uint16_t h;
        std::memcpy(&h, src + 2 * k, 2);
        dst[k] = bf16 ? bf16_to_f32(h) : f16_to_f32(h);
      }
      return;
    }
    default:
      input_error("{}: tensor \"{}\" has dtype {}, expected a float type (F32, BF16 or F16)", path_, name,
                  dtype_name(i.dtype));
  }
}

}  // namespace own
