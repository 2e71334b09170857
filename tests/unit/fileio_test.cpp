// core/fileio: replace_dir_atomic swaps a whole directory in as one unit: the new set replaces
// the old one entirely (no stale file survives), a fill that throws leaves the old set and no
// temp directory, and leftovers of a killed swap (<dir>.tmp, <dir>.old) are cleaned up.
#include "core/fileio.h"

#include <filesystem>
#include <set>

#include "test_util.h"

namespace own {
namespace {
namespace fs = std::filesystem;
using test::ScratchDir;

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

TEST(ReplaceDirAtomic, NewSetReplacesTheOldOneWhole) {
  ScratchDir d;
  const std::string dir = d.file("shards");
  replace_dir_atomic(dir, [](const std::string& tmp) {
    write_file_atomic(tmp + "/a.bin", "a1");
    write_file_atomic(tmp + "/b.bin", "b1");
  });
  EXPECT_EQ(entries(dir), (std::set<std::string>{"a.bin", "b.bin"}));
  replace_dir_atomic(dir + "/", [](const std::string& tmp) { write_file_atomic(tmp + "/a.bin", "a2"); });
  EXPECT_EQ(entries(dir), (std::set<std::string>{"a.bin"}));  // b.bin of the old set is gone
  EXPECT_EQ(read_file(dir + "/a.bin"), "a2");
  EXPECT_EQ(entries(d.path), (std::set<std::string>{"shards"}));  // no .tmp or .old left
}

TEST(ReplaceDirAtomic, AThrowingFillLeavesTheOldSet) {
  ScratchDir d;
  const std::string dir = d.file("corpus");
  replace_dir_atomic(dir, [](const std::string& tmp) { write_file_atomic(tmp + "/train.jsonl", "old"); });
  EXPECT_CONTAINS(test::error_of([&] {
                    replace_dir_atomic(dir, [](const std::string& tmp) {
                      write_file_atomic(tmp + "/train.jsonl", "new");
                      input_error("val.jsonl:3: bad line");
                    });
                  }),
                  "val.jsonl:3");
  EXPECT_EQ(read_file(dir + "/train.jsonl"), "old");
  EXPECT_EQ(entries(d.path), (std::set<std::string>{"corpus"}));
}

TEST(ReplaceDirAtomic, CleansUpAfterAKilledSwap) {
  ScratchDir d;
  const std::string dir = d.file("chat");
  fs::create_directories(dir + ".tmp/half");  // killed while filling
  fs::create_directories(dir + ".old");
  write_file_atomic(dir + ".old/train.jsonl", "older");  // killed between two renames
  replace_dir_atomic(dir, [](const std::string& tmp) { write_file_atomic(tmp + "/train.jsonl", "new"); });
  EXPECT_EQ(read_file(dir + "/train.jsonl"), "new");
  EXPECT_EQ(entries(d.path), (std::set<std::string>{"chat"}));
}

}  // namespace
}  // namespace own
