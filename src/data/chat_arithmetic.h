// Two-digit addition and subtraction, worked column by column as a person does it on paper:
//   "47 + 38: 7 + 8 = 15, carry 1; 4 + 3 + 1 = 8. So 47 + 38 = 85."
//   "52 - 38: 12 - 8 = 4, borrow 1; 5 - 1 - 3 = 1. So 52 - 38 = 14."
// Each step is one digit fact, so a small model learns the method from ~100 facts instead of
// memorising 20,000 sums; with single-digit tokens (kOwnPattern) every digit is one token.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace own {

// the worked answer to a op b, op '+' or '-', 0 <= a, b <= 99
std::string worked_arithmetic(int a, char op, int b);

// the ways the question is asked ({a} {b} filled in); op '+' or '-'
const std::vector<std::string>& arithmetic_questions(char op);

// the result an answer states: the integer after its last '=' (a leading '-' kept), if any
std::optional<long> stated_result(std::string_view answer);

}  // namespace own
