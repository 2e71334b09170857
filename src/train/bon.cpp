#include "train/bon.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/check.h"
#include "core/dist.h"
#include "core/epoch_order.h"
#include "core/run_dir.h"
#include "data/chat_data.h"
#include "data/pref_rows.h"
#include "model/checkpoint.h"
#include "train/loop.h"
#include "train/reward_scorer.h"
#include "train/rollout.h"

namespace own {
namespace fs = std::filesystem;

BonResult train_bon(const BonOptions& o) {
  dist::refuse_data_parallel("train bon");
  if (o.n < 1 || o.prompts < 1 || o.max_tokens < 1) input_error("--n, --prompts and --max-tokens must be positive");
  const RunDir run(o.sft.run_dir);
  const std::string init = o.sft.init.empty() ? run.ckpt("sft").string() : o.sft.init;
  if (fs::exists(run.ckpt("bon")) && !o.sft.resume)
    input_error("{} already exists; pass --resume to continue it, or use another --run", run.ckpt("bon").string());
  const std::string data = (run.data("bon") / "train.jsonl").string();
  const std::string metrics = run.metrics().string();
  BonResult result;
  if (!(o.sft.resume && fs::exists(data))) {
    const std::string rm_dir = o.rm.empty() ? run.ckpt("rm").string() : o.rm;
    Tokenizer tok = Tokenizer::load(run.tokenizer().string());
    const Checkpoint policy = checkpoint_load(init);
    const Checkpoint rm_ck = checkpoint_load(rm_dir);
    // the first `prompts` of a seeded shuffle of the preference prompts
    std::vector<std::vector<ChatMessage>> all =
        unique_prompts(load_preference_splits(o.sft.run_dir, {}, 0).train, tok, o.sft.seq - o.max_tokens);
    if (all.empty()) input_error("no prompts fit --seq {} with room for --max-tokens {}", o.sft.seq, o.max_tokens);
    EpochOrder order(all.size(), o.sft.seed, true);
    std::vector<std::vector<ChatMessage>> prompts;
    for (int64_t i = 0; i < std::min<int64_t>(o.prompts, static_cast<int64_t>(all.size())); i++)
      prompts.push_back(all[order.at(static_cast<uint64_t>(i))]);
    RolloutOptions ro;
    ro.per_prompt = o.n;
    ro.max_tokens = o.max_tokens;
    ro.temperature = o.temperature;
    ro.seed = o.sft.seed;
    fmt::print(stderr, "bon: sampling {} answers to each of {} prompts from {}\n", o.n, prompts.size(), init);
    const std::vector<Rollout> samples = sample_answers(policy, tok, prompts, ro);
    std::vector<AnswerRow> rows;
    for (const Rollout& r : samples) rows.push_back(r.row);
    RewardScorer rm(rm_ck, 16, o.sft.seq, tok.special_id("<|pad|>"));
    const std::vector<float> scores = rm.score(rows);
    std::vector<Conversation> best;
    for (size_t p = 0; p < prompts.size(); p++) {
      size_t pick = 0;
      double pick_score = -1e300;
      for (size_t k = 0; k < static_cast<size_t>(o.n); k++) {
        const size_t i = p * static_cast<size_t>(o.n) + k;
        const double s = scores[i] - (samples[i].ended ? 0.0 : o.no_end_penalty);
        result.mean_reward += s;
        if (s > pick_score) pick = i, pick_score = s;
      }
      result.best_reward += pick_score;
      if (samples[pick].text.empty()) continue;  // nothing to learn from an empty answer
      Conversation c;
      c.messages = prompts[p];
      c.messages.push_back({"assistant", samples[pick].text});
      c.family = "bon";
      best.push_back(std::move(c));
    }
    result.prompts = static_cast<int64_t>(prompts.size());
    result.samples = static_cast<int64_t>(samples.size());
    result.mean_reward /= static_cast<double>(samples.size());
    result.best_reward /= static_cast<double>(prompts.size());
    append_metric(metrics, "bon", 0, "mean_reward", result.mean_reward);
    append_metric(metrics, "bon", 0, "best_reward", result.best_reward);
    fs::create_directories(fs::path(data).parent_path());
    write_chat_jsonl(data, best);
    fmt::print(stderr, "bon: mean reward {:.3f}, best of {} {:.3f}; {} answers -> {}\n", result.mean_reward, o.n,
               result.best_reward, best.size(), data);
  }
  SftOptions so = o.sft;
  so.stage = "bon";
  so.init = init;
  so.train_file = data;
  result.sft = train_sft(so);
  return result;
}

}  // namespace own
