// ownchat: one binary, subcommands (DESIGN.md §1). Files in src/cli/ only parse flags and call
// the modules; bad input surfaces as InputError and exits 1 with its message.
#include <fmt/format.h>

#include <omp.h>

#include "cli/commands.h"
#include "core/check.h"
#include "core/cpu_isa.h"
#include "core/dist.h"
#include "core/thread_budget.h"
#include "kernels/isa_report.h"

namespace own::cli {

void ModelFlags::add(CLI::App* app) {
  app->add_option("--depth", depth, "model depth: layers; width = 64*depth, heads = width/64")->capture_default_str();
  app->add_option("--vocab", o.vocab, "vocabulary size (default 8192)");
  app->add_option("--n-embd", o.n_embd, "model width (default 64*depth)");
  app->add_option("--n-head", o.n_head, "attention heads (default width/64)");
  app->add_option("--kv-heads", o.n_head_kv, "key/value heads for grouped-query attention (default = heads)");
  app->add_option("--ffn", o.ffn, "MLP width (default 8*width/3 rounded up to 64)");
  app->add_flag("--untied", untied, "separate LM head instead of tying it to the embedding");
}

ModelConfig ModelFlags::config(int64_t seq) const {
  ModelOverrides x = o;
  x.tied = untied ? 0 : 1;
  if (x.seq <= 0) x.seq = std::max<int64_t>(seq, 1024);
  return config_from_depth(depth, x);
}

Precision parse_precision(const std::string& s) {
  if (s == "f32" || s == "fp32") return Precision::f32;
  if (s == "bf16") return Precision::bf16;
  input_error("--dtype must be f32 or bf16, got \"{}\"", s);
}

void add_threads_flag(CLI::App* app) {
  app->add_option_function<int>(
      "--threads", [](int n) {
        if (n <= 0) input_error("--threads must be positive, got {}", n);
        own::set_thread_ceiling(n);
      },
      "compute threads (default: all cores)");
}

}  // namespace own::cli

namespace {

// Every way out of main: under mpirun a failed rank takes the whole job down (no rank is left
// waiting in a collective); a finished one leaves MPI cleanly.
int finish(int code) {
  if (code != 0 && own::dist::size() > 1) own::dist::abort_job(code);
  own::dist::finalize();
  return code;
}

void print_error(const char* what) {
  if (own::dist::size() > 1) fmt::print(own::dist::errors_stream(), "ownchat: {}: error: {}\n", own::dist::describe(), what);
  else fmt::print(stderr, "ownchat: error: {}\n", what);
  std::fflush(own::dist::errors_stream());
}

std::string version_text() {
  return "ownchat " OWN_VERSION "\n" + own::kernels_report() +
         (own::dist::built_with_mpi() ? "mpi: built with MPI: data-parallel training with mpirun -np K\n"
                                      : "mpi: built without MPI: training runs as one process\n");
}

}  // namespace

int main(int argc, char** argv) {
  own::dist::init(&argc, &argv);
  CLI::App app{"ownchat: build your own ChatGPT from nothing"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text, "print the version, the CPU and which kernels run on it");
  own::cli::add_threads_flag(&app);
  own::cli::register_bench_commands(app);
  own::cli::register_ckpt_commands(app);
  own::cli::register_train_commands(app);
  own::cli::register_tokenizer_commands(app);
  own::cli::register_data_commands(app);
  own::cli::register_generate_commands(app);
  own::cli::register_eval_commands(app);
  own::cli::register_report_commands(app);
  own::cli::register_store_commands(app);
  own::cli::register_serve_commands(app);
  own::cli::register_moderation_commands(app);
  own::cli::register_speedrun_commands(app);
  own::cli::register_index_commands(app);
  own::cli::register_export_commands(app);
  try {
    own::isa_cap();  // a bad OWNCHAT_ISA is an error before any work
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return finish(app.exit(e));
  } catch (const own::InputError& e) {
    print_error(e.what());
    return finish(1);
  } catch (const std::exception& e) {  // e.g. out of memory: still a message, not an abort
    print_error(e.what());
    return finish(2);
  }
  return finish(0);
}
