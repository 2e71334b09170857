// The retrieval index: HTML through the HTML5 parser, passage cutting, the FTS5 query, and the
// index commands through the binary (build, add, remove, search, bad input).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "data/clean.h"
#include "data/rule_judges.h"
#include "retrieval/grounded_synth.h"
#include "retrieval/html_page.h"
#include "retrieval/index_db.h"
#include "retrieval/passages.h"
#include "test_util.h"

namespace own {
using namespace own::test;
namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> rows;
  for (std::string_view line : split_lines(out))
    if (!line.empty() && line[0] == '{') rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST(HtmlPage, DecodesEntitiesDropsScriptsAndRepairsBrokenMarkup) {
  HtmlPage p = parse_html_page(
      "<html><head><title>  Caf&eacute;   notes </title><style>p{color:red}</style></head><body>"
      "<nav>Home | About</nav><script>var x = '<p>no</p>';</script>"
      "<p>Cr&egrave;me br&ucirc;l&eacute;e&hellip; costs &pound;5&nbsp;&amp; more &#8212; &#x263A;"
      "<p>An unclosed paragraph with <b>bold <i>and</b> italic</i> text"
      "<div hidden>secret</div><span style=\"display:none\">gone</span>"
      "<ul><li>one<li>two</ul><footer>copyright</footer>");
  EXPECT_EQ(p.title, "Café notes");
  ASSERT_EQ(p.sections.size(), 1u);
  const std::string& t = p.sections[0].text;
  EXPECT_NE(t.find("Crème brûlée… costs £5\u00a0& more — ☺"), std::string::npos) << t;
  EXPECT_NE(t.find("An unclosed paragraph with bold and italic text"), std::string::npos) << t;
  EXPECT_NE(t.find("- one\n- two"), std::string::npos) << t;
  for (const char* gone : {"color:red", "var x", "Home | About", "secret", "gone", "copyright", "<"})
    EXPECT_EQ(t.find(gone), std::string::npos) << gone << " in: " << t;
}

TEST(HtmlPage, HeadingsStartSectionsAndSphinxKeepsOnlyTheMainBody) {
  HtmlPage p = parse_html_page("<body><p>intro</p><h1>First</h1><p>a</p><h2>Second <code>x</code></h2><p>b</p>"
                               "<pre>  keep\n    this</pre></body>");
  ASSERT_EQ(p.sections.size(), 3u);
  EXPECT_EQ(p.title, "First");
  EXPECT_EQ(p.sections[0].heading, "");
  EXPECT_EQ(p.sections[0].text, "intro");
  EXPECT_EQ(p.sections[1].heading, "First");
  EXPECT_EQ(p.sections[2].heading, "Second x");
  EXPECT_EQ(p.sections[2].text, "b\n\n  keep\n    this");

  HtmlPage s = parse_html_page(
      "<div class=\"sphinxsidebar\">sidebar</div><div role=\"main\"><section><h1>json<a class=\"headerlink\" "
      "href=\"#x\">¶</a></h1><p>Encode &lt;JSON&gt;.</p></section></div><div class=\"footer\">f</div>",
      true);
  ASSERT_EQ(s.sections.size(), 1u);
  EXPECT_EQ(s.sections[0].heading, "json");
  EXPECT_EQ(s.sections[0].text, "Encode <JSON>.");
}

TEST(HtmlPage, RefusesAbsurdNestingWithAnError) {
  // 200k levels: gumbo's own recursive free would overflow the stack; the arena frees it flat
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<span>";
  EXPECT_NE(error_of([&] { parse_html_page(deep + "x"); }).find("nests elements"), std::string::npos);
  std::string lists = "<ul><li></li><li><h2>Head</h2></li></ul><p>after</p>";
  HtmlPage p = parse_html_page(lists);
  ASSERT_EQ(p.sections.size(), 1u);
  EXPECT_EQ(p.sections[0].heading, "Head");
  EXPECT_EQ(p.sections[0].text, "after") << "an empty item owes no \"- \"";
}

TEST(Passages, CutsAtTheLargestBoundaryWithinTheBudgetAndKeepsEveryWord) {
  PassageSplitter splitter(16, nullptr);  // 16 tokens = 48 bytes without a tokenizer
  std::string text = "Short first paragraph.\n\nA second paragraph that is much longer than the budget allows, so "
                     "it must be cut at sentences. Like this one. And this.\n\nlast";
  text += "\n\n" + std::string(200, 'x');
  std::vector<Passage> out;
  int64_t pos = 5;
  splitter.split("src", "T", text, &pos, [&](Passage&& p) { out.push_back(std::move(p)); });
  ASSERT_GE(out.size(), 5u);
  std::string words;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_LE(splitter.count_tokens(out[i].text), 16) << out[i].text;
    EXPECT_EQ(out[i].position, 5 + static_cast<int64_t>(i));
    EXPECT_EQ(out[i].title, "T");
    words += out[i].text + " ";
  }
  EXPECT_EQ(out[0].text, "Short first paragraph.");
  EXPECT_EQ(pos, 5 + static_cast<int64_t>(out.size()));
  for (const char* w : {"second", "sentences.", "Like", "this.", "last"}) EXPECT_NE(words.find(w), std::string::npos) << w;
  size_t xs = 0;
  for (char c : words) xs += c == 'x';
  EXPECT_EQ(xs, 200u);
  EXPECT_NE(error_of([] { PassageSplitter(2, nullptr); }).find("too small"), std::string::npos);
}

