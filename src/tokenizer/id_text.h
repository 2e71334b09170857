// Token ids as text (the CLI's stdin/stdout format): decimal ids separated by whitespace.
// Parsing checks syntax and the int32 range only; whether an id exists is decode's business.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace own {

// InputError "<source>: token 3 (\"12a\"): not a decimal token id".
std::vector<int32_t> parse_token_ids(std::string_view text, std::string_view source);
// "1 2 3" (no trailing newline) appended to `out`.
void append_token_ids_text(std::span<const int32_t> ids, std::string& out);

}  // namespace own
