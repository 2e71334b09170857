// `ownchat generate` and `ownchat chat` through the real binary, on a random model with a
// tokenizer trained on Moby-Dick: reproducible seeds, stop strings, weights flags, context
// errors, the REPL's commands, and Ctrl-C stopping an answer without ending the program.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fileio.h"
#include "model/checkpoint.h"
#include "test_util.h"

using namespace own::test;
namespace fs = std::filesystem;

namespace {

// one run folder shared by the tests of this file: tokenizer.json + ckpt/base and ckpt/big (random weights)
const std::string& run_dir() {
  static const std::string run = [] {
    const std::string r = moby_run("ownchat_generate_cli");
    CmdResult c = run_binary("ckpt init --depth 2 --vocab 512 --n-embd 64 --n-head 2 --seq 4096 --untied --out " + r + "/ckpt/base");
    EXPECT_EQ(c.status, 0) << c.output;
    // wider and deeper: an answer of a few thousand tokens takes seconds (for the Ctrl-C test)
    // Its special tokens' LM-head rows are zeroed and the rest scaled up, so greedy decoding never
    // ends the turn by itself.
    c = run_binary("ckpt init --depth 4 --vocab 512 --seq 4096 --untied --out " + r + "/ckpt/big");
    EXPECT_EQ(c.status, 0) << c.output;
    own::Checkpoint ck = own::checkpoint_load(r + "/ckpt/big");
    float* head = ck.params.data + ck.layout.lm_head;
    const int64_t C = ck.config.hidden_size;
    for (int64_t i = 0; i < 512 * C; i++) head[i] = i >= 496 * C ? 0.0f : head[i] * 50.0f;
    own::checkpoint_save(r + "/ckpt/big", ck.config, ck.layout, ck.params.data, nullptr);
    return r;
  }();
  return run;
}

nlohmann::json generate_json(const std::string& args) {
  CmdResult r = run_shell(std::string(OWN_BINARY) + " generate --ckpt " + run_dir() + "/ckpt/base --json " + args +
                          " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.output;
  return nlohmann::json::parse(r.output);
}

}  // namespace

TEST(GenerateCli, SeedsStopStringsAndWeights) {
  nlohmann::json a = generate_json("--prompt 'Call me Ishmael.' --max-tokens 40 --seed 5 --ignore-eos");
  nlohmann::json b = generate_json("--prompt 'Call me Ishmael.' --max-tokens 40 --seed 5 --ignore-eos");
  nlohmann::json c = generate_json("--prompt 'Call me Ishmael.' --max-tokens 40 --seed 6 --ignore-eos");
  EXPECT_EQ(a["text"], b["text"]);
  EXPECT_NE(a["text"], c["text"]);
  EXPECT_EQ(a["finish_reason"], "length");
  EXPECT_EQ(a["completion_tokens"], 40);
  EXPECT_EQ(a["tokens"].size(), 40u);
  EXPECT_LE(a["tokens"][0]["logprob"].get<double>(), 0.0);
  // a stop string taken from the middle of that text, spanning a token boundary: the text stops
  // right before it
  const std::string text = a["text"];
  std::string t0 = a["tokens"][3]["text"], t1 = a["tokens"][4]["text"];
  size_t at = 0;
  for (int i = 0; i < 3; i++) at += a["tokens"][i]["text"].get<std::string>().size();
  ASSERT_FALSE(t0.empty());
  ASSERT_FALSE(t1.empty());
  const std::string stop = t0.substr(t0.size() - 1) + t1.substr(0, 1);
  if (text.find(stop) == at + t0.size() - 1) {  // its first occurrence is there
    nlohmann::json s = generate_json("--prompt 'Call me Ishmael.' --max-tokens 40 --seed 5 --ignore-eos --stop '" + stop + "'");
    EXPECT_EQ(s["finish_reason"], "stop");
    EXPECT_EQ(s["text"], text.substr(0, at + t0.size() - 1));
  }
  // greedy with the top alternatives; int8 and bf16 weights run and mostly agree with f32
  nlohmann::json g = generate_json("--prompt 'The whale' --max-tokens 8 --temperature 0 --top-logprobs 3 --ignore-eos");
  ASSERT_EQ(g["tokens"][0]["top_logprobs"].size(), 3u);
  EXPECT_EQ(g["tokens"][0]["top_logprobs"][0]["id"], g["tokens"][0]["id"]);
  for (const char* w : {"bf16", "int8"}) {
    nlohmann::json q = generate_json(std::string("--prompt 'The whale' --max-tokens 8 --temperature 0 --ignore-eos --weights ") + w);
    EXPECT_EQ(q["completion_tokens"], 8) << w;
  }
}

TEST(GenerateCli, BadInputIsAClearError) {
  const std::string base = "generate --ckpt " + run_dir() + "/ckpt/base ";
  CmdResult r = run_binary(base + "--prompt hi --weights int4");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "unknown weight type 'int4'");
  r = run_binary(base + "--prompt \"$(printf 'word %.0s' $(seq 200))\" --ctx 64");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "but the context holds 64");
  r = run_binary(base + "--prompt hi --top-p 1.5");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "top_p must be in (0, 1]");
  r = run_binary("generate --ckpt /nonexistent/ckpt --prompt hi");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "/nonexistent/ckpt");
}

TEST(ChatCli, CommandsAndHistory) {
  CmdResult r = run_shell("printf 'Hello there\\n/temp 0\\n/system Be brief.\\nWho are you?\\n/bogus\\n/temp abc\\n/reset\\n"
                          "bye\\n/quit\\nnever read\\n' | " + std::string(OWN_BINARY) + " chat --ckpt " + run_dir() +
                          "/ckpt/base --max-tokens 20 --seed 3 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "(temperature 0)");
  EXPECT_CONTAINS(r.output, "(system message set)");
  EXPECT_CONTAINS(r.output, "(unknown command /bogus");
  EXPECT_CONTAINS(r.output, "(/temp needs a number in [0, 100], got 'abc')");
  EXPECT_CONTAINS(r.output, "(conversation cleared)");
}

TEST(ChatCli, CtrlCStopsTheAnswerNotTheProgram) {
  ScratchDir d;
  const std::string fifo = d.file("in"), out = d.file("out");
  // a greedy answer of up to 4000 tokens (several seconds) is interrupted after 1 s
  const std::string script = "mkfifo " + fifo + "; " + std::string(OWN_BINARY) + " chat --ckpt " + run_dir() +
                             "/ckpt/big --temperature 0 --max-tokens 100000 --ctx 4096 < " + fifo + " > " + out +
                             " 2>&1 & pid=$!; exec 3>" + fifo + "; echo 'Tell me a long story' >&3; sleep 1; "
                             "kill -INT $pid; sleep 0.5; echo /quit >&3; wait $pid; echo rc=$?\n";
  own::write_file_atomic(d.file("run.sh"), script);
  CmdResult r = run_shell("bash " + d.file("run.sh"));
  EXPECT_CONTAINS(r.output, "rc=0");
  std::string log = run_shell("cat " + out).output;
  EXPECT_CONTAINS(log, "[stopped]");
}