TEST(Passages, FtsQueryQuotesWordsAndDropsStopWords) {
  EXPECT_EQ(fts_query("What does \"serendipity\" mean?"), "\"serendipity\"");
  EXPECT_EQ(fts_query("Hash TABLE hash"), "\"hash\" OR \"table\"");
  EXPECT_EQ(fts_query("NEAR(a b) * ^col: AND OR"), "\"near\" OR \"b\" OR \"col\"");
  EXPECT_EQ(fts_query("the of ?!"), "");
  EXPECT_EQ(fts_query("Crème"), "\"crème\"");
}

struct IndexFixture : testing::Test {
  ScratchDir dir;
  std::string run() const { return dir.file("run"); }
  CmdResult index(const std::string& args) { return run_binary("index " + args + " --run " + run()); }
  void SetUp() override {
    std::filesystem::create_directories(dir.path / "docs" / "sub");
    write(dir.file("docs/zorblax.md"),
          "# Zorblax\n\nZorblax is a purple mineral found only on the moon Quintar.\n\n"
          "## Mining\n\nMiners cut zorblax with diamond saws.\n\n```\n# not a heading\n```\n");
    write(dir.file("docs/sub/page.html"),
          "<title>Glimmer guide</title><h1>Glimmerwort</h1><p>Glimmerwort glows at night &amp; smells of mint.</p>");
    write(dir.file("docs/notes.txt"), "The capital of Vexland is Ortho.\n\nIt rains there on Tuesdays.");
    write(dir.file("docs/zz_facts.jsonl"),
          "{\"title\": \"Quokka\", \"text\": \"A quokka is a small wallaby.\"}\n\n{\"text\": \"Zorblax is a purple mineral "
          "found only on the moon Quintar.\"}\n");
    write(dir.file("docs/ignored.bin"), "\x01\x02");
  }
};

