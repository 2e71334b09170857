// The lexicon engine: compiles the tables of phrases.cpp and the npm lists into token
// tries, and matches them. Each top-level slot of a pattern is its own trie (cached by its text),
// so "@how @kill @person" costs |@how| + |@kill| + |@person| nodes, not their product. A pattern is
// tried only at the tokens its first slot can start with (an index by token id).
#include "moderation/lexicon.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <map>
#include <span>
#include <unordered_map>

#include "core/check.h"
#include "core/fileio.h"
#include "core/rng.h"
#include "data/sources.h"
#include "moderation/phrases.h"

namespace own {

namespace fs = std::filesystem;
using namespace modlex;

namespace {

constexpr const char* kMinorAge = "#minorage";  // stands for an age under 18 ("12" before "year old")

struct Node {
  int32_t first_edge = 0, n_edges = 0;  // this node's children: edges[first_edge, first_edge + n_edges)
  int32_t any = -1;                     // '*': any one token
  int32_t term = -1;                    // the term trie: index into terms
  bool terminal = false;
};

// A token trie, built by child()/any_child(), then frozen by finish() into one sorted edge array
// (matching is memory-latency bound: one contiguous block per trie).
struct Trie {
  using Edge = std::pair<int32_t, int32_t>;  // (token id, node)
  std::vector<Node> nodes{1};                // 0: root
  std::vector<Edge> edges;                   // after finish()
  std::vector<std::vector<Edge>> building{1};

  int32_t child(int32_t n, int32_t tok) {
    for (const auto& [t, c] : building[n])
      if (t == tok) return c;
    const int32_t c = static_cast<int32_t>(nodes.size());
    building[n].emplace_back(tok, c);
    nodes.emplace_back();
    building.emplace_back();
    return c;
  }
  int32_t any_child(int32_t n) {
    if (nodes[n].any < 0) {
      nodes[n].any = static_cast<int32_t>(nodes.size());
      nodes.emplace_back();
      building.emplace_back();
    }
    return nodes[n].any;
  }
  void finish() {
    for (size_t n = 0; n < nodes.size(); n++) {
      std::sort(building[n].begin(), building[n].end());
      nodes[n].first_edge = static_cast<int32_t>(edges.size());
      nodes[n].n_edges = static_cast<int32_t>(building[n].size());
      edges.insert(edges.end(), building[n].begin(), building[n].end());
    }
    building = {};
  }
  std::span<const Edge> children(int32_t n) const {
    const Node& nd = nodes[n];
    return {edges.data() + nd.first_edge, static_cast<size_t>(nd.n_edges)};
  }
  int32_t find(int32_t n, int32_t tok) const {
    const std::span<const Edge> v = children(n);
    auto it = std::lower_bound(v.begin(), v.end(), Edge(tok, INT32_MIN));
    return it != v.end() && it->first == tok ? it->second : -1;
  }
};

// Top-level pieces of a pattern: split on spaces outside parentheses (a "(...)" group is one piece).
std::vector<std::string_view> split_slots(std::string_view s, std::string_view where) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    if (i >= s.size()) break;
    size_t j = i;
    int depth = 0;
    while (j < s.size() && (depth > 0 || s[j] != ' ')) {
      if (s[j] == '(') depth++;
      if (s[j] == ')') depth--;
      OWN_CHECK(depth >= 0, "unbalanced ')' in moderation pattern \"{}\"", where);
      j++;
    }
    OWN_CHECK(depth == 0, "unbalanced '(' in moderation pattern \"{}\"", where);
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Split on `sep` outside parentheses
std::vector<std::string_view> split_top(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); i++) {
    if (i == s.size() || (s[i] == sep && depth == 0)) {
      std::string_view part = s.substr(start, i - start);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      out.push_back(part);
      start = i + 1;
    } else if (s[i] == '(') {
      depth++;
    } else if (s[i] == ')') {
      depth--;
    }
  }
  return out;
}

