// safetensors reader/writer and core/fileio: round trips, half-precision conversion, and one test
// per validation rule, each on a hand-crafted file, checking that the InputError names the problem.
// Suites are all named Safetensors* so `--gtest_filter='Safetensors*'` runs the lot.
#include "model/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>

#include "core/check.h"
#include "core/fileio.h"
#include "test_util.h"

namespace own {
namespace {

namespace fs = std::filesystem;
using test::ScratchDir;
using test::error_of;




// u64 length + header (as given, no padding) + data.
void write_raw(const std::string& path, const std::string& header, const std::string& data) {
  uint64_t n = header.size();
  std::string bytes(reinterpret_cast<const char*>(&n), 8);
  write_file_atomic(path, bytes + header + data);
}

std::string open_error(const std::string& path) {
  return error_of([&] { SafetensorsFile f(path); });
}

// Writes a raw file and returns the reader's error message.
std::string error_for(const ScratchDir& d, const std::string& header, size_t data_bytes) {
  std::string path = d.file("bad.safetensors");
  write_raw(path, header, std::string(data_bytes, '\0'));
  return open_error(path);
}

TEST(Safetensors, RoundTripSeveralDtypesAndMetadata) {
  ScratchDir d;
  std::vector<float> f32 = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
  std::vector<uint16_t> bf16 = {0x3F80, 0xC000, 0x3E20, 0x0000};
  std::vector<uint16_t> f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001};
  std::vector<int32_t> i32 = {1, -2, 2147483647};
  std::vector<int64_t> i64 = {-1, int64_t{1} << 40};
  std::vector<uint8_t> u8 = {0, 1, 2, 254, 255};
  std::vector<StTensorRef> tensors = {
      {"w.f32", Dtype::F32, {2, 3}, f32.data()}, {"b.bf16", Dtype::BF16, {4}, bf16.data()},
      {"c.f16", Dtype::F16, {2, 2}, f16.data()}, {"ids", Dtype::I32, {3}, i32.data()},
      {"big", Dtype::I64, {1, 2}, i64.data()},   {"bytes", Dtype::U8, {5}, u8.data()},
      {"empty", Dtype::F32, {0, 4}, nullptr},
  };
  std::map<std::string, std::string> meta = {{"format", "pt"}, {"note", "héllo \"quoted\""}};
  const std::string path = d.file("t.safetensors");
  safetensors_write(path, tensors, meta);

  SafetensorsFile f(path);
  EXPECT_EQ(f.names(), (std::vector<std::string>{"b.bf16", "big", "bytes", "c.f16", "empty", "ids", "w.f32"}));
  EXPECT_EQ(f.metadata(), meta);
  for (const auto& t : tensors) {
    ASSERT_TRUE(f.has(t.name));
    const StInfo& info = f.info(t.name);
    EXPECT_EQ(info.dtype, t.dtype) << t.name;
    EXPECT_EQ(info.shape, t.shape) << t.name;
    int64_t numel = 1;
    for (int64_t s : t.shape) numel *= s;
    EXPECT_EQ(info.numel, numel);
    EXPECT_EQ(info.bytes, numel * dtype_size(t.dtype));
    auto bytes = f.data(t.name);
    ASSERT_EQ(static_cast<int64_t>(bytes.size()), info.bytes);
    if (info.bytes > 0) {
      EXPECT_EQ(std::memcmp(bytes.data(), t.data, bytes.size()), 0) << t.name;
    }
  }
  std::vector<float> back(6);
  f.read_f32("w.f32", back.data(), 6);
  EXPECT_EQ(back, f32);
  EXPECT_FALSE(f.has("nope"));
  EXPECT_CONTAINS(error_of([&] { f.info("nope"); }), "no tensor \"nope\"");

  // Framing: header length is a multiple of 8, and the data section follows it directly.
  std::string raw = read_file(path);
  uint64_t n = 0;
  std::memcpy(&n, raw.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(raw[8], '{');
}

TEST(Safetensors, HalfPrecisionConvertsToF32) {
  ScratchDir d;
  std::vector<uint16_t> bf16 = {0x3F80, 0xC000, 0x3E20, 0x7F80, 0x0001, 0x8000};
  std::vector<uint16_t> f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3800, 0x7C00, 0xFC00, 0x8000, 0x0400};
  const std::string path = d.file("h.safetensors");
  safetensors_write(path, {{"a", Dtype::BF16, {6}, bf16.data()}, {"b", Dtype::F16, {9}, f16.data()}});
  SafetensorsFile f(path);

