// GGUF: the file format (every value type, every tensor type, truncated and crafted files), the
// llama mapping (the RoPE row interleave computes the same attention under llama.cpp's rotation),
// and `ownchat export gguf` through the real binary: the file read back with our own reader key by
// key and tensor by tensor, and a .gguf served in place of the checkpoint giving the same tokens.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fileio.h"
#include "core/gguf.h"
#include "kernels/rope.h"
#include "model/checkpoint.h"
#include "model/gguf_model.h"
#include "test_util.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/gguf_vocab.h"
#include "tokenizer/hf_json.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

// A small file with one value of every kind and one tensor of every type.
struct Sample {
  std::vector<float> a = randn(4 * 64, 1), b = randn(3 * 32, 2), c = randn(2 * 64, 3), d = randn(5, 4);
  void write(const std::string& path) const {
    GgufWriter w;
    w.set("general.architecture", GgufValue::string("llama"));
    w.set("n", GgufValue::u32(7));
    w.set("eps", GgufValue::f32(1e-5f));
    w.set("flag", GgufValue::boolean(true));
    w.set("words", GgufValue::strings({"a", "", "ünï"}));
    w.set("ids", GgufValue::i32s({-1, 0, 2147483647}));
    w.set("scores", GgufValue::f32s({0.5f, -2.0f}));
    w.add_tensor("a", {4, 64}, a.data(), GgmlType::Q8_0);
    w.add_tensor("b", {3, 32}, b.data(), GgmlType::F16);
    w.add_tensor("c", {2, 64}, c.data(), GgmlType::BF16);
    w.add_tensor("d", {5}, d.data(), GgmlType::F32);
    w.write(path);
  }
};

std::vector<float> read_all(const GgufFile& f, const std::string& name) {
  const GgufTensor* t = f.find_tensor(name);
  EXPECT_NE(t, nullptr) << name;
  std::vector<float> out(static_cast<size_t>(t->numel));
  f.read_f32(*t, out.data(), t->numel);
  return out;
}

}  // namespace

TEST(Gguf, EveryValueAndTensorTypeRoundTrips) {
  ScratchDir dir;
  Sample s;
  s.write(dir.file("s.gguf"));
  GgufFile f(dir.file("s.gguf"));
  EXPECT_EQ(f.version(), 3u);
  ASSERT_EQ(f.kv().size(), 7u);
  EXPECT_EQ(f.kv()[0].first, "general.architecture");
  EXPECT_EQ(f.get_string("general.architecture"), "llama");
  EXPECT_EQ(f.get_int("n"), 7);
  EXPECT_FLOAT_EQ(static_cast<float>(f.get_float("eps")), 1e-5f);
  EXPECT_TRUE(f.get_bool("flag"));
  EXPECT_EQ(f.get_array("words").strs, (std::vector<std::string>{"a", "", "ünï"}));
  EXPECT_EQ(f.get_array("ids").ints, (std::vector<int64_t>{-1, 0, 2147483647}));
  EXPECT_EQ(f.get_array("scores").floats, (std::vector<double>{0.5, -2.0}));
  EXPECT_NE(error_of([&] { f.get_int("words"); }).find("metadata \"words\" is a array, expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] { f.get_string("missing"); }).find("\"missing\" is missing"), std::string::npos);

  ASSERT_EQ(f.tensors().size(), 4u);
  EXPECT_EQ(f.find_tensor("a")->shape, (std::vector<int64_t>{4, 64}));
  EXPECT_EQ(f.find_tensor("a")->type, GgmlType::Q8_0);
  EXPECT_EQ(f.find_tensor("a")->bytes, 4 * 2 * 34);
  EXPECT_EQ(read_all(f, "d"), s.d);  // f32: exact
  const auto b = read_all(f, "b"), c = read_all(f, "c"), a = read_all(f, "a");
  for (size_t k = 0; k < b.size(); k++) EXPECT_NEAR(b[k], s.b[k], std::fabs(s.b[k]) * 1e-3 + 1e-7) << k;  // f16
  for (size_t k = 0; k < c.size(); k++) EXPECT_NEAR(c[k], s.c[k], std::fabs(s.c[k]) * 8e-3) << k;          // bf16
  for (size_t blk = 0; blk < a.size() / 32; blk++) {  // q8_0: half a step of amax / 127, plus the f16 scale's rounding
    float amax = 0;
    for (size_t k = 0; k < 32; k++) amax = std::max(amax, std::fabs(s.a[blk * 32 + k]));
    for (size_t k = 0; k < 32; k++) EXPECT_NEAR(a[blk * 32 + k], s.a[blk * 32 + k], amax / 127 * 0.6f) << blk;
  }
}

