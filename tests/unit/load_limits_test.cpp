// Sizes and values a file may claim, checked before anything is allocated or computed from them
// (found by review while writing tests/fuzz/, each with a crash-* input in tests/fuzz/corpus/):
// config.json limits and its consistency with the weights file, non-finite weights, JSON number
// overflow, huge safetensors headers, tokenizer.json ids, decompression bombs, ranking sizes,
// and the embeddings/moderations request parsers.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fileio.h"
#include "data/decompress.h"
#include "data/pref_data.h"
#include "model/checkpoint.h"
#include "model/safetensors.h"
#include "serve/api_error.h"
#include "serve/openai_request.h"
#include "test_util.h"
#include "tokenizer/hf_json.h"

namespace own {
namespace {

using nlohmann::json;
using test::error_of;
using test::ScratchDir;

// A saved 1-layer checkpoint (C = 32, V = 64) whose config.json the test then rewrites.
struct SavedModel {
  ScratchDir dir;
  std::string ck;
  json config;
  SavedModel() : ck(dir.file("ck")) {
    ModelOverrides o;
    o.vocab = 64;
    o.n_embd = 32;
    ModelConfig c = config_from_depth(1, o);
    ParamLayout layout = param_layout(c);
    FloatBuffer params(layout.total);
    params_init(params.data, layout, c, 1);
    checkpoint_save(ck, c, layout, params.data, nullptr);
    config = json::parse(read_file(ck + "/config.json"));
  }
  std::string load_error_with(const std::string& key, const json& value) {
    json c = config;
    c[key] = value;
    write_file_atomic(ck + "/config.json", c.dump());
    return error_of([&] { checkpoint_load(ck); });
  }
};

TEST(LoadLimits, ConfigAbsurdSizesAreRefusedByName) {
  SavedModel m;
  // 10^9 layers used to build a 9 * 10^9-entry layout (memory without bound) before any check
  EXPECT_NE(m.load_error_with("num_hidden_layers", 1'000'000'000).find("num_hidden_layers 1000000000 is over the limit"),
            std::string::npos);
  EXPECT_NE(m.load_error_with("hidden_size", int64_t{1} << 40).find("hidden_size"), std::string::npos);
  EXPECT_NE(m.load_error_with("vocab_size", int64_t{1} << 30).find("vocab_size"), std::string::npos);
  EXPECT_NE(m.load_error_with("intermediate_size", int64_t{1} << 40).find("intermediate_size"), std::string::npos);
  EXPECT_NE(m.load_error_with("max_position_embeddings", int64_t{1} << 40).find("max_position_embeddings"),
            std::string::npos);
  EXPECT_NE(m.load_error_with("num_key_value_heads", 4096).find("num_key_value_heads"), std::string::npos);
}

TEST(LoadLimits, ConfigMustFitTheWeightsFileBeforeAllocation) {
  SavedModel m;
  json c = m.config;
  c["hidden_size"] = 65536;  // within the limits, but 1-2 * 10^12 parameters against a ~200 KB file
  c["num_attention_heads"] = 512;
  c["num_key_value_heads"] = 512;
  c["head_dim"] = 128;
  c["vocab_size"] = int64_t{1} << 24;
  write_file_atomic(m.ck + "/config.json", c.dump());
  const std::string e = error_of([&] { checkpoint_load(m.ck); });
  EXPECT_NE(e.find("config.json: describes a model of"), std::string::npos) << e;
  EXPECT_NE(e.find("model.safetensors has only"), std::string::npos) << e;
}

TEST(LoadLimits, ConfigFloatsAndHeadDimAreRangeChecked) {
  SavedModel m;
  // 1e300 converted to float was undefined behaviour; 1e999 made nlohmann throw out_of_range
  EXPECT_NE(m.load_error_with("rope_theta", 1e300).find("rope_theta\" is 1e+300, outside the range of a float"),
            std::string::npos);
  write_file_atomic(m.ck + "/config.json", R"({"rope_theta": 1e999})");
  EXPECT_NE(error_of([&] { checkpoint_load(m.ck); }).find("invalid JSON"), std::string::npos);
  // head_dim * heads overflowed int64 before it was compared
  EXPECT_NE(m.load_error_with("head_dim", int64_t{1} << 62).find("head_dim"), std::string::npos);
  EXPECT_NE(m.load_error_with("rms_norm_eps", 2.0).find("rms_norm_eps"), std::string::npos);
}

TEST(LoadLimits, NonFiniteWeightsAreRefusedNamingTheTensor) {
  SavedModel m;
  SafetensorsFile f(m.ck + "/model.safetensors");
  std::string bytes = read_file(m.ck + "/model.safetensors");
  const auto name = std::string("model.layers.0.mlp.up_proj.weight");
  // locate the tensor's bytes inside the file by its offset: 8 + header + info.offset
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes.data(), 8);
  const size_t pos = 8 + header_len + static_cast<size_t>(f.info(name).offset) + 4 * 3;
  const float inf = INFINITY;
  std::memcpy(bytes.data() + pos, &inf, 4);
  write_file_atomic(m.ck + "/model.safetensors", bytes);
  const std::string e = error_of([&] { checkpoint_load(m.ck); });
  EXPECT_NE(e.find("tensor model.layers.0.mlp.up_proj.weight holds a non-finite weight (inf at element 3)"),
            std::string::npos)
      << e;
}

TEST(LoadLimits, SafetensorsHeaderLimitAndNumberOverflow) {
  ScratchDir d;
  const std::string p = d.file("x.safetensors");
  std::string bytes(8, '\0');
  const uint64_t len = uint64_t{17} << 20;  // over the 16 MiB limit, file holds it
  std::memcpy(bytes.data(), &len, 8);
  bytes += std::string(len, ' ');
  write_file_atomic(p, bytes);
  EXPECT_NE(error_of([&] { SafetensorsFile f(p); }).find("over the 16777216 byte limit"), std::string::npos);
  const std::string h = R"({"a":{"dtype":"F32","shape":[1e999],"data_offsets":[0,4]}})";
  const uint64_t hl = h.size();
  std::string b2(8, '\0');
  std::memcpy(b2.data(), &hl, 8);
  write_file_atomic(p, b2 + h + std::string(4, '\0'));
  EXPECT_NE(error_of([&] { SafetensorsFile f(p); }).find("header is not valid JSON"), std::string::npos);
}

TEST(LoadLimits, TokenizerJsonIdsFarBeyondTheVocabularyAreRefused) {
  // an id of 2 * 10^9 used to size a 2 * 10^9-entry token table (bad_alloc / OOM)
  const std::string text = R"({"normalizer": null, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 2000000000}, "merges": []}})";
  const std::string e = error_of([&] { parse_tokenizer_json(text, "t.json"); });
  EXPECT_NE(e.find("t.json: model.vocab[\"b\"]: expected an id in 0..65537"), std::string::npos) << e;
  const std::string e2 = error_of([&] { parse_tokenizer_json(R"({"model": {"dropout": 1e999}})", "t.json"); });
  EXPECT_NE(e2.find("t.json: invalid JSON"), std::string::npos) << e2;
}

std::string gzip_of(const std::string& s) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, s.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  zs.avail_in = static_cast<uInt>(s.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(LoadLimits, DecompressionStopsAtItsLimit) {
  const std::string bomb = gzip_of(std::string(1 << 20, '\0'));  // ~1 KB in, 1 MiB out
  EXPECT_EQ(gunzip(bomb, "x.gz").size(), size_t{1} << 20);
  const std::string e = error_of([&] { gunzip(bomb, "x.gz", 100'000); });
  EXPECT_NE(e.find("x.gz: decompresses to more than 100000 bytes"), std::string::npos) << e;
  // LZW: 9-bit codes 'a' then 256, 257, ... (each the previous string + 'a'): quadratic output
  std::string lzw;
  uint64_t acc = 0;
  int bits = 0;
  auto put = [&](uint32_t code) {
    acc |= uint64_t{code} << bits;
    bits += 9;
    while (bits >= 8) lzw += static_cast<char>(acc & 0xff), acc >>= 8, bits -= 8;
  };
  put('a');
  for (uint32_t c = 256; c < 500; c++) put(c);
  const std::string e2 = error_of([&] { unlzw(lzw, 16, false, "bible.data", 1000); });
  EXPECT_NE(e2.find("bible.data: decompresses to more than 1000 bytes"), std::string::npos) << e2;
}

TEST(LoadLimits, RankingsHaveAtMost64Completions) {
  json j = {{"prompt", {{{"role", "user"}, {"content", "q"}}}}, {"completions", json::array()}};
  for (int i = 0; i < 65; i++) j["completions"].push_back("answer " + std::to_string(i));
  const std::string e = error_of([&] { parse_preferences_jsonl(j.dump() + "\n", "p.jsonl"); });
  EXPECT_NE(e.find("p.jsonl:1: completions: 65 answers, more than the limit of 64"), std::string::npos) << e;
}

std::string api_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return fmt::format("{} {} {}", e.status, e.param, e.what());
  }
  return "<no ApiError>";
}

TEST(LoadLimits, EmbeddingAndModerationParsers) {
  EmbeddingRequest r = parse_embedding_request(json{{"input", json::array({"a", json::array({1, 2})})}});
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_TRUE(r.inputs[0].is_text);
  EXPECT_EQ(r.inputs[1].ids, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(api_error_of([] { parse_embedding_request(json{{"input", ""}}); }).substr(0, 10), "400 input ");
  EXPECT_EQ(api_error_of([] { parse_embedding_request(json{{"input", "x"}, {"encoding_format", "hex"}}); }).substr(0, 20),
            "400 encoding_format ");
  EXPECT_EQ(api_error_of([] { parse_embedding_request(json{{"input", json::array({-1})}}); }).substr(0, 10), "400 input ");
  EXPECT_EQ(parse_moderation_input(json{{"input", json::array({"a", {{"type", "text"}, {"text", "b"}}})}}),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(api_error_of([] { parse_moderation_input(json{{"input", json::array({{{"type", "image_url"}}})}}); }).substr(0, 18),
            "400 input[0].type ");
  EXPECT_EQ(api_error_of([] { parse_moderation_input(json{{"input", json::array({1})}}); }).substr(0, 13),
            "400 input[0] ");
}

}  // namespace
}  // namespace own
