// ownchat data build|tokenize|chat
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/result_line.h"
#include "core/check.h"
#include "core/run_dir.h"
#include "data/chat_synth.h"
#include "data/corpus.h"
#include "data/pref_synth.h"
#include "data/tokenize.h"
#include "retrieval/grounded_synth.h"
#include "train/policy_rankings.h"

#include <filesystem>

namespace own::cli {

namespace {

// data chat: conversations (with grounded ones when the run has an index) and rankings
void add_chat_command(CLI::App* data) {
  CLI::App* chat = data->add_subcommand(
      "chat",
      "synthesize conversations for SFT and the chat evals (RUN/data/chat/{train,val,test}.jsonl + stats.json) and "
      "preference rankings of 4 answers for the reward model and DPO (RUN/data/prefs/{train,val,test}.jsonl, "
      "pairs_train.jsonl + stats.json)");
  auto co = std::make_shared<ChatSynthOptions>();
  auto po = std::make_shared<PrefSynthOptions>();
  auto go = std::make_shared<GroundedOptions>();
  po->max_per_split = 4000;  // keeps RM training on a laptop practical
  chat->add_option("--run", co->run_dir, "run directory")->capture_default_str();
  chat->add_option("--seed", co->seed, "synthesis seed")->capture_default_str();
  chat->add_option("--per-family", co->per_family, "at most this many conversations per family")->capture_default_str();
  chat->add_option("--min-train", co->min_train_per_family, "repeat small families in train up to this many")
      ->capture_default_str();
  chat->add_option("--max-prefs", po->max_per_split,
                   "at most this many preference rankings per split, taken evenly over the families (0: all)")
      ->capture_default_str();
  chat->add_option("--grounded", go->count,
                   "grounded conversations (passages from RUN/index.db, cited answers); 0: none; none without an index")
      ->capture_default_str();
  chat->add_option("--grounded-k", go->k, "passages per grounded question")->capture_default_str()->check(CLI::Range(1, 20));
  chat->callback([=] {
    if (go->count < 0) input_error("--grounded must be 0 or positive (got {})", go->count);
    if (const auto index = RunDir(co->run_dir).index(); std::filesystem::exists(index)) go->index_path = index.string();
    if (co->per_family < 1) input_error("--per-family must be positive (got {})", co->per_family);
    if (po->max_per_split < 0) input_error("--max-prefs must be 0 (all) or positive (got {})", po->max_per_split);
    ChatSplits sp = build_chat_data_grounded(*co, *go);
    const RunDir run(co->run_dir);
    for (const auto& [family, n] : sp.per_family) fmt::print("{:<12} {:>7}\n", family, n);
    fmt::print("wrote {}/{{train,val,test}}.jsonl: {} / {} / {} conversations\n", run.data("chat").string(),
               sp.train.size(), sp.val.size(), sp.test.size());
    po->run_dir = co->run_dir;
    po->seed = co->seed;
    PrefSplits ps = build_preference_data(sp, *po);
    size_t pairs = 0;
    for (const Ranking& r : ps.train) pairs += ranking_pairs(r).size();
    std::string kinds;
    for (const auto& [kind, n] : ps.train_per_kind) kinds += fmt::format(" {} {}", kind, n);
    fmt::print("wrote {}/{{train,val,test}}.jsonl: {} / {} / {} rankings, pairs_train.jsonl: {} pairs; train kinds:{}\n",
               run.data("prefs").string(), ps.train.size(), ps.val.size(), ps.test.size(), pairs, kinds);
  });
}

// data policy-prefs: the SFT model's own answers, ranked by the rule judges and the reference
void add_policy_prefs_command(CLI::App* data) {
  CLI::App* pp = data->add_subcommand(
      "policy-prefs",
      "the SFT model answers prompts of the chat splits several times (sampled as PPO samples), and the rule judges "
      "rank its answers below the reference: right, then wrong attempts, then \"I don't know\" where the ask has an "
      "answer -> RUN/data/prefs/policy/{train,val,test}.jsonl, which the reward model and DPO then read");
  auto o = std::make_shared<PolicyRankingOptions>();
  pp->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  pp->add_option("--ckpt", o->ckpt, "the policy that answers (default RUN/ckpt/sft)");
  pp->add_option("--prompts", o->prompts, "train prompts, the families in turn")->capture_default_str();
  pp->add_option("--held-out", o->held_out, "val prompts, and as many test prompts")->capture_default_str();
  pp->add_option("--per-prompt", o->per_prompt, "answers sampled per prompt")->capture_default_str();
  pp->add_option("--max-tokens", o->max_tokens, "tokens per answer")->capture_default_str();
  pp->add_option("--seq", o->seq, "prompt and answer must fit this many tokens")->capture_default_str();
  pp->add_option("--temperature", o->temperature, "sampling temperature (PPO samples at 1)")->capture_default_str();
  pp->add_option("--seed", o->seed, "sampling seed")->capture_default_str();
  add_threads_flag(pp);
  pp->callback([=] {
    const PolicyRankingResult r = build_policy_rankings(*o);
    nlohmann::ordered_json line;
    for (const auto& [split, n] : r.rankings) line[split + "_rankings"] = n;
    for (const auto& [split, n] : r.answers) line[split + "_answers"] = n;
    for (const auto& [kind, n] : r.by_kind) line[kind] = n;
    fmt::print("{}\n", json_line(line));
  });
}

}  // namespace

void register_data_commands(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "build the training corpus and its token shards");
  data->require_subcommand(1);
  add_chat_command(data);
  add_policy_prefs_command(data);

