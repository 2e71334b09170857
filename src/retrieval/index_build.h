// The index commands' work: build (a whole new index, swapped in when complete), add and remove
// (in place), search. The passage budget is kept in the index, so later adds cut alike.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "retrieval/index_db.h"

namespace own {

struct IndexOptions {
  std::string index_path;            // RUN/index.db
  std::vector<std::string> sources;  // default | FILE | FOLDER ...
  int64_t passage_tokens = 128;      // build only; add uses the index's own
  std::string tokenizer_path;        // counts tokens when set (RUN/tokenizer.json); else 3 bytes a token
};

struct IndexChange {
  int64_t documents = 0, passages = 0, new_passages = 0, replaced = 0;
  double seconds = 0;
  IndexStats total;  // the whole index afterwards
};

IndexChange index_build(const IndexOptions& o);
IndexChange index_add(const IndexOptions& o);
// Removes documents by key: a default source's name, or a user file's path (as given or absolute).
// Returns the passages dropped; a key not in the index is an InputError naming it.
int64_t index_remove(const std::string& index_path, const std::vector<std::string>& keys);
// `index search`: the k best passages, one JSON object per line (rank, score, id, source, title,
// position, text)
std::string index_search_lines(const std::string& index_path, const std::string& query, int k);

}  // namespace own
