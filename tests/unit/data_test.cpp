// The corpus builder: every reader on a small hand-made sample, cleaning (UTF-8 repair with
// offsets, whitespace), dedup, the split, user sources and their errors, the real binary, and
// the packaged sources that are installed on this machine (each read through its real reader).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/check.h"
#include "core/fileio.h"
#include "data/clean.h"
#include "data/corpus.h"
#include "data/decompress.h"
#include "data/readers.h"
#include "data/sources.h"
#include "test_util.h"

using namespace own;
namespace fs = std::filesystem;
using namespace own::test;

namespace {

fs::path tmp_dir(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / "data_test" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}


bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }



std::vector<nlohmann::json> read_jsonl(const fs::path& p) {
  std::vector<nlohmann::json> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// compress(1)-style LZW at a fixed 9-bit width (enough for short inputs: < 255 new codes)
std::string lzw9(const std::string& in) {
  std::map<std::string, int> dict;
  for (int c = 0; c < 256; ++c) dict[std::string(1, static_cast<char>(c))] = c;
  int next = 257;
  std::vector<int> codes;
  std::string w;
  for (char c : in) {
    std::string wc = w + c;
    if (dict.count(wc)) {
      w = wc;
    } else {
      codes.push_back(dict[w]);
      dict[wc] = next++;
      w = std::string(1, c);
    }
  }
  if (!w.empty()) codes.push_back(dict[w]);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (int code : codes) {
    acc |= static_cast<uint32_t>(code) << bits;
    bits += 9;
    while (bits >= 8) {
      out += static_cast<char>(acc & 0xFF);
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out += static_cast<char>(acc & 0xFF);
  return out;
}

}  // namespace

// ---------------------------------------------------------------- cleaning

TEST(DataClean, Utf8RepairReportsOffsets) {
  std::string s = "ab\xFF" "cd\xC3";
  std::vector<int64_t> offsets;
  EXPECT_EQ(utf8_repair(s, &offsets), 2);
  EXPECT_EQ(s, "ab\xEF\xBF\xBD" "cd\xEF\xBF\xBD");
  EXPECT_EQ(offsets, (std::vector<int64_t>{2, 5}));

  std::string overlong = "x\xC0\xAFy", surrogate = "\xED\xA0\x80", too_big = "\xF4\x90\x80\x80";
  EXPECT_EQ(utf8_repair(overlong), 2);  // C0 and AF are each invalid
  EXPECT_EQ(overlong, "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  EXPECT_GE(utf8_repair(surrogate), 1);
  EXPECT_GE(utf8_repair(too_big), 1);
  EXPECT_EQ(replacement_share(surrogate), 1.0);

  std::string good = "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 \xE6\x97\xA5";  // é — 😀 日
  std::string copy = good;
  EXPECT_EQ(utf8_repair(copy), 0);
  EXPECT_EQ(copy, good);
}

TEST(DataClean, NormalizeWhitespaceAndControls) {
  EXPECT_EQ(normalize_text("a\r\nb\rc"), "a\nb\nc");
  EXPECT_EQ(normalize_text("\xEF\xBB\xBFhi\x01\x7F there\xC2\x85!"), "hi there!");  // BOM, C0, DEL, C1
  EXPECT_EQ(normalize_text("x  \t\ny\t \n"), "x\ny");
  EXPECT_EQ(normalize_text("\n\n  \na\n\n\n\n\n\nb\n\n"), "a\n\n\nb");  // > 2 blank lines -> 2
  EXPECT_EQ(normalize_text("a\n\nb"), "a\n\nb");
  EXPECT_EQ(normalize_text("\ttab kept"), "\ttab kept");
  EXPECT_EQ(normalize_text(" \n\t\n"), "");
}

TEST(DataClean, UnwrapParagraphs) {
  EXPECT_EQ(unwrap_paragraphs("   wrapped prose\n   goes on here.\n\n      code line\n        nested\n", 3),
            "wrapped prose goes on here.\n\n    code line\n      nested");
  EXPECT_EQ(unwrap_paragraphs("   1. a sense that\n      hangs.\n", 4), "1. a sense that hangs.");
}

TEST(DataClean, HashAndSplitAreDeterministic) {
  EXPECT_EQ(text_hash("hello"), text_hash("hello"));
  EXPECT_NE(text_hash("hello"), text_hash("hellp"));
  EXPECT_NE(text_hash(""), text_hash(std::string(1, '\0')));
  int val = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) val += hash_is_val(text_hash(fmt::format("document {}", i)));
  EXPECT_GT(val, n / 100 / 2);  // ~1%
  EXPECT_LT(val, n / 100 * 2);
}

// ---------------------------------------------------------------- readers

TEST(DataReaders, Fortune) {
  auto docs = fortune_documents("First.\n%\nSecond,\n\tin two lines.\n\t\t-- Someone\n%\n\n%\nThird\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0], "First.\n");
  EXPECT_EQ(docs[1], "Second,\n\tin two lines.\n\t\t-- Someone\n");
  EXPECT_EQ(docs[2], "Third\n");
}

TEST(DataReaders, Pod) {
  const std::string pod =
      "#!/usr/bin/perl\nsub code_before_pod {}\n\n"
      "=head1 NAME\n\nperlfoo - a B<bold> test\n\n"
      "=head2 Details\n\nUse C<< $a <=> $b >> to compare, see L<perlfunc/open> and\nL<the site|https://perl.org>;"
      " E<gt> is greater, E<eacute> is accented.X<index term>\n\n"
      "  my $x = 1;   # verbatim\n  print $x;\n\n"
      "=over 4\n\n=item *\n\nFirst I<point>.\n\n=item * Second point\n\n=back\n\n"
      "=begin html\n\n<p>not for us</p>\n\n=end html\n\n"
      "=for comment hidden remark\n\n"
      "=cut\n\nsub after_cut {}\n";
  std::string t = pod_to_text(pod);
  EXPECT_EQ(t,
            "NAME\n\nperlfoo - a bold test\n\nDetails\n\n"
            "Use $a <=> $b to compare, see \"open\" in perlfunc and the site; > is greater, \xC3\xA9 is accented.\n\n"
            "  my $x = 1;   # verbatim\n  print $x;\n\n"
            "- First point.\n\n- Second point");
}

TEST(DataReaders, PodDeepNestingIsText) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "B<";
  EXPECT_FALSE(pod_to_text("=pod\n\n" + deep + "x\n").empty());  // no stack overflow
}

TEST(DataReaders, HtmlSphinxPage) {
  const std::string html =
      "<html><head><title>T</title><style>p{}</style></head><body>"
      "<div class=\"related\" role=\"navigation\">NAVIGATION</div>"
      "<div class=\"body\" role=\"main\"><section><h1>Intro<a class=\"headerlink\" href=\"#x\">\xC2\xB6</a></h1>\n"
      "<p>Fish &amp; chips&nbsp;&mdash; &#8220;good&#x201D;\n  <em>really</em>.</p>\n"
      "<div class=\"highlight\"><pre><span></span><span class=\"k\">if</span> x &lt; 1:\n    pass\n</pre></div>\n"
      "<ul><li><p>one</p></li><li>two</li></ul><script>var x = '<p>no</p>';</script>"
      "<p>AT &amp; T &unknown; 3 < 4</p>"
      "<table><tr><th><p>Operation</p></th><th>Result</th></tr><tr><td><code>x or y</code></td><td><p>y</p></td></tr></table>"
      "<ol><li>first</li><li>second</li></ol></section></div>"
      "<div class=\"footer\">FOOTER</div></body></html>";
  std::string t = html_to_text(html, true);
  EXPECT_EQ(t,
            "Intro\n\nFish & chips \xE2\x80\x94 \xE2\x80\x9Cgood\xE2\x80\x9D really.\n\n"
            "if x < 1:\n    pass\n\n- one\n\n- two\n\nAT & T &unknown; 3 < 4\n\n"
            "Operation | Result\nx or y | y\n\n1. first\n2. second");
  std::string whole = html_to_text(html, false);  // not a Sphinx page: the whole body, minus head and scripts
  EXPECT_TRUE(contains(whole, "NAVIGATION") && contains(whole, "FOOTER") && !contains(whole, "p{}")) << whole;
}

TEST(DataReaders, DictdEntriesAndCleaners) {
  // dict text with three entries; the index gives base64 offset/length, one headword shared
  const std::string e1 = "Abandon \\A*ban\"don\\ ([.a]*b[a^]n\"d[u^]n), v. t. [OF.\n"
                         "   abandoner.] See {Ban}.\n"
                         "   1. To cast out; to pr[\"e]eminently\n      reject. [Obs.]\n      [1913 Webster]\n\n"
                         "            Hope was overthrown.\n                                                  --I. Taylor.\n"
                         "      [1913 Webster +PJC]\n";
  const std::string e2 = "00-database-info\n   header, not an entry\n";
  const std::string dict = e2 + e1;
  auto b64 = [](uint64_t v) {
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    do {
      s.insert(s.begin(), a[v % 64]);
      v /= 64;
    } while (v);
    return s;
  };
  std::string index = "00-database-info\t" + b64(0) + "\t" + b64(e2.size()) + "\n" + "Abandon\t" + b64(e2.size()) + "\t" +
                      b64(e1.size()) + "\n" + "abandon\t" + b64(e2.size()) + "\t" + b64(e1.size()) + "\n";
  auto entries = dictd_entries(index, dict, "x.index");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0], e1);
  EXPECT_EQ(normalize_text(gcide_clean(entries[0])),
            "Abandon, v. t. [OF. abandoner.] See Ban.\n\n1. To cast out; to pr\xC3\xAB" "eminently reject. [Obs.]\n\n"
            "    Hope was overthrown. --I. Taylor.");

  std::string bad = error_of([&] { dictd_entries("word\tA\n", dict, "x.index"); });
  EXPECT_TRUE(contains(bad, "x.index:1")) << bad;
  bad = error_of([&] { dictd_entries("ok\tA\tB\nword\tA\t" + b64(dict.size() + 5) + "\n", dict, "x.index"); });
  EXPECT_TRUE(contains(bad, "x.index:2") && contains(bad, "past the end")) << bad;

  EXPECT_EQ(normalize_text(devil_clean("CYNIC, n.  A blackguard whose faulty vision sees _things_ as\nthey are.\n\n"
                                       "    A verse line,\n        indented.\n                                  G.J.\n")),
            "CYNIC, n. A blackguard whose faulty vision sees things as they are.\n\n"
            "    A verse line,\n        indented.\n        G.J.");
  EXPECT_EQ(normalize_text(foldoc_clean("best first search\nBFS\n\n   <algorithm> A {graph} search which\n"
                                        "   optimises {breadth first search}.\n\n   2. <language> Other.\n\n   (1995-12-09)\n\n")),
            "best first search\n\nA graph search which optimises breadth first search.\n\n2. Other.");
}

