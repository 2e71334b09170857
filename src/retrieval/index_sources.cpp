// See index_sources.h. Default sources reuse the corpus readers (data/), so the index and the
// pretraining text agree on what an entry is; titles are the entries' headwords. HTML goes through
// the HTML5 parser (html_page.h), the Python docs included, so sections become passages.
#include "retrieval/index_sources.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"
#include "core/utf8.h"
#include "data/clean.h"
#include "data/decompress.h"
#include "data/manifest.h"
#include "data/readers.h"
#include "data/sources.h"
#include "retrieval/html_page.h"

namespace own {

namespace fs = std::filesystem;

namespace {

enum Kind { kind_entries, kind_perlfaq, kind_sphinx, kind_text, kind_markdown, kind_html, kind_jsonl };

// the user file kinds, by extension; -1 when unsupported
int user_kind(const fs::path& p) {
  std::string ext = ascii_lower(p.extension().string());
  if (ext == ".txt") return kind_text;
  if (ext == ".md" || ext == ".markdown") return kind_markdown;
  if (ext == ".html" || ext == ".htm") return kind_html;
  if (ext == ".jsonl") return kind_jsonl;
  return -1;
}

int64_t size_of(const std::string& path) {
  std::error_code ec;
  auto n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

IndexFile user_file(const fs::path& path, int kind) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path), ec);
  std::string key = (ec ? fs::absolute(path) : abs).string();
  return IndexFile{key, key, {key}, size_of(key), kind};
}

// the reference sources among `names`, in manifest order
void plan_default(std::vector<IndexFile>& files, const std::vector<std::string>& names) {
  for (const SourceSpec& spec : default_sources()) {
    if (std::find(names.begin(), names.end(), spec.name) == names.end()) continue;
    SourcePlan plan = plan_manifest_source(spec);
    if (!plan.missing.empty()) {
      std::fprintf(stderr, "index: skipping %s: %s\n", spec.name, plan.missing.c_str());
      continue;
    }
    IndexFile f{spec.name, spec.name, {}, 0, kind_entries};
    if (spec.reader == Reader::pod) f.kind = kind_perlfaq;
    if (spec.reader == Reader::sphinx_html) f.kind = kind_sphinx;
    for (size_t i = 0; i < plan.files.size(); ++i) {
      if (f.kind == kind_perlfaq && fs::path(plan.files[i]).filename().string().rfind("perlfaq", 0) != 0) continue;
      f.paths.push_back(plan.files[i]);
      f.bytes += plan.file_bytes[i];
    }
    files.push_back(std::move(f));
  }
}

void plan_directory(const fs::path& dir, std::vector<IndexFile>& files) {
  std::vector<fs::path> found;
  int64_t skipped = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (user_kind(it->path()) < 0) {
      ++skipped;
      continue;
    }
    found.push_back(it->path());
  }
  if (ec) input_error("{}: cannot list the folder: {}", dir.string(), ec.message());
  if (found.empty())
    input_error("{}: the folder holds no .txt, .md, .html or .jsonl files ({} other files)", dir.string(), skipped);
  if (skipped > 0)
    std::fprintf(stderr, "index: %s: %lld files of other types skipped (indexed: .txt .md .html .jsonl)\n",
                 dir.string().c_str(), static_cast<long long>(skipped));
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) { return natural_less(a, b); });
  for (const fs::path& p : found) files.push_back(user_file(p, user_kind(p)));
}

// A file's text, gunzipped if need be, with invalid UTF-8 replaced and reported (file, offset).
std::string read_text(const std::string& path) {
  std::string raw = read_file(path);
  bool gz = raw.size() >= 2 && static_cast<uint8_t>(raw[0]) == 0x1F && static_cast<uint8_t>(raw[1]) == 0x8B;
  std::string text = gz ? gunzip(raw, path) : std::move(raw);
  std::vector<int64_t> offsets;
  if (int64_t bad = utf8_repair(text, &offsets); bad > 0) utf8_report(path, bad, offsets);
  return text;
}