  std::vector<float> a(6), b(9);
  f.read_f32("a", a.data(), 6);
  EXPECT_EQ(a[0], 1.0f);
  EXPECT_EQ(a[1], -2.0f);
  EXPECT_EQ(a[2], 0.15625f);
  EXPECT_TRUE(std::isinf(a[3]) && a[3] > 0);
  EXPECT_EQ(a[4], std::ldexp(1.0f, -133));  // smallest bf16 subnormal
  EXPECT_TRUE(a[5] == 0.0f && std::signbit(a[5]));

  f.read_f32("b", b.data(), 9);
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[1], -2.0f);
  EXPECT_EQ(b[2], 65504.0f);               // largest f16
  EXPECT_EQ(b[3], std::ldexp(1.0f, -24));  // smallest f16 subnormal
  EXPECT_EQ(b[4], 0.5f);
  EXPECT_TRUE(std::isinf(b[5]) && b[5] > 0);
  EXPECT_TRUE(std::isinf(b[6]) && b[6] < 0);
  EXPECT_TRUE(b[7] == 0.0f && std::signbit(b[7]));
  EXPECT_EQ(b[8], std::ldexp(1.0f, -14));  // smallest f16 normal
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7E00)));
}

TEST(Safetensors, ReadF32RejectsIntegersAndWrongCount) {
  ScratchDir d;
  std::vector<int32_t> ids = {1, 2, 3};
  std::vector<float> w = {1, 2};
  const std::string path = d.file("i.safetensors");
  safetensors_write(path, {{"ids", Dtype::I32, {3}, ids.data()}, {"w", Dtype::F32, {2}, w.data()}});
  SafetensorsFile f(path);
  float out[3];
  std::string e = error_of([&] { f.read_f32("ids", out, 3); });
  EXPECT_CONTAINS(e, "\"ids\"");
  EXPECT_CONTAINS(e, "dtype I32");
  EXPECT_CONTAINS(error_of([&] { f.read_f32("w", out, 3); }), "has 2 elements, expected 3");
}

TEST(Safetensors, MissingFileNamesPath) {
  ScratchDir d;
  std::string e = open_error(d.file("nothing.safetensors"));
  EXPECT_CONTAINS(e, "nothing.safetensors");
  EXPECT_CONTAINS(e, "No such file");
}

TEST(Safetensors, RejectsBadFraming) {
  ScratchDir d;
  const std::string path = d.file("x.safetensors");
  write_file_atomic(path, "abc");
  EXPECT_CONTAINS(open_error(path), "too short");

  write_file_atomic(path, std::string(8, '\xff') + "{}");  // garbage length
  EXPECT_CONTAINS(open_error(path), "limit");

  uint64_t n = 1000;  // header longer than the file
  write_file_atomic(path, std::string(reinterpret_cast<const char*>(&n), 8) + "{}      ");
  EXPECT_CONTAINS(open_error(path), "truncated");
}

TEST(Safetensors, RejectsBadHeaderJson) {
  ScratchDir d;
  std::string e = error_for(d, "{\"x\": {\"dtype\": ", 0);
  EXPECT_CONTAINS(e, "bad.safetensors");
  EXPECT_CONTAINS(e, "not valid JSON");
  EXPECT_CONTAINS(error_for(d, "[1, 2]  ", 0), "must be a JSON object");
  EXPECT_CONTAINS(error_for(d, "{\"x\": 3}", 0), "tensor \"x\": entry must be an object");
  EXPECT_CONTAINS(error_for(d, R"({"__metadata__": {"a": 1}})", 0), "__metadata__");
  EXPECT_CONTAINS(error_for(d, R"({"__metadata__": [1]})", 0), "__metadata__");
}

TEST(Safetensors, RejectsBadEntries) {
  ScratchDir d;
  struct Case {
    const char* header;
    const char* expect;
  };
  const Case cases[] = {
      {R"({"x": {"shape": [1], "data_offsets": [0, 4]}})", "missing \"dtype\""},
      {R"({"x": {"dtype": "F32", "data_offsets": [0, 4]}})", "missing \"shape\""},
      {R"({"x": {"dtype": "F32", "shape": [1]}})", "missing \"data_offsets\""},
      {R"({"x": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}})", "dtype must be a string"},
      {R"({"x": {"dtype": "F64", "shape": [1], "data_offsets": [0, 4]}})", "unknown dtype \"F64\""},
      {R"({"x": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}})", "shape must be a list"},
      {R"({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", "non-negative integers, got [-1]"},
      {R"({"x": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 4]}})", "non-negative integers, got [2.5]"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0]}})", "data_offsets must be [begin, end]"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}})", "data_offsets must be [begin, end]"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": "0,4"}})", "data_offsets must be [begin, end]"},
      {R"({"x": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}})", "begin > end"},
      {R"({"x": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}})", "too large"},
  };
  for (const auto& c : cases) {
    std::string e = error_for(d, c.header, 4);
    EXPECT_CONTAINS(e, "tensor \"x\"");
    EXPECT_CONTAINS(e, c.expect);
  }
}

