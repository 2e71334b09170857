// `ownchat feedback export` and POST /api/feedback/export: the preference pairs of the store's
// ratings (data/feedback_pairs.h) to RUN/data/feedback/pairs.jsonl, every conversation's.
#pragma once
#include <string>

#include "serve/store.h"

namespace own {

struct FeedbackExportOptions {
  std::string run_dir = "runs/default";
  std::string db;   // default RUN/ownchat.db
  std::string out;  // default data/feedback/pairs.jsonl beside the db, i.e. RUN/data/feedback/...
};
struct FeedbackExport {
  FeedbackStats stats;
  std::string out;  // the file written
};
// `ownchat feedback export`: the pairs of an existing db to JSONL, every conversation's (the operator's)
FeedbackExport feedback_export(const FeedbackExportOptions& o);
// the same from an open store; `out` "" = data/feedback/pairs.jsonl beside the db
FeedbackExport feedback_export(Store& store, const std::string& out);

}  // namespace own
