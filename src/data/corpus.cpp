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
#include "core/progress.h"
#include "data/clean.h"
#include "data/sources.h"

namespace own {

namespace fs = std::filesystem;

namespace {

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  const auto t0 = std::chrono::steady_clock::now();
  CorpusStats st;
  st.total.name = "total";
  int64_t total_bytes = 0;
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
      std::fprintf(stderr, "ownchat: warning: source %s skipped: %s\n", p.name.c_str(), p.missing.c_str());
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

  st.dir = (fs::path(options.run_dir) / "data" / "corpus").string();
  std::error_code ec;
  fs::create_directories(fs::path(st.dir).parent_path(), ec);
  if (ec) input_error("{}: cannot create the data directory: {}", st.dir, ec.message());

  const int64_t total_mb = std::max<int64_t>(1, (total_bytes + 999'999) / 1'000'000);
  Progress progress("data build: reading", total_mb, "MB");
  int64_t done_bytes = 0;
  std::unordered_set<uint64_t> seen;
  seen.reserve(1 << 20);
  std::vector<std::string> extra_copies;  // written after every first copy

  // train.jsonl, val.jsonl and stats.json are one set: written into data/corpus.tmp and swapped in
  // as one directory, so a killed build leaves the previous corpus or the new one, never a mix.
  // A tiny corpus (say 50 documents) may have no document whose hash picks val. So the train
  // document with the smallest hash % 1000 is held back until the end, and goes to val if val is
  // still empty: the split stays a pure function of the corpus, and val is never empty when two
  // or more documents exist.
  replace_dir_atomic(st.dir, [&](const std::string& dir) {
    const std::string train_path = dir + "/train.jsonl", val_path = dir + "/val.jsonl";
    std::optional<Held> held;
    write_file_atomic(train_path, [&](FileSink& train) {
      auto write_train = [&](const Held& d) {
        const int64_t copies = static_cast<int64_t>(d.whole) + (hash_unit(d.hash) < d.frac ? 1 : 0);
        if (copies >= 1) train.write(d.line);
        for (int64_t c = 1; c < copies; ++c) extra_copies.push_back(d.line);
        st.sources[d.source].train_documents += copies;
        st.sources[d.source].train_bytes += copies * d.size;
      };
      write_file_atomic(val_path, [&](FileSink& val) {
        for (size_t k = 0; k < plans.size(); ++k) {
          const SourcePlan& plan = plans[k];
          SourceStats& s = st.sources[k];
          if (!plan.missing.empty()) continue;
          int utf8_reports_left = 10, skip_reports_left = 5;
          const double whole = std::floor(plan.weight), frac = plan.weight - whole;
          for (size_t f = 0; f < plan.files.size(); ++f) {
            const std::string& path = plan.files[f];
            int64_t doc_index = 0;
            auto keep = [&](std::string&& raw) {
              ++doc_index;
              std::string text = normalize_text(raw);
              if (text.empty()) return;
              if (replacement_share(text) > k_max_replacement_share) {
                ++s.skipped_invalid;
                if (skip_reports_left-- > 0)
                  std::fprintf(stderr, "ownchat: warning: %s: document %lld is mostly invalid UTF-8; skipped\n",
                               path.c_str(), static_cast<long long>(doc_index));
                return;
              }
              const uint64_t h = text_hash(text);
              if (!seen.insert(h).second) {
                ++s.duplicates;
                return;
              }
              const auto size = static_cast<int64_t>(text.size());
              ++s.documents;
              s.bytes += size;
              std::string line = jsonl_line(text, plan.name);
              if (hash_is_val(h)) {
                val.write(line);
                ++s.val_documents;
                s.val_bytes += size;
                return;
              }
              Held doc{std::move(line), h, size, k, whole, frac};
              if (!held) {
                held = std::move(doc);
                return;
              }
              if (doc.key() < held->key()) std::swap(doc, *held);  // hold the new one, write the old one
              write_train(doc);
            };
            try {
              read_source_file(plan, path, keep, &s.invalid_utf8, &utf8_reports_left);
            } catch (const InputError& e) {
              if (plan.origin == Origin::user) throw;  // the user's own file: stop and say where
              std::fprintf(stderr, "ownchat: warning: source %s: file skipped: %s\n", plan.name.c_str(), e.what());
            }
            ++s.files;
            done_bytes += plan.file_bytes[f];
            progress.update(std::min(total_mb, done_bytes / 1'000'000),
                            fmt::format("{} | {} docs, {:.1f} MB kept", plan.name, s.documents, mb(s.bytes)));
          }
        }
        if (held) {  // the one train document that becomes val if nothing else did
          if (st_val_documents(st) == 0 && st_documents(st) >= 2) {
            val.write(held->line);
            ++st.sources[held->source].val_documents;
            st.sources[held->source].val_bytes += held->size;
          } else {
            write_train(*held);
          }
        }
        for (const std::string& line : extra_copies) train.write(line);
      });
    });
    progress.update(total_mb, "done");
    for (const SourceStats& s : st.sources) st.total.add(s);
    write_file_atomic(dir + "/stats.json", corpus_stats_json(st).dump(2) + "\n");
  });
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