// A dictionary entry's headword: its first line up to a comma or " (" ("abaxial, dorsal (adjective)"
// keeps both words for WordNet, whose synonyms are the title), without a trailing part of speech.
std::string headword(const std::string& source, std::string_view entry) {
  std::string_view line = entry.substr(0, entry.find('\n'));
  size_t cut = line.find(" (");
  if (source != "wordnet") cut = std::min(cut, line.find(", "));
  if (source == "devils-dictionary" || source == "jargon") cut = std::min(cut, line.find(','));
  line = line.substr(0, std::min(cut, line.size()));
  // "1-hitter n." "Abandon v. t.": drop trailing abbreviations (short words ending in '.')
  while (true) {
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos) break;
    std::string_view last = line.substr(sp + 1);
    if (last.size() > 5 || last.empty() || last.back() != '.') break;
    line = line.substr(0, sp);
  }
  return std::string(line);  // the splitter cuts titles to length
}

void read_entries(const IndexFile& f, const PassageSplitter& splitter, std::vector<Passage>& out, int64_t& pos) {
  SourceSpec spec{};
  for (const SourceSpec& s : default_sources())
    if (f.source == s.name) spec = s;
  SourcePlan plan = plan_manifest_source(spec);  // the reader's settings; the files are f.paths
  int64_t invalid = 0;
  int reports = 4;
  auto emit_entry = [&](std::string&& entry) {
    splitter.split(f.source, headword(f.source, entry), entry, &pos, [&](Passage&& p) { out.push_back(std::move(p)); });
  };
  for (const std::string& path : f.paths) read_source_file(plan, path, emit_entry, &invalid, &reports);
}

// perlfaq: one passage group per question (=head2), the heading as title
void read_perlfaq(const IndexFile& f, const std::string& path, const PassageSplitter& splitter,
                  std::vector<Passage>& out, int64_t& pos) {
  std::string pod = read_text(path);
  std::vector<std::string_view> chunks;
  size_t start = 0;
  for (size_t at = 0; (at = pod.find("\n=head", at)) != std::string::npos; ++at) {
    chunks.push_back(std::string_view(pod).substr(start, at + 1 - start));
    start = at + 1;
  }
  chunks.push_back(std::string_view(pod).substr(start));
  std::string page = fs::path(path).stem().string();
  for (std::string_view chunk : chunks) {
    std::string text = pod_to_text(chunk);
    if (text.empty()) continue;
    std::string title = chunk.rfind("=head", 0) == 0 ? text.substr(0, text.find('\n')) : page;
    splitter.split(f.source, title, text, &pos, [&](Passage&& p) { out.push_back(std::move(p)); });
  }
}

void read_html(const IndexFile& f, const std::string& path, bool sphinx, const PassageSplitter& splitter,
               std::vector<Passage>& out, int64_t& pos) {
  HtmlPage page;
  try {
    page = parse_html_page(read_text(path), sphinx);
  } catch (const InputError& e) {
    input_error("{}: {}", path, e.what());
  }
  std::string fallback = page.title.empty() ? fs::path(path).stem().string() : page.title;
  for (const HtmlSection& s : page.sections)
    splitter.split(f.source, s.heading.empty() ? fallback : s.heading, s.text, &pos,
                   [&](Passage&& p) { out.push_back(std::move(p)); });
}

// Markdown: a section per ATX heading ("# ..." to "###### ..."), outside fenced code blocks
void read_markdown(const IndexFile& f, const std::string& path, const PassageSplitter& splitter,
                   std::vector<Passage>& out, int64_t& pos) {
  std::string text = read_text(path);
  std::string title = fs::path(path).stem().string(), body;
  bool fenced = false;
  auto flush = [&] {
    splitter.split(f.source, title, body, &pos, [&](Passage&& p) { out.push_back(std::move(p)); });
    body.clear();
  };
  for (std::string_view line : split_lines(text)) {
    if (line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0) fenced = !fenced;
    size_t hashes = line.find_first_not_of('#');
    if (!fenced && hashes >= 1 && hashes <= 6 && hashes < line.size() && line[hashes] == ' ') {
      flush();
      std::string_view h = line.substr(hashes + 1);
      while (!h.empty() && (h.back() == '#' || h.back() == ' ')) h.remove_suffix(1);
      if (!h.empty()) title = std::string(h);
      continue;
    }
    body.append(line).push_back('\n');
  }
  flush();
}

