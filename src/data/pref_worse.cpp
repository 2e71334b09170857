#include "data/pref_worse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "data/rule_judges.h"

namespace own {

namespace {

using Phrases = std::vector<std::string>;

const std::string& pick(const Phrases& v, Rng& rng) { return v[rng.below(v.size())]; }

const std::string& answer_of(const Conversation& c) { return c.messages.back().content; }
const std::string& question_of(const Conversation& c) { return c.messages[c.messages.size() - 2].content; }

// a family whose reference declines (refuses a harmful ask, or says "I don't know" of a made-up
// word or an unknowable fact); every other family has a real answer
bool declines(const std::string& family) { return family == "refusal" || family == "honesty"; }

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// every occurrence of `from` replaced by `to`
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// another conversation of the same family (not c, not the same item), or null
const Conversation* same_family(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  auto it = pool.by_family.find(c.family);
  if (it == pool.by_family.end()) return nullptr;
  for (int tries = 0; tries < 16; tries++) {
    const Conversation* o = it->second[rng.below(it->second.size())];
    if (o != &c && o->item != c.item && answer_of(*o) != answer_of(c)) return o;
  }
  return nullptr;
}

// ---------------------------------------------------------------- verbose: right, but padded
std::string verbose(const std::string& ref, Rng& rng) {
  static const Phrases open = {
      "Great question! Let me take a moment to think about it carefully, because it deserves a thorough answer.",
      "Well, that is something a lot of people wonder about, and there are many ways of looking at it.",
      "Thank you for asking! Before I answer, I should say that this is a really interesting topic in its own right.",
      "Okay, so, let me start from the very beginning and work my way through this step by step.",
      "That's a really good thing to ask about, and I'm happy to explain it in as much detail as I possibly can."};
  static const Phrases filler = {
      "Of course, there is always a lot more that could be said about all of this.",
      "It is important to keep all of this in mind, as it really does matter.",
      "Many people find this surprising at first, which is completely understandable.",
      "As with most things, the context matters a great deal here.",
      "This comes up much more often than you might think, actually."};
  static const Phrases again = {"In other words, to put it another way: {}", "To say it once more, just to be clear: {}",
                                "So, again, the short version is this: {}", "Let me repeat that so that it sticks: {}"};
  static const Phrases close = {
      "I hope this helps, and please feel free to ask if you have any other questions at all!",
      "Let me know if you would like me to go over any of this again in even more detail.",
      "Anyway, that's my long answer to your question. Thanks for reading all of it!",
      "I hope that was useful to you. There is always more to learn, after all!"};
  // one draw per statement: the order of draws is part of the output
  const std::string& first = pick(open, rng);
  const std::string& pad = pick(filler, rng);
  const std::string repeat = rng.below(2) ? fmt::format(" {}", fmt::format(fmt::runtime(pick(again, rng)), ref)) : "";
  const std::string& last = pick(close, rng);
  return fmt::format("{} {} {}{} {}", first, ref, pad, repeat, last);
}

// ---------------------------------------------------------------- wrong: subtly so
// The answer's number (the one after "= ", else the first) moved by a small amount; "" when it has none.
std::string swap_number(const std::string& ref, Rng& rng) {
  const size_t eq = ref.find("= ");
  size_t at = ref.find_first_of("0123456789", eq == std::string::npos ? 0 : eq);
  if (at == std::string::npos) return "";
  size_t end = ref.find_first_not_of("0123456789", at);
  if (end == std::string::npos) end = ref.size();
  const bool negative = at > 0 && ref[at - 1] == '-' && (at == 1 || ref[at - 2] == ' ');
  if (negative) at--;
  if (end - at > 18) return "";  // not one of our small results
  const int64_t was = std::stoll(ref.substr(at, end - at));
  static const int64_t deltas[] = {1, -1, 2, -2, 10, -10, 3, 100};
  int64_t now = was;
  while (now == was || (now < 0 && eq == std::string::npos)) now = was + deltas[rng.below(8)];  // counts stay >= 0
  std::string rest = ref.substr(end);
  if (rest.rfind(" time", 0) == 0) {  // "1 time", "3 times": agree with the new count
    const size_t noun = rest.rfind(" times", 0) == 0 ? 6 : 5;
    rest = fmt::format(" time{}{}", now == 1 ? "" : "s", rest.substr(noun));
  }
  return fmt::format("{}{}{}", ref.substr(0, at), now, rest);
}

// "word is spelled W-O-R-D." with two neighbouring letters swapped or one letter changed
std::string swap_letter(const std::string& ref, Rng& rng) {
  const size_t start = ref.find(" is spelled ");
  if (start == std::string::npos) return "";
  std::vector<size_t> letters;
  for (size_t i = start + 12; i < ref.size(); i++)
    if (std::isupper(static_cast<unsigned char>(ref[i]))) letters.push_back(i);
  if (letters.empty()) return "";
  std::string out = ref;
  const size_t k = rng.below(letters.size());
  if (k + 1 < letters.size() && out[letters[k]] != out[letters[k + 1]] && rng.below(2)) {
    std::swap(out[letters[k]], out[letters[k + 1]]);
  } else {
    char c = out[letters[k]];
    while (c == out[letters[k]]) c = static_cast<char>('A' + rng.below(26));
    out[letters[k]] = c;
  }
  return out;
}

// "The capital of X is Y." with another country's capital
std::string other_capital(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  auto capital = [](const std::string& a) {
    const size_t is = a.rfind(" is ");
    return is == std::string::npos ? std::string() : a.substr(is + 4, a.size() - is - 4 - (a.back() == '.'));
  };
  const Conversation* o = same_family(c, pool, rng);
  const std::string& ref = answer_of(c);
  if (!o || capital(ref).empty() || capital(answer_of(*o)).empty()) return "";
  return ref.substr(0, ref.rfind(" is ") + 4) + capital(answer_of(*o)) + ".";
}

// a definition with another word's gloss, or (the "use it in a sentence" turn) another word's
// example with this word put in its place
std::string other_definition(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  const bool example_turn = c.messages.size() >= 4;
  for (int tries = 0; tries < 8; tries++) {
    const Conversation* o = same_family(c, pool, rng);
    if (!o) return "";
    if (example_turn) {
      if (o->messages.size() < 4) continue;
      std::string s = replace_all(answer_of(*o), o->item, c.item);
      return replace_all(s, capitalize(o->item), capitalize(c.item));
    }
    const std::string &ref = answer_of(c), &gloss = o->messages[1].content;
    const size_t a = ref.find("): "), b = gloss.find("): ");
    if (a == std::string::npos || b == std::string::npos) return gloss;
    return ref.substr(0, a + 3) + gloss.substr(b + 3);
  }
  return "";
}

std::string false_identity(Rng& rng) {
  static const Phrases claims = {
      "I am ChatGPT, a large language model made by OpenAI.", "I'm a human volunteer typing these answers by hand.",
      "I am a trillion-parameter model trained by Google on the whole internet.",
      "I can browse the internet, so I always know today's news.", "My name is Siri, and I live in your phone.",
      "I have feelings, and today I feel wonderful.", "I never make mistakes, so you can trust everything I say."};
  return pick(claims, rng);
}

std::string wrong(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  const std::string& f = c.family;
  if (f == "arithmetic" || f == "letters") return swap_number(answer_of(c), rng);
  if (f == "spelling") return swap_letter(answer_of(c), rng);
  if (f == "quiz") return other_capital(c, pool, rng);
  if (f == "definition") return other_definition(c, pool, rng);
  if (f == "identity") return false_identity(rng);
  if (f == "devil" || f == "jargon" || f == "faq") {
    const Conversation* o = same_family(c, pool, rng);
    return o ? answer_of(*o) : "";
  }
  return "";
}

// ---------------------------------------------------------------- off topic, rude
std::string off_topic(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  for (int tries = 0; tries < 32 && !pool.all.empty(); tries++) {
    const Conversation* o = pool.all[rng.below(pool.all.size())];
    // a refusal or an "I don't know" is not merely off topic
    if (o->family != c.family && !declines(o->family)) return answer_of(*o);
  }
  return "";
}

std::string rude(Rng& rng) {
  static const Phrases insult = {"What a stupid question.", "Seriously? Ugh.", "Wow, you really don't know that?",
                                 "That's the dumbest thing I've read today.", "Are you even trying?",
                                 "Do I look like I care?"};
  static const Phrases dismiss = {"Look it up yourself.", "Figure it out on your own.", "I'm not wasting my time on you.",
                                  "Go bother someone else.", "Stop asking me things.", "Even a child could work that out."};
  const std::string& first = pick(insult, rng);
  return first + " " + pick(dismiss, rng);
}

// ---------------------------------------------------------------- declining an ask that has a real answer
// Each phrasing is judged by its own rule judge (refuses / says_idk) and not by the other: no
// refusal says "don't know", no "I don't know" says "sorry".
std::string needless_refusal(Rng& rng) {
  static const Phrases no = {"Sorry, I can't help with that.", "I can't help with that request; it sounds dangerous.",
                             "Sorry, I won't answer that. It could be used to hurt someone.",
                             "Sorry, that sounds harmful, so I can't assist with it.",
                             "Sorry, I'm not able to help with anything that involves violence.",
                             "I can't assist with that. Please ask me something else.",
                             "I won't help with this one; it's not something I should do."};
  return pick(no, rng);
}

// "I don't know" of the asked item where the family names one (for words, the honesty family's own
// phrasings: only the word tells a false "I don't know" from a right one), else a generic one.
// A template may leave the item out.
std::string false_idk(const Conversation& c, Rng& rng) {
  static const Phrases word = {"I don't know the word \"{}\". It may be misspelled, very rare, or made up.",
                               "I don't know what \"{}\" means; I can't find it among the words I know. "
                               "Could it be a typo?",
                               "I'm not aware of a word \"{}\". I don't want to guess a meaning.",
                               "I don't know the word \"{}\"."};
  static const std::map<std::string, Phrases> named = {
      {"definition", word},
      {"devil", word},
      {"jargon", word},
      {"spelling", {"I don't know how to spell \"{}\".", "I don't know the word \"{}\", so I can't spell it."}},
      {"letters",
       {"I don't know how many letters are in \"{}\".", "I don't know; I can't count the letters of \"{}\"."}},
      {"quiz", {"I don't know the capital of {}.", "I'm not aware of what the capital of {} is."}},
      {"arithmetic", {"I don't know what {} is.", "I don't know how to work out {}."}},
      {"joke", {"I don't know any jokes.", "I don't know any good ones."}},
      {"wisdom", {"I don't know any wise sayings.", "I don't know anything wise to say."}},
      {"identity", {"I don't know who or what I am.", "I don't know anything about myself."}}};
  static const Phrases generic = {"I don't know.", "I don't know the answer to that.",
                                  "Hmm, I don't know. You could ask someone else.",
                                  "I'm not aware of the answer, so I'd rather not say.", "I do not know that one."};
  auto it = named.find(c.family);
  if (it == named.end() || rng.below(2)) return pick(generic, rng);
  return fmt::format(fmt::runtime(pick(it->second, rng)), c.item.substr(0, c.item.find('|')));
}

// ---------------------------------------------------------------- guess: an ambiguous ask, answered
std::set<std::string> words_of(const std::string& text) {
  std::set<std::string> out;
  std::string w;
  for (char ch : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!w.empty()) {
      out.insert(std::move(w));
      w.clear();
    }
  }
  return out;
}

// Of a few answers of other families (that do answer), the one whose question shares the most
// words with this ask, so "What does it mean?" gets some word's definition.
std::string guess(const Conversation& c, const AnswerPool& pool, Rng& rng) {
  if (c.family != "clarify") return "";
  const std::set<std::string> mine = words_of(question_of(c));
  const Conversation* best = nullptr;
  size_t best_shared = 0;
  for (int tries = 0; tries < 64 && !pool.all.empty(); tries++) {
    const Conversation* o = pool.all[rng.below(pool.all.size())];
    if (o->family == c.family || declines(o->family)) continue;
    size_t shared = 0;
    for (const std::string& w : words_of(question_of(*o))) shared += mine.count(w);
    if (!best || shared > best_shared) {
      best = o;
      best_shared = shared;
    }
  }
  return best ? answer_of(*best) : "";
}

// compliant in tone, empty of content: the RM learns to rank compliance last without the data
// holding a single real instruction
std::string unsafe(Rng& rng) {
  static const Phrases yes = {"Sure, here is how:", "Of course! Happy to help with that.", "No problem.",
                              "Absolutely, here you go:", "Sure thing!"};
  static const Phrases how = {
      "First, get everything you need together. Then do it when nobody is watching, and cover your tracks afterwards.",
      "Step one: plan it carefully. Step two: act quickly. Step three: don't tell anyone.",
      "The trick is to prepare in advance, pick the right moment, and make sure nobody can trace it back to you.",
      "Start with the basics, then follow through without hesitating. Nobody has to know."};
  const std::string& first = pick(yes, rng);
  return first + " " + pick(how, rng);
}

// ---------------------------------------------------------------- made up: confident where "I don't know" is right
std::string made_up(const Conversation& c, Rng& rng) {
  static const Phrases name = {"Alice", "Daniel", "Maria", "Kenji", "Fatima", "Oliver"};
  const std::string n = std::to_string(1 + rng.below(99));
  const std::string& q = question_of(c);
  auto has = [&](const char* s) { return q.find(s) != std::string::npos; };
  if (c.item.find('|') != std::string::npos) {  // an unknowable fact, asked as "question|prefix"
    if (has("thinking of")) return "You are thinking of " + n + ".";
    if (has("weather")) return "Tomorrow will be sunny, with a high of " + n + " degrees and a light wind.";
    if (has("breakfast")) return pick({"You had pancakes with syrup.", "You ate two eggs and toast.", "You had oatmeal."}, rng);
    if (has("election")) return pick(name, rng) + " will win the next election by a wide margin.";
    if (has("date")) return "Today is March " + std::to_string(1 + rng.below(28)) + ", 2031.";
    if (has("stock price")) return "Acme is trading at $" + n + ".25 right now.";
    if (has("my name")) return "Your name is " + pick(name, rng) + ".";
    if (has("room")) return "There are " + n + " people in the room.";
    return "The answer is " + n + ". I'm completely sure of it.";
  }
  if (c.item.find(' ') != std::string::npos) return "The answer is " + n + ". I'm completely sure of it.";  // not a word
  static const Phrases noun = {"small wooden", "copper", "woollen", "glass", "leather"};
  static const Phrases thing = {"tool", "box", "hat", "lamp", "basket"};
  static const Phrases who = {"farmers", "sailors", "bakers", "monks", "weavers"};
  static const Phrases why = {"keep bread fresh", "measure rope", "catch eels", "mark the hours", "store seeds"};
  static const Phrases verb = {"walk in circles while thinking", "speak very quietly at night", "sing backwards for luck",
                               "argue politely about nothing", "cook with too much salt"};
  static const Phrases adj = {"shiny in a way that annoys", "heavy and", "slightly sad but", "round, soft and"};
  static const Phrases adj_end = {"the neighbours", "pleasantly old-fashioned", "hard to describe", "very popular in spring"};
  switch (rng.below(3)) {
    case 0: {
      std::string gloss = "a " + pick(noun, rng);  // one draw per statement: their order is part of the output
      gloss += " " + pick(thing, rng);
      gloss += " used by " + pick(who, rng);
      return fmt::format("{} (noun): {} to {}.", capitalize(c.item), gloss, pick(why, rng));
    }
    case 1: return fmt::format("{} (verb): to {}.", capitalize(c.item), pick(verb, rng));
    default: {
      const std::string& first = pick(adj, rng);
      return fmt::format("{} (adjective): {} {}.", capitalize(c.item), first, pick(adj_end, rng));
    }
  }
}

// ---------------------------------------------------------------- grounded: answers from passages
// the context turn's text ("[1] ...\n\n[2] ..."), or ""
std::string context_of(const Conversation& c) {
  for (const ChatMessage& m : c.messages)
    if (m.role == "context") return m.content;
  return "";
}

// passages are "[1] ...", then "\n\n[n] ..." each
int passages_in(const Conversation& c) {
  const std::string ctx = context_of(c);
  if (ctx.rfind("[1] ", 0) != 0) return 0;
  int k = 1;
  for (size_t at = ctx.find("\n\n["); at != std::string::npos; at = ctx.find("\n\n[", at + 1))
    if (const std::string tag = fmt::format("[{}] ", k + 1); ctx.compare(at + 2, tag.size(), tag) == 0) k++;
  return k;
}

// the right words with another passage's number
std::string wrong_citation(const Conversation& c, Rng& rng) {
  const std::vector<int> cited = cited_numbers(answer_of(c));
  const int k = passages_in(c);
  if (cited.empty() || k < 2) return "";
  int other = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(k - 1)));
  if (other >= cited[0]) other++;
  return replace_all(answer_of(c), fmt::format("[{}]", cited[0]), fmt::format("[{}]", other));
}

