// ownchat chat: a terminal REPL over the engine. History is re-rendered with the chat template
// every turn; when it outgrows the context the oldest turns are dropped (and the user is told).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "core/check.h"
#include "data/clean.h"
#include "infer/engine.h"
#include "infer/generate.h"
#include "retrieval/grounding.h"
#include "tokenizer/chat_template.h"

namespace own {

namespace {

std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }

// SIGINT sets a flag instead of ending the process while the REPL runs; no SA_RESTART, so a
// blocked read() returns EINTR and the prompt can react.
struct SigintGuard {
  struct sigaction old {};
  SigintGuard() {
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
  }
  ~SigintGuard() { sigaction(SIGINT, &old, nullptr); }
};

enum class ReadResult { line, eof, interrupted };

// one line from fd (without the newline); `buf` keeps bytes read past it
ReadResult read_line(int fd, std::string& buf, std::string& line) {
  for (;;) {
    size_t nl = buf.find('\n');
    if (nl != std::string::npos) {
      line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return ReadResult::line;
    }
    char chunk[4096];
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) return ReadResult::interrupted;
    if (n <= 0) {
      if (buf.empty()) return ReadResult::eof;
      line.swap(buf);
      buf.clear();
      return ReadResult::line;
    }
    buf.append(chunk, static_cast<size_t>(n));
  }
}

constexpr const char* kHelp =
    "commands: /reset (forget the conversation)  /system TEXT (set the system message)\n"
    "          /temp X (sampling temperature, 0 = greedy)  /help  /quit (or Ctrl-D)\n"
    "Ctrl-C stops the answer being written.\n";

// One REPL session: the model and its engine, the sampling settings and the conversation so far.
class ChatSession {
 public:
  ChatSession(const ChatOptions& o, FILE* out)
      : o_(o),
        out_(out),
        tok_(Tokenizer::load(find_tokenizer(o.ckpt, o.tokenizer))),
        model_(load_model(o, tok_)),
        engine_(*model_, &tok_),
        stops_(chat_stop_tokens(tok_)),
        sampling_(o.sampling),
        system_(o.system),
        index_(o.index.empty() ? nullptr : std::make_unique<IndexDb>(o.index, IndexDb::Open::existing)) {
    sampling_.validate(model_->config().vocab_size);
  }

  void banner() const {
    const ModelConfig& c = model_->config();
    fmt::print(out_, "ownchat chat: {} ({} layers, width {}, {} weights, context {}). /help for commands.\n", o_.ckpt,
               c.num_hidden_layers, c.hidden_size, weight_type_name(model_->weight_type()), model_->context());
  }

  // a /command; false for /quit
  bool command(const std::string& line) {
    const size_t sp = line.find(' ');
    const std::string cmd = line.substr(0, sp);
    const std::string arg = sp == std::string::npos ? "" : std::string(trim(line.substr(sp)));
    if (cmd == "/quit" || cmd == "/exit") return false;
    if (cmd == "/help") {
      std::fputs(kHelp, out_);
    } else if (cmd == "/reset") {
      history_.clear();
      std::fputs("(conversation cleared)\n", out_);
    } else if (cmd == "/system") {
      system_ = arg;
      fmt::print(out_, "(system message {})\n", arg.empty() ? "removed" : "set");
    } else if (cmd == "/temp") {
      char* end = nullptr;
      const float t = std::strtof(arg.c_str(), &end);
      if (arg.empty() || *end != '\0' || !(t >= 0.0f && t <= 100.0f)) {
        fmt::print(out_, "(/temp needs a number in [0, 100], got '{}')\n", arg);
      } else {
        sampling_.temperature = t;
        fmt::print(out_, "(temperature {:g})\n", t);
      }
    } else {
      fmt::print(out_, "(unknown command {}; /help lists them)\n", cmd);
    }
    return true;
  }

  // the user's message, answered and added to the history with the answer
  void turn(const std::string& line) {
    history_.push_back({"user", line});
    std::vector<int32_t> prompt;
    if (!render_prompt(prompt)) {
      fmt::print(out_, "(that message is {} tokens with the template; the context holds {})\n", prompt.size(),
                 model_->context());
      history_.pop_back();
      return;
    }
    history_.push_back({"assistant", answer(std::move(prompt))});
    print_sources();
  }

