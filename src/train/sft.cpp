#include "train/sft.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "data/chat_loader.h"
#include "data/clean.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "train/loop.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// mean loss per answer token over every validation conversation (fixed order, padded batches)
double validation_loss(Llama& m, const std::vector<ChatExample>& val, int32_t pad) {
  const int64_t B = m.batch(), T = m.seq();
  ChatSource src(val, pad, 0, false, false);
  std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(static_cast<size_t>(B * T));
  double nats = 0;
  int64_t count = 0;
  for (int64_t done = 0; done < src.size(); done += B) {
    src.next(in.data(), tg.data(), B, T);
    m.forward_loss(in.data(), tg.data());
    const int64_t rows = std::min(B, src.size() - done);  // the last batch wraps around: skip repeats
    for (int64_t j = 0; j < rows * T; j++)
      if (tg[static_cast<size_t>(j)] >= 0) nats += m.token_losses()[j], count++;
  }
  return count > 0 ? nats / static_cast<double>(count) : 0.0;
}

}  // namespace

SftResult train_sft(const SftOptions& o) {
  const fs::path run(o.run_dir);
  Tokenizer tok = Tokenizer::load((run / "tokenizer.json").string());
  if (!has_chat_tokens(tok)) input_error("{}/tokenizer.json lacks the chat special tokens", o.run_dir);
  const fs::path chat = run / "data" / "chat";
  if (!fs::exists(chat / "train.jsonl"))
    input_error("{} is missing; run `ownchat data chat --run {}` first", (chat / "train.jsonl").string(), o.run_dir);
  std::vector<Conversation> train = read_chat_jsonl((chat / "train.jsonl").string(), true);
  std::vector<Conversation> val = read_chat_jsonl((chat / "val.jsonl").string(), true);
  if (o.val_conversations > 0 && static_cast<int64_t>(val.size()) > o.val_conversations)
    val.resize(static_cast<size_t>(o.val_conversations));
  for (const auto& [path, weight] : o.user_data) {
    if (!(weight >= 0)) input_error("--data {}: weight must be >= 0 (got {})", path, weight);
    std::vector<Conversation> user = read_chat_jsonl(path, true);
    for (const Conversation& c : user) {
      // whole copies, then a deterministic fraction by content hash
      double w = weight;
      for (; w >= 1.0; w -= 1.0) train.push_back(c);
      if (w > 0 && hash_unit(text_hash(chat_jsonl_line(c))) < w) train.push_back(c);
    }
  }

  const std::string init = o.init.empty() ? (run / "ckpt" / "base").string() : o.init;
  const std::string out = (run / "ckpt" / "sft").string();
  const bool exists = fs::exists(out) || fs::exists(out + ".old");
  if (exists && !o.resume) input_error("{} already exists; pass --resume to continue it, or use another --run", out);
  Checkpoint base = checkpoint_load(exists ? out : init);
  if (base.config.vocab_size < tok.vocab_size())
    input_error("{}: the model's vocabulary ({}) is smaller than the tokenizer's ({})", init, base.config.vocab_size,
                tok.vocab_size());
  if (o.seq > base.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, base.config.max_position_embeddings);

  Llama model(base.config);
  std::copy(base.params.data, base.params.data + base.layout.total, model.params.data);
  model.reserve(o.batch, o.seq);

  SftResult result;
  int64_t too_long_val = 0;
  std::vector<ChatExample> train_ex = chat_examples(tok, train, o.seq + 1, &result.too_long);
  std::vector<ChatExample> val_ex = chat_examples(tok, val, o.seq + 1, &too_long_val);
  result.train_examples = static_cast<int64_t>(train_ex.size());
  if (result.too_long + too_long_val > 0)
    std::fprintf(stderr, "sft: %lld train and %lld val conversations are longer than --seq %lld + 1 tokens; left out\n",
                 static_cast<long long>(result.too_long), static_cast<long long>(too_long_val),
                 static_cast<long long>(o.seq));
  const int32_t pad = tok.special_id("<|pad|>");

  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(base.config);
  oc.weight_decay = o.weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  oc.min_lr_frac = 0.0f;
  TrainLoopOptions lo;
  lo.stage = "sft";
  lo.ckpt_dir = out;
  lo.metrics_path = (run / "metrics.jsonl").string();
  lo.steps = o.steps;
  lo.save_every = o.save_every;
  lo.seed = o.seed;
  lo.stop_flag = sigint_flag();
  lo.stop_at = o.stop_at;
  fs::create_directories(run / "ckpt");

  ChatSource source(std::move(train_ex), pad, o.seed, true, o.pack);
  Trainer trainer(model, oc, lo);
  if (o.resume && exists) trainer.resume(source);
  std::fprintf(stderr, "sft: %lld train conversations (%s), %zu val, from %s, lr %.2e\n",
               static_cast<long long>(source.size()), o.pack ? "packed" : "padded, one per row", val_ex.size(),
               exists ? out.c_str() : init.c_str(), static_cast<double>(oc.lr));
  result.val_loss_start = static_cast<float>(validation_loss(model, val_ex, pad));
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    const double v = validation_loss(model, val_ex, pad);
    result.val_loss = static_cast<float>(v);
    t.log_metric(step, "val_loss", v);
    t.progress_note = fmt::format("val loss {:.3f}", v);
  };
  TrainResult tr = run_interruptible(trainer, source);
  result.steps = tr.end_step;
  result.train_loss = tr.last_loss;
  result.interrupted = tr.interrupted;
  if (result.val_loss == 0) result.val_loss = static_cast<float>(validation_loss(model, val_ex, pad));
  return result;
}

}  // namespace own