void sort_unique(std::vector<int32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "12" -> 12; -1 when not a small number
int small_number(std::string_view s) {
  if (s.empty() || s.size() > 2 || !all_digits(s)) return -1;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

struct ModerationLexicon::Impl {
  struct Term {
    std::string text;
    TermKind kind;
    float score;
  };
  struct Pattern {
    std::vector<int32_t> slots;     // indices into slot_tries
    std::vector<int32_t> required;  // slots that must start at some token of the text (not optional)
    bool how_first = false;         // starts with @how (samples() leaves it out)
    Score out[3];
    const char* text;
  };

  std::unordered_map<std::string, int32_t> vocab;
  std::unordered_map<std::string, std::vector<std::string>> macros;  // name -> sequences
  std::vector<Trie> slot_tries;
  std::map<std::string, int32_t, std::less<>> slot_cache;
  std::vector<Pattern> patterns;
  // token id -> the patterns that can start there, grouped by first slot (tried once for the group)
  struct FirstSlot {
    int32_t slot;
    std::vector<int32_t> patterns;
  };
  std::vector<std::vector<FirstSlot>> by_first;
  std::vector<std::vector<int32_t>> slots_by_token;  // token id -> slots whose first token it can be
  Trie terms_trie;
  std::vector<Term> terms;
  int64_t npm_terms = 0;
  std::string npm_missing;

  int32_t token_id(std::string_view w) {
    auto it = vocab.find(std::string(w));
    if (it != vocab.end()) return it->second;
    const int32_t id = static_cast<int32_t>(vocab.size());
    vocab.emplace(std::string(w), id);
    return id;
  }

  // ---- compiling ----
  std::vector<int32_t> insert_seq(Trie& t, std::vector<int32_t> nodes, std::string_view seq, std::string_view where,
                                  int depth) {
    OWN_CHECK(depth < 12, "moderation macro recursion too deep in \"{}\"", where);
    for (std::string_view slot : split_slots(seq, where)) nodes = insert_slot(t, nodes, slot, where, depth);
    return nodes;
  }

  std::vector<int32_t> insert_slot(Trie& t, const std::vector<int32_t>& nodes, std::string_view slot,
                                   std::string_view where, int depth) {
    std::vector<int32_t> out;
    if (slot.front() == '(') {
      OWN_CHECK(slot.back() == ')', "moderation pattern group \"{}\" in \"{}\"", slot, where);
      for (std::string_view alt : split_top(slot.substr(1, slot.size() - 2), '|')) {
        OWN_CHECK(!alt.empty(), "empty alternative in \"{}\" (use '-' for nothing)", where);
        std::vector<int32_t> r = insert_seq(t, nodes, alt, where, depth + 1);
        out.insert(out.end(), r.begin(), r.end());
      }
    } else {
      for (std::string_view alt : split_top(slot, '|')) {
        std::vector<int32_t> r = insert_atom(t, nodes, alt, where, depth);
        out.insert(out.end(), r.begin(), r.end());
      }
    }
    sort_unique(out);
    return out;
  }

  std::vector<int32_t> insert_atom(Trie& t, const std::vector<int32_t>& nodes, std::string_view atom,
                                   std::string_view where, int depth) {
    OWN_CHECK(!atom.empty(), "empty alternative in moderation pattern \"{}\"", where);
    std::vector<int32_t> out;
    if (atom == "-") return nodes;
    if (atom.front() == '(') return insert_slot(t, nodes, atom, where, depth + 1);  // "a|(b c)"
    if (atom == "*") {
      for (int32_t n : nodes) out.push_back(t.any_child(n));
      return out;
    }
    if (atom.front() == '@') {
      auto it = macros.find(std::string(atom));
      OWN_CHECK(it != macros.end(), "unknown moderation macro {} in \"{}\"", atom, where);
      for (const std::string& seq : it->second) {
        std::vector<int32_t> r = insert_seq(t, nodes, seq, where, depth + 1);
        out.insert(out.end(), r.begin(), r.end());
      }
      return out;
    }
    if (atom != kMinorAge) {
      std::vector<std::string> toks = moderation_tokens(atom);
      OWN_CHECK(toks.size() == 1 && toks[0] == atom,
                "moderation pattern word \"{}\" in \"{}\" is not one lowercase token", atom, where);
    }
    const int32_t id = token_id(atom);
    for (int32_t n : nodes) out.push_back(t.child(n, id));
    return out;
  }

  int32_t compile_slot(std::string_view slot, std::string_view where) {
    auto it = slot_cache.find(slot);
    if (it != slot_cache.end()) return it->second;
    Trie t;
    for (int32_t n : insert_slot(t, {0}, slot, where, 0)) t.nodes[n].terminal = true;
    t.finish();
    const int32_t id = static_cast<int32_t>(slot_tries.size());
    slot_tries.push_back(std::move(t));
    slot_cache.emplace(std::string(slot), id);
    return id;
  }

  void add_pattern(const Phrase& p) {
    Pattern pat;
    pat.text = p.pattern;
    pat.out[0] = p.s0;
    pat.out[1] = p.s1;
    pat.out[2] = p.s2;
    for (std::string_view slot : split_slots(p.pattern, p.pattern)) pat.slots.push_back(compile_slot(slot, p.pattern));
    pat.how_first = std::string_view(p.pattern).starts_with("@how ");
    OWN_CHECK(!pat.slots.empty(), "empty moderation pattern");
    const Node& root = slot_tries[pat.slots[0]].nodes[0];
    OWN_CHECK(!root.terminal && root.any < 0, "moderation pattern \"{}\" must start with a word, not '-' or '*'",
              p.pattern);
    patterns.push_back(std::move(pat));
  }

  void add_term(const std::string& text, const TermTag& tag) {
    std::vector<std::string> toks = moderation_tokens(text);
    if (toks.empty()) return;
    int32_t n = 0;
    for (const std::string& w : toks) n = terms_trie.child(n, token_id(w));
    if (terms_trie.nodes[n].term >= 0) return;  // the same words twice (both lists): keep the first
    terms_trie.nodes[n].term = static_cast<int32_t>(terms.size());
    terms.push_back({text, tag.kind, tag.score});
  }

  // Reads both npm lists; returns their terms (empty with npm_missing set when not installed).
  std::vector<std::string> read_npm_terms() {
    const std::string nm = find_node_modules();
    if (nm.empty()) {
      npm_missing = "no node_modules directory found; run `npm ci` in the ownchat checkout or set OWN_NODE_MODULES";
      return {};
    }
    std::vector<std::string> out;
    std::vector<std::string> missing;
    auto parse_array = [&](const fs::path& path, bool js) {
      std::error_code ec;
      if (!fs::exists(path, ec)) {
        missing.push_back(path.string());
        return;
      }
      std::string text = read_file(path.string());
      if (js) {  // module.exports = [...];
        const size_t a = text.find('['), b = text.rfind(']');
        text = a == std::string::npos || b == std::string::npos || b < a ? "" : text.substr(a, b - a + 1);
      }
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_array()) {
        missing.push_back(path.string() + " (not a JSON array of words)");
        return;
      }
      for (const auto& w : j)
        if (w.is_string()) out.push_back(w.get<std::string>());
    };
    parse_array(fs::path(nm) / "naughty-words" / "en.json", false);
    parse_array(fs::path(nm) / "badwords-list" / "lib" / "array.js", true);
    if (!missing.empty()) {
      npm_missing = "missing or unreadable:";
      for (const std::string& m : missing) npm_missing += " " + m;
      npm_missing += "; run `npm ci` in the ownchat checkout";
    }
    return out;
  }

  void build() {
    for (const Macro& m : lexicon_macros()) {
      std::vector<std::string> seqs;
      for (std::string_view s : split_top(m.sequences, ',')) seqs.emplace_back(s);
      OWN_CHECK(macros.emplace(m.name, std::move(seqs)).second, "moderation macro {} defined twice", m.name);
    }
    std::map<std::string, TermTag, std::less<>> tags;
    for (const TermTag& t : lexicon_term_tags()) tags.emplace(t.term, t);
    std::vector<std::string> npm_insults;
    for (const std::string& raw : read_npm_terms()) {
      std::string lower = raw;
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      auto it = tags.find(lower);
      const TermTag tag = it != tags.end() ? it->second : default_term_tag(lower);
      if (tag.kind == TermKind::ignore) continue;
      add_term(lower, tag);
      npm_terms++;
      const bool insult = tag.kind == TermKind::insult || tag.kind == TermKind::profanity ||
                          tag.kind == TermKind::slur || tag.kind == TermKind::ableist;
      std::vector<std::string> toks = moderation_tokens(lower);
      if (insult && !toks.empty()) {
        std::string seq;
        for (const std::string& w : toks) seq += (seq.empty() ? "" : " ") + w;
        npm_insults.push_back(seq);
      }
    }
    if (npm_insults.empty()) npm_insults.push_back("bitch");  // keeps @npm_insult defined without the lists
    macros["@npm_insult"] = std::move(npm_insults);
    terms_trie.finish();
    for (const Phrase& p : lexicon_phrases()) add_pattern(p);
    slots_by_token.assign(vocab.size(), {});
    for (size_t k = 0; k < slot_tries.size(); k++)
      for (const auto& [tok, node] : slot_tries[k].children(0))
        slots_by_token[tok].push_back(static_cast<int32_t>(k));
    for (Pattern& p : patterns)
      for (int32_t k : p.slots) {
        const Node& root = slot_tries[k].nodes[0];
        if (!root.terminal && root.any < 0 && std::find(p.required.begin(), p.required.end(), k) == p.required.end())
          p.required.push_back(k);
      }
    by_first.assign(vocab.size(), {});
    for (size_t i = 0; i < patterns.size(); i++) {
      if (patterns[i].out[0].cat == kBenign) continue;  // training phrases only
      const int32_t first = patterns[i].slots[0];
      for (const auto& [tok, node] : slot_tries[first].children(0)) {
        std::vector<FirstSlot>& groups = by_first[tok];
        auto g = std::find_if(groups.begin(), groups.end(), [&](const FirstSlot& f) { return f.slot == first; });
        if (g == groups.end()) g = groups.insert(groups.end(), FirstSlot{first, {}});
        g->patterns.push_back(static_cast<int32_t>(i));
      }
    }
  }

  // ---- matching ----
  std::vector<int32_t> ids_of(const std::vector<std::string>& tokens) const {
    std::vector<int32_t> ids(tokens.size(), -1);
    auto minor_age = vocab.find(kMinorAge);
    for (size_t i = 0; i < tokens.size(); i++) {
      const std::string& w = tokens[i];
      const int n = small_number(w);
      if (n >= 0 && n < 18 && i + 1 < tokens.size()) {
        const std::string& nx = tokens[i + 1];
        if (nx == "year" || nx == "years" || nx == "yr" || nx == "yrs" || nx == "yo" || nx == "y" ||
            nx == "month" || nx == "months") {
          ids[i] = minor_age->second;
          continue;
        }
      }
      if (w.size() >= 3 && w.size() <= 5 && (w.ends_with("yo") || w.ends_with("yr") || w.ends_with("yrs"))) {
        const size_t digits = static_cast<size_t>(std::find_if(w.begin(), w.end(), [](char c) {
                                                    return c < '0' || c > '9';
                                                  }) - w.begin());
        const int m = small_number(std::string_view(w).substr(0, digits));
        if (digits > 0 && m >= 0 && m < 18) {
          ids[i] = minor_age->second;
          continue;
        }
      }
      auto it = vocab.find(w);
      if (it != vocab.end()) ids[i] = it->second;
    }
    return ids;
  }

  // Marks in *ends (bit e-base) every end position e at which trie t matches from `pos`, for ends
  // below base + 64 (no pattern spans 64 tokens).
  static void walk(const Trie& t, int32_t node, const std::vector<int32_t>& ids, int32_t pos, int32_t base,
                   uint64_t* ends) {
    const Node& nd = t.nodes[node];
    if (pos - base >= 64) return;
    if (nd.terminal) *ends |= uint64_t{1} << (pos - base);
    if (pos >= static_cast<int32_t>(ids.size())) return;
    const int32_t tok = ids[pos];
    if (tok >= 0) {
      const int32_t c = t.find(node, tok);
      if (c >= 0) walk(t, c, ids, pos + 1, base, ends);
    }
    if (nd.any >= 0) walk(t, nd.any, ids, pos + 1, base, ends);
  }

  // Per-call scratch: the ends of a slot trie from a position, remembered for the latest position of
  // each slot (patterns share slots: dozens start with @how or @person).
  struct Memo {
    std::vector<int32_t> pos;
    std::vector<uint64_t> ends;
    explicit Memo(size_t slots) : pos(slots, -1), ends(slots, 0) {}
  };

  uint64_t ends_of(int32_t slot, const std::vector<int32_t>& ids, int32_t pos, Memo& memo) const {
    const size_t k = static_cast<size_t>(slot);
    if (memo.pos[k] == pos) return memo.ends[k];
    uint64_t e = 0;
    walk(slot_tries[k], 0, ids, pos, pos, &e);
    memo.pos[k] = pos;
    memo.ends[k] = e;
    return e;
  }

  // The furthest end of pattern p matched from `start`, or -1: slot by slot, the set of positions
  // reachable so far (a bitmask from start), so optional slots ("*|- *|-") never multiply paths.
  int32_t match(const Pattern& p, const std::vector<int32_t>& ids, int32_t start, Memo& memo) const {
    uint64_t at = 1;  // bit 0: start
    for (int32_t slot : p.slots) {
      uint64_t next = 0;
      for (uint64_t m = at; m != 0; m &= m - 1) {
        const int off = std::countr_zero(m);
        next |= ends_of(slot, ids, start + off, memo) << off;  // bits past 63: spans we do not match
      }
      if (next == 0) return -1;
      at = next;
    }
    return start + 63 - std::countl_zero(at);
  }

  // One scan's scratch (local to the call, so scans run concurrently)
  struct Scan {
    struct Guard {
      int32_t begin, end;
      bool harassment_only;
    };
    std::vector<int32_t> ids;
    std::vector<Guard> guards;
    bool clear_violence = false;
    std::vector<Hit> raw;
    std::vector<int32_t> last_end;  // pattern -> end of its last match: no re-match inside it
    Memo memo;
    std::vector<uint8_t> slot_possible;  // some token of the text can start this slot
    Scan(std::vector<int32_t> ids_, size_t n_patterns, size_t n_slots)
        : ids(std::move(ids_)), last_end(n_patterns, 0), memo(n_slots), slot_possible(n_slots, 0) {}
  };

  // A pattern can match only if each of its required slots can start at some token of the text:
  // most patterns fail this cheap test on ordinary text and are never walked.
  bool possible(const Scan& sc, const Pattern& p) const {
    for (int32_t k : p.required)
      if (!sc.slot_possible[k]) return false;
    return true;
  }

  // npm terms starting at token i
  void scan_terms(Scan& sc, int32_t i) const {
    int32_t node = 0;
    for (size_t j = static_cast<size_t>(i); j < sc.ids.size() && sc.ids[j] >= 0; j++) {
      node = terms_trie.find(node, sc.ids[j]);
      if (node < 0) return;
      const int32_t ti = terms_trie.nodes[node].term;
      if (ti < 0) continue;
      const Term& term = terms[ti];
      const int32_t end = static_cast<int32_t>(j) + 1;
      auto add = [&](ModCategory c) { sc.raw.push_back({static_cast<int8_t>(c), term.score, i, end, term.text}); };
      switch (term.kind) {
        case TermKind::sexual:
        case TermKind::insult: add(ModCategory::sexual); break;
        case TermKind::slur:
        case TermKind::hate: add(ModCategory::hate); break;
        case TermKind::ableist: add(ModCategory::harassment); break;
        case TermKind::minor:
          add(ModCategory::sexual_minors);
          add(ModCategory::sexual);
          break;
        case TermKind::profanity:
        case TermKind::ignore: break;
      }
    }
  }

  // patterns starting at token i (whose first token is tok)
  void scan_patterns(Scan& sc, int32_t i, int32_t tok) const {
    if (static_cast<size_t>(tok) >= by_first.size()) return;
    for (const FirstSlot& group : by_first[tok]) {
      bool walked = false;
      for (int32_t pi : group.patterns) {
        if (i < sc.last_end[pi]) continue;
        const Pattern& p = patterns[pi];
        if (!possible(sc, p)) continue;
        if (!walked && ends_of(group.slot, sc.ids, i, sc.memo) == 0) break;  // the whole group fails here
        walked = true;
        const int32_t end = match(p, sc.ids, i, sc.memo);
        if (end <= i) continue;
        sc.last_end[pi] = end;
        for (const Score& s : p.out) {
          if (s.cat == kGuard || s.cat == kGuardHarassment)
            sc.guards.push_back({i, end, s.cat == kGuardHarassment});
          else if (s.cat == kGuardViolence)
            sc.clear_violence = true;
          else if (s.cat != kNone)
            sc.raw.push_back({s.cat, s.value, i, end, p.text});
        }
      }
    }
  }

  // hits that no guard drops
  void collect(const std::vector<std::string>& tokens, std::vector<Hit>& hits) const {
    Scan sc(ids_of(tokens), patterns.size(), slot_tries.size());
    std::vector<uint8_t> seen(vocab.size(), 0);
    for (int32_t tok : sc.ids)
      if (tok >= 0 && !seen[tok]) {
        seen[tok] = 1;
        for (int32_t k : slots_by_token[tok]) sc.slot_possible[k] = 1;
      }
    for (int32_t i = 0; i < static_cast<int32_t>(sc.ids.size()); i++) {
      const int32_t tok = sc.ids[i];
      if (tok < 0) continue;
      scan_terms(sc, i);
      scan_patterns(sc, i, tok);
    }
    auto is = [](const Hit& h, ModCategory c) { return h.category == static_cast<int8_t>(c); };
    for (const Hit& h : sc.raw) {
      const bool harassment = is(h, ModCategory::harassment) || is(h, ModCategory::harassment_threatening);
      bool guarded = sc.clear_violence && (is(h, ModCategory::violence) || is(h, ModCategory::violence_graphic) ||
                                           is(h, ModCategory::illicit_violent) || is(h, ModCategory::illicit));
      for (const Scan::Guard& g : sc.guards)
        if (h.begin < g.end && g.begin < h.end && (!g.harassment_only || harassment)) guarded = true;
      if (!guarded) hits.push_back(h);
    }
  }
};

std::vector<ModerationLexicon::Sample> ModerationLexicon::samples(uint64_t seed, int64_t per_pattern) const {
  const Impl& im = *impl_;
  std::vector<std::string> words(im.vocab.size());
  for (const auto& [w, id] : im.vocab) words[id] = w;
  static const char* const kFillers[] = {"the", "old", "new", "little", "big", "whole", "very", "really", "some", "other"};
  Rng rng(seed ^ 0x6c6578ull);
  std::vector<Sample> out;
  for (const Impl::Pattern& p : im.patterns) {
    Sample proto;
    bool guard = false, positive = false;
    for (const Score& sc : p.out) {
      if (sc.cat == kGuard || sc.cat == kGuardViolence || sc.cat == kBenign) guard = true;
      if (sc.cat == kGuardHarassment) continue;
      if (sc.cat >= 0 && sc.value >= 0.5f) {
        proto.scores[sc.cat] = sc.value;
        positive = true;
      }
    }
    if (!guard && !positive) continue;
    const int64_t n = guard ? 3 * per_pattern : per_pattern;  // guards are long lists of look-alikes
    for (int64_t k = 0; k < n; k++) {
      std::string text;
      for (size_t si = 0; si < p.slots.size(); si++) {
        const int32_t slot = p.slots[si];
        // "how do I ..." is the form of a request, not its harm: leave it out so that the
        // classifier does not learn "how" as a signal (templates and chat prompts teach the form)
        if (si == 0 && p.slots.size() > 1 && p.how_first) continue;
        const Trie& t = im.slot_tries[slot];
        int32_t n = 0;
        while (true) {  // a random path to a terminal: stop, follow a word, or take '*'
          const Node& nd = t.nodes[n];
          const std::span<const Trie::Edge> next = t.children(n);
          const uint64_t options = next.size() + (nd.any >= 0 ? 1 : 0) + (nd.terminal ? 1 : 0);
          if (options == 0) break;
          uint64_t r = rng.below(options);
          if (nd.terminal && r == options - 1) break;
          std::string w;
          if (r < next.size()) {
            w = words[next[r].first];
            n = next[r].second;
          } else {
            w = kFillers[rng.below(std::size(kFillers))];
            n = nd.any;
          }
          if (w == kMinorAge) w = std::to_string(8 + rng.below(9));
          text += (text.empty() ? "" : " ") + w;
        }
      }
      if (!text.empty()) out.push_back({text, guard ? ModScores{} : proto.scores});
    }
  }
  return out;
}

ModerationLexicon::ModerationLexicon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModerationLexicon::~ModerationLexicon() = default;

std::shared_ptr<const ModerationLexicon> ModerationLexicon::get() {
  static const std::shared_ptr<const ModerationLexicon> lexicon = [] {
    auto impl = std::make_unique<Impl>();
    impl->token_id(kMinorAge);
    impl->build();
    return std::shared_ptr<const ModerationLexicon>(new ModerationLexicon(std::move(impl)));
  }();
  return lexicon;
}

std::vector<ModerationLexicon::Hit> ModerationLexicon::hits(const std::vector<std::string>& tokens) const {
  std::vector<Hit> all;
  impl_->collect(tokens, all);
  // a minor mentioned anywhere + a clearly sexual hit: a weak sexual/minors signal
  bool minor = false;
  float sexual = 0;
  std::vector<Hit> out;
  int gore = 0;
  for (const Hit& h : all) {
    if (h.category == kMinor) {
      minor = true;
      continue;
    }
    if (h.category == static_cast<int8_t>(ModCategory::sexual)) sexual = std::max(sexual, h.score);
    if (h.category == static_cast<int8_t>(ModCategory::violence_graphic)) gore++;
    out.push_back(h);
  }
  if (minor && sexual >= 0.6f)
    out.push_back({static_cast<int8_t>(ModCategory::sexual_minors), 0.45f, 0, static_cast<int32_t>(tokens.size()),
                   "a minor and sexual content in one text"});
  if (gore >= 2)  // several gore words together read as a graphic description
    out.push_back({static_cast<int8_t>(ModCategory::violence_graphic), 0.75f, 0, static_cast<int32_t>(tokens.size()),
                   "several graphic-violence terms"});
  return out;
}

ModScores ModerationLexicon::scores(const std::vector<std::string>& tokens) const {
  ModScores s{};
  for (const Hit& h : hits(tokens)) {
    float& v = s[h.category];
    v = std::max(v, h.score);
  }
  return s;
}

int64_t ModerationLexicon::npm_terms() const { return impl_->npm_terms; }
const std::string& ModerationLexicon::npm_missing() const { return impl_->npm_missing; }

}  // namespace own
