// Format readers for the corpus sources: each turns one file's bytes into documents of plain
// text (markup, boilerplate and navigation dropped). One .cpp per format family (read_*.cpp).
// Readers see bytes that were already UTF-8-repaired (except mail_to_text, which decodes its own
// charsets) and do not normalise whitespace: the pipeline (corpus.cpp) does that for every
// document. Malformed input never aborts: it is skipped, or an InputError names file and line.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace own {

using DocEmit = std::function<void(std::string&&)>;

// fortune(6) files (fortunes, fortunes-min): entries separated by lines holding only "%".
std::vector<std::string> fortune_documents(std::string_view text);

// bible-kjv-text's bible.data: an "EC02" container of compress(1) LZW blocks that decode to
// lines "Ge1:1 In the beginning ...". kjv_decode gives those lines; kjv_chapters one document per
// chapter ("Genesis 1", then one verse per line).
std::string kjv_decode(std::string_view file_bytes, const std::string& what, size_t max_out = size_t{1} << 30);
std::vector<std::string> kjv_chapters(std::string_view verses);

// The Jargon File (jargon-text's jargon.txt): one document per lexicon entry and per chapter or
// appendix section; the front matter and the tables of contents are dropped.
std::vector<std::string> jargon_documents(std::string_view text);

// dictd databases: the .index ("headword TAB base64-offset TAB base64-length" per line) cut the
// .dict text into entries; entries shared by several headwords come once, in file order, and
// the "00-database-*" header entries are left out. A bad index line is an InputError.
std::vector<std::string_view> dictd_entries(std::string_view index, std::string_view dict, const std::string& index_path);
std::string gcide_clean(std::string_view entry);   // Webster 1913 / GCIDE markup
std::string devil_clean(std::string_view entry);   // The Devil's Dictionary
std::string foldoc_clean(std::string_view entry);  // Free On-line Dictionary of Computing

// WordNet data.noun/verb/adj/adv: one document per synset (its words, part of speech, gloss and
// examples); the license header lines are skipped.
std::string wordnet_synset_text(std::string_view data_line);
std::vector<std::string> wordnet_documents(std::string_view data_file);

// HTML to text: scripts, styles and comments dropped, entities decoded, block elements become
// line/paragraph breaks, <pre> kept verbatim, list items as "- ". sphinx_main keeps only the page
// body of a Sphinx page (role="main") and drops its permalink anchors.
std::string html_to_text(std::string_view html, bool sphinx_main = false);
// Appends the character(s) of a named HTML entity ("amp", "eacute"); false if unknown.
bool html_entity(std::string_view name, std::string& out);

// Perl POD: headings, paragraphs (unwrapped), verbatim blocks (kept), lists; formatting codes
// (B<> I<> C<> L<> E<> F<> S<> X<> Z<>, also the C<< >> form) resolved; =begin/=for blocks of
// other formats and =cut sections dropped.
std::string pod_to_text(std::string_view pod);

// An RFC 822 mail (SpamAssassin ham): headers dropped except the subject; MIME multipart walked
// for the first text/plain part (else text/html, converted); quoted-printable and base64 decoded;
// ISO-8859-1/Windows-1252 converted to UTF-8; quoted replies, signatures, PGP armour and list
// footers removed. Returns "" for mails with nothing left or in other charsets.
std::string mail_to_text(std::string_view raw);

// Brown corpus files ("The/at Fulton/np-tl ..."): tags stripped and tokens detokenized;
// sentences of a paragraph joined, paragraphs separated by a blank line.
std::string brown_to_text(std::string_view tagged);

// @stdlib datasets: a Moby Dick chapter {"chapter","title","text"} or a State of the Union
// speech {"year","name","party","text"}; "" for files that hold neither (contents, file lists).
std::string stdlib_dataset_text(std::string_view json, const std::string& what);
// one-liner-joke's jokes.json: [{"body": ..., "tags": [...]}, ...], one document per joke
std::vector<std::string> joke_documents(std::string_view json, const std::string& what);
// A user's JSONL: one document per non-blank line, from its "text" string field. A line that is
// not a JSON object with a string "text" is an InputError naming path:line and what was found.
// Invalid UTF-8 inside a line is repaired and reported as path:line; returns how many sequences.
int64_t jsonl_documents(std::string_view text, const std::string& path, const DocEmit& emit);

}  // namespace own