 private:
  static std::unique_ptr<InferModel> load_model(const ChatOptions& o, const Tokenizer& tok) {
    InferOptions io = o.infer;
    io.n_slots = 1;
    return load_infer_model(o.ckpt, tok, io);
  }

  // render, dropping the oldest turns while the prompt leaves too little room for an answer;
  // false when even the last message alone does not fit the context
  bool render_prompt(std::vector<int32_t>& prompt) {
    const int64_t room = std::min<int64_t>(o_.max_tokens, model_->context() / 4);
    size_t dropped = 0;
    for (;;) {
      std::vector<ChatMessage> msgs;
      if (!system_.empty()) msgs.push_back({"system", system_});
      msgs.insert(msgs.end(), history_.begin(), history_.end());
      if (index_) {  // the passages for this question only; earlier ones are not kept in the history
        Grounded g = ground(*index_, o_.retrieval_k, tok_, msgs, model_->context(), room);
        prompt = std::move(g.prompt);
        hits_ = std::move(g.hits);
      } else {
        prompt = render_chat(tok_, msgs, true);
      }
      if (static_cast<int64_t>(prompt.size()) + room <= model_->context() || history_.size() <= 1) break;
      history_.erase(history_.begin());
      dropped++;
    }
    if (dropped > 0)
      fmt::print(out_, "(context full: dropped the {} oldest message{})\n", dropped, dropped == 1 ? "" : "s");
    return static_cast<int64_t>(prompt.size()) < model_->context();
  }

  // the passages the answer was given, as [n] title (source)
  void print_sources() const {
    if (hits_.empty()) return;
    std::fputs("Sources:\n", out_);
    for (size_t i = 0; i < hits_.size(); i++)
      fmt::print(out_, "  [{}] {} ({})\n", i + 1, hits_[i].passage.title, hits_[i].passage.source);
  }

  // streams the answer to out_ as it is written; Ctrl-C cancels it
  std::string answer(std::vector<int32_t> prompt) {
    GenerationRequest r;
    r.prompt = std::move(prompt);
    r.sampling = sampling_;
    r.max_tokens = o_.max_tokens;
    r.stop_tokens = stops_;
    std::string text;
    bool done = false;
    FinishReason finish = FinishReason::none;
    r.on_event = [&](const GenerationEvent& ev) {
      text += ev.text;
      std::fwrite(ev.text.data(), 1, ev.text.size(), out_);
      std::fflush(out_);
      if (ev.done) {
        done = true;
        finish = ev.finish;
      }
    };
    const int64_t id = engine_.submit(std::move(r));
    while (!done) {
      if (g_interrupted.exchange(false)) engine_.cancel(id);
      engine_.step();
    }
    if (finish == FinishReason::cancelled) std::fputs(" [stopped]", out_);
    if (finish == FinishReason::length) std::fputs(" [length limit]", out_);
    std::fputs("\n", out_);
    return text;
  }

  const ChatOptions& o_;
  FILE* out_;
  Tokenizer tok_;
  std::unique_ptr<InferModel> model_;
  Engine engine_;
  const std::vector<int32_t> stops_;
  SamplingParams sampling_;
  std::string system_;
  std::vector<ChatMessage> history_;  // user/assistant turns
  std::unique_ptr<IndexDb> index_;    // retrieval, when --index
  std::vector<SearchHit> hits_;       // the passages of the last answer
};

}  // namespace

void run_chat(const ChatOptions& o, int in_fd, FILE* out) {
  ChatSession chat(o, out);
  const bool tty = ::isatty(in_fd);
  chat.banner();
  SigintGuard guard;
  std::string buf, line;
  for (;;) {
    if (tty) std::fputs("\n> ", out);
    std::fflush(out);
    g_interrupted = false;
    ReadResult rr = read_line(in_fd, buf, line);
    if (rr == ReadResult::eof) break;
    if (rr == ReadResult::interrupted) {
      std::fputs("\n(Ctrl-C stops an answer; /quit or Ctrl-D leaves)\n", out);
      continue;
    }
    line = std::string(trim(line));
    if (line.empty()) continue;
    if (line[0] != '/') chat.turn(line);
    else if (!chat.command(line)) break;
  }
  std::fflush(out);
}

}  // namespace own
