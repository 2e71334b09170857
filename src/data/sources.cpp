// Source planning and per-file reading: see sources.h. File order is deterministic (natural
// sort), so the corpus is identical from run to run on the same packages.
#include "data/sources.h"

#include <fnmatch.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"
#include "data/clean.h"
#include "data/decompress.h"

namespace own {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_words(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; ++p) {
    if (*p == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& rel) {
  for (const std::string& p : patterns)
    if (fnmatch(p.c_str(), rel.c_str(), FNM_CASEFOLD) == 0) return true;
  return false;
}

// the last (highest-versioned) match of a path with '*' in it, or the path itself
std::string expand_glob(const std::string& pattern) {
  if (pattern.find('*') == std::string::npos) return pattern;
  glob_t g{};
  std::string result = pattern;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
    std::sort(found.begin(), found.end(), natural_less);
    result = found.back();
  }
  globfree(&g);
  return result;
}

// regular files under `root` (a file root is itself), filtered, in natural order
void list_files(SourcePlan& plan, const std::vector<std::string>& include, const std::vector<std::string>& exclude) {
  std::error_code ec;
  if (fs::is_regular_file(plan.root, ec)) {
    plan.files.push_back(plan.root);
  } else {
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(plan.root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;  // (follows file symlinks; fortune's *.u8 links are excluded by name)
      std::string full = it->path().string();
      std::string rel = full.substr(std::min(full.size(), plan.root.size() + (plan.root.back() == '/' ? 0 : 1)));
      if (!include.empty() && !matches_any(include, rel)) continue;
      if (matches_any(exclude, rel)) continue;
      found.push_back(full);
    }
    std::sort(found.begin(), found.end(), natural_less);
    plan.files = std::move(found);
  }
  for (const std::string& f : plan.files) plan.file_bytes.push_back(static_cast<int64_t>(fs::file_size(f, ec)));
}

bool has_suffix_ci(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && starts_with_ci(std::string_view(s).substr(s.size() - suffix.size()), suffix);
}

std::string dictd_index_path(const std::string& dict_path) {
  for (const char* ext : {".dict.dz", ".dict"})
    if (has_suffix_ci(dict_path, ext)) return dict_path.substr(0, dict_path.size() - std::string(ext).size()) + ".index";
  return dict_path + ".index";
}

// repairs and reports; returns the count
int64_t repair(std::string& text, const std::string& where, int* reports_left) {
  std::vector<int64_t> offsets;
  int64_t bad = utf8_repair(text, &offsets);
  if (bad > 0 && *reports_left > 0) {
    utf8_report(where, bad, offsets);
    --*reports_left;
  }
  return bad;
}

void emit_all(std::vector<std::string>&& docs, const DocEmit& emit) {
  for (std::string& d : docs) emit(std::move(d));
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = a[i] >= '0' && a[i] <= '9', db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && a[ie] >= '0' && a[ie] <= '9') ++ie;
      while (je < b.size() && b[je] >= '0' && b[je] <= '9') ++je;
      std::string_view na = std::string_view(a).substr(i, ie - i), nb = std::string_view(b).substr(j, je - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;
}

std::string find_node_modules() {
  if (const char* env = std::getenv("OWN_NODE_MODULES"); env && *env) return env;
  std::error_code ec;
  std::vector<fs::path> starts = {fs::current_path(ec)};
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  for (fs::path dir : starts) {
    while (!dir.empty()) {
      fs::path nm = dir / "node_modules";
      if (fs::is_directory(nm, ec)) return nm.string();
      if (dir == dir.root_path()) break;
      dir = dir.parent_path();
    }
  }
  return "";
}

SourcePlan plan_manifest_source(const SourceSpec& spec) {
  SourcePlan plan;
  plan.name = spec.name;
  plan.package = spec.package;
  plan.license = spec.license;
  plan.description = spec.description;
  plan.origin = spec.origin;
  plan.reader = spec.reader;
  plan.weight = spec.weight;
  if (spec.origin == Origin::npm) {
    std::string nm = find_node_modules();
    if (nm.empty()) {
      plan.missing = fmt::format("no node_modules directory found (for npm package {}); run scripts/setup.sh in the "
                                 "ownchat checkout, or set OWN_NODE_MODULES",
                                 spec.package);
      return plan;
    }
    plan.root = expand_glob((fs::path(nm) / spec.path).string());
    if (!fs::exists(plan.root)) {
      plan.missing = fmt::format("{} not found (npm package {}); run scripts/setup.sh", plan.root, spec.package);
      return plan;
    }
  } else {
    plan.root = expand_glob(spec.path);
    if (!fs::exists(plan.root)) {
      plan.missing = fmt::format("{} not found (Debian package {}); run scripts/setup.sh", plan.root, spec.package);
      if (plan.root.rfind("/usr/share/doc/", 0) == 0)
        plan.missing += "; if the package is installed, dpkg may be excluding /usr/share/doc (see /etc/dpkg/dpkg.cfg.d/)";
      return plan;
    }
  }
  list_files(plan, split_words(spec.include), split_words(spec.exclude));
  if (plan.files.empty())
    plan.missing = fmt::format("no matching files under {} (package {}); reinstall it with scripts/setup.sh", plan.root,
                               spec.package);
  return plan;
}

std::vector<SourcePlan> plan_sources(const std::vector<std::string>& specs) {
  std::vector<SourcePlan> plans;
  for (const std::string& s : specs) {
    if (s == "default") {
      for (const SourceSpec& spec : default_sources())
        if (spec.weight > 0) plans.push_back(plan_manifest_source(spec));
      continue;
    }
    std::error_code ec;
    SourcePlan plan;
    plan.name = s;
    plan.origin = Origin::user;
    plan.license = "user-provided";
    plan.root = s;
    if (fs::is_directory(s, ec)) {
      plan.reader = Reader::plain_text;
      plan.description = "a directory of .txt/.md files, one document per file";
      list_files(plan, {"*.txt", "*.md"}, {});
      if (plan.files.empty()) input_error("--sources {}: the directory holds no .txt or .md files", s);
    } else if (fs::is_regular_file(s, ec)) {
      if (has_suffix_ci(s, ".jsonl")) {
        plan.reader = Reader::jsonl;
        plan.description = "JSONL, one document per line from its \"text\" field";
      } else if (has_suffix_ci(s, ".txt") || has_suffix_ci(s, ".md")) {
        plan.reader = Reader::plain_text;
        plan.description = "one text file, one document";
      } else {
        input_error("--sources {}: unsupported file type; expected a .jsonl file (one {{\"text\": ...}} per line), a "
                    ".txt/.md file, a directory, or `default`",
                    s);
      }
      list_files(plan, {}, {});
    } else {
      input_error("--sources {}: no such file or directory; expected `default`, a directory of .txt/.md files, or a "
                  ".jsonl file",
                  s);
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

void read_source_file(const SourcePlan& plan, const std::string& path, const DocEmit& emit, int64_t* invalid_utf8,
                      int* reports_left) {
  switch (plan.reader) {
    case Reader::mail: {
      std::string text = mail_to_text(read_file(path));
      *invalid_utf8 += repair(text, path + " (decoded mail body)", reports_left);
      if (!text.empty()) emit(std::move(text));
      return;
    }
    case Reader::jsonl: {
      *invalid_utf8 += jsonl_documents(read_file(path), path, emit);
      return;
    }
    case Reader::kjv_bible: {
      std::string verses = kjv_decode(read_file(path), path);
      *invalid_utf8 += repair(verses, path + " (decompressed)", reports_left);
      emit_all(kjv_chapters(verses), emit);
      return;
    }
    case Reader::dictd_gcide:
    case Reader::dictd_devil:
    case Reader::dictd_foldoc: {
      std::string index_path = dictd_index_path(path);
      std::string index = read_file(index_path), dict = read_file_maybe_gzip(path);
      *invalid_utf8 += repair(index, index_path, reports_left);
      {  // report on the whole text, but repair entry by entry: the index counts raw bytes
        std::string copy = dict;
        *invalid_utf8 += repair(copy, path + " (decompressed)", reports_left);
      }
      for (std::string_view raw_entry : dictd_entries(index, dict, index_path)) {
        std::string entry(raw_entry);
        utf8_repair(entry);
        std::string doc = plan.reader == Reader::dictd_gcide  ? gcide_clean(entry)
                          : plan.reader == Reader::dictd_devil ? devil_clean(entry)
                                                               : foldoc_clean(entry);
        if (!doc.empty()) emit(std::move(doc));
      }
      return;
    }
    default:
      break;
  }
  std::string raw = read_file(path);
  bool gz = raw.size() >= 2 && static_cast<uint8_t>(raw[0]) == 0x1F && static_cast<uint8_t>(raw[1]) == 0x8B;
  std::string text = gz ? gunzip(raw, path) : std::move(raw);
  *invalid_utf8 += repair(text, gz ? path + " (decompressed)" : path, reports_left);
  switch (plan.reader) {
    case Reader::fortune: emit_all(fortune_documents(text), emit); break;
    case Reader::jargon: emit_all(jargon_documents(text), emit); break;
    case Reader::wordnet: emit_all(wordnet_documents(text), emit); break;
    case Reader::sphinx_html: emit(html_to_text(text, true)); break;
    case Reader::pod: emit(pod_to_text(text)); break;
    case Reader::stdlib_json: emit(stdlib_dataset_text(text, path)); break;
    case Reader::jokes_json: emit_all(joke_documents(text, path), emit); break;
    case Reader::brown: emit(brown_to_text(text)); break;
    case Reader::plain_text: emit(std::move(text)); break;
    default: OWN_CHECK(false, "reader {} has no file handler", reader_name(plan.reader));
  }
}

}  // namespace own