  CLI::App* build = data->add_subcommand(
      "build", "clean, deduplicate and split the sources into RUN/data/corpus/{train,val}.jsonl + stats.json");
  auto o = std::make_shared<CorpusOptions>();
  build->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  build->add_option("--sources", o->sources,
                    "`default` (the packaged corpus, src/data/manifest.cpp), a directory of .txt/.md files (one "
                    "document each), or a .jsonl file (one {\"text\": ...} per line); several allowed")
      ->capture_default_str();
  build->add_option("--practice", o->practice,
                    "share of the train split that is generated practice text: copying lists, recalling key = value "
                    "pairs, spelling, worked sums (0 to 0.5)")
      ->capture_default_str();
  build->callback([=] {
    CorpusStats st = corpus_build(*o);
    fmt::print("{}", corpus_stats_table(st));
    fmt::print("wrote {}/{{train,val}}.jsonl ({:.1f} MB, {:.2f} MB) and stats.json in {:.1f} s\n", st.dir,
               static_cast<double>(st.total.train_bytes) / 1e6, static_cast<double>(st.total.val_bytes) / 1e6,
               st.seconds);
  });

  CLI::App* tokenize = data->add_subcommand(
      "tokenize", "encode RUN/data/corpus/{train,val}.jsonl into token shards RUN/data/shards/{train,val}_NNN.bin");
  auto t = std::make_shared<TokenizeOptions>();
  tokenize->add_option("--run", t->run_dir, "run directory")->capture_default_str();
  tokenize->add_option("--tokenizer", t->tokenizer, "tokenizer.json to encode with (default: RUN/tokenizer.json)");
  tokenize->add_option("--shard-tokens", t->shard_tokens, "start a new shard after this many tokens")
      ->capture_default_str();
  add_threads_flag(tokenize);
  tokenize->callback([=] {
    if (t->shard_tokens <= 0) input_error("--shard-tokens must be positive, got {}", t->shard_tokens);
    TokenizeStats st = tokenize_corpus(*t);
    fmt::print("tokenized {} documents ({:.1f} MB) into {} tokens ({:.2f} bytes/token) in {} shards under {}\n",
               st.documents, static_cast<double>(st.bytes) / 1e6, st.tokens,
               st.tokens ? static_cast<double>(st.bytes) / static_cast<double>(st.tokens) : 0.0, st.shards,
               RunDir(t->run_dir).shards().string());
  });
}

}  // namespace own::cli