TEST(Gguf, TruncatedAndCorruptedFilesAreErrorsNotCrashes) {
  ScratchDir dir;
  Sample().write(dir.file("s.gguf"));
  const std::string bytes = read_file(dir.file("s.gguf"));
  // every truncation: the header, the metadata, the tensor table or the data ends too early
  for (size_t n = 0; n < bytes.size(); n += (n < 600 ? 1 : 37)) {
    write_file_atomic(dir.file("t.gguf"), std::string_view(bytes).substr(0, n));
    const std::string e = error_of([&] { GgufFile f(dir.file("t.gguf")); });
    ASSERT_NE(e, "<no InputError thrown>") << "truncated at " << n;
    ASSERT_NE(e.find("t.gguf"), std::string::npos) << e;
  }
  // one byte set to 0xFF anywhere before the data: opens, or a clean InputError
  for (size_t k = 0; k < 600 && k < bytes.size(); k++) {
    std::string bad = bytes;
    bad[k] = '\xFF';
    write_file_atomic(dir.file("c.gguf"), bad);
    try {
      GgufFile f(dir.file("c.gguf"));
      for (const GgufTensor& t : f.tensors()) ASSERT_EQ(f.data(t).size(), static_cast<size_t>(t.bytes));
    } catch (const InputError&) {
    }
  }
  EXPECT_NE(error_of([&] { GgufFile f(dir.file("missing.gguf")); }).find("missing.gguf"), std::string::npos);
}

TEST(Gguf, UnsupportedTypesNameTheTensorAndType) {
  ScratchDir dir;
  Sample().write(dir.file("s.gguf"));
  std::string bytes = read_file(dir.file("s.gguf"));
  // tensor "d": name, u32 n_dims = 1, u64 ne = 5, then the u32 type: make it q4_K (12)
  const std::string entry = std::string("\x01\0\0\0\0\0\0\0d\x01\0\0\0\x05\0\0\0\0\0\0\0", 21);
  const size_t at = bytes.find(entry);
  ASSERT_NE(at, std::string::npos);
  const uint32_t q4k = 12;
  std::memcpy(bytes.data() + at + entry.size(), &q4k, 4);
  write_file_atomic(dir.file("k.gguf"), bytes);
  const std::string e = error_of([&] { GgufFile f(dir.file("k.gguf")); });
  EXPECT_NE(e.find("tensor \"d\": type q4_K is not supported"), std::string::npos) << e;
}