TEST_F(IndexFixture, BuildSearchAddReplaceRemove) {
  CmdResult b = index("build --sources " + dir.file("docs"));
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_NE(b.output.find("1 files of other types skipped"), std::string::npos) << b.output;
  nlohmann::json built = json_lines(b.output).back();
  EXPECT_EQ(built["documents"], 4);
  EXPECT_EQ(built["duplicates"], 1) << "the JSONL repeats the markdown's first passage";
  EXPECT_EQ(built["index_passages"], built["passages"].get<int>() - 1);

  CmdResult s = index("search \"Where is zorblax found?\" -k 2");
  ASSERT_EQ(s.status, 0) << s.output;
  auto hits = json_lines(s.output);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]["title"], "Zorblax");
  EXPECT_NE(hits[0]["text"].get<std::string>().find("moon Quintar"), std::string::npos);
  EXPECT_NE(hits[0]["source"].get<std::string>().find("zorblax.md"), std::string::npos);
  EXPECT_GT(hits[0]["score"].get<double>(), 0);

  auto top = [&](const std::string& q) {
    auto h = json_lines(index("search \"" + q + "\" -k 1").output);
    return h.empty() ? nlohmann::json() : h[0];
  };
  EXPECT_EQ(top("glimmerwort at night")["title"], "Glimmerwort");
  EXPECT_EQ(top("glimmerwort")["text"], "Glimmerwort glows at night & smells of mint.");
  EXPECT_EQ(top("capital of Vexland")["title"], "notes");
  EXPECT_EQ(top("quokka")["title"], "Quokka");
  EXPECT_EQ(top("miners saws")["title"], "Mining");
  EXPECT_TRUE(top("no such thing whatsoever").is_null());

  // add a file the index has never seen, then change it and add it again: replaced, not doubled
  write(dir.file("new.txt"), "Flumph is the river that runs through Ortho.");
  CmdResult a = index("add " + dir.file("new.txt"));
  ASSERT_EQ(a.status, 0) << a.output;
  EXPECT_EQ(top("flumph river")["title"], "new");
  write(dir.file("new.txt"), "Flumph is a song, not a river.");
  nlohmann::json again = json_lines(index("add " + dir.file("new.txt")).output).back();
  EXPECT_EQ(again["replaced"], 1);
  EXPECT_EQ(top("flumph")["text"], "Flumph is a song, not a river.");
  EXPECT_EQ(json_lines(index("search flumph -k 5").output).size(), 1u);

  // remove by path: its passages go; a passage another file shares stays
  ASSERT_EQ(index("remove " + dir.file("new.txt")).status, 0);
  EXPECT_TRUE(top("flumph").is_null());
  ASSERT_EQ(index("remove " + dir.file("docs/zorblax.md")).status, 0);
  nlohmann::json shared = top("zorblax quintar");
  EXPECT_EQ(shared["title"], "zz_facts.jsonl line 3") << "the JSONL's copy of the passage is kept";
  EXPECT_NE(shared["source"].get<std::string>().find("zz_facts.jsonl"), std::string::npos) << shared;
  CmdResult unknown = index("remove " + dir.file("docs/zorblax.md"));
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.output.find("is not in"), std::string::npos) << unknown.output;
}

TEST_F(IndexFixture, AnOpenIndexAnswersFromARebuildWithoutReopening) {
  ASSERT_EQ(index("build --sources " + dir.file("docs")).status, 0);
  const IndexDb db(run() + "/index.db", IndexDb::Open::existing);  // as a running server holds it
  ASSERT_FALSE(db.search("zorblax", 1).empty());
  EXPECT_TRUE(db.search("flumph", 1).empty());

  std::filesystem::create_directories(dir.path / "other");
  write(dir.file("other/river.txt"), "Flumph is the river that runs through Ortho.");
  CmdResult b = index("build --sources " + dir.file("other"));  // a new file renamed over the old
  ASSERT_EQ(b.status, 0) << b.output;
  std::vector<SearchHit> hits = db.search("flumph", 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].passage.text, "Flumph is the river that runs through Ortho.");
  EXPECT_TRUE(db.search("zorblax", 1).empty());
  EXPECT_EQ(db.stats().documents, 1);

  // a file there that is not an index: the searches go on with the one opened before
  write(dir.file("junk.db"), "not sqlite");
  std::filesystem::rename(dir.file("junk.db"), run() + "/index.db");
  EXPECT_EQ(db.search("flumph", 1).size(), 1u);
}

TEST_F(IndexFixture, BadInputGetsErrorsNamingTheFile) {
  CmdResult none = index("search anything");
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.output.find("no index there"), std::string::npos) << none.output;

  write(dir.file("bad.jsonl"), "{\"text\": \"fine\"}\n{\"text\": 5}\n");
  CmdResult bad = index("build --sources " + dir.file("bad.jsonl"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("bad.jsonl:2: field \"text\""), std::string::npos) << bad.output;
  write(dir.file("worse.jsonl"), "not json\n");
  EXPECT_NE(index("build --sources " + dir.file("worse.jsonl")).output.find("worse.jsonl:1: not a JSON object"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(run() + "/index.db")) << "a failed build leaves no index";
  EXPECT_FALSE(std::filesystem::exists(run() + "/index.db.tmp"));

  CmdResult type = index("build --sources " + dir.file("docs/ignored.bin"));
  EXPECT_EQ(type.status, 1);
  EXPECT_NE(type.output.find("ignored.bin: unsupported file type .bin"), std::string::npos) << type.output;
  EXPECT_EQ(index("build --sources " + dir.file("nowhere")).status, 1);

  write(dir.file("latin1.txt"), "caf\xe9 au lait is a coffee");
  ASSERT_EQ(index("build --sources " + dir.file("latin1.txt")).status, 0);
  CmdResult s = index("search coffee");
  EXPECT_NE(s.output.find("caf\xef\xbf\xbd au lait"), std::string::npos) << "invalid UTF-8 is replaced, not dropped";

  // hostile queries are words to search for, never FTS5 syntax
  for (const char* q : {"\\\"", "*", "NEAR(coffee", "coffee AND", "col:coffee", "'; DROP TABLE passages; --"}) {
    CmdResult r = index(std::string("search '") + (std::string(q) == "'; DROP TABLE passages; --" ? "x" : q) + "'");
    EXPECT_EQ(r.status, 0) << q << ": " << r.output;
  }
  write(dir.file("not_index.db"), "hello");
  CmdResult wrong = run_binary("index search x --index " + dir.file("not_index.db"));
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.output.find("not_index.db"), std::string::npos) << wrong.output;
}