TEST(DataReaders, WordNet) {
  const std::string line =
      "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 023 @ 02083346 n 0000 @ 01317541 n 0000 | a member of "
      "the genus Canis; occurs in many breeds; \"the dog barked all night\"; \"a dog's life\"  ";
  EXPECT_EQ(wordnet_synset_text(line),
            "dog, domestic dog, Canis familiaris (noun)\na member of the genus Canis; occurs in many breeds\n"
            "\"the dog barked all night\"\n\"a dog's life\"");
  EXPECT_EQ(wordnet_synset_text("00001740 00 a 01 able(a) 0 000 | (usually followed by `to') having the means"),
            "able (adjective)\n(usually followed by `to') having the means");
  EXPECT_EQ(wordnet_synset_text("  1 This software and database is being provided to you"), "");
  EXPECT_EQ(wordnet_documents("  1 license\n" + line + "\n").size(), 1u);
}

TEST(DataReaders, BrownTagsStripped) {
  const std::string tagged =
      "\n\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ``/`` no/at evidence/nn ''/'' ,/, it/pps said/vbd ./.\n"
      "\tIt/pps ended/vbd (/( late/rb )/) ;/. don't/do* worry/vb !/.\n\n\n\tNew/jj paragraph/nn ./.\n";
  EXPECT_EQ(brown_to_text(tagged),
            "The Fulton County said \"no evidence\", it said. It ended (late); don't worry!\n\nNew paragraph.");
}

