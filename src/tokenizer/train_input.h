// Training text from files: a .jsonl file gives one document per line from its "text" field
// (blank lines skipped); any other file is one document of raw bytes. Errors name file:line.
#pragma once
#include <string>
#include <vector>

namespace own {

std::vector<std::string> read_training_documents(const std::vector<std::string>& paths);

}  // namespace own
