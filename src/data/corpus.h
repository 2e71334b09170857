// `ownchat data build`: sources -> clean text -> RUN/data/corpus/{train,val}.jsonl + stats.json.
// Every document is normalised (clean.h), dropped if it is mostly invalid UTF-8 or an exact
// duplicate of an earlier one (64-bit hash of the normalised text), and sent to val when its
// hash says so (~1%), else to train with its source's weight. Upsampled copies are written
// after all first copies, so two copies of a document never sit side by side. Streaming: only
// the hashes and the extra copies stay in memory. Both files are replaced atomically.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace own {

struct CorpusOptions {
  std::string run_dir = "runs/default";
  std::vector<std::string> sources = {"default"};
  // share of the train split's bytes that is practice text (practice.h), in [0, 0.5]; val keeps
  // natural text only, so val bits per byte stay comparable
  double practice = 0;
};

struct SourceStats {
  std::string name, package, license, reader, missing;  // missing: why it was not read ("" = read)
  double weight = 1;
  int64_t files = 0;
  int64_t documents = 0, bytes = 0;  // unique documents kept, and their UTF-8 bytes
  int64_t duplicates = 0;            // exact duplicates dropped (of this or an earlier source)
  int64_t invalid_utf8 = 0;          // invalid sequences replaced by U+FFFD
  int64_t skipped_invalid = 0;       // documents dropped as mostly invalid UTF-8
  int64_t train_documents = 0, train_bytes = 0;  // with the weight's copies
  int64_t val_documents = 0, val_bytes = 0;
  void add(const SourceStats& o);
};

struct CorpusStats {
  std::vector<SourceStats> sources;
  SourceStats total;
  std::string dir;  // RUN/data/corpus
  double seconds = 0;
};

CorpusStats corpus_build(const CorpusOptions& options);
struct SourcePlan;
// the same, from plans already made (plan_sources); missing plans are warned about and skipped
CorpusStats corpus_build_plans(const CorpusOptions& options, const std::vector<SourcePlan>& plans);
nlohmann::json corpus_stats_json(const CorpusStats& stats);
// the per-source size table `data build` prints
std::string corpus_stats_table(const CorpusStats& stats);

// Documents whose share of U+FFFD exceeds this are dropped rather than kept mangled.
constexpr double k_max_replacement_share = 0.25;

}  // namespace own