// JSONL: one passage group per line, {"text": string, "title": optional string}
void read_jsonl(const IndexFile& f, const std::string& path, const PassageSplitter& splitter,
                std::vector<Passage>& out, int64_t& pos) {
  std::string text = read_text(path);
  int64_t line_no = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      input_error("{}:{}: not a JSON object (expected {{\"text\": ..., \"title\": ...}})", path, line_no);
    auto t = j.find("text");
    if (t == j.end() || !t->is_string())
      input_error("{}:{}: field \"text\" is missing or not a string", path, line_no);
    std::string title = fmt::format("{} line {}", fs::path(path).filename().string(), line_no);
    if (auto ti = j.find("title"); ti != j.end()) {
      if (!ti->is_string()) input_error("{}:{}: field \"title\" is not a string", path, line_no);
      title = ti->get<std::string>();
    }
    splitter.split(f.source, title, t->get<std::string>(), &pos, [&](Passage&& p) { out.push_back(std::move(p)); });
  }
}

}  // namespace

const std::vector<std::string>& reference_source_names() {
  static const std::vector<std::string> names = {"wordnet",  "gcide",     "devils-dictionary", "jargon",
                                                 "foldoc",   "perl-docs", "python-docs"};
  return names;
}

std::vector<IndexFile> plan_index_files(const std::vector<std::string>& specs) {
  std::vector<IndexFile> files;
  for (const std::string& spec : specs) {
    std::error_code ec;
    const auto& names = reference_source_names();
    if (spec == "default") {
      plan_default(files, names);
    } else if (!fs::exists(spec, ec) && std::find(names.begin(), names.end(), spec) != names.end()) {
      plan_default(files, {spec});
    } else if (fs::is_directory(spec, ec)) {
      plan_directory(spec, files);
    } else if (fs::is_regular_file(spec, ec)) {
      int kind = user_kind(spec);
      if (kind < 0)
        input_error("{}: unsupported file type {}; the index takes .txt, .md, .html/.htm and .jsonl files",
                    spec, fs::path(spec).extension().string().empty() ? "(no extension)" : fs::path(spec).extension().string());
      files.push_back(user_file(spec, kind));
    } else {
      input_error("{}: no such file or folder (expected `default`, a reference source ({}), a file or a folder)", spec,
                  fmt::join(names, ", "));
    }
  }
  return files;
}

std::vector<Passage> read_index_file(const IndexFile& f, const PassageSplitter& splitter) {
  std::vector<Passage> out;
  int64_t pos = 0;
  switch (f.kind) {
    case kind_entries: read_entries(f, splitter, out, pos); break;
    case kind_perlfaq:
      for (const std::string& p : f.paths) read_perlfaq(f, p, splitter, out, pos);
      break;
    case kind_sphinx:
      for (const std::string& p : f.paths) read_html(f, p, true, splitter, out, pos);
      break;
    case kind_html: read_html(f, f.paths[0], false, splitter, out, pos); break;
    case kind_markdown: read_markdown(f, f.paths[0], splitter, out, pos); break;
    case kind_jsonl: read_jsonl(f, f.paths[0], splitter, out, pos); break;
    case kind_text: {
      std::string text = read_text(f.paths[0]);
      splitter.split(f.source, fs::path(f.paths[0]).stem().string(), text, &pos,
                     [&](Passage&& p) { out.push_back(std::move(p)); });
      break;
    }
    default: OWN_CHECK(false, "unknown index file kind {}", f.kind);
  }
  return out;
}

}  // namespace own
