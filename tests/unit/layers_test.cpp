// scripts/check_layers.sh, the check the build runs before compiling: the real tree passes with the
// layers CMakeLists.txt declares, and a tree with an include that goes up the order fails, naming
// the file and line.
#include <fstream>

#include "test_util.h"

namespace own {
namespace {

using test::run_shell;
using test::ScratchDir;

std::string check(const std::string& src, const std::string& specs) {
  return fmt::format("bash {}/scripts/check_layers.sh {} {} 2>&1", OWN_SOURCE_DIR, src, specs);
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(Layers, TheTreeFollowsTheDeclaredLayers) {
  auto r = run_shell(check(std::string(OWN_SOURCE_DIR) + "/src", OWN_LAYER_SPECS));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(Layers, AnIncludeUpTheOrderFailsNamingFileAndLine) {
  ScratchDir d;
  write(d.path / "core/a.h", "#include <vector>\n");
  write(d.path / "data/loader.h", "#pragma once\n#include \"core/a.h\"\n#include \"train/loop.h\"\n");
  write(d.path / "train/loop.h", "#include \"data/loader.h\"\n#include \"core/a.h\"\n");
  auto r = run_shell(check(d.path.string(), "core: data:core train:core,data"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("data/loader.h:3: error: data/ includes \"train/loop.h\", but data/ may include only core"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("loop.h:1"), std::string::npos) << "train may include data: " << r.output;
}

TEST(Layers, ADependencyMustBeDeclaredBeforeItsUser) {
  ScratchDir d;
  write(d.path / "core/a.h", "\n");
  write(d.path / "data/b.h", "\n");
  auto r = run_shell(check(d.path.string(), "core: data:core,train train:core"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("layer 'data' depends on 'train', which is not declared before it"), std::string::npos)
      << r.output;
}

TEST(Layers, AnUndeclaredFolderFails) {
  ScratchDir d;
  write(d.path / "core/a.h", "\n");
  write(d.path / "extra/b.cpp", "#include \"core/a.h\"\n");
  auto r = run_shell(check(d.path.string(), "core:"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("extra/ is not a declared layer"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace own
