#include "eval/grounded_eval.h"

#include "data/rule_judges.h"
#include "eval/answers.h"

namespace own {

namespace {

struct Rate {
  int64_t hit = 0, n = 0;
  void add(bool ok) {
    hit += ok;
    n++;
  }
};

// the messages before the answer, and the question (the last user turn)
std::vector<ChatMessage> prompt_of(const Conversation& c, bool with_passages, std::string* question) {
  std::vector<ChatMessage> p;
  for (size_t i = 0; i + 1 < c.messages.size(); i++) {
    if (c.messages[i].role == "context" && !with_passages) continue;
    p.push_back(c.messages[i]);
    if (c.messages[i].role == "user") *question = c.messages[i].content;
  }
  return p;
}

}  // namespace

std::map<std::string, std::pair<double, int64_t>> grounded_scores(const Checkpoint& ck, const Tokenizer& tok,
                                                                  const std::vector<const Conversation*>& answerable,
                                                                  const std::vector<const Conversation*>& unanswerable,
                                                                  int64_t max_tokens) {
  std::map<std::string, std::pair<double, int64_t>> out;
  if (answerable.empty() && unanswerable.empty()) return out;
  // answerable with passages, answerable without, unanswerable with passages
  std::vector<std::vector<ChatMessage>> prompts;
  std::vector<std::string> questions;
  for (int pass = 0; pass < 3; pass++)
    for (const Conversation* c : pass == 2 ? unanswerable : answerable) {
      std::string q;
      prompts.push_back(prompt_of(*c, pass != 1, &q));
      questions.push_back(q);
    }
  const std::vector<Answer> answers = generate_answers(ck, tok, prompts, max_tokens);
  Rate correct, correct_bare, cites_right, hallucinated, idk, false_idk;
  const size_t na = answerable.size();
  for (size_t i = 0; i < na; i++) {
    const std::string& ref = answerable[i]->messages.back().content;
    const std::string& a = answers[i].text;
    correct.add(content_overlap(a, ref, questions[i]) >= 0.5);
    correct_bare.add(content_overlap(answers[na + i].text, ref, questions[na + i]) >= 0.5);
    const std::vector<int> want = cited_numbers(ref), got = cited_numbers(a);
    bool right = false, wrong = false;
    for (int n : got) (n == (want.empty() ? -1 : want[0]) ? right : wrong) = true;
    cites_right.add(right);
    hallucinated.add(wrong);
    false_idk.add(says_idk(a));
  }
  for (size_t i = 0; i < unanswerable.size(); i++) {
    const std::string& a = answers[2 * na + i].text;
    hallucinated.add(!cited_numbers(a).empty());
    idk.add(says_idk(a));
  }
  auto put = [&](const char* name, const Rate& r) {
    if (r.n > 0) out[name] = {static_cast<double>(r.hit) / static_cast<double>(r.n), r.n};
  };
  put("grounded/definition_correct", correct);
  put("grounded/definition_correct_no_retrieval", correct_bare);
  put("grounded/citation_correct", cites_right);
  put("grounded/hallucinated_citation", hallucinated);
  put("grounded/idk_unanswerable", idk);
  put("grounded/false_idk", false_idk);
  return out;
}

}  // namespace own