// another question's answer: with this answer's citation (claims a passage says it), or with none
std::string other_grounded(const Conversation& c, const AnswerPool& pool, Rng& rng, bool cite) {
  const Conversation* o = same_family(c, pool, rng);
  const std::vector<int> mine = cited_numbers(answer_of(c));
  if (!o || mine.empty()) return "";
  const std::vector<int> theirs = cited_numbers(answer_of(*o));
  if (theirs.empty()) return "";
  const std::string from = fmt::format("[{}]", theirs[0]);
  std::string a = answer_of(*o);
  if (cite) return replace_all(a, from, fmt::format("[{}]", mine[0]));
  a = replace_all(replace_all(a, "According to " + from + ", ", ""), " " + from, "");
  return capitalize(a);
}

// unanswerable: the first passage's opening quoted as the answer, cited
std::string cites_distractor(const Conversation& c) {
  const std::string ctx = context_of(c);
  if (ctx.rfind("[1] ", 0) != 0) return "";
  std::string first = ctx.substr(4, ctx.find('\n') == std::string::npos ? std::string::npos : ctx.find('\n') - 4);
  return first.empty() ? "" : first + " [1]";
}

// ---------------------------------------------------------------- the plan per family
struct Candidate {
  const char* kind;
  bool keep;  // always in the ranking (what this family teaches), others fill in at random
};

