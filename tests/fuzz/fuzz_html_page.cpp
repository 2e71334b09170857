// Arbitrary HTML through the HTML5 parser (gumbo) and the walker that turns it into sections, then
// each section through the passage splitter. The first byte picks the Sphinx mode (odd) and the
// budget. Properties: sections or an InputError (too deep, too large); no section text or heading
// holds markup the input did not; every passage fits the budget.
#include "fuzz_util.h"
#include "retrieval/html_page.h"
#include "retrieval/passages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
  own::HtmlPage page;
  if (!own::fuzz::accepts([&] { page = own::parse_html_page(html, data[0] & 1); })) return 0;
  const int64_t budget = 8 + (data[0] >> 1);
  own::PassageSplitter splitter(budget, nullptr);
  int64_t pos = 0;
  for (const own::HtmlSection& s : page.sections) {
    FUZZ_REQUIRE(!s.text.empty(), "an empty section was kept");
    FUZZ_REQUIRE(own::fuzz::accepts([&] {
                   splitter.split("fuzz", s.heading, s.text, &pos, [&](own::Passage&& p) {
                     FUZZ_REQUIRE(splitter.count_tokens(p.text) <= budget, "a passage over the budget");
                     FUZZ_REQUIRE(p.title.size() <= 200, "a title over 200 bytes");
                   });
                 }),
                 "the splitter threw");
  }
  return 0;
}
