// See grounded_synth.h.
#include "retrieval/grounded_synth.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/check.h"
#include "core/rng.h"
#include "data/clean.h"
#include "data/rule_judges.h"
#include "retrieval/grounding.h"
#include "retrieval/index_db.h"

namespace own {

namespace {

// an item: the question asked, the passage that answers it and the answer's words
struct GroundedItem {
  std::string key;       // the split key: the word or the headword
  std::string split_family;
  std::string question;
  std::string answer;    // with kCite where the citation number goes
  std::string idk;       // the answer when no passage answers
  SearchHit passage;
};

// where the citation number goes in an answer template (text from passages may hold braces, so
// the template is not a format string)
constexpr const char* kCite = "\x01";

std::string with_number(const std::string& answer, size_t n) {
  std::string out;
  for (char c : answer) out += c == kCite[0] ? std::to_string(n) : std::string(1, c);
  return out;
}

std::string first_sentence(const std::string& text, size_t max_chars) {
  std::string s = text.substr(0, text.find("\n\n"));
  for (char& c : s)
    if (c == '\n') c = ' ';
  size_t dot = s.find(". ");
  if (dot != std::string::npos && dot + 1 <= max_chars) return s.substr(0, dot + 1);
  if (s.size() <= max_chars) return s;
  size_t cut = s.rfind(' ', max_chars);
  if (cut == std::string::npos)
    for (cut = max_chars; cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80;) --cut;  // a character boundary
  return s.substr(0, cut) + "...";
}

std::string strip_final_dot(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

const std::vector<std::string> kIdk = {
    "None of the passages says {}, so I don't know.",
    "I don't know: the passages I was given don't say {}.",
    "The passages don't cover that; I don't know {}.",
};

// WordNet: "serendipity (noun)\ngood luck in making unexpected and fortunate discoveries\n..."
bool wordnet_item(const SearchHit& h, Rng& rng, GroundedItem& it) {
  const std::string& t = h.passage.text;
  size_t nl = t.find('\n');
  if (nl == std::string::npos) return false;
  std::string head = t.substr(0, nl);
  size_t paren = head.rfind(" (");
  if (paren == std::string::npos) return false;
  std::string word = head.substr(0, std::min(head.find(", "), paren));
  if (word.size() < 3 || !std::all_of(word.begin(), word.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); }))
    return false;
  std::string pos = head.substr(paren + 2, head.size() - paren - 3);
  size_t end = t.find('\n', nl + 1);
  std::string gloss = strip_final_dot(t.substr(nl + 1, end == std::string::npos ? std::string::npos : end - nl - 1));
  const std::vector<std::string>& asks = definition_asks();
  it.key = word;
  it.split_family = "definition";
  it.question = fmt::format(fmt::runtime(asks[rng.below(asks.size())]), word);
  std::string cap = word;
  cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
  const std::string forms[] = {fmt::format("{} ({}): {} [{}].", cap, pos, gloss, kCite),
                               fmt::format("According to [{}], \"{}\" means {}.", kCite, word, gloss),
                               fmt::format("\"{}\" means {} [{}].", cap, gloss, kCite)};
  it.answer = forms[rng.below(3)];
  it.idk = fmt::format(fmt::runtime(kIdk[rng.below(kIdk.size())]), fmt::format("what \"{}\" means", word));
  it.passage = h;
  return true;
}

// A headword entry (FOLDOC, Jargon, Devil's Dictionary) or a perlfaq question
bool entry_item(const SearchHit& h, Rng& rng, GroundedItem& it) {
  const Passage& p = h.passage;
  if (p.title.size() < 3 || p.title.size() > 100) return false;
  if (p.text.rfind(p.title, 0) != 0) return false;  // an entry's first passage only (it names the entry)
  std::string body = p.text;
  if (p.source != "perl-docs") {  // the body after the headword line
    size_t nl = body.find('\n');
    if (nl == std::string::npos) {
      size_t comma = body.find(", ");  // "DIPLOMACY, n. The patriotic art..."
      size_t dot = comma == std::string::npos ? std::string::npos : body.find(". ", comma);
      if (dot == std::string::npos) return false;
      body = body.substr(dot + 2);
    } else {
      body = body.substr(nl + 1);
    }
  } else {
    body = body.substr(p.title.size());
  }
  size_t start = body.find_first_not_of(" \n");
  if (start == std::string::npos) return false;
  std::string sentence = first_sentence(body.substr(start), 240);
  if (sentence.size() < 12) return false;
  it.key = p.title;
  it.split_family = p.source;
  if (p.source == "perl-docs") {
    it.question = p.title;
    it.answer = fmt::format("{} [{}]", sentence, kCite);
    it.idk = fmt::format(fmt::runtime(kIdk[rng.below(kIdk.size())]), "how to do that");
  } else {
    const std::string asks[] = {"What is {}?", "What does {} mean?", "Tell me about {}.", "Explain {}."};
    it.question = fmt::format(fmt::runtime(asks[rng.below(4)]), p.title);
    it.answer = rng.below(2) ? fmt::format("According to [{}], {}", kCite, sentence) : fmt::format("{} [{}]", sentence, kCite);
    it.idk = fmt::format(fmt::runtime(kIdk[rng.below(kIdk.size())]), fmt::format("what {} is", p.title));
  }
  it.passage = h;
  return true;
}

// a passage about the same item (its title or first line names it): never a distractor
bool about(const SearchHit& h, const std::string& key) {
  std::string k = ascii_lower(key), title = ascii_lower(h.passage.title);
  std::string first = ascii_lower(h.passage.text.substr(0, h.passage.text.find('\n')));
  return title.find(k) != std::string::npos || first.find(k) != std::string::npos;
}

}  // namespace

