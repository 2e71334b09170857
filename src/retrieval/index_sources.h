// What goes into the index, read into passages. A spec is "default" (the reference parts of the
// default corpus: WordNet, GCIDE, the Devil's Dictionary, the Jargon File, FOLDOC, perlfaq and the
// Python docs) or one of them by name ("wordnet"), a user file (.txt, .md, .html/.htm, .jsonl) or a folder of them (searched
// recursively; other files are skipped and counted). Each default source is one document (its
// name is the key); each user file is one (its absolute path is the key and its source).
// Structure decides the cuts: a dictionary entry, a WordNet synset, a perlfaq question, an HTML or
// Markdown section, a JSONL line ({"text": ..., "title": optional}); plain text is cut at
// paragraphs. Bad files are InputErrors naming the file (and line, for JSONL).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "retrieval/passages.h"

namespace own {

struct IndexFile {
  std::string key;     // the document key: a default source's name, or the file's absolute path
  std::string source;  // the "source" of its passages
  std::vector<std::string> paths;  // the files read for it
  int64_t bytes = 0;   // on disk, for progress
  int kind = 0;        // how it is read (index_sources.cpp)
};

// Expands specs into the documents to index, in order. Missing default packages are reported on
// stderr and skipped; a user path that does not exist or has an unsupported type is an InputError.
std::vector<IndexFile> plan_index_files(const std::vector<std::string>& specs);

// The reference sources `default` expands to, by their corpus source names.
const std::vector<std::string>& reference_source_names();

// Reads one planned document into passages (in order; positions from 0).
std::vector<Passage> read_index_file(const IndexFile& file, const PassageSplitter& splitter);

}  // namespace own