// llama.cpp rotates neighbours (2i, 2i+1); we rotate halves (i, i + D/2). With q's rows interleaved
// per head on export, the rotated vectors are the same numbers in the interleaved order.
TEST(GgufModel, RopeInterleaveGivesLlamaCppTheSameRotation) {
  const int64_t H = 3, D = 8, half = D / 2, pos = 5;
  const float theta = 10000.0f;
  ModelConfig c;
  c.vocab_size = 32;
  c.hidden_size = H * D;
  c.num_attention_heads = H;
  c.num_key_value_heads = H;
  c.num_hidden_layers = 1;
  c.intermediate_size = 32;
  c.tie_word_embeddings = true;
  Checkpoint ck;
  ck.config = c;
  ck.layout = param_layout(c);
  ck.params = FloatBuffer(ck.layout.total);
  const auto init = randn(static_cast<size_t>(ck.layout.total), 9, 0.1f);
  std::copy(init.begin(), init.end(), ck.params.data);
  ScratchDir dir;
  GgufWriter w;
  const auto keep = gguf_put_model(w, ck, GgmlType::F32, "t");
  w.write(dir.file("m.gguf"));
  GgufFile f(dir.file("m.gguf"));
  const std::vector<float> wq_gguf = read_all(f, "blk.0.attn_q.weight");
  const float* wq = ck.params.data + ck.layout.layers[0].qkv;  // (H*D, C) rows, then k and v
  const std::vector<float> x = randn(static_cast<size_t>(c.hidden_size), 10);
  std::vector<float> q(static_cast<size_t>(H * D)), qg(static_cast<size_t>(H * D));
  for (int64_t r = 0; r < H * D; r++)
    for (int64_t k = 0; k < c.hidden_size; k++) {
      q[r] += wq[r * c.hidden_size + k] * x[k];
      qg[r] += wq_gguf[r * c.hidden_size + k] * x[k];
    }
  std::vector<float> cos(static_cast<size_t>((pos + 1) * half)), sin(cos.size());
  rope_table(cos.data(), sin.data(), pos + 1, D, theta);
  rope_forward(q.data(), cos.data(), sin.data(), 1, 1, H * D, H, D, pos);
  for (int64_t h = 0; h < H; h++)
    for (int64_t i = 0; i < half; i++) {  // llama.cpp's LLAMA_ROPE_TYPE_NORM on the GGUF rows
      const double angle = pos * std::pow(theta, -2.0 * i / D);
      float* p = qg.data() + h * D + 2 * i;
      const float x0 = p[0], x1 = p[1];
      p[0] = static_cast<float>(x0 * std::cos(angle) - x1 * std::sin(angle));
      p[1] = static_cast<float>(x0 * std::sin(angle) + x1 * std::cos(angle));
    }
  for (int64_t h = 0; h < H; h++)
    for (int64_t i = 0; i < half; i++)
      for (int64_t j = 0; j < 2; j++)
        EXPECT_NEAR(qg[h * D + 2 * i + j], q[h * D + j * half + i], 1e-5) << h << " " << i << " " << j;
  // and the way back restores every weight exactly
  const Checkpoint back = gguf_read_model(f);
  ASSERT_EQ(back.layout.total, ck.layout.total);
  for (int64_t k = 0; k < ck.layout.total; k++) ASSERT_EQ(back.params.data[k], ck.params.data[k]) << k;
}

TEST(GgufModel, OtherArchitecturesAndVocabulariesNameTheKey) {
  ScratchDir dir;
  GgufWriter w;
  w.set("general.architecture", GgufValue::string("gpt2"));
  w.set("tokenizer.ggml.model", GgufValue::string("llama"));
  w.write(dir.file("o.gguf"));
  GgufFile f(dir.file("o.gguf"));
  const std::string arch = error_of([&] { gguf_read_model(f); });
  EXPECT_NE(arch.find("\"general.architecture\" is \"gpt2\""), std::string::npos) << arch;
  const std::string vocab = error_of([&] { gguf_read_vocab(f); });
  EXPECT_NE(vocab.find("\"tokenizer.ggml.model\" is \"llama\""), std::string::npos) << vocab;
  EXPECT_NE(error_of([] { gguf_pre_name("\\p{L}+"); }).find("not one llama.cpp knows"), std::string::npos);
  EXPECT_EQ(gguf_pre_name(std::string(kGpt4Pattern)), "llama-bpe");
  EXPECT_EQ(gguf_pre_name(std::string(kOwnPattern)), "gpt-2");
}

