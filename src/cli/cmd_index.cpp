// ownchat index build|add|remove|search: the retrieval index (retrieval/index_build.h)
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "cli/commands.h"
#include "cli/result_line.h"
#include "core/run_dir.h"
#include "retrieval/index_build.h"

namespace own::cli {

namespace {

struct IndexFlags {
  std::string run = "runs/default", index;
  std::vector<std::string> sources;
  int64_t passage_tokens = 128;
  std::string query;
  int k = 5;

  IndexOptions options() const {
    RunDir r(run);
    IndexOptions o;
    o.index_path = index.empty() ? r.index().string() : index;
    o.sources = sources;
    o.passage_tokens = passage_tokens;
    if (std::filesystem::exists(r.tokenizer())) o.tokenizer_path = r.tokenizer().string();
    return o;
  }
};

void add_location(CLI::App* c, IndexFlags& f) {
  c->add_option("--run", f.run, "run directory (the index is RUN/index.db)")->capture_default_str();
  c->add_option("--index", f.index, "index file (default: RUN/index.db)");
}

void print_change(const char* what, const IndexChange& c) {
  fmt::print("{}\n", json_line({{"command", what},
                                {"documents", c.documents},
                                {"passages", c.passages},
                                {"new_passages", c.new_passages},
                                {"duplicates", c.passages - c.new_passages},
                                {"replaced", c.replaced},
                                {"index_documents", c.total.documents},
                                {"index_passages", c.total.passages},
                                {"index_bytes", c.total.bytes},
                                {"seconds", rounded(c.seconds, 2)}}));
}

}  // namespace

void register_index_commands(CLI::App& app) {
  CLI::App* index = app.add_subcommand("index", "the retrieval index: passages for answers with citations");
  index->require_subcommand(1);
  auto f = std::make_shared<IndexFlags>();

  CLI::App* build = index->add_subcommand("build", "build RUN/index.db anew from sources (SQLite FTS5, BM25)");
  add_location(build, *f);
  build->add_option("--sources", f->sources, "default | FILE | FOLDER ... (.txt .md .html .jsonl); default: default");
  build->add_option("--passage-tokens", f->passage_tokens, "largest passage, in tokens of the run's tokenizer")
      ->capture_default_str();
  build->callback([=] { print_change("build", index_build(f->options())); });

  CLI::App* add = index->add_subcommand("add", "add files or folders to the index (a file added again is replaced)");
  add_location(add, *f);
  add->add_option("paths", f->sources, "FILE | FOLDER | default ...")->required();
  add->callback([=] { print_change("add", index_add(f->options())); });

  CLI::App* remove = index->add_subcommand("remove", "remove documents from the index by path or source name");
  add_location(remove, *f);
  remove->add_option("keys", f->sources, "a file's path as added, or a source name (wordnet, ...)")->required();
  remove->callback([=] {
    IndexOptions o = f->options();
    int64_t dropped = index_remove(o.index_path, o.sources);
    fmt::print("{}\n", json_line({{"command", "remove"}, {"documents", o.sources.size()}, {"passages_dropped", dropped}}));
  });

  CLI::App* search = index->add_subcommand("search", "print the best passages for a query as JSON lines");
  add_location(search, *f);
  search->add_option("query", f->query, "free text")->required();
  search->add_option("-k", f->k, "passages to print")->capture_default_str()->check(CLI::Range(1, 1000));
  search->callback([=] { fmt::print("{}", index_search_lines(f->options().index_path, f->query, f->k)); });
}

}  // namespace own::cli
