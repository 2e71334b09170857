// The real binary on bad checkpoints: each case exits 1 (not a signal) with a message naming
// the problem. Plus flags that are out of range.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "model/safetensors.h"
#include "test_util.h"

using namespace own;
namespace fs = std::filesystem;
using namespace own::test;

namespace {



fs::path make_ckpt(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / ("cli_" + name);
  fs::remove_all(d);
  CmdResult r = run_binary("ckpt init --depth 1 --vocab 64 --n-embd 32 --n-head 2 --out " + d.string());
  EXPECT_EQ(r.status, 0) << r.output;
  return d;
}

// rewrite model.safetensors through `edit`, which may drop/alter tensors
template <typename Edit>
void rewrite_weights(const fs::path& dir, Edit edit) {
  std::string path = (dir / "model.safetensors").string();
  SafetensorsFile f(path);
  std::vector<std::vector<float>> store;
  std::vector<StTensorRef> refs;
  for (const auto& name : f.names()) {
    const StInfo& info = f.info(name);
    store.emplace_back(static_cast<size_t>(info.numel));
    f.read_f32(name, store.back().data(), info.numel);
  }
  size_t i = 0;
  for (const auto& name : f.names()) refs.push_back({name, Dtype::F32, f.info(name).shape, store[i++].data()});
  edit(refs);
  safetensors_write(path, refs);
}

void expect_error(const fs::path& dir, const std::string& phrase) {
  CmdResult r = run_binary("ckpt info " + dir.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(phrase), std::string::npos) << "message lacks \"" << phrase << "\": " << r.output;
}

}  // namespace

TEST(Cli, GoodCheckpointLoads) {
  fs::path d = make_ckpt("good");
  CmdResult r = run_binary("ckpt info " + d.string());
  ASSERT_EQ(r.status, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["config"]["hidden_size"], 32);
  EXPECT_GT(j["parameters"].get<int64_t>(), 0);
}

TEST(Cli, MissingTensor) {
  fs::path d = make_ckpt("missing");
  rewrite_weights(d, [](std::vector<StTensorRef>& t) {
    std::erase_if(t, [](const StTensorRef& r) { return r.name == "model.layers.0.mlp.up_proj.weight"; });
  });
  expect_error(d, "model.layers.0.mlp.up_proj.weight");
}

TEST(Cli, WrongShape) {
  fs::path d = make_ckpt("shape");
  std::vector<float> small(32 * 8, 0.0f);
  rewrite_weights(d, [&](std::vector<StTensorRef>& t) {
    for (auto& r : t)
      if (r.name == "model.layers.0.self_attn.k_proj.weight") {
        r.shape = {8, 32};
        r.data = small.data();
      }
  });
  expect_error(d, "model.layers.0.self_attn.k_proj.weight: shape [8, 32] in file, config needs [32, 32]");
}

TEST(Cli, WrongDtype) {
  fs::path d = make_ckpt("dtype");
  rewrite_weights(d, [](std::vector<StTensorRef>& t) {
    for (auto& r : t)
      if (r.name == "model.norm.weight") r.dtype = Dtype::I32;  // same bytes, wrong dtype
  });
  expect_error(d, "I32");
}

TEST(Cli, TruncatedFile) {
  fs::path d = make_ckpt("truncated");
  fs::path w = d / "model.safetensors";
  fs::resize_file(w, fs::file_size(w) - 100);
  expect_error(d, "truncated");
}

TEST(Cli, CorruptHeader) {
  fs::path d = make_ckpt("header");
  {
    std::fstream f(d / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    f.write("!!garbage!!", 11);
  }
  expect_error(d, "model.safetensors");
  {
    std::fstream f(d / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    const char huge[8] = {'\xff', '\xff', '\xff', '\xff', '\xff', '\xff', '\xff', '\x7f'};
    f.write(huge, 8);
  }
  expect_error(d, "model.safetensors");
}

TEST(Cli, BadConfigJson) {
  fs::path d = make_ckpt("config");
  std::ofstream(d / "config.json") << "{\"hidden_size\": 32,";
  expect_error(d, "config.json");
}

TEST(Cli, BadFlags) {
  CmdResult r = run_binary("bench train --depth 1 --dtype f8 --steps 1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--dtype"), std::string::npos) << r.output;
  r = run_binary("ckpt init --depth 0 --out " + (fs::path(::testing::TempDir()) / "cli_depth0").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("--depth"), std::string::npos) << r.output;
  r = run_binary("ckpt init --depth 1 --n-embd 30 --n-head 4 --out " + (fs::path(::testing::TempDir()) / "cli_heads").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("num_attention_heads"), std::string::npos) << r.output;
}
