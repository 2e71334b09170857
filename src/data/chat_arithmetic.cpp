#include "data/chat_arithmetic.h"

#include <fmt/format.h>

#include <cctype>

#include "core/check.h"

namespace own {

namespace {

// a + b, a, b in 0..99: the units column, then the tens with the carry
std::string worked_sum(int a, int b) {
  const int ua = a % 10, ub = b % 10, ta = a / 10, tb = b / 10;
  if (ta == 0 && tb == 0) return fmt::format("{} + {} = {}.", a, b, a + b);
  const int units = ua + ub, carry = units / 10;
  std::string s = fmt::format("{} + {}: {} + {} = {}", a, b, ua, ub, units);
  s += carry ? ", carry 1; " : "; ";
  s += carry ? fmt::format("{} + {} + 1 = {}. ", ta, tb, ta + tb + 1) : fmt::format("{} + {} = {}. ", ta, tb, ta + tb);
  return s + fmt::format("So {} + {} = {}.", a, b, a + b);
}

// a - b with a >= b, both 0..99: the units column (borrowing when needed), then the tens
std::string worked_difference_steps(int a, int b) {
  const int ua = a % 10, ub = b % 10, ta = a / 10, tb = b / 10;
  const bool borrow = ua < ub;
  std::string s = borrow ? fmt::format("{} - {} = {}, borrow 1; ", ua + 10, ub, ua + 10 - ub)
                         : fmt::format("{} - {} = {}; ", ua, ub, ua - ub);
  s += borrow ? fmt::format("{} - 1 - {} = {}.", ta, tb, ta - 1 - tb) : fmt::format("{} - {} = {}.", ta, tb, ta - tb);
  return s;
}

std::string worked_difference(int a, int b) {
  if (a < 10 && b < 10 && a >= b) return fmt::format("{} - {} = {}.", a, b, a - b);
  if (a >= b) return fmt::format("{} - {}: {} So {} - {} = {}.", a, b, worked_difference_steps(a, b), a, b, a - b);
  if (b < 10) return fmt::format("{} is less than {}, so the result is negative: {} - {} = {}. So {} - {} = {}.", a, b, b, a,
                                 b - a, a, b, a - b);
  return fmt::format("{} is less than {}, so the result is negative: {} - {}: {} So {} - {} = {}.", a, b, b, a,
                     worked_difference_steps(b, a), a, b, a - b);
}

}  // namespace

std::string worked_arithmetic(int a, char op, int b) {
  OWN_CHECK(a >= 0 && a <= 99 && b >= 0 && b <= 99 && (op == '+' || op == '-'), "worked_arithmetic({}, {}, {})", a, op, b);
  return op == '+' ? worked_sum(a, b) : worked_difference(a, b);
}

const std::vector<std::string>& arithmetic_questions(char op) {
  static const std::vector<std::string> plus = {
      "What is {} + {}?", "What is {} plus {}?", "What's {}+{}?", "Compute {} + {}.", "{} + {} = ?",
      "How much is {} plus {}?", "Calculate {} + {}, please.", "Add {} and {}.", "What is the sum of {} and {}?", "{} + {}"};
  static const std::vector<std::string> minus = {
      "What is {} - {}?", "What is {} minus {}?", "What's {}-{}?", "Compute {} - {}.", "{} - {} = ?",
      "How much is {} minus {}?", "Calculate {} - {}, please.", "Subtract {1} from {0}.",
      "what is {} - {}", "{} - {}"};
  return op == '+' ? plus : minus;
}

std::optional<long> stated_result(std::string_view answer) {
  const size_t eq = answer.rfind('=');
  if (eq == std::string_view::npos) return std::nullopt;
  size_t i = eq + 1;
  while (i < answer.size() && answer[i] == ' ') i++;
  bool negative = false;
  if (i < answer.size() && answer[i] == '-') {
    negative = true;
    i++;
  }
  if (i >= answer.size() || !std::isdigit(static_cast<unsigned char>(answer[i]))) return std::nullopt;
  long v = 0;
  for (; i < answer.size() && std::isdigit(static_cast<unsigned char>(answer[i])) && v < 1000000000; i++)
    v = v * 10 + (answer[i] - '0');
  return negative ? -v : v;
}

}  // namespace own