TEST(Safetensors, RejectsOffsetsThatDoNotMatchShape) {
  ScratchDir d;
  std::string e = error_for(d, R"({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 12]}})", 12);
  EXPECT_CONTAINS(e, "bad.safetensors: tensor \"x\": data_offsets [0, 12] do not match shape [2, 3] of F32 (24 bytes)");
}

TEST(Safetensors, RejectsOffsetsOutOfRange) {
  ScratchDir d;
  std::string e = error_for(d, R"({"x": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}})", 16);
  EXPECT_CONTAINS(e, "truncated");
  EXPECT_CONTAINS(e, "\"x\"");
}

TEST(Safetensors, RejectsOverlapGapAndTail) {
  ScratchDir d;
  std::string overlap = R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                            "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})";
  std::string e = error_for(d, overlap, 12);
  EXPECT_CONTAINS(e, "tensors \"a\" and \"b\" overlap");

  std::string gap = R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                        "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})";
  EXPECT_CONTAINS(error_for(d, gap, 12), "4 unused bytes before tensor \"b\"");

  std::string one = R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})";
  EXPECT_CONTAINS(error_for(d, one, 10), "cover only 4");
  EXPECT_EQ(error_for(d, one, 4), "<no InputError thrown>");
}

TEST(Safetensors, RejectsTruncatedFile) {
  ScratchDir d;
  std::vector<float> w(1024, 0.5f);
  const std::string path = d.file("t.safetensors");
  safetensors_write(path, {{"w", Dtype::F32, {32, 32}, w.data()}});
  std::string raw = read_file(path);
  write_file_atomic(path, std::string_view(raw).substr(0, raw.size() - 4000));
  std::string e = open_error(path);
  EXPECT_CONTAINS(e, "t.safetensors: truncated: header says data section is 4096 bytes");
  EXPECT_CONTAINS(e, "file has 96");
}

TEST(SafetensorsFileIo, ReadMissingFileNamesPathAndErrno) {
  ScratchDir d;
  std::string e = error_of([&] { read_file(d.file("missing.txt")); });
  EXPECT_CONTAINS(e, "missing.txt");
  EXPECT_CONTAINS(e, "No such file or directory");
  EXPECT_CONTAINS(error_of([&] { read_file(d.path.string()); }), "is a directory");
}

TEST(SafetensorsFileIo, AtomicWriteReplacesAndLeavesNoTemp) {
  ScratchDir d;
  const std::string path = d.file("a.txt");
  write_file_atomic(path, "first");
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  write_file_atomic(path, [](FileSink& sink) {
    sink.write("th");
    sink.write("ird", 3);
    EXPECT_EQ(sink.bytes_written(), 5);
  });
  EXPECT_EQ(read_file(path), "third");
  EXPECT_EQ(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()), 1);
}

TEST(SafetensorsFileIo, FailedWriteKeepsOldFileAndRemovesTemp) {
  ScratchDir d;
  const std::string path = d.file("a.txt");
  write_file_atomic(path, "old");
  EXPECT_THROW(write_file_atomic(path,
                                 [](FileSink& sink) {
                                   sink.write("partial");
                                   input_error("producer failed");
                                 }),
               InputError);
  EXPECT_EQ(read_file(path), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()), 1);

  std::string e = error_of([&] { write_file_atomic(d.file("no/such/dir/f.txt"), "x"); });
  EXPECT_CONTAINS(e, "no/such/dir/f.txt");
  EXPECT_CONTAINS(e, "No such file or directory");
}

TEST(SafetensorsFileIo, DiskFullIsAnInputError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  // /dev/full fails every write with ENOSPC; the sink must turn that into an InputError.
  std::FILE* f = std::fopen("/dev/full", "wb");
  ASSERT_NE(f, nullptr);
  std::setvbuf(f, nullptr, _IONBF, 0);
  std::string name = "/dev/full";
  FileSink sink(f, name);
  std::string e = error_of([&] { sink.write("data"); });
  std::fclose(f);
  EXPECT_CONTAINS(e, "/dev/full: write failed");
  EXPECT_CONTAINS(e, "No space left on device");
}

}  // namespace
}  // namespace own
