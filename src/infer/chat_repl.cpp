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

}  // namespace

void run_chat(const ChatOptions& o, int in_fd, FILE* out) {
  Tokenizer tok = Tokenizer::load(find_tokenizer(o.ckpt, o.tokenizer));
  InferOptions io = o.infer;
  io.n_slots = 1;
  auto model = load_infer_model(o.ckpt, tok, io);
  Engine engine(*model, &tok);
  const std::vector<int32_t> stops = chat_stop_tokens(tok);
  SamplingParams sampling = o.sampling;
  sampling.validate(model->config().vocab_size);
  std::string system = o.system;
  std::vector<ChatMessage> history;  // user/assistant turns
  const bool tty = ::isatty(in_fd);
  const ModelConfig& c = model->config();
  std::fprintf(out, "ownchat chat: %s (%lld layers, width %lld, %s weights, context %lld). /help for commands.\n",
               o.ckpt.c_str(), static_cast<long long>(c.num_hidden_layers), static_cast<long long>(c.hidden_size),
               weight_type_name(model->weight_type()), static_cast<long long>(model->context()));
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
    if (line[0] == '/') {
      const size_t sp = line.find(' ');
      const std::string cmd = line.substr(0, sp);
      const std::string arg = sp == std::string::npos ? "" : std::string(trim(line.substr(sp)));
      if (cmd == "/quit" || cmd == "/exit") break;
      if (cmd == "/help") {
        std::fputs(kHelp, out);
      } else if (cmd == "/reset") {
        history.clear();
        std::fputs("(conversation cleared)\n", out);
      } else if (cmd == "/system") {
        system = arg;
        std::fprintf(out, "(system message %s)\n", arg.empty() ? "removed" : "set");
      } else if (cmd == "/temp") {
        char* end = nullptr;
        const float t = std::strtof(arg.c_str(), &end);
        if (arg.empty() || *end != '\0' || !(t >= 0.0f && t <= 100.0f)) {
          std::fprintf(out, "(/temp needs a number in [0, 100], got '%s')\n", arg.c_str());
        } else {
          sampling.temperature = t;
          std::fprintf(out, "(temperature %g)\n", static_cast<double>(t));
        }
      } else {
        std::fprintf(out, "(unknown command %s; /help lists them)\n", cmd.c_str());
      }
      continue;
    }
    history.push_back({"user", line});
    // render, dropping the oldest turns while the prompt leaves too little room for an answer
    const int64_t room = std::min<int64_t>(o.max_tokens, model->context() / 4);
    std::vector<int32_t> prompt;
    size_t dropped = 0;
    for (;;) {
      std::vector<ChatMessage> msgs;
      if (!system.empty()) msgs.push_back({"system", system});
      msgs.insert(msgs.end(), history.begin(), history.end());
      prompt = render_chat(tok, msgs, true);
      if (static_cast<int64_t>(prompt.size()) + room <= model->context() || history.size() <= 1) break;
      history.erase(history.begin());
      dropped++;
    }
    if (dropped > 0) std::fprintf(out, "(context full: dropped the %zu oldest message%s)\n", dropped, dropped == 1 ? "" : "s");
    if (static_cast<int64_t>(prompt.size()) >= model->context()) {
      std::fprintf(out, "(that message is %zu tokens with the template; the context holds %lld)\n", prompt.size(),
                   static_cast<long long>(model->context()));
      history.pop_back();
      continue;
    }
    GenerationRequest r;
    r.prompt = std::move(prompt);
    r.sampling = sampling;
    r.max_tokens = o.max_tokens;
    r.stop_tokens = stops;
    std::string answer;
    bool done = false;
    FinishReason finish = FinishReason::none;
    r.on_event = [&](const GenerationEvent& ev) {
      answer += ev.text;
      std::fwrite(ev.text.data(), 1, ev.text.size(), out);
      std::fflush(out);
      if (ev.done) {
        done = true;
        finish = ev.finish;
      }
    };
    const int64_t id = engine.submit(std::move(r));
    while (!done) {
      if (g_interrupted.exchange(false)) engine.cancel(id);
      engine.step();
    }
    if (finish == FinishReason::cancelled) std::fputs(" [stopped]", out);
    if (finish == FinishReason::length) std::fputs(" [length limit]", out);
    std::fputs("\n", out);
    history.push_back({"assistant", answer});
  }
  std::fflush(out);
}

}  // namespace own
