#include "infer/generate.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/gguf.h"
#include "core/json_util.h"
#include "core/run_dir.h"
#include "infer/engine.h"
#include "model/checkpoint.h"
#include "tokenizer/chat_template.h"

namespace own {

namespace fs = std::filesystem;

std::string find_tokenizer(const std::string& ckpt_dir, const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (is_gguf_path(ckpt_dir)) return ckpt_dir;  // the file holds its vocabulary
  const fs::path d(ckpt_dir);
  for (const fs::path& p : {d / "tokenizer.json", RunDir(d.parent_path().parent_path()).tokenizer()})
    if (fs::exists(p)) return p.string();
  input_error("{}: no tokenizer.json in the checkpoint or its run folder; pass --tokenizer", ckpt_dir);
}

std::unique_ptr<InferModel> load_infer_model(const std::string& ckpt_dir, const Tokenizer& tok, const InferOptions& o) {
  Checkpoint ck = checkpoint_load(ckpt_dir);
  if (tok.vocab_size() > ck.config.vocab_size)
    input_error("{}: the tokenizer has {} ids but the model only {} (wrong --tokenizer?)", ckpt_dir, tok.vocab_size(),
                ck.config.vocab_size);
  return std::make_unique<InferModel>(ck, o);
}

void run_generate(const GenerateOptions& o) {
  Tokenizer tok = Tokenizer::load(find_tokenizer(o.ckpt, o.tokenizer));
  InferOptions io = o.infer;
  io.n_slots = 1;
  auto model = load_infer_model(o.ckpt, tok, io);
  Engine engine(*model, &tok);

  GenerationRequest r;
  if (o.chat) {
    std::vector<ChatMessage> msgs;
    if (!o.system.empty()) msgs.push_back({"system", o.system});
    msgs.push_back({"user", o.prompt});
    r.prompt = render_chat(tok, msgs, true);
    if (!o.ignore_eos) r.stop_tokens = chat_stop_tokens(tok);
  } else {
    const int32_t bos = tok.find_special("<|bos|>");
    if (bos >= 0) r.prompt.push_back(bos);  // documents start with <|bos|> in pretraining
    tok.encode_append(o.prompt, r.prompt);
    if (!o.ignore_eos)
      for (const char* s : {"<|eos|>", "<|bos|>"})
        if (int32_t id = tok.find_special(s); id >= 0) r.stop_tokens.push_back(id);
  }
  r.sampling = o.sampling;
  r.max_tokens = o.max_tokens;
  r.stop_strings = o.stop;
  r.logprobs = o.logprobs || o.json;

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto t_first = t0;
  nlohmann::json tokens = nlohmann::json::array();
  GenerationEvent last;
  std::string text;
  r.on_event = [&](const GenerationEvent& ev) {
    if (ev.completion_tokens == 1 && t_first == t0) t_first = clock::now();
    text += ev.text;
    if (!o.json) {
      std::fwrite(ev.text.data(), 1, ev.text.size(), stdout);
      std::fflush(stdout);
    }
    for (const GeneratedToken& g : ev.tokens) {
      nlohmann::json top = nlohmann::json::array();
      for (const TokenLogprob& t : g.top)
        top.push_back({{"id", t.token}, {"text", std::string(tok.token_bytes(t.token))}, {"logprob", t.logprob}});
      const bool known = g.token < tok.vocab_size() && tok.is_valid(g.token);
      tokens.push_back({{"id", g.token},
                        {"text", known ? std::string(tok.token_bytes(g.token)) : std::string()},
                        {"logprob", g.chosen.logprob},
                        {"top_logprobs", top}});
    }
    if (ev.done) last = ev;
  };
  engine.submit(std::move(r));
  engine.run_until_idle();
  const auto t1 = clock::now();
  const double prefill_s = std::chrono::duration<double>(t_first - t0).count();
  const double decode_s = std::chrono::duration<double>(t1 - t_first).count();
  if (o.json) {
    nlohmann::json j{{"text", text},
                     {"finish_reason", finish_reason_name(last.finish)},
                     {"prompt_tokens", last.prompt_tokens},
                     {"completion_tokens", last.completion_tokens},
                     {"seed", last.seed},
                     {"tokens", tokens}};
    fmt::print("{}\n", dump_json(j));
  } else {
    fmt::print("\n");
  }
  std::fflush(stdout);
  fmt::print(stderr,
             "ownchat: {} prompt tokens, {} generated ({}), prefill {:.0f} tok/s, decode {:.1f} tok/s, {} weights\n",
             last.prompt_tokens, last.completion_tokens, finish_reason_name(last.finish),
             static_cast<double>(last.prompt_tokens) / std::max(prefill_s, 1e-9),
             static_cast<double>(last.completion_tokens - 1) / std::max(decode_s, 1e-9),
             weight_type_name(model->weight_type()));
}

}  // namespace own
