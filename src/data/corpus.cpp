// The corpus build pipeline (see corpus.h): plan -> read -> normalise -> dedup -> split -> write.
#include "data/corpus.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <unordered_set>
#include <utility>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "data/clean.h"
#include "data/practice.h"
#include "data/sources.h"

namespace own {

namespace fs = std::filesystem;

namespace {

std::string json_string(const std::string& s) {
  return dump_json(nlohmann::json(s));
}

std::string jsonl_line(const std::string& text, const std::string& source) {
  return "{\"text\":" + json_string(text) + ",\"source\":" + json_string(source) + "}\n";
}

nlohmann::json source_json(const SourceStats& s) {
  nlohmann::json j = {{"name", s.name},
                      {"documents", s.documents},
                      {"bytes", s.bytes},
                      {"duplicates_removed", s.duplicates},
                      {"invalid_utf8_replaced", s.invalid_utf8},
                      {"skipped_invalid_utf8", s.skipped_invalid},
                      {"train_documents", s.train_documents},
                      {"train_bytes", s.train_bytes},
                      {"val_documents", s.val_documents},
                      {"val_bytes", s.val_bytes}};
  if (!s.package.empty()) j["package"] = s.package;
  if (!s.reader.empty()) {
    j["reader"] = s.reader;
    j["license"] = s.license;
    j["weight"] = s.weight;
    j["files"] = s.files;
  }
  if (!s.missing.empty()) j["missing"] = s.missing;
  return j;
}

double mb(int64_t bytes) { return static_cast<double>(bytes) / 1e6; }

// a train document on its way out (its JSONL line, hash, size, source index and weight)
struct Held {
  std::string line;
  uint64_t hash = 0;
  int64_t size = 0;
  size_t source = 0;
  double whole = 0, frac = 0;  // the source weight, split
  std::pair<uint64_t, uint64_t> key() const { return {hash % 1000, hash}; }
};

int64_t st_val_documents(const CorpusStats& st) {
  int64_t n = 0;
  for (const SourceStats& s : st.sources) n += s.val_documents;
  return n;
}

int64_t st_documents(const CorpusStats& st) {
  int64_t n = 0;
  for (const SourceStats& s : st.sources) n += s.documents;
  return n;
}

// one SourceStats per plan; warns about each missing source, and stops when none can be read
void plan_stats(const std::vector<SourcePlan>& plans, CorpusStats& st, int64_t& total_bytes) {
  std::vector<std::string> missing;
  for (const SourcePlan& p : plans) {
    SourceStats s;
    s.name = p.name;
    s.package = p.package;
    s.license = p.license;
    s.reader = reader_name(p.reader);
    s.weight = p.weight;
    s.missing = p.missing;
    if (!p.missing.empty()) {
      fmt::print(stderr, "ownchat: warning: source {} skipped: {}\n", p.name, p.missing);
      missing.push_back(p.name);
    }
    for (int64_t b : p.file_bytes) total_bytes += b;
    st.sources.push_back(s);
  }
  if (missing.size() == plans.size()) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    input_error("no corpus source could be read ({} missing: {}); install the corpus packages with scripts/setup.sh, "
                "or pass your own text with --sources DIR|FILE.jsonl",
                missing.size(), names);
  }
}

// Reads every planned source into train.jsonl / val.jsonl of one directory, deduplicating by text
// hash. A tiny corpus (say 50 documents) may have no document whose hash picks val. So the train
// document with the smallest hash % 1000 is held back until the end, and goes to val if val is
// still empty: the split stays a pure function of the corpus, and val is never empty when two
// or more documents exist.
class CorpusSplitter {
 public:
  CorpusSplitter(const std::vector<SourcePlan>& plans, CorpusStats& st, int64_t total_bytes, double practice)
      : plans_(plans),
        practice_(practice),
        st_(st),
        total_mb_(std::max<int64_t>(1, (total_bytes + 999'999) / 1'000'000)),
        progress_("data build: reading", total_mb_, "MB") {
    seen_.reserve(1 << 20);
  }

  // train.jsonl, val.jsonl and stats.json into `dir`
  void write(const std::string& dir) {
    write_file_atomic(dir + "/train.jsonl", [&](FileSink& train) {
      write_file_atomic(dir + "/val.jsonl", [&](FileSink& val) {
        train_ = &train;
        val_ = &val;
        for (size_t k = 0; k < plans_.size(); ++k)
          if (plans_[k].missing.empty()) read_source(k);
        write_held();
        for (const std::string& line : extra_copies_) train.write(line);
        if (practice_ > 0) write_practice();
      });
    });
    progress_.update(total_mb_, "done");
    for (const SourceStats& s : st_.sources) st_.total.add(s);
    write_file_atomic(dir + "/stats.json", corpus_stats_json(st_).dump(2) + "\n");
  }

 private:
  void read_source(size_t k) {
    const SourcePlan& plan = plans_[k];
    SourceStats& s = st_.sources[k];
    int utf8_reports_left = 10, skip_reports_left = 5;
    for (size_t f = 0; f < plan.files.size(); ++f) {
      const std::string& path = plan.files[f];
      int64_t doc_index = 0;
      auto keep = [&](std::string&& raw) { keep_document(k, raw, path, ++doc_index, skip_reports_left); };
      try {
        read_source_file(plan, path, keep, &s.invalid_utf8, &utf8_reports_left);
      } catch (const InputError& e) {
        if (plan.origin == Origin::user) throw;  // the user's own file: stop and say where
        fmt::print(stderr, "ownchat: warning: source {}: file skipped: {}\n", plan.name, e.what());
      }
      ++s.files;
      done_bytes_ += plan.file_bytes[f];
      progress_.update(std::min(total_mb_, done_bytes_ / 1'000'000),
                       fmt::format("{} | {} docs, {:.1f} MB kept", plan.name, s.documents, mb(s.bytes)));
    }
  }

  // the doc_index-th document of `path` (source k): normalised, deduplicated, then to val or train
  void keep_document(size_t k, const std::string& raw, const std::string& path, int64_t doc_index,
                     int& skip_reports_left) {
    const SourcePlan& plan = plans_[k];
    SourceStats& s = st_.sources[k];
    std::string text = normalize_text(raw);
    if (text.empty()) return;
    if (replacement_share(text) > k_max_replacement_share) {
      ++s.skipped_invalid;
      if (skip_reports_left-- > 0)
        fmt::print(stderr, "ownchat: warning: {}: document {} is mostly invalid UTF-8; skipped\n", path, doc_index);
      return;
    }
    const uint64_t h = text_hash(text);
    if (!seen_.insert(h).second) {
      ++s.duplicates;
      return;
    }
    const auto size = static_cast<int64_t>(text.size());
    ++s.documents;
    s.bytes += size;
    std::string line = jsonl_line(text, plan.name);
    if (hash_is_val(h)) {
      val_->write(line);
      ++s.val_documents;
      s.val_bytes += size;
      return;
    }
    if (practice_ > 0) pool_.add_text(text);
    const double whole = std::floor(plan.weight), frac = plan.weight - whole;
    Held doc{std::move(line), h, size, k, whole, frac};
    if (!held_) {
      held_ = std::move(doc);
      return;
    }
    if (doc.key() < held_->key()) std::swap(doc, *held_);  // hold the new one, write the old one
    write_train(doc);
  }

  void write_train(const Held& d) {
    const int64_t copies = static_cast<int64_t>(d.whole) + (hash_unit(d.hash) < d.frac ? 1 : 0);
    if (copies >= 1) train_->write(d.line);
    for (int64_t c = 1; c < copies; ++c) extra_copies_.push_back(d.line);  // written after every first copy
    st_.sources[d.source].train_documents += copies;
    st_.sources[d.source].train_bytes += copies * d.size;
  }

  // practice text (practice.h): practice_ of all train bytes, drawn from the corpus's own words
  void write_practice() {
    SourceStats s;
    s.name = s.reader = "practice";
    s.license = "generated";
    int64_t natural = 0;
    for (const SourceStats& o : st_.sources) natural += o.train_bytes;
    const auto bytes = static_cast<int64_t>(static_cast<double>(natural) * practice_ / (1 - practice_));
    practice_documents(pool_.words(), 1, bytes, [&](std::string&& doc) {
      train_->write(jsonl_line(doc, s.name));
      ++s.documents;
      ++s.train_documents;
      s.bytes += static_cast<int64_t>(doc.size());
      s.train_bytes += static_cast<int64_t>(doc.size());
    });
    st_.sources.push_back(s);
  }

  void write_held() {  // the one train document that becomes val if nothing else did
    if (!held_) return;
    if (st_val_documents(st_) == 0 && st_documents(st_) >= 2) {
      val_->write(held_->line);
      ++st_.sources[held_->source].val_documents;
      st_.sources[held_->source].val_bytes += held_->size;
    } else {
      write_train(*held_);
    }
  }

  const std::vector<SourcePlan>& plans_;
  const double practice_;
  WordPool pool_{200000};  // the words practice text draws from
  CorpusStats& st_;
  const int64_t total_mb_;
  Progress progress_;
  int64_t done_bytes_ = 0;
  std::unordered_set<uint64_t> seen_;
  std::vector<std::string> extra_copies_;  // written after every first copy
  std::optional<Held> held_;
  FileSink* train_ = nullptr;
  FileSink* val_ = nullptr;
};

}  // namespace

void SourceStats::add(const SourceStats& o) {
  files += o.files;
  documents += o.documents;
  bytes += o.bytes;
  duplicates += o.duplicates;
  invalid_utf8 += o.invalid_utf8;
  skipped_invalid += o.skipped_invalid;
  train_documents += o.train_documents;
  train_bytes += o.train_bytes;
  val_documents += o.val_documents;
  val_bytes += o.val_bytes;
}

CorpusStats corpus_build(const CorpusOptions& options) {
  return corpus_build_plans(options, plan_sources(options.sources));
}

CorpusStats corpus_build_plans(const CorpusOptions& options, const std::vector<SourcePlan>& plans) {
  if (!(options.practice >= 0 && options.practice <= 0.5))
    input_error("--practice must be a share of the train split in [0, 0.5] (got {})", options.practice);
  const auto t0 = std::chrono::steady_clock::now();
  CorpusStats st;
  st.total.name = "total";
  int64_t total_bytes = 0;
  plan_stats(plans, st, total_bytes);

  st.dir = RunDir(options.run_dir).data("corpus").string();
  std::error_code ec;
  fs::create_directories(fs::path(st.dir).parent_path(), ec);
  if (ec) input_error("{}: cannot create the data directory: {}", st.dir, ec.message());

  // train.jsonl, val.jsonl and stats.json are one set: written into data/corpus.tmp and swapped in
  // as one directory, so a killed build leaves the previous corpus or the new one, never a mix.
  CorpusSplitter splitter(plans, st, total_bytes, options.practice);
  replace_dir_atomic(st.dir, [&](const std::string& dir) { splitter.write(dir); });
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

nlohmann::json corpus_stats_json(const CorpusStats& st) {
  nlohmann::json sources = nlohmann::json::array();
  for (const SourceStats& s : st.sources) sources.push_back(source_json(s));
  nlohmann::json total = source_json(st.total);
  total.erase("name");
  return {{"sources", sources}, {"total", total}, {"split", "val = text_hash % 1000 < 10"}};
}

std::string corpus_stats_table(const CorpusStats& st) {
  // snprintf rather than fmt width specs: GCC 12 warns spuriously on fmt's fill handling
  char buf[256];
  std::snprintf(buf, sizeof(buf), "%-20s %-31s %8s %8s %7s %6s %5s %9s %7s\n", "source", "package", "docs", "MB",
                "dups", "utf8", "w", "train MB", "val MB");
  std::string out = buf;
  auto row = [&](const SourceStats& s) {
    if (!s.missing.empty()) {
      std::snprintf(buf, sizeof(buf), "%-20s %-31s %8s\n", s.name.c_str(), s.package.c_str(), "missing");
    } else {
      std::string w = s.reader.empty() ? "" : fmt::format("{:g}", s.weight);
      std::snprintf(buf, sizeof(buf), "%-20s %-31s %8lld %8.2f %7lld %6lld %5s %9.2f %7.2f\n", s.name.c_str(),
                    s.package.c_str(), static_cast<long long>(s.documents), mb(s.bytes),
                    static_cast<long long>(s.duplicates), static_cast<long long>(s.invalid_utf8), w.c_str(),
                    mb(s.train_bytes), mb(s.val_bytes));
    }
    out += buf;
  };
  for (const SourceStats& s : st.sources) row(s);
  row(st.total);
  return out;
}

}  // namespace own