TEST(IndexDefault, TheReferenceSourcesAnswerDefinitionsAndFaqs) {
  ScratchDir dir;
  CmdResult b = run_binary("index build --run " + dir.file("run"));
  ASSERT_EQ(b.status, 0) << b.output;
  nlohmann::json built = json_lines(b.output).back();
  EXPECT_EQ(built["documents"], 7) << b.output;
  EXPECT_GT(built["index_passages"].get<int>(), 300000);
  auto top = [&](const std::string& q) {
    auto h = json_lines(run_binary("index search --run " + dir.file("run") + " \"" + q + "\" -k 1").output);
    return h.empty() ? nlohmann::json() : h[0];
  };
  EXPECT_EQ(top("What does serendipity mean?")["source"], "wordnet");
  EXPECT_EQ(top("DIPLOMACY patriotic art")["source"], "devils-dictionary");
  EXPECT_EQ(top("How do I round a number in Perl")["source"], "perl-docs");
  nlohmann::json py = top("datetime module supplies classes for manipulating dates");
  EXPECT_EQ(py["source"], "python-docs");
  EXPECT_EQ(py["title"], "datetime — Basic date and time types");
}

TEST(GroundedSynth, CitesThePassageThatAnswersAndSplitsByItem) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  ASSERT_EQ(run_binary("index build --run " + run + " --sources wordnet devils-dictionary --passage-tokens 64").status, 0);
  GroundedOptions o;
  o.index_path = run + "/index.db";
  o.count = 300;
  ChatSplits a, b;
  ASSERT_GT(add_grounded_chat(a, o), 150);
  add_grounded_chat(b, o);
  ASSERT_EQ(a.train.size(), b.train.size());
  for (size_t i = 0; i < a.train.size(); i++) EXPECT_EQ(chat_jsonl_line(a.train[i]), chat_jsonl_line(b.train[i]));
  EXPECT_GT(a.per_family["grounded"], 100);
  EXPECT_GT(a.per_family["grounded_idk"], 25);
  std::set<int> places;
  for (const auto* split : {&a.train, &a.val, &a.test})
    for (const Conversation& c : *split) {
      ASSERT_EQ(c.messages.size(), 3u);
      EXPECT_EQ(c.messages[0].role, "context");
      EXPECT_EQ(c.messages[1].role, "user");
      const std::string& ctx = c.messages[0].content;
      const std::string& answer = c.messages[2].content;
      const std::vector<int> cited = cited_numbers(answer);
      const char* want = split == &a.train ? "train" : split == &a.val ? "val" : "test";
      const bool word = c.item.find(' ') == std::string::npos && std::islower(static_cast<unsigned char>(c.item[0]));
      if (word) {
        EXPECT_STREQ(chat_split_of("definition", c.item), want) << c.item;
      }
      if (c.family == "grounded_idk") {
        EXPECT_TRUE(cited.empty()) << answer;
        EXPECT_TRUE(says_idk(answer)) << answer;
        continue;
      }
      ASSERT_EQ(cited.size(), 1u) << answer;
      places.insert(cited[0]);
      // the cited passage is the one whose text the answer copies
      const std::string tag = "[" + std::to_string(cited[0]) + "] ";
      size_t at = ctx.find(tag);
      ASSERT_NE(at, std::string::npos) << ctx;
      size_t end = ctx.find("\n\n[", at);
      const std::string passage = ctx.substr(at, end == std::string::npos ? std::string::npos : end - at);
      EXPECT_GE(content_overlap(passage, answer, c.messages[1].content), 0.5) << passage << " | " << answer;
      EXPECT_EQ(grounded_right("grounded", answer, c.messages[1].content, answer), 1) << answer;
    }
  EXPECT_GE(places.size(), 3u) << "the answering passage is not always [1]";
}

}  // namespace
}  // namespace own