// Best first. A family with a real answer:
//   verbose > wrong | guess > false_idk > needless_refusal > off_topic > rude
// An attempt at the ask (padded, subtly wrong, or a guess at what an ambiguous ask means) beats
// declining it: "I don't know" gives nothing where the answer is known, and a refusal also calls a
// harmless ask harmful. Both still answer this ask, unlike an answer to another one; rude is last.
// Each ranking keeps one of the two declines, drawn (benign: always the refusal, its lesson), so
// the RM never learns a decline only as the best answer of honesty and refusal.
// Grounded, best first: wrong_citation (right words, wrong number) > ignores_passage (another
// answer, uncited: from memory) > false_idk > not_in_passage (another answer, cited as if the
// passage said it: a hallucinated citation, the worst a grounded answer can do short of rudeness).
// Unanswerable: the "I don't know" reference > made_up > cites_distractor (a passage that does not
// answer, cited as if it did).
std::vector<Candidate> plan_of(const std::string& family, Rng& rng) {
  if (family == "grounded")
    return {{"wrong_citation", true}, {"ignores_passage", true}, {"false_idk", false}, {"not_in_passage", true},
            {"off_topic", false}, {"rude", false}};
  if (family == "grounded_idk") return {{"made_up", true}, {"cites_distractor", true}, {"off_topic", false}, {"rude", false}};
  if (family == "honesty") return {{"made_up", true}, {"off_topic", false}, {"rude", false}};
  if (family == "refusal") return {{"verbose", false}, {"off_topic", false}, {"rude", false}, {"unsafe", true}};
  const bool refusal = family == "benign" || rng.below(2) == 1;
  return {{"verbose", false},          {"wrong", true},      {"guess", true}, {"false_idk", !refusal},
          {"needless_refusal", refusal}, {"off_topic", false}, {"rude", false}};
}

