// The checks on the shape of the code: scripts/check_layers.sh (run by the build before compiling)
// passes on the real tree with the layers CMakeLists.txt declares and fails a tree with an include
// that goes up the order, naming file and line; scripts/check_function_length.py finds no function
// over 80 lines in src/ outside the kernels, and does find one where there is.
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

std::string function_length(const std::string& args) {
  return fmt::format("{} {}/scripts/check_function_length.py {} 2>&1", OWN_PYTHON, OWN_SOURCE_DIR, args);
}

TEST(FunctionLength, NoFunctionInSrcOutsideTheKernelsIsOverEightyLines) {
  const std::string src = std::string(OWN_SOURCE_DIR) + "/src";
  auto r = run_shell(function_length(fmt::format("--limit 80 --skip {}/kernels {}", src, src)));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

TEST(FunctionLength, FindsALongFunctionAndIgnoresTablesCommentsAndStrings) {
  ScratchDir d;
  std::string body;
  for (int i = 0; i < 85; ++i) body += fmt::format("  x += {};  // {{ not a brace\n", i);
  std::string table = "const int kTable[] = {\n";
  for (int i = 0; i < 100; ++i) table += fmt::format("    {},\n", i);
  write(d.path / "a.cpp", "namespace own {\n" + table + "};\nstruct S {\n  int f(int x) {\n" + body +
                              "    const char* s = \"}}}\";\n    return x;\n  }\n};\nint g() { return 1; }\n}\n");
  auto r = run_shell(function_length("--limit 80 " + d.file("a.cpp")));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "a.cpp:105: 89 lines (limit 80): int f(int x)");
  EXPECT_EQ(r.output.find("g()"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("kTable"), std::string::npos) << r.output;
  EXPECT_EQ(run_shell(function_length("--limit 90 " + d.file("a.cpp"))).status, 0);
}

}  // namespace
}  // namespace own
