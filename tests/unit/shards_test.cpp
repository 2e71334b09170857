// Token shards (write/read/validate) and the packed pretraining loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/check.h"
#include "data/loader.h"
#include "data/shards.h"
#include "test_util.h"

using namespace own;
namespace fs = std::filesystem;
using own::test::error_of;

namespace {
fs::path tmp(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / "shards_test";
  fs::create_directories(d);
  return d / name;
}

}  // namespace

TEST(Shards, RoundTripBothWidths) {
  for (int64_t vocab : {300, 70000}) {
    std::string p = tmp("rt_" + std::to_string(vocab) + ".bin").string();
    ShardWriter w(p, vocab);
    std::vector<int32_t> a = {0, 5, 299}, b = {0, static_cast<int32_t>(vocab - 1)};
    w.add_document(a.data(), 3);
    w.add_document(b.data(), 2);
    w.finish();
    Shard s = shard_read(p, vocab);
    EXPECT_EQ(s.documents, 2);
    EXPECT_EQ(s.ids, (std::vector<int32_t>{0, 5, 299, 0, static_cast<int32_t>(vocab - 1)}));
    EXPECT_EQ(fs::file_size(p), 64u + 5u * (vocab <= 65536 ? 2u : 4u));
  }
}

TEST(Shards, UnfinishedShardLeavesNothing) {
  std::string p = tmp("unfinished.bin").string();
  {
    ShardWriter w(p, 100);
    std::vector<int32_t> a = {1, 2};
    w.add_document(a.data(), 2);
  }
  EXPECT_FALSE(fs::exists(p));
  for (auto& e : fs::directory_iterator(fs::path(p).parent_path()))
    EXPECT_EQ(e.path().string().find("unfinished.bin.tmp"), std::string::npos);
}

TEST(Shards, BadFilesAreClearErrors) {
  std::string p = tmp("bad.bin").string();
  ShardWriter w(p, 100);
  std::vector<int32_t> a = {1, 2, 3, 4};
  w.add_document(a.data(), 4);
  w.finish();
  EXPECT_NE(error_of([&] { shard_read(p, 200); }).find("vocabulary of 100"), std::string::npos);
  fs::resize_file(p, fs::file_size(p) - 1);
  EXPECT_NE(error_of([&] { shard_read(p); }).find("truncated"), std::string::npos);
  std::ofstream(p, std::ios::binary) << "NOTASHARD and some more bytes to pass the header length check..........";
  EXPECT_NE(error_of([&] { shard_read(p); }).find("bad magic"), std::string::npos);
  std::ofstream(p, std::ios::binary) << "tiny";
  EXPECT_NE(error_of([&] { shard_read(p); }).find("too short"), std::string::npos);
  EXPECT_NE(error_of([&] { load_split_tokens(tmp("nodir").string(), "train", 100); }).find("data tokenize"),
            std::string::npos);
}

TEST(PackedSource, DeterministicResumableAndCoversEveryWindow) {
  std::vector<int32_t> tok(1001);
  for (size_t i = 0; i < tok.size(); i++) tok[i] = static_cast<int32_t>(i);
  const int64_t T = 10, B = 3;  // 100 windows
  PackedSource a(tok, T, 7, true), b(tok, T, 7, true);
  std::vector<int32_t> in(B * T), tg(B * T), in2(B * T), tg2(B * T);
  std::set<int32_t> starts;
  for (int step = 0; step < 34; step++) {  // 102 windows: one epoch and a bit
    a.next(in.data(), tg.data(), B, T);
    for (int64_t r = 0; r < B; r++) {
      for (int64_t t = 0; t < T; t++) EXPECT_EQ(tg[r * T + t], in[r * T + t] + 1);  // targets are the next token
      if (step * B + r < 100) starts.insert(in[r * T]);
    }
  }
  EXPECT_EQ(starts.size(), 100u) << "one epoch visits every window once";
  // resume at an arbitrary cursor gives the same batches as the uninterrupted stream
  b.seek(57);
  PackedSource c(tok, T, 7, true);
  for (int i = 0; i < 19; i++) c.next(in.data(), tg.data(), B, T);  // 57 windows
  for (int i = 0; i < 5; i++) {
    b.next(in.data(), tg.data(), B, T);
    c.next(in2.data(), tg2.data(), B, T);
    EXPECT_EQ(in, in2);
  }
  EXPECT_NE(error_of([&] { PackedSource(std::vector<int32_t>(5, 0), 10, 1, true); }).find("--seq"), std::string::npos);
}

TEST(PackedSource, RepeatRowsRepeatTheirFirstPeriodAtVaryingDistances) {
  std::vector<int32_t> tok(64 * 200 + 1);
  for (size_t i = 0; i < tok.size(); i++) tok[i] = static_cast<int32_t>(i);  // no token repeats in the data
  const int64_t T = 64, B = 4;
  PackedSource all(tok, T, 3, true, 1.0), some(tok, T, 3, true, 0.25), resumed(tok, T, 3, true, 0.25);
  std::vector<int32_t> in(B * T), tg(B * T), in2(B * T), tg2(B * T);
  std::set<int64_t> periods;
  int repeated = 0, rows = 0;
  auto period_of = [&](const int32_t* row) {  // the first t where the row starts over; 0: never
    for (int64_t t = 1; t < T; t++)
      if (row[t] == row[0]) return t;
    return int64_t{0};
  };
  for (int step = 0; step < 50; step++) {
    all.next(in.data(), tg.data(), B, T);
    for (int64_t r = 0; r < B; r++) {
      const int32_t* x = in.data() + r * T;
      const int64_t P = period_of(x);
      ASSERT_GE(P, 16) << "every row repeats, from 16 tokens back at the least";
      ASSERT_LE(P, T / 2);
      periods.insert(P);
      for (int64_t t = 0; t < T; t++) {
        EXPECT_EQ(x[t], x[t % P]);
        EXPECT_EQ(tg[r * T + t], x[(t + 1) % P]) << "the target is the next token of the repeating row";
      }
    }
    some.next(in.data(), tg.data(), B, T);
    for (int64_t r = 0; r < B; r++, rows++) repeated += period_of(in.data() + r * T) > 0;
  }
  EXPECT_GT(periods.size(), 8u) << "the distance varies, so copying must find its source by content";
  EXPECT_GT(repeated, rows / 8);
  EXPECT_LT(repeated, rows / 2) << repeated << " of " << rows << " rows repeat at share 0.25";
  // a resumed stream picks the same rows to repeat
  some.seek(37);
  resumed.seek(37);
  for (int i = 0; i < 5; i++) {
    some.next(in.data(), tg.data(), B, T);
    resumed.next(in2.data(), tg2.data(), B, T);
    EXPECT_EQ(in, in2);
    EXPECT_EQ(tg, tg2);
  }
  EXPECT_NE(error_of([&] { PackedSource(tok, T, 1, true, 1.5); }).find("--repeat-share"), std::string::npos);
}
