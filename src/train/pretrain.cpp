#include "train/pretrain.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "core/check.h"
#include "core/rng.h"
#include "core/run_dir.h"
#include "data/loader.h"
#include "model/checkpoint.h"
#include "model/induction_init.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "train/copy_probe.h"
#include "train/loop.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// bits per byte over `tokens`: sum of per-token losses (nats) / ln 2 / bytes of the target tokens
struct BpbEvaluator {
  const Tokenizer& tok;
  std::vector<int32_t> tokens;
  int64_t batches;
  double evaluate(Llama& m) {
    const int64_t B = m.batch(), T = m.seq();
    PackedSource val(tokens, T, 0, false);
    std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(static_cast<size_t>(B * T));
    double nats = 0, bytes = 0;
    for (int64_t i = 0; i < batches; i++) {
      val.next(in.data(), tg.data(), B, T);
      m.forward_loss(in.data(), tg.data());
      const float* l = m.token_losses();
      for (int64_t j = 0; j < B * T; j++) {
        if (tok.is_special(tg[j])) continue;  // <|bos|> carries no text
        nats += l[j];
        bytes += static_cast<double>(tok.token_bytes(tg[j]).size());
      }
    }
    return bytes > 0 ? nats / std::log(2.0) / bytes : 0.0;
  }
};

// bits per byte of a unigram model fitted on the training tokens: the baseline to beat
double unigram_bpb(const Tokenizer& tok, const std::vector<int32_t>& train, const std::vector<int32_t>& val) {
  std::vector<double> count(static_cast<size_t>(tok.vocab_size()), 1.0);  // add-one smoothing
  for (int32_t t : train) count[t] += 1;
  double total = 0;
  for (double c : count) total += c;
  double bits = 0, bytes = 0;
  for (int32_t t : val) {
    if (tok.is_special(t)) continue;
    bits -= std::log2(count[t] / total);
    bytes += static_cast<double>(tok.token_bytes(t).size());
  }
  return bytes > 0 ? bits / bytes : 0.0;
}

// Temperature sampling by full re-forward of a (1, W) window (the KV-cache engine is
// infer/'s job; this only shows progress during pretraining).
std::string sample(Llama& m, const Tokenizer& tok, const std::string& prompt, int64_t n_new, uint64_t seed) {
  const int64_t W = std::min<int64_t>(m.config.max_position_embeddings, 96);
  const int64_t B = m.batch(), T = m.seq();
  m.reserve(1, W);
  std::vector<int32_t> ids = {tok.special_id("<|bos|>")};
  tok.encode_append(prompt, ids);
  size_t prompt_len = ids.size();
  std::vector<int32_t> window(static_cast<size_t>(W));
  std::vector<float> logits(static_cast<size_t>(W * m.config.vocab_size));
  Rng rng(seed);
  for (int64_t i = 0; i < n_new && static_cast<int64_t>(ids.size()) < W; i++) {
    std::fill(window.begin(), window.end(), 0);
    std::copy(ids.begin(), ids.end(), window.begin());
    m.forward_logits(logits.data(), window.data());
    const float* z = logits.data() + (ids.size() - 1) * static_cast<size_t>(m.config.vocab_size);
    float zmax = *std::max_element(z, z + m.config.vocab_size);
    std::vector<double> p(static_cast<size_t>(m.config.vocab_size));
    double sum = 0;
    for (int64_t v = 0; v < m.config.vocab_size; v++) sum += p[v] = std::exp((z[v] - zmax) / 0.8);
    double u = rng.uniform() * sum;
    int32_t next = 0;
    for (; next < m.config.vocab_size - 1 && (u -= p[next]) > 0; next++) {
    }
    if (next == tok.special_id("<|bos|>") || next == tok.special_id("<|eos|>")) break;
    ids.push_back(next);
  }
  m.reserve(B, T);
  return tok.decode(std::span<const int32_t>(ids).subspan(prompt_len));
}

void print_samples(Llama& m, const Tokenizer& tok, const PretrainOptions& o) {
  for (size_t i = 0; i < o.sample_prompts.size(); i++)
    fmt::print(stderr, "sample {}: {}|{}\n", i, o.sample_prompts[i], sample(m, tok, o.sample_prompts[i], 32, o.seed + i));
}

