#include "train/sft.h"

#include <fmt/format.h>

#include <filesystem>
#include <optional>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/chat_loader.h"
#include "data/mix.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "train/loop.h"
#include "train/stage.h"

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
      if (tg[j] >= 0) nats += m.token_losses()[j], count++;
  }
  return count > 0 ? nats / static_cast<double>(count) : 0.0;
}

// RUN/data/chat/{train,val}.jsonl (or --train-file), the user's files mixed into train by weight,
// val cut to val_conversations
struct ChatSplits {
  std::vector<Conversation> train, val;
};
ChatSplits load_chat_splits(const SftOptions& o) {
  const fs::path chat = RunDir(o.run_dir).data("chat");
  const std::string train_file = o.train_file.empty() ? (chat / "train.jsonl").string() : o.train_file;
  if (!fs::exists(train_file))
    input_error("{} is missing; run `ownchat data chat --run {}` first", train_file, o.run_dir);
  ChatSplits c{read_chat_jsonl(train_file, true), read_chat_jsonl((chat / "val.jsonl").string(), true)};
  if (o.val_conversations > 0 && static_cast<int64_t>(c.val.size()) > o.val_conversations)
    c.val.resize(static_cast<size_t>(o.val_conversations));
  for (const auto& [path, weight] : o.user_data)
    mix_in(c.train, read_chat_jsonl(path, true), weight, "--data " + path, chat_jsonl_line);
  return c;
}

}  // namespace

SftResult train_sft(const SftOptions& o) {
  if (o.judge_prompts < 0 || o.judge_max_tokens < 1)
    input_error("--judge-prompts must be >= 0 (0: off) and --judge-max-tokens positive");
  const ChatSplits data = load_chat_splits(o);
  StageStart st = stage_start(o.run_dir, o.stage, o.init, o.init_stage, o.resume);
  check_stage_seq(st, o.seq);
  Llama model = Llama::from(st.ck);
  model.reserve(o.batch, o.seq);

  SftResult result;
  int64_t too_long_val = 0;
  std::vector<ChatExample> train_ex = chat_examples(st.tok, data.train, o.seq + 1, &result.too_long);
  const std::vector<ChatExample> val_ex = chat_examples(st.tok, data.val, o.seq + 1, &too_long_val);
  result.train_examples = static_cast<int64_t>(train_ex.size());
  if (result.too_long + too_long_val > 0)
    fmt::print(stderr, "{}: {} train and {} val conversations are longer than --seq {} + 1 tokens; left out\n", o.stage,
               result.too_long, too_long_val, o.seq);
  const int32_t pad = st.tok.special_id("<|pad|>");

  ChatSource source(std::move(train_ex), pad, o.seed, true, o.pack);
  LmObjective lm;
  StageSpec spec{o.run_dir, o.stage, o.steps, o.save_every, o.eval_every, o.stop_at, o.seed,
                 fine_tune_optimizer(st.ck.config, o.lr, o.default_lr_divisor, o.weight_decay, o.steps), {}, {}};
  spec.grad_accum = o.grad_accum;
  spec.minutes = o.minutes;
  std::optional<KeepBest> keep;
  if (o.judge_prompts > 0) keep.emplace(o.run_dir, o.stage, st.tok, o.judge_prompts, o.seq, o.judge_max_tokens);
  spec.keep_best = keep ? &*keep : nullptr;
  spec.on_start = [&] {
    fmt::print(stderr, "{}: {} train conversations ({}), {} val, from {}, lr {:.2e}\n", o.stage, source.size(),
               o.pack ? "packed" : "padded, one per row", val_ex.size(), st.from, spec.optimizer.lr);
    result.val_loss_start = static_cast<float>(validation_loss(model, val_ex, pad));
    if (keep && st.resuming) {  // the policy the stage started from, not the resumed one
      const RunDir run(o.run_dir);
      keep->start(Llama::from(checkpoint_load(o.init.empty() ? run.ckpt(o.init_stage).string() : o.init)));
    } else if (keep) {
      keep->start(model);
    }
  };
  spec.validate = [&](Trainer& t, int64_t step) {
    const double v = validation_loss(model, val_ex, pad);
    result.val_loss = static_cast<float>(v);
    t.log_metric(step, "val_loss", v);
    t.progress_note = fmt::format("val loss {:.3f}", v);
  };
  const TrainResult tr = run_stage(spec, st, model, source, lm);
  result.steps = tr.end_step;
  result.train_loss = tr.last_loss;
  result.interrupted = tr.interrupted;
  if (keep) result.kept = keep->kept();
  if (result.val_loss == 0) result.val_loss = static_cast<float>(validation_loss(model, val_ex, pad));
  return result;
}

}  // namespace own