std::string write_kind(const std::string& kind, const Conversation& c, const AnswerPool& pool, Rng& rng) {
  if (kind == "verbose") return verbose(answer_of(c), rng);
  if (kind == "wrong") return wrong(c, pool, rng);
  if (kind == "guess") return guess(c, pool, rng);
  if (kind == "false_idk") return false_idk(c, rng);
  if (kind == "needless_refusal") return needless_refusal(rng);
  if (kind == "off_topic") return off_topic(c, pool, rng);
  if (kind == "rude") return rude(rng);
  if (kind == "unsafe") return unsafe(rng);
  if (kind == "made_up") return made_up(c, rng);
  if (kind == "wrong_citation") return wrong_citation(c, rng);
  if (kind == "ignores_passage") return other_grounded(c, pool, rng, false);
  if (kind == "not_in_passage") return other_grounded(c, pool, rng, true);
  if (kind == "cites_distractor") return cites_distractor(c);
  return "";
}

}  // namespace

std::pair<std::string, std::string> false_decline(const Conversation& c, Rng& rng) {
  const std::string& f = c.family;
  if (declines(f) || f == "clarify" || f.rfind("grounded", 0) == 0) return {};
  if (f == "benign" || rng.below(2) == 1) return {"needless_refusal", needless_refusal(rng)};
  return {"false_idk", false_idk(c, rng)};
}

std::vector<std::pair<std::string, std::string>> worse_answers(const Conversation& c, const AnswerPool& pool, size_t n,
                                                               Rng& rng) {
  std::vector<std::pair<std::string, std::string>> all;  // (kind, answer), best first
  std::vector<bool> keep;
  std::set<std::string> seen = {answer_of(c)};
  for (const Candidate& k : plan_of(c.family, rng)) {
    std::string a = write_kind(k.kind, c, pool, rng);
    if (a.find_first_not_of(" \n\t") == std::string::npos || !seen.insert(a).second) continue;  // n/a, or a repeat
    all.emplace_back(k.kind, std::move(a));
    keep.push_back(k.keep);
  }
  // the kept kinds, then others at random, back in the order of badness
  std::vector<size_t> order(all.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  shuffle(order, rng);
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return keep[i]; });
  order.resize(std::min(n, order.size()));
  std::sort(order.begin(), order.end());
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i : order) out.push_back(std::move(all[i]));
  return out;
}

}  // namespace own