TEST(DataReaders, MailHeadersDroppedBodyKept) {
  const std::string mail =
      "From someone@example.com  Thu Aug 22 12:36:23 2002\r\n"
      "Received: from x\r\n\tby y\r\n"
      "Subject: =?iso-8859-1?Q?Caf=E9?= news\r\n"
      "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      "Bob wrote:\r\n> quoted line\r\n> more\r\n\r\nThe caf=E9 is open, a long line that was =\r\nsoft-broken.\r\n"
      "-- \r\nBob's signature\r\n";
  EXPECT_EQ(normalize_text(mail_to_text(mail)), "Subject: Caf\xC3\xA9 news\n\nThe caf\xC3\xA9 is open, a long line that was soft-broken.");

  const std::string multipart =
      "Subject: parts\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\npreamble\n"
      "--XX\nContent-Type: text/html\n\n<p>html <b>version</b></p>\n"
      "--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
      std::string("SGVsbG8gZnJvbSBiYXNlNjQu\n") +  // "Hello from base64."
      "--XX--\nepilogue\n";
  EXPECT_EQ(normalize_text(mail_to_text(multipart)), "Subject: parts\n\nHello from base64.");

  const std::string html_only = "Subject: h\nContent-Type: text/html\n\n<html><body><p>Only &amp; html</p></body></html>\n";
  EXPECT_EQ(normalize_text(mail_to_text(html_only)), "Subject: h\n\nOnly & html");
  EXPECT_EQ(mail_to_text("Subject: x\nContent-Type: text/plain; charset=koi8-r\n\n\xF0\xD2\xC9\n"), "");
  EXPECT_EQ(mail_to_text("no blank line so no body"), "");
}