// the model's shape: the flags' with the tokenizer's vocabulary, or on resume the checkpoint's
ModelConfig model_config(const PretrainOptions& o, const Tokenizer& tok, const std::string& resume_ckpt) {
  ModelConfig cfg = o.config;
  cfg.vocab_size = tok.vocab_size();
  cfg.max_position_embeddings = std::max(cfg.max_position_embeddings, o.seq);
  cfg.bos_token_id = tok.special_id("<|bos|>");
  cfg.eos_token_id = tok.special_id("<|eos|>");
  if (!resume_ckpt.empty()) cfg = checkpoint_load(resume_ckpt).config;  // the checkpoint's shape wins on resume
  cfg.validate();
  return cfg;
}

}  // namespace

PretrainResult pretrain(const PretrainOptions& o) {
  const RunDir run(o.run_dir);
  Tokenizer tok = Tokenizer::load(run.tokenizer().string());
  const std::string shard_dir = run.shards().string();
  std::vector<int32_t> train_tokens = load_split_tokens(shard_dir, "train", tok.vocab_size());
  std::vector<int32_t> val_tokens = load_split_tokens(shard_dir, "val", tok.vocab_size());

  const std::string ckpt = run.ckpt("base").string();
  const bool exists = fs::exists(ckpt) || fs::exists(ckpt + ".old");
  if (exists && !o.resume)
    input_error("{} already exists; pass --resume to continue it, or use another --run", ckpt);
  const ModelConfig cfg = model_config(o, tok, exists ? ckpt : "");

  Llama model(cfg);
  model.precision = o.precision;
  params_init(model.params.data, model.layout, cfg, o.seed);
  if (o.induction_init && !o.resume) plant_induction_circuit(model.params.data, model.layout, cfg, o.seed);
  model.reserve(o.batch, o.seq);

  const int64_t micro_tokens = o.batch * o.seq;
  const int64_t total = o.total_batch_tokens > 0 ? o.total_batch_tokens : micro_tokens;
  if (total % micro_tokens != 0)
    input_error("--total-batch-tokens {} must be a multiple of --batch x --seq = {}", total, micro_tokens);
  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(cfg);
  oc.weight_decay = o.weight_decay;
  oc.min_lr_frac = o.min_lr_frac;
  oc.warmup_steps = static_cast<int64_t>(o.warmup_frac * static_cast<float>(o.steps));

  TrainLoopOptions lo;
  lo.stage = "pretrain";
  lo.ckpt_dir = ckpt;
  lo.metrics_path = run.metrics().string();
  lo.steps = o.steps;
  lo.grad_accum = total / micro_tokens;
  lo.save_every = o.save_every;
  lo.seed = o.seed;
  lo.time_budget_s = o.minutes * 60.0;
  lo.stop_flag = sigint_flag();
  lo.stop_at = o.stop_at;
  lo.flops_per_token = train_flops_per_token(cfg, o.seq);
  lo.peak_gflops = o.peak_gflops;
  fs::create_directories(run.ckpt_root());

  PretrainResult result;
  result.unigram_bpb = static_cast<float>(unigram_bpb(tok, train_tokens, val_tokens));
  PackedSource train(std::move(train_tokens), o.seq, o.seed, true, o.repeat_share);
  Trainer trainer(model, oc, lo);
  if (o.resume) trainer.resume(train);

  BpbEvaluator eval{tok, val_tokens, std::max<int64_t>(1, o.eval_tokens / micro_tokens)};
  const CopyProbe copy_probe(tok, val_tokens, o.batch, o.seq);
  fmt::print(stderr, "pretrain: {} train tokens, {} val tokens, {} parameters, {} tokens/step; unigram val bpb {:.3f}\n",
             train.tokens(), val_tokens.size(), model.layout.total, total, result.unigram_bpb);
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    double bpb = eval.evaluate(model);
    result.val_bpb = static_cast<float>(bpb);
    t.log_metric(step, "val_bpb", bpb);
    CopyProbeResult copy = copy_probe.evaluate(model);
    result.copy_p = static_cast<float>(copy.copy_p());
    t.log_metric(step, "copy_loss", copy.loss);
    t.progress_note = fmt::format("val bpb {:.3f}, {}", bpb, copy.summary());
    if (o.sample_every > 0 && step % o.sample_every == 0) print_samples(model, tok, o);
  };

  LmObjective lm;
  TrainResult tr = run_interruptible(trainer, train, lm);
  result.steps = tr.end_step;
  result.train_loss = tr.last_loss;
  result.interrupted = tr.interrupted;
  if (result.val_bpb == 0) result.val_bpb = static_cast<float>(eval.evaluate(model));
  print_samples(model, tok, o);
  return result;
}

}  // namespace own
