// Turns --sources arguments into a reading plan (which files, read how), and reads one file of a
// plan into documents. "default" expands to the manifest (manifest.h); a directory to every
// .txt/.md file under it (one document per file); a .jsonl file to one document per line.
// Sources whose package is not installed are planned as missing (with the reason), not errors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/manifest.h"
#include "data/readers.h"

namespace own {

struct SourcePlan {
  std::string name, package, license, description;
  Origin origin = Origin::user;
  Reader reader = Reader::plain_text;
  double weight = 1;
  std::string root;                 // resolved path
  std::vector<std::string> files;   // in natural order (chapter_2 before chapter_10)
  std::vector<int64_t> file_bytes;  // on-disk sizes, for progress
  std::string missing;              // why nothing could be found; "" when found
};

// Throws InputError for a user source that does not exist or has an unsupported type.
std::vector<SourcePlan> plan_sources(const std::vector<std::string>& specs);
SourcePlan plan_manifest_source(const SourceSpec& spec);

// The node_modules directory holding the npm corpus packages: $OWN_NODE_MODULES, else the first
// node_modules found walking up from the working directory, then from the ownchat binary.
std::string find_node_modules();

// Reads one file of `plan` and emits its documents (not yet normalised). Invalid UTF-8 is
// replaced and reported on stderr with the file and byte offset (while *reports_left > 0);
// *invalid_utf8 counts the replaced sequences.
void read_source_file(const SourcePlan& plan, const std::string& path, const DocEmit& emit, int64_t* invalid_utf8,
                      int* reports_left);

// "a2" < "a10": digit runs compare as numbers
bool natural_less(const std::string& a, const std::string& b);

}  // namespace own