namespace {

// a run folder: tokenizer trained on Moby-Dick (vocab 512) and a random tied model
const std::string& export_run() {
  static const std::string run = [] {
    const std::string r = moby_run("ownchat_gguf");
    CmdResult c = run_binary("ckpt init --depth 1 --vocab 520 --n-embd 64 --n-head 2 --kv-heads 1 --seq 512 --out " + r +
                   "/ckpt/base");
    EXPECT_EQ(c.status, 0) << c.output;
    return r;
  }();
  return run;
}

std::string greedy_tokens(const std::string& model) {
  CmdResult r = run_shell(std::string(OWN_BINARY) + " generate --ckpt " + model +
                          " --prompt 'Call me Ishmael. In 1851,' --max-tokens 24 --temperature 0 --ignore-eos --json"
                          " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.output;
  return nlohmann::json::parse(r.output)["tokens"].dump();
}

}  // namespace

TEST(GgufExport, TheFileHoldsEveryKeyAndTensorAndRunsAsTheCheckpoint) {
  const std::string& run = export_run();
  const std::string out = run + "/base.gguf";
  CmdResult c = run_binary("export gguf --ckpt " + run + "/ckpt/base --out " + out);
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_NE(c.output.find("pre-tokenizer gpt-2"), std::string::npos) << c.output;

  const Checkpoint ck = checkpoint_load(run + "/ckpt/base");
  const Tokenizer tok = Tokenizer::load(run + "/tokenizer.json");
  GgufFile f(out);
  const ModelConfig& m = ck.config;
  EXPECT_EQ(f.get_string("general.architecture"), "llama");
  EXPECT_EQ(f.get_int("general.file_type"), 0);
  EXPECT_EQ(f.get_int("llama.vocab_size"), 520);
  EXPECT_EQ(f.get_int("llama.context_length"), 512);
  EXPECT_EQ(f.get_int("llama.embedding_length"), m.hidden_size);
  EXPECT_EQ(f.get_int("llama.block_count"), m.num_hidden_layers);
  EXPECT_EQ(f.get_int("llama.feed_forward_length"), m.intermediate_size);
  EXPECT_EQ(f.get_int("llama.attention.head_count"), 2);
  EXPECT_EQ(f.get_int("llama.attention.head_count_kv"), 1);
  EXPECT_EQ(f.get_int("llama.rope.dimension_count"), 32);
  EXPECT_FLOAT_EQ(static_cast<float>(f.get_float("llama.rope.freq_base")), m.rope_theta);
  EXPECT_FLOAT_EQ(static_cast<float>(f.get_float("llama.attention.layer_norm_rms_epsilon")), m.rms_norm_eps);
  EXPECT_EQ(f.get_string("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(f.get_string("tokenizer.ggml.pre"), "gpt-2");
  const GgufValue& tokens = f.get_array("tokenizer.ggml.tokens");
  const GgufValue& types = f.get_array("tokenizer.ggml.token_type");
  ASSERT_EQ(tokens.strs.size(), 520u);
  ASSERT_EQ(types.ints.size(), 520u);
  EXPECT_EQ(tokens.strs[32], "Ġ");  // byte-level text of " "
  EXPECT_EQ(tokens.strs[static_cast<size_t>(tok.special_id("<|user|>"))], "<|user|>");
  EXPECT_EQ(types.ints[static_cast<size_t>(tok.special_id("<|user|>"))], 3);
  EXPECT_EQ(types.ints[519], 5);  // past the tokenizer: unused
  EXPECT_EQ(f.get_array("tokenizer.ggml.merges").strs.size(), tok.merges().size());
  EXPECT_EQ(f.get_int("tokenizer.ggml.bos_token_id"), tok.special_id("<|bos|>"));
  EXPECT_EQ(f.get_int("tokenizer.ggml.eos_token_id"), tok.special_id("<|eos|>"));
  EXPECT_EQ(f.get_int("tokenizer.ggml.eot_token_id"), tok.special_id("<|end|>"));
  EXPECT_FALSE(f.get_bool("tokenizer.ggml.add_bos_token"));
  EXPECT_EQ(f.get_string("tokenizer.chat_template"), std::string(kChatTemplate));
  // every tensor: tied (no output.weight), F32, the same numbers (q and k interleaved per head)
  EXPECT_EQ(f.find_tensor("output.weight"), nullptr);
  ASSERT_EQ(f.tensors().size(), ck.layout.tensors.size());
  for (const TensorInfo& t : ck.layout.tensors) {
    const GgufTensor* g = f.find_tensor(gguf_tensor_name(t.name));
    ASSERT_NE(g, nullptr) << t.name;
    EXPECT_EQ(g->type, GgmlType::F32) << t.name;
    EXPECT_EQ(g->shape, t.shape) << t.name;
    if (t.name.find("q_proj") != std::string::npos || t.name.find("k_proj") != std::string::npos) continue;
    ASSERT_EQ(std::memcmp(f.data(*g).data(), ck.params.data + t.offset, static_cast<size_t>(t.numel) * 4), 0) << t.name;
  }
  // loaded back: the same weights, the same vocabulary, the same greedy tokens
  const Checkpoint back = checkpoint_load(out);
  for (int64_t k = 0; k < ck.layout.total; k++) ASSERT_EQ(back.params.data[k], ck.params.data[k]) << k;
  const Tokenizer tok_back = Tokenizer::load(out);
  const std::string text = read_file(run + "/data/corpus/val.jsonl").substr(0, 20000) + " 1851 x 47 = 86997";
  EXPECT_EQ(tok_back.encode(text), tok.encode(text));
  EXPECT_EQ(tok_back.specials(), tok.specials());
  EXPECT_EQ(greedy_tokens(out), greedy_tokens(run + "/ckpt/base"));
  // and exported again from the .gguf: the same tensors and metadata, byte for byte
  c = run_binary("export gguf --ckpt " + out + " --out " + run + "/again.gguf");
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_EQ(read_file(run + "/again.gguf"), read_file(out));
}

TEST(GgufExport, QuantizedTypesLoadCloseAndBadFlagsAreErrors) {
  const std::string& run = export_run();
  for (const char* type : {"f16", "bf16", "q8_0"}) {
    const std::string out = run + "/base-" + type + ".gguf";
    CmdResult c = run_binary("export gguf --type " + std::string(type) + " --ckpt " + run + "/ckpt/base --out " + out);
    ASSERT_EQ(c.status, 0) << c.output;
    const Checkpoint ck = checkpoint_load(run + "/ckpt/base"), q = checkpoint_load(out);
    double err = 0, ref = 0;
    for (int64_t k = 0; k < ck.layout.total; k++) {
      err = std::max(err, static_cast<double>(std::fabs(q.params.data[k] - ck.params.data[k])));
      ref = std::max(ref, static_cast<double>(std::fabs(ck.params.data[k])));
    }
    EXPECT_LT(err, ref * 0.01) << type;
    EXPECT_GT(err, 0.0) << type;
  }
  CmdResult c = run_binary("export gguf --type q4_K --ckpt " + run + "/ckpt/base --out " + run + "/x.gguf");
  EXPECT_EQ(c.status, 1);
  EXPECT_NE(c.output.find("expected f32, f16, bf16 or q8_0"), std::string::npos) << c.output;
  c = run_binary("export gguf --ckpt " + run + "/ckpt/base --out " + run + "/x.bin");
  EXPECT_EQ(c.status, 1);
  EXPECT_NE(c.output.find("must end in .gguf"), std::string::npos) << c.output;
  c = run_binary("generate --ckpt " + run + "/nothing.gguf --prompt hi");
  EXPECT_EQ(c.status, 1);
  EXPECT_NE(c.output.find("nothing.gguf"), std::string::npos) << c.output;
}

TEST(GgufExport, FineTuningFromAGgufNeedsTheRunsVocabulary) {
  const std::string& run = export_run();
  ASSERT_EQ(run_binary("export gguf --ckpt " + run + "/ckpt/base --out " + run + "/init.gguf").status, 0);
  ScratchDir other;
  const std::string r2 = other.file("run");
  CmdResult c = run_binary("tokenizer train --run " + r2 + " --input " + run + "/data/corpus/train.jsonl --vocab 400");
  ASSERT_EQ(c.status, 0) << c.output;
  ASSERT_EQ(run_binary("data chat --run " + r2).status, 0);
  c = run_binary("train sft --run " + r2 + " --init " + run + "/init.gguf --steps 1");
  EXPECT_EQ(c.status, 1) << c.output;
  EXPECT_NE(c.output.find("init.gguf: its vocabulary is not the one of"), std::string::npos) << c.output;
}
