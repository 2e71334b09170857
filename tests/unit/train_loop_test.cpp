// The shared training loop: learning, bit-for-bit resume, masked batches, the NaN guard.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/checkpoint.h"
#include "train/loop.h"

using namespace own;
namespace fs = std::filesystem;

namespace {

// Learnable synthetic stream: each sequence counts up by a per-sequence stride modulo V.
struct CountingSource : BatchSource {
  int64_t V;
  uint64_t pos = 0;
  bool mask_all = false;
  explicit CountingSource(int64_t v) : V(v) {}
  void next(int32_t* in, int32_t* tgt, int64_t B, int64_t T) override {
    for (int64_t b = 0; b < B; b++) {
      uint64_t seq = pos * static_cast<uint64_t>(B) + static_cast<uint64_t>(b);
      int64_t stride = 1 + static_cast<int64_t>(seq % 3), start = static_cast<int64_t>((seq * 7) % static_cast<uint64_t>(V));
      for (int64_t t = 0; t < T; t++) {
        in[b * T + t] = static_cast<int32_t>((start + stride * t) % V);
        tgt[b * T + t] = mask_all ? -1 : static_cast<int32_t>((start + stride * (t + 1)) % V);
      }
    }
    pos++;
  }
  uint64_t cursor() const override { return pos; }
  void seek(uint64_t c) override { pos = c; }
};

ModelConfig tiny_config() {
  ModelOverrides o;
  o.n_embd = 32;
  o.n_head = 2;
  o.vocab = 50;
  o.seq = 32;
  return config_from_depth(2, o);
}

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<double> losses_from(const fs::path& metrics) {
  std::vector<double> out;
  std::ifstream f(metrics);
  std::string line;
  while (std::getline(f, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["name"] == "loss") out.push_back(j["value"].get<double>());
  }
  return out;
}

}  // namespace

TEST(TrainLoop, LearnsAndResumesBitForBit) {
  const ModelConfig cfg = tiny_config();
  OptimizerConfig oc;
  oc.lr = 3e-3f;
  oc.warmup_steps = 2;
  fs::path root = fresh_dir("train_resume");

  // uninterrupted: 8 steps
  Llama a(cfg);
  params_init(a.params.data, a.layout, cfg, 5);
  a.reserve(4, 16);
  TrainLoopOptions o;
  o.ckpt_dir = (root / "a").string();
  o.metrics_path = (root / "a.jsonl").string();
  o.steps = 8;
  o.grad_accum = 2;
  CountingSource src_a(cfg.vocab_size);
  Trainer ta(a, oc, o);
  TrainResult ra = ta.run(src_a);
  EXPECT_EQ(ra.end_step, 8);
  std::vector<double> la = losses_from(root / "a.jsonl");
  ASSERT_EQ(la.size(), 8u);
  EXPECT_LT(la.back(), la.front() - 0.2) << "the loop did not learn a counting pattern";

  // interrupted after 4 steps, then a fresh process-like start (different init) resumes to 8
  o.ckpt_dir = (root / "b").string();
  o.metrics_path = (root / "b.jsonl").string();
  o.stop_at = 4;
  {
    Llama b(cfg);
    params_init(b.params.data, b.layout, cfg, 5);
    b.reserve(4, 16);
    CountingSource src(cfg.vocab_size);
    Trainer tb(b, oc, o);
    EXPECT_FALSE(tb.resume(src));
    tb.run(src);
  }
  o.stop_at = 0;
  Llama c(cfg);
  params_init(c.params.data, c.layout, cfg, 999);  // overwritten by the resume
  c.reserve(4, 16);
  CountingSource src_c(cfg.vocab_size);
  Trainer tc(c, oc, o);
  ASSERT_TRUE(tc.resume(src_c));
  EXPECT_EQ(src_c.cursor(), 8u);  // 4 steps x 2 micro-batches
  TrainResult rc = tc.run(src_c);
  EXPECT_EQ(rc.start_step, 4);
  std::vector<double> lb = losses_from(root / "b.jsonl");
  ASSERT_EQ(lb.size(), 8u);
  for (size_t i = 0; i < 8; i++) EXPECT_EQ(lb[i], la[i]) << "loss at step " << i;
  EXPECT_EQ(std::memcmp(a.params.data, c.params.data, sizeof(float) * static_cast<size_t>(a.layout.total)), 0)
      << "resumed parameters differ from the uninterrupted run";
  EXPECT_EQ(std::memcmp(ta.optimizer().m.data, tc.optimizer().m.data, sizeof(float) * static_cast<size_t>(a.layout.total)), 0);

  // the checkpoint written by the loop loads as a plain model
  Checkpoint ck = checkpoint_load((root / "b").string());
  EXPECT_EQ(std::memcmp(ck.params.data, c.params.data, sizeof(float) * static_cast<size_t>(a.layout.total)), 0);
}

TEST(TrainLoop, FullyMaskedBatchGivesZeroLossAndNoNaN) {
  const ModelConfig cfg = tiny_config();
  Llama m(cfg);
  params_init(m.params.data, m.layout, cfg, 5);
  m.reserve(2, 8);
  TrainLoopOptions o;
  o.steps = 2;
  CountingSource src(cfg.vocab_size);
  src.mask_all = true;
  Trainer t(m, OptimizerConfig{}, o);
  TrainResult r = t.run(src);
  EXPECT_EQ(r.last_loss, 0.0f);
  EXPECT_EQ(r.skipped_steps, 0);
  for (int64_t i = 0; i < m.layout.total; i++) ASSERT_TRUE(std::isfinite(m.params.data[i]));
}

TEST(TrainLoop, NonFiniteStepIsSkippedAndCounted) {
  const ModelConfig cfg = tiny_config();
  Llama m(cfg);
  params_init(m.params.data, m.layout, cfg, 5);
  m.params.data[m.layout.find("model.norm.weight")->offset] = NAN;
  m.reserve(2, 8);
  TrainLoopOptions o;
  o.steps = 3;
  CountingSource src(cfg.vocab_size);
  Trainer t(m, OptimizerConfig{}, o);
  TrainResult r = t.run(src);
  EXPECT_EQ(r.skipped_steps, 3);
  EXPECT_EQ(r.end_step, 3);
  EXPECT_EQ(t.optimizer().m.data[0], 0.0f) << "a skipped step must not touch the moments";
}
