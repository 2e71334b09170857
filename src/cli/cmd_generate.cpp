// ownchat generate | chat
#include "cli/commands.h"
#include "core/check.h"
#include "core/fileio.h"
#include "infer/generate.h"

namespace own::cli {

namespace {

// flags shared by generate and chat: model, weights, context and sampling
struct InferFlags {
  std::string ckpt, tokenizer, weights = "f32";
  int64_t ctx = 0, top_logprobs = 0;
  uint64_t seed = 0;
  bool has_seed = false;
  SamplingParams sampling;

  void add(CLI::App* app, float default_temperature) {
    sampling.temperature = default_temperature;
    app->add_option("--ckpt", ckpt, "checkpoint directory")->required();
    app->add_option("--tokenizer", tokenizer, "tokenizer.json (default: the checkpoint's or its run's)");
    app->add_option("--weights", weights, "weights in memory: f32, bf16 or int8")->capture_default_str();
    app->add_option("--ctx", ctx, "context length (default: the model's max_position_embeddings)");
    app->add_option("--temperature", sampling.temperature, "0 = greedy")->capture_default_str();
    app->add_option("--top-k", sampling.top_k, "keep the k most likely tokens (0 = off)")->capture_default_str();
    app->add_option("--top-p", sampling.top_p, "nucleus sampling mass (1 = off)")->capture_default_str();
    app->add_option("--min-p", sampling.min_p, "drop tokens below min_p * p_max (0 = off)")->capture_default_str();
    app->add_option("--repeat-penalty", sampling.repetition_penalty, "HF-style repetition penalty (1 = off)")
        ->capture_default_str();
    app->add_option("--presence-penalty", sampling.presence_penalty, "OpenAI presence penalty")->capture_default_str();
    app->add_option("--frequency-penalty", sampling.frequency_penalty, "OpenAI frequency penalty")->capture_default_str();
    app->add_option_function<uint64_t>("--seed", [this](uint64_t s) { seed = s, has_seed = true; },
                                       "sampling seed (default: chosen and reported)");
    add_threads_flag(app);
  }
  InferOptions infer() const {
    InferOptions o;
    o.weights = parse_weight_type(weights);
    o.context = ctx;
    return o;
  }
  SamplingParams params() const {
    SamplingParams p = sampling;
    if (has_seed) p.seed = seed;
    return p;
  }
};

}  // namespace

void register_generate_commands(CLI::App& app) {
  CLI::App* gen = app.add_subcommand("generate", "continue a prompt (streamed to stdout)");
  auto f = std::make_shared<InferFlags>();
  auto g = std::make_shared<GenerateOptions>();
  auto prompt_file = std::make_shared<std::string>();
  f->add(gen, 0.8f);
  gen->add_option("--prompt", g->prompt, "the text to continue");
  gen->add_option("--prompt-file", *prompt_file, "read the prompt from a file instead");
  gen->add_flag("--chat", g->chat, "send the prompt as a user message through the chat template");
  gen->add_option("--system", g->system, "with --chat: a system message");
  gen->add_option("--max-tokens", g->max_tokens, "tokens to generate at most")->capture_default_str();
  gen->add_option("--stop", g->stop, "stop string (repeatable); not printed");
  gen->add_flag("--ignore-eos", g->ignore_eos, "do not stop at end-of-text tokens");
  gen->add_option("--top-logprobs", f->top_logprobs, "alternatives per token in --json output (0..20)");
  gen->add_flag("--json", g->json, "print one JSON object (text, tokens, logprobs, finish_reason) at the end");
  gen->callback([=] {
    if (!prompt_file->empty()) g->prompt = read_file(*prompt_file);
    if (g->prompt.empty()) input_error("give a prompt with --prompt or --prompt-file");
    g->ckpt = f->ckpt;
    g->tokenizer = f->tokenizer;
    g->sampling = f->params();
    g->sampling.top_logprobs = f->top_logprobs;
    g->infer = f->infer();
    run_generate(*g);
  });

  CLI::App* chat = app.add_subcommand("chat", "talk to a model in the terminal");
  auto cf = std::make_shared<InferFlags>();
  auto co = std::make_shared<ChatOptions>();
  cf->add(chat, 0.7f);
  chat->add_option("--system", co->system, "system message");
  chat->add_option("--index", co->index, "retrieval: answer from this index (RUN/index.db) and list the sources");
  chat->add_option("--retrieval-k", co->retrieval_k, "passages per answer with --index")->capture_default_str()->check(CLI::Range(1, 20));
  chat->add_option("--max-tokens", co->max_tokens, "longest answer in tokens")->capture_default_str();
  chat->callback([=] {
    co->ckpt = cf->ckpt;
    co->tokenizer = cf->tokenizer;
    co->sampling = cf->params();
    co->infer = cf->infer();
    run_chat(*co, 0, stdout);
  });
}

}  // namespace own::cli
