// ownchat tokenizer train|encode|decode
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "core/fileio.h"
#include "core/run_dir.h"
#include "tokenizer/encode_bench.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/id_text.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/train_input.h"
#include "tokenizer/trainer.h"

namespace own::cli {

namespace {

std::string read_stdin() {
  std::string s;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) s.append(buf, n);
  if (std::ferror(stdin)) input_error("stdin: read error");
  return s;
}

void write_stdout(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
    input_error("stdout: write error");
}

std::string default_path(const std::string& given, const std::string& run) {
  return given.empty() ? RunDir(run).tokenizer().string() : given;
}

struct Flags {
  std::vector<std::string> inputs;
  int64_t vocab = 8192;
  std::string out, tokenizer, file, run = "runs/default";
  bool allow_special = false, bench = false;
};

void register_train(CLI::App* tok) {
  CLI::App* train = tok->add_subcommand("train", "train on text; writes tokenizer.json (HF format)");
  auto t = std::make_shared<Flags>();
  train->add_option("--input", t->inputs, ".txt files (one document each), or .jsonl with a \"text\" field per line")
      ->required()
      ->expected(1, -1);
  train->add_option("--vocab", t->vocab, "vocabulary size: 256 bytes + merges + 16 special tokens")->capture_default_str();
  train->add_option("--out", t->out, "tokenizer.json to write (default: RUN/tokenizer.json)");
  train->add_option("--run", t->run, "run directory")->capture_default_str();
  train->callback([t] {
    std::string out = default_path(t->out, t->run);
    std::vector<std::string> docs = read_training_documents(t->inputs);
    TrainOptions opt;
    opt.vocab_size = t->vocab;
    TrainStats st;
    Tokenizer trained(train_bpe(docs, opt, &st));
    write_tokenizer_json(trained, out);
    nlohmann::json j = {{"out", out},
                        {"vocab_size", trained.vocab_size()},
                        {"merges", st.merges},
                        {"documents", st.documents},
                        {"bytes", st.bytes},
                        {"chunks", st.chunks},
                        {"unique_chunks", st.unique_chunks},
                        {"count_seconds", st.count_seconds},
                        {"merge_seconds", st.merge_seconds}};
    fmt::print("{}\n", j.dump());
  });
}

void register_encode(CLI::App* tok) {
  CLI::App* encode = tok->add_subcommand("encode", "text (stdin or --file) -> token ids, space-separated");
  auto e = std::make_shared<Flags>();
  encode->add_option("--tokenizer", e->tokenizer, "tokenizer.json, gpt2 or cl100k (default: RUN/tokenizer.json)");
  encode->add_option("--run", e->run, "run directory")->capture_default_str();
  encode->add_option("--file", e->file, "read text from this file instead of stdin");
  encode->add_flag("--allow-special", e->allow_special, "match special tokens (\"<|eos|>\") in the text");
  encode->add_flag("--bench", e->bench, "print encoding throughput (JSON) instead of ids; excludes I/O");
  encode->callback([e] {
    Tokenizer tk = Tokenizer::load(default_path(e->tokenizer, e->run));
    std::string text = e->file.empty() ? read_stdin() : read_file(e->file);
    if (e->bench) {
      EncodeBench b = bench_encode(tk, text);
      nlohmann::json j = {{"bytes", b.bytes},   {"tokens", b.tokens},         {"repeats", b.repeats},
                          {"seconds", b.best_seconds}, {"mb_per_s", b.mb_per_s}};
      fmt::print("{}\n", j.dump());
      return;
    }
    std::vector<int32_t> ids = tk.encode(text, e->allow_special ? Specials::allowed : Specials::as_text);
    std::string out;
    append_token_ids_text(ids, out);
    out += '\n';
    write_stdout(out);
  });
}

void register_decode(CLI::App* tok) {
  CLI::App* decode = tok->add_subcommand("decode", "token ids (stdin or --file) -> the exact bytes they stand for");
  auto d = std::make_shared<Flags>();
  decode->add_option("--tokenizer", d->tokenizer, "tokenizer.json, gpt2 or cl100k (default: RUN/tokenizer.json)");
  decode->add_option("--run", d->run, "run directory")->capture_default_str();
  decode->add_option("--file", d->file, "read ids from this file instead of stdin");
  decode->callback([d] {
    Tokenizer tk = Tokenizer::load(default_path(d->tokenizer, d->run));
    std::string source = d->file.empty() ? "stdin" : d->file;
    std::vector<int32_t> ids = parse_token_ids(d->file.empty() ? read_stdin() : read_file(d->file), source);
    std::string bytes;
    try {
      tk.decode_append(ids, bytes);
    } catch (const InputError& err) {
      input_error("{}: {}", source, err.what());
    }
    write_stdout(bytes);
  });
}

}  // namespace

void register_tokenizer_commands(CLI::App& app) {
  CLI::App* tok = app.add_subcommand("tokenizer", "train a byte-level BPE tokenizer, or encode/decode with one");
  tok->require_subcommand(1);
  register_train(tok);
  register_encode(tok);
  register_decode(tok);
}

}  // namespace own::cli
