#include "serve/feedback_export.h"

#include <filesystem>

#include "core/run_dir.h"

namespace own {

FeedbackExport feedback_export(Store& store, const std::string& out) {
  std::vector<PreferencePair> pairs = store.preference_pairs(Scope::everyone());
  FeedbackExport e;
  e.stats = store.feedback_stats(Scope::everyone());
  e.stats.pairs = static_cast<int64_t>(pairs.size());  // what was written, even if serve rated meanwhile
  e.out = out.empty() ? (RunDir(std::filesystem::path(store.path()).parent_path()).data("feedback") / "pairs.jsonl").string()
                      : out;
  write_preference_jsonl(e.out, pairs);
  return e;
}

FeedbackExport feedback_export(const FeedbackExportOptions& o) {
  Store store(Store::default_path(o.run_dir, o.db), Store::Open::existing);
  return feedback_export(store, o.out);
}

}  // namespace own
