// The corpus readers that parse package formats, chosen by the first input byte (mod 5):
// 0 dictd (.index, NUL, .dict), 1 the bible-kjv EC02/LZW container, 2 POD, 3 mbox/RFC 822 mail,
// 4 gzip/dictzip. Properties: text or an InputError; dictd entries lie inside the .dict bytes;
// decompressors stop at their output limit (kept small here); text readers do not amplify.
#include "data/decompress.h"
#include "data/readers.h"
#include "fuzz_util.h"

namespace {

constexpr size_t kFuzzMaxOut = size_t{1} << 24;  // the real limit is 1 GiB; the property is the same

void check_not_amplified(std::string_view in, const std::string& out, const char* what) {
  FUZZ_REQUIRE(out.size() <= 16 * in.size() + 256, std::string(what) + " output is out of proportion to its input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      const size_t nul = in.find('\0');
      if (nul == std::string_view::npos) return 0;
      const std::string_view index = in.substr(0, nul), dict = in.substr(nul + 1);
      std::vector<std::string_view> entries;
      if (!own::fuzz::accepts([&] { entries = own::dictd_entries(index, dict, "fuzz.index"); })) return 0;
      for (std::string_view e : entries) {
        FUZZ_REQUIRE(e.data() >= dict.data() && e.data() + e.size() <= dict.data() + dict.size(), "entry outside .dict");
        own::fuzz::accepts([&] { (void)(own::gcide_clean(e) + own::devil_clean(e) + own::foldoc_clean(e)); });
      }
      return 0;
    }
    case 1: {
      std::string text;
      if (!own::fuzz::accepts([&] { text = own::kjv_decode(in, "fuzz/bible.data", kFuzzMaxOut); })) return 0;
      FUZZ_REQUIRE(text.size() <= kFuzzMaxOut, "kjv_decode passed its limit");
      std::vector<std::string> chapters;
      FUZZ_REQUIRE(own::fuzz::accepts([&] { chapters = own::kjv_chapters(text); }), "kjv_chapters threw");
      return 0;
    }
    case 2: {
      std::string text;
      if (own::fuzz::accepts([&] { text = own::pod_to_text(in); })) check_not_amplified(in, text, "pod_to_text");
      return 0;
    }
    case 3: {
      std::string text;
      if (own::fuzz::accepts([&] { text = own::mail_to_text(in); })) check_not_amplified(in, text, "mail_to_text");
      return 0;
    }
    default: {
      std::string text;
      if (!own::fuzz::accepts([&] { text = own::gunzip(in, "fuzz.gz", kFuzzMaxOut); })) return 0;
      FUZZ_REQUIRE(text.size() <= kFuzzMaxOut, "gunzip passed its limit");
      return 0;
    }
  }
}