int64_t add_grounded_chat(ChatSplits& sp, const GroundedOptions& o) {
  IndexDb index(o.index_path, IndexDb::Open::existing);
  Rng rng(o.seed ^ 0x6e0d);
  // candidate items: every passage of the sources questions are made from, sampled evenly
  std::vector<SearchHit> pool;
  for (const char* source : {"wordnet", "foldoc", "jargon", "devils-dictionary", "perl-docs"}) {
    std::vector<SearchHit> of = index.passages_of(source);
    shuffle(of, rng);
    // twice what is needed: some make no item (multi-word, too few distractors)
    const size_t share = std::string(source) == "wordnet" ? static_cast<size_t>(o.count) * 2 : static_cast<size_t>(o.count) / 2;
    of.resize(std::min(of.size(), share));
    pool.insert(pool.end(), of.begin(), of.end());
  }
  shuffle(pool, rng);
  int64_t added = 0;
  for (const SearchHit& h : pool) {
    if (added >= o.count) break;
    GroundedItem it;
    if (!(h.passage.source == "wordnet" ? wordnet_item(h, rng, it) : entry_item(h, rng, it))) continue;
    if (content_overlap(it.answer, it.answer, it.question) < 0) continue;  // no words of its own to judge by
    std::vector<SearchHit> given;
    size_t bm25_rank = 0;  // the answer's place among the distractors as BM25 ranks them (0 when not found)
    for (const SearchHit& d : index.search(it.question, o.k + 8)) {
      if (d.id == h.id) bm25_rank = given.size();
      if (d.id != h.id && !about(d, it.key) && static_cast<int>(given.size()) < o.k) given.push_back(d);
    }
    const bool idk = rng.uniform() < o.unanswerable;
    if (static_cast<int>(given.size()) < (idk ? 1 : o.k - 1)) continue;  // too few distractors
    std::string answer = it.idk;
    std::string family = "grounded_idk";
    if (!idk) {
      if (static_cast<int>(given.size()) == o.k) given.pop_back();
      // where BM25 ranks it half the time (first, mostly), anywhere the other half
      size_t at = std::min(bm25_rank, given.size());
      if (rng.below(2)) at = rng.below(given.size() + 1);
      given.insert(given.begin() + static_cast<std::ptrdiff_t>(at), h);
      answer = with_number(it.answer, at + 1);
      family = "grounded";
    }
    const std::vector<ChatMessage> question = {{"user", it.question}};
    std::vector<ChatMessage> msgs = with_context(question, context_text(given));
    msgs.push_back({"assistant", answer});
    Conversation c{std::move(msgs), family, it.key};
    const std::string split = chat_split_of(it.split_family, it.key);
    (split == std::string("train") ? sp.train : split == std::string("val") ? sp.val : sp.test).push_back(std::move(c));
    sp.per_family[family]++;
    added++;
  }
  Rng r(o.seed ^ 0x5eed);
  shuffle(sp.train, r);
  return added;
}

ChatSplits build_chat_data_grounded(const ChatSynthOptions& co, GroundedOptions go) {
  ChatSplits sp = synthesize_chat(co);
  if (go.count > 0 && !go.index_path.empty()) {
    go.seed = co.seed;
    add_grounded_chat(sp, go);
  }
  write_chat_data(co.run_dir, sp, co.seed);
  return sp;
}

}  // namespace own