TEST(DataReaders, Jargon) {
  const std::string text =
      "                                The Jargon File\n\n   Table of Contents\n\n   1. Intro\n\n"
      "Chapter\xC2\xA0" "1. Intro\n\n   Hackers like\n   {wordplay}.\n\n"
      "Glossary\n\n   0\n\n   awk\n\n  0\n\n   :0:\n\n   Numeric zero.\n\n  A\n\n   awk\n\n"
      "   :awk: /awk/, n.\n\n   1. An interpreted\n      language.\n\n       code  example\n\n"
      "Appendix A. Folklore\n\n   Table of Contents\n\n   The Meaning\n\n   Story one\n   continues here.\n";
  auto docs = jargon_documents(text);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[0], "Chapter 1. Intro\n\nHackers like wordplay.");
  EXPECT_EQ(docs[1], "0\n\nNumeric zero.");
  EXPECT_EQ(docs[2], "awk, n.\n\n1. An interpreted language.\n\n    code  example");
  EXPECT_EQ(docs[3], "Appendix A. Folklore\n\nStory one continues here.");
}

TEST(DataReaders, KjvChaptersAndLzw) {
  auto docs = kjv_chapters("Holy Bible header line\nGe1:1 In the beginning.\nGe1:2 And the earth.\nGe2:1 Thus.\n"
                           "Psa23:1 The LORD is my shepherd.\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0], "Genesis 1\n\n1 In the beginning.\n2 And the earth.\n");
  EXPECT_EQ(docs[2], "Psalm 23\n\n1 The LORD is my shepherd.\n");

  const std::string text = "TOBEORNOTTOBEORTOBEORNOT aaaaaaaaaaaaaaaa #";  // repeats + the KwKwK case
  EXPECT_EQ(unlzw(lzw9(text), 16, true, "test"), text);
  std::string bad = error_of([] { unlzw(std::string("\xFF\xFF\xFF\xFF", 4), 16, true, "t.Z"); });
  EXPECT_TRUE(contains(bad, "t.Z") && contains(bad, "corrupt")) << bad;
  bad = error_of([] { kjv_decode("EC02 but far too short", "bible.data"); });
  EXPECT_TRUE(contains(bad, "bible.data") && contains(bad, "bible-kjv-text")) << bad;
}

TEST(DataReaders, GzipRoundTripAndCorruption) {
  fs::path d = tmp_dir("gzip");
  std::string bad = error_of([] { gunzip(std::string("\x1F\x8B\x08\x00garbage", 12), "x.gz"); });
  EXPECT_TRUE(contains(bad, "x.gz")) << bad;
  if (std::system(("printf 'hello gzip\\n' | gzip -c > " + (d / "a.gz").string()).c_str()) == 0) {
    EXPECT_EQ(read_file_maybe_gzip((d / "a.gz").string()), "hello gzip\n");
  }
}

TEST(DataReaders, StdlibJsonAndJokes) {
  EXPECT_EQ(stdlib_dataset_text(R"({"chapter":"50","title":"Ahab's Boat.","text":"Who would?"})", "c.json"),
            "CHAPTER 50. Ahab's Boat.\n\nWho would?");
  EXPECT_EQ(stdlib_dataset_text(R"({"chapter":"Contents","title":"","text":"CONTENTS"})", "c.json"), "");
  EXPECT_EQ(stdlib_dataset_text(R"({"year":1989,"name":"George Bush","party":"Republican","text":"Mr. Speaker"})", "s.json"),
            "State of the Union Address, George Bush, 1989\n\nMr. Speaker");
  EXPECT_TRUE(contains(error_of([] { stdlib_dataset_text("{broken", "pkg/x.json"); }), "pkg/x.json"));
  auto jokes = joke_documents(R"([{"body":"One.","tags":[]},{"body":""},{"body":"Two."}])", "jokes.json");
  EXPECT_EQ(jokes, (std::vector<std::string>{"One.", "Two."}));
}

// ---------------------------------------------------------------- user sources and the pipeline

TEST(DataUserSources, JsonlErrorsNameFileAndLine) {
  std::vector<std::string> got;
  auto emit = [&](std::string&& s) { got.push_back(s); };
  jsonl_documents("{\"text\": \"a\"}\n\n{\"text\": \"b\", \"x\": 1}\n", "u.jsonl", emit);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
  std::string e = error_of([&] { jsonl_documents("{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": oops}\n", "u.jsonl", emit); });
  EXPECT_TRUE(contains(e, "u.jsonl:3") && contains(e, "not valid JSON")) << e;
  e = error_of([&] { jsonl_documents("{\"text\": \"a\"}\n{\"body\": \"b\"}\n", "u.jsonl", emit); });
  EXPECT_TRUE(contains(e, "u.jsonl:2") && contains(e, "missing \"text\"") && contains(e, "body")) << e;
  e = error_of([&] { jsonl_documents("{\"text\": 5}\n", "u.jsonl", emit); });
  EXPECT_TRUE(contains(e, "u.jsonl:1") && contains(e, "must be a string")) << e;
  e = error_of([&] { jsonl_documents("[1, 2]\n", "u.jsonl", emit); });
  EXPECT_TRUE(contains(e, "u.jsonl:1") && contains(e, "array")) << e;
  got.clear();
  EXPECT_EQ(jsonl_documents("{\"text\": \"a\"}\n{\"text\": \"ok \xFF here\"}\n", "u.jsonl", emit), 1);  // repaired
  EXPECT_EQ(got, (std::vector<std::string>{"a", "ok \xEF\xBF\xBD here"}));
}

TEST(DataUserSources, DirectoryPlanAndBadSpecs) {
  fs::path d = tmp_dir("plan");
  write(d / "b.txt", "bee");
  write(d / "sub" / "a10.md", "ten");
  write(d / "sub" / "a2.MD", "two");
  write(d / "image.png", "\x89PNG");
  auto plans = plan_sources({d.string()});
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_EQ(plans[0].files.size(), 3u);
  EXPECT_EQ(fs::path(plans[0].files[0]).filename(), "b.txt");
  EXPECT_EQ(fs::path(plans[0].files[1]).filename(), "a2.MD");  // natural order: a2 before a10
  EXPECT_EQ(fs::path(plans[0].files[2]).filename(), "a10.md");
  EXPECT_TRUE(contains(error_of([&] { plan_sources({(d / "nope").string()}); }), "no such file"));
  EXPECT_TRUE(contains(error_of([&] { plan_sources({(d / "image.png").string()}); }), "unsupported file type"));
  fs::path empty = tmp_dir("plan_empty");
  EXPECT_TRUE(contains(error_of([&] { plan_sources({empty.string()}); }), "no .txt or .md"));
}

TEST(DataPipeline, DedupSplitDeterministicAndDisjoint) {
  fs::path src = tmp_dir("pipe_src");
  const int n = 400;
  for (int i = 0; i < n; ++i) write(src / fmt::format("doc{}.txt", i), fmt::format("Document number {}.\n", i));
  write(src / "dup_a.txt", "Same text.\r\nTwice.  \n");
  write(src / "dup_b.md", "\n\nSame text.\nTwice.\n\n\n");  // equal after normalisation
  write(src / "binary.txt", std::string("\xFF\xFE\x00\x01\xFA\xFB\xFC\xFD\x80\x81", 10) + "x");
  fs::path run1 = tmp_dir("pipe_run1"), run2 = tmp_dir("pipe_run2");
  CorpusStats a = corpus_build({run1.string(), {src.string()}});
  CorpusStats b = corpus_build({run2.string(), {src.string()}});
  ASSERT_EQ(a.sources.size(), 1u);
  EXPECT_EQ(a.total.documents, n + 1);
  EXPECT_EQ(a.total.duplicates, 1);
  EXPECT_EQ(a.total.skipped_invalid, 1);
  EXPECT_GT(a.total.invalid_utf8, 0);
  EXPECT_EQ(a.total.train_documents + a.total.val_documents, n + 1);
  for (const char* f : {"train.jsonl", "val.jsonl", "stats.json"})
    EXPECT_EQ(read_file((run1 / "data/corpus" / f).string()), read_file((run2 / "data/corpus" / f).string())) << f;

  std::set<std::string> train, val;
  for (auto& j : read_jsonl(run1 / "data/corpus/train.jsonl")) {
    EXPECT_EQ(j["source"], src.string());
    train.insert(j["text"].get<std::string>());
  }
  for (auto& j : read_jsonl(run1 / "data/corpus/val.jsonl")) val.insert(j["text"].get<std::string>());
  EXPECT_EQ(train.size() + val.size(), static_cast<size_t>(n + 1));
  for (const std::string& t : val) {
    EXPECT_EQ(train.count(t), 0u);
    EXPECT_TRUE(hash_is_val(text_hash(t)));
  }
  EXPECT_EQ(train.count("Same text.\nTwice."), 1u);
  auto stats = nlohmann::json::parse(read_file((run1 / "data/corpus/stats.json").string()));
  EXPECT_EQ(stats["total"]["duplicates_removed"], 1);
  EXPECT_EQ(stats["sources"][0]["documents"], n + 1);
}

TEST(DataPipeline, TinyCorpusStillHasValidation) {
  fs::path src = tmp_dir("tiny_src");
  for (int i = 0; i < 5; ++i) write(src / fmt::format("t{}.txt", i), fmt::format("tiny {}", i));
  fs::path run = tmp_dir("tiny_run");
  CorpusStats st = corpus_build({run.string(), {src.string()}});
  EXPECT_GE(st.total.val_documents, 1);
  EXPECT_EQ(st.total.val_documents + st.total.train_documents, 5);
  EXPECT_EQ(read_jsonl(run / "data/corpus/val.jsonl").size(), static_cast<size_t>(st.total.val_documents));
  EXPECT_EQ(read_jsonl(run / "data/corpus/train.jsonl").size(), static_cast<size_t>(st.total.train_documents));

  fs::path one = tmp_dir("tiny_one");
  write(one / "only.txt", "the only document");
  st = corpus_build({run.string(), {one.string()}});
  EXPECT_EQ(st.total.train_documents + st.total.val_documents, 1);
}

TEST(DataPipeline, WeightsUpsampleApartAndMissingSources) {
  fs::path src = tmp_dir("weight_src");
  for (int i = 0; i < 50; ++i) write(src / fmt::format("d{}.txt", i), fmt::format("text {}", i));
  auto plans = plan_sources({src.string()});
  plans[0].weight = 2;
  SourcePlan missing;
  missing.name = "ghost";
  missing.package = "ghost-pkg";
  missing.missing = "/nowhere not found (Debian package ghost-pkg); run scripts/setup.sh";
  plans.push_back(missing);
  fs::path run = tmp_dir("weight_run");
  CorpusStats st = corpus_build_plans({run.string(), {}}, plans);
  EXPECT_EQ(st.sources[1].missing, missing.missing);
  auto train = read_jsonl(run / "data/corpus/train.jsonl");
  const size_t first = static_cast<size_t>(st.total.documents - st.total.val_documents);
  ASSERT_EQ(train.size(), 2 * first);
  for (size_t i = 0; i < first; ++i) EXPECT_EQ(train[i]["text"], train[first + i]["text"]);  // copies come later
  EXPECT_TRUE(contains(corpus_stats_table(st), "missing"));

  std::string e = error_of([&] { corpus_build_plans({run.string(), {}}, {missing}); });
  EXPECT_TRUE(contains(e, "no corpus source could be read") && contains(e, "scripts/setup.sh")) << e;

  SourceSpec ghost{"ghost", Origin::debian, "ghost-pkg", "/nonexistent/ownchat/ghost", "", "", Reader::fortune, 1, "", ""};
  SourcePlan p = plan_manifest_source(ghost);
  EXPECT_TRUE(contains(p.missing, "ghost-pkg") && contains(p.missing, "scripts/setup.sh")) << p.missing;
}

// ---------------------------------------------------------------- the real binary

TEST(DataCli, BuildFromDirectoryAndBadJsonl) {
  fs::path src = tmp_dir("cli_src");
  write(src / "one.txt", "The first document.\n");
  write(src / "two.md", "# Second\n\nWith \xFF an invalid byte.\n");
  fs::path run = tmp_dir("cli_run");
  CmdResult r = run_binary("data build --run " + run.string() + " --sources " + src.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "two.md: 1 invalid UTF-8 sequence at byte 15")) << r.output;
  EXPECT_TRUE(contains(r.output, "total")) << r.output;
  EXPECT_TRUE(fs::exists(run / "data/corpus/train.jsonl"));
  EXPECT_TRUE(fs::exists(run / "data/corpus/val.jsonl"));
  auto stats = nlohmann::json::parse(read_file((run / "data/corpus/stats.json").string()));
  EXPECT_EQ(stats["total"]["documents"], 2);
  EXPECT_EQ(stats["total"]["invalid_utf8_replaced"], 1);

  fs::path bad = src / "bad.jsonl";
  write(bad, "{\"text\": \"fine\"}\n{\"text\": \"also fine\"}\n{\"txt\": \"typo\"}\n");
  r = run_binary("data build --run " + run.string() + " --sources " + bad.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, bad.string() + ":3")) << r.output;
  EXPECT_TRUE(contains(r.output, "missing \"text\"")) << r.output;
  // the failed build left the earlier corpus in place and no temp files behind
  EXPECT_EQ(read_jsonl(run / "data/corpus/train.jsonl").size() + read_jsonl(run / "data/corpus/val.jsonl").size(), 2u);
  for (auto& e : fs::directory_iterator(run / "data/corpus"))
    EXPECT_FALSE(contains(e.path().filename().string(), ".tmp.")) << e.path();

  r = run_binary("data build --run " + run.string() + " --sources " + (src / "missing_dir").string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "no such file or directory")) << r.output;
}

// ---------------------------------------------------------------- the packaged sources, where installed

TEST(DataRealSources, EachInstalledSourceYieldsDocuments) {
  // a few files of every source (the big single-file ones in full: GCIDE ~40 MB takes ~1 s)
  for (const SourceSpec& spec : default_sources()) {
    SourcePlan plan = plan_manifest_source(spec);
    if (!plan.missing.empty()) {
      std::printf("[ skipped  ] %s: %s\n", spec.name, plan.missing.c_str());
      continue;
    }
    int64_t docs = 0, bytes = 0, invalid = 0;
    int reports = 3;
    for (size_t f = 0; f < plan.files.size() && f < 3; ++f)
      read_source_file(plan, plan.files[f], [&](std::string&& d) {
        std::string t = normalize_text(d);
        if (t.empty()) return;
        ++docs;
        bytes += static_cast<int64_t>(t.size());
      }, &invalid, &reports);
    EXPECT_GT(docs, 0) << spec.name;
    EXPECT_GT(bytes, 100) << spec.name;
  }
}

TEST(DataRealSources, KingJamesBibleDecodes) {
  if (!fs::exists("/usr/lib/bible.data")) GTEST_SKIP() << "bible-kjv-text not installed";
  std::string verses = kjv_decode(read_file("/usr/lib/bible.data"), "/usr/lib/bible.data");
  EXPECT_TRUE(contains(verses, "Ge1:1 In the beginning God created the heaven and the earth.\n"));
  EXPECT_TRUE(contains(verses, "Rev22:21 The grace of our Lord Jesus Christ be with you all. Amen.\n"));
  EXPECT_EQ(kjv_chapters(verses).size(), 1189u);
}
