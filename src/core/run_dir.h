// A run directory and every path in it, named once. The pipeline writes into it stage by stage:
//   RUN/tokenizer.json              the tokenizer (tokenizer.json + tokenizer_config.json)
//   RUN/data/<set>/...              corpus, shards, chat, prefs, bon, feedback, moderation data
//   RUN/ckpt/<stage>/               checkpoints: base, sft, rm, ppo (critic in ppo/critic), dpo,
//                                   bon, moderation
//   RUN/metrics.jsonl               one metric per line, every stage
//   RUN/report.md, RUN/report.html  the run report
//   RUN/ownchat.db                  the server's store (keys, chats, ratings)
//   RUN/index.db                    the retrieval index (passages for answers with citations)
#pragma once
#include <filesystem>
#include <string>

namespace own {

struct RunDir {
  std::filesystem::path root;

  explicit RunDir(std::filesystem::path dir) : root(std::move(dir)) {}

  std::filesystem::path tokenizer() const { return root / "tokenizer.json"; }
  std::filesystem::path ckpt_root() const { return root / "ckpt"; }
  std::filesystem::path ckpt(const std::string& stage) const { return ckpt_root() / stage; }
  std::filesystem::path data(const std::string& set) const { return root / "data" / set; }
  std::filesystem::path shards() const { return data("shards"); }
  std::filesystem::path metrics() const { return root / "metrics.jsonl"; }
  std::filesystem::path report_md() const { return root / "report.md"; }
  std::filesystem::path report_html() const { return root / "report.html"; }
  std::filesystem::path store() const { return root / "ownchat.db"; }
  std::filesystem::path index() const { return root / "index.db"; }

  // the speedrun's record of finished stages: RUN/speedrun/<stage>.done
  std::filesystem::path speedrun() const { return root / "speedrun"; }

  // whether ckpt_dir is RUN/ckpt/<stage>; RUN may be the current directory (of_checkpoint is then empty)
  static bool is_checkpoint(const std::filesystem::path& ckpt_dir) {
    return without_slash(ckpt_dir).parent_path().filename() == "ckpt";
  }
  // the run a checkpoint directory RUN/ckpt/<stage> belongs to; empty when it is not in one
  static std::filesystem::path of_checkpoint(const std::filesystem::path& ckpt_dir) {
    return is_checkpoint(ckpt_dir) ? without_slash(ckpt_dir).parent_path().parent_path() : std::filesystem::path();
  }

 private:
  // "RUN/ckpt/sft/" -> "RUN/ckpt/sft"
  static std::filesystem::path without_slash(const std::filesystem::path& dir) {
    return dir.filename().empty() ? dir.parent_path() : dir;
  }
};

}  // namespace own
