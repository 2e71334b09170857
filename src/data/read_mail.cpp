// RFC 822 / MIME mail (SpamAssassin's ham: easy-ham-1/2, hard-ham-1). Only what a reader of the
// mail sees is kept: the subject and the body text. MIME handling is the minimum the corpus
// needs: nested multiparts, quoted-printable and base64, RFC 2047 encoded subjects, the
// ISO-8859-1 family and Windows-1252 (mails in other charsets are left out, "" returned).
// Undeclared 8-bit bytes that are not UTF-8 are read as Windows-1252, as mail clients did.
#include <algorithm>

#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

struct Headers {
  std::vector<std::pair<std::string, std::string>> fields;  // lower-cased name, unfolded value
  std::string get(std::string_view name) const {
    for (const auto& [n, v] : fields)
      if (n == name) return v;
    return "";
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// headers and body of an entity; a missing blank line means headers only
void split_entity(std::string_view e, Headers& h, std::string_view& body) {
  size_t end = e.find("\n\n");
  std::string_view head = e.substr(0, end);
  body = end == std::string_view::npos ? std::string_view{} : e.substr(end + 2);
  for (std::string_view line : split_lines(head)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!h.fields.empty()) {
        h.fields.back().second += ' ';
        h.fields.back().second += trim(line);
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view name = line.substr(0, colon);
    if (name.find(' ') != std::string_view::npos) continue;  // the mbox "From " line
    h.fields.emplace_back(lower(name), std::string(trim(line.substr(colon + 1))));
  }
}

// the value of `param` in a header like 'text/plain; charset="iso-8859-1"'
std::string header_param(std::string_view value, std::string_view param) {
  std::string low = lower(value);
  size_t at = 0;
  while ((at = low.find(param, at)) != std::string::npos) {
    bool word_start = at == 0 || low[at - 1] == ';' || low[at - 1] == ' ' || low[at - 1] == '\t';
    size_t eq = at + param.size();
    while (eq < low.size() && low[eq] == ' ') ++eq;
    if (!word_start || eq >= low.size() || low[eq] != '=') {
      at += param.size();
      continue;
    }
    size_t v = eq + 1;
    while (v < value.size() && value[v] == ' ') ++v;
    if (v < value.size() && value[v] == '"') {
      size_t close = value.find('"', v + 1);
      return std::string(value.substr(v + 1, close == std::string_view::npos ? std::string_view::npos : close - v - 1));
    }
    size_t e = value.find_first_of("; \t", v);
    return std::string(value.substr(v, e == std::string_view::npos ? std::string_view::npos : e - v));
  }
  return "";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string quoted_printable(std::string_view s, bool underscore_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 1 < s.size() && s[i + 1] == '\n') {
      ++i;  // soft line break
    } else if (s[i] == '=' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else if (underscore_is_space && s[i] == '_') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string base64(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  std::string copy(s);
  return utf8_repair(copy) == 0;
}

// to UTF-8 from a declared charset; false for charsets we do not read
bool to_utf8(std::string& s, std::string_view charset) {
  std::string cs = lower(trim(charset));
  if (cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "utf-8" || cs == "utf8" || cs == "unknown-8bit" ||
      cs == "default") {
    if (!is_valid_utf8(s)) s = cp1252_to_utf8(s);
    return true;
  }
  if (cs == "iso-8859-1" || cs == "iso8859-1" || cs == "latin1" || cs == "iso-8859-15" || cs == "windows-1252" ||
      cs == "cp1252") {
    s = cp1252_to_utf8(s);
    return true;
  }
  return false;
}

// RFC 2047 "=?iso-8859-1?Q?caf=E9?=" words in a header value
std::string decode_header(std::string_view v) {
  std::string out;
  size_t i = 0;
  bool last_was_word = false;
  while (i < v.size()) {
    size_t start = v.find("=?", i);
    if (start == std::string_view::npos) {
      out += v.substr(i);
      break;
    }
    size_t q1 = v.find('?', start + 2);
    size_t q2 = q1 == std::string_view::npos ? q1 : v.find('?', q1 + 1);
    size_t end = q2 == std::string_view::npos ? q2 : v.find("?=", q2 + 1);
    if (end == std::string_view::npos || q2 != q1 + 2) {
      out += v.substr(i);
      break;
    }
    std::string_view between = v.substr(i, start - i);
    if (!(last_was_word && trim(between).empty())) out += between;  // whitespace between words is dropped
    std::string charset(v.substr(start + 2, q1 - start - 2));
    char enc = static_cast<char>(v[q1 + 1] | 0x20);
    std::string_view payload = v.substr(q2 + 1, end - q2 - 1);
    std::string text = enc == 'b' ? base64(payload) : quoted_printable(payload, true);
    if (to_utf8(text, charset)) out += text;
    last_was_word = true;
    i = end + 2;
  }
  return out;
}

struct Leaf {
  std::string type, charset, body;
  bool attachment = false;
};

void collect_leaves(std::string_view entity, std::vector<Leaf>& leaves, int depth) {
  Headers h;
  std::string_view body;
  split_entity(entity, h, body);
  std::string ct = h.get("content-type");
  std::string type = lower(trim(std::string_view(ct).substr(0, ct.find(';'))));
  if (type.empty()) type = "text/plain";
  if (type.substr(0, 10) == "multipart/" && depth < 8) {
    std::string boundary = header_param(ct, "boundary");
    if (boundary.empty()) return;
    std::string delim = "--" + boundary;
    size_t at = 0;
    std::vector<std::string_view> parts;
    size_t part_start = std::string_view::npos;
    while (at <= body.size()) {
      size_t nl = body.find('\n', at);
      std::string_view line = body.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
      if (line.substr(0, delim.size()) == delim) {
        if (part_start != std::string_view::npos) parts.push_back(body.substr(part_start, at - part_start));
        if (line.substr(delim.size(), 2) == "--") {
          part_start = std::string_view::npos;
          break;
        }
        part_start = nl == std::string_view::npos ? body.size() : nl + 1;
      }
      if (nl == std::string_view::npos) break;
      at = nl + 1;
    }
    if (part_start != std::string_view::npos) parts.push_back(body.substr(part_start));
    for (std::string_view p : parts) collect_leaves(p, leaves, depth + 1);
    return;
  }
  if (type == "message/rfc822" && depth < 8) {
    collect_leaves(body, leaves, depth + 1);
    return;
  }
  std::string cte = lower(trim(h.get("content-transfer-encoding")));
  Leaf leaf;
  leaf.type = type;
  leaf.charset = header_param(ct, "charset");
  leaf.attachment = lower(h.get("content-disposition")).find("attachment") != std::string::npos;
  leaf.body = cte == "quoted-printable" ? quoted_printable(body, false) : cte == "base64" ? base64(body) : std::string(body);
  leaves.push_back(std::move(leaf));
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// a separator line: "-----...", "_____...", "=====..." (a footer often starts with one)
bool is_rule(std::string_view t) {
  return t.size() >= 20 && t.find_first_not_of("-_=~>+* ") == std::string_view::npos;
}

// whether mailing-list / sponsor boilerplate starts within the next lines
bool footer_follows(const std::vector<std::string_view>& lines, size_t from) {
  static const char* const words[] = {"sponsored", "unsubscribe", "Unsubscribe", "mailing list", "listinfo",
                                      "Yahoo! Groups", "subscribed to", "To stop receiving", "Subscriptions"};
  for (size_t k = from; k < lines.size() && k < from + 8; ++k)
    for (const char* w : words)
      if (lines[k].find(w) != std::string_view::npos) return true;
  return false;
}

bool is_header_line(std::string_view l) {
  for (const char* h : {"From:", "To:", "Sent:", "Subject:", "Cc:", "CC:", "Date:"})
    if (l.substr(0, std::string_view(h).size()) == h) return true;
  return false;
}

// quoted replies and their "X wrote:" lines, signatures, PGP armour, list footers
std::string strip_mail_noise(std::string_view text) {
  std::vector<std::string_view> lines = split_lines(text);
  auto quoted = [](std::string_view l) {
    std::string_view t = l.substr(std::min(l.find_first_not_of(' '), l.size()));
    return !t.empty() && (t[0] == '>' || t[0] == '|');
  };
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    std::string_view t = trim(l);
    if (l == "-- " || l == "--" || (is_rule(t) && footer_follows(lines, i + 1))) break;
    if (t.find("/mailman/listinfo/") != std::string_view::npos || t.substr(0, 30) == "To unsubscribe from this group") break;
    if (t.substr(0, 5) == "-----" && t.find("Original Message") != std::string_view::npos) {
      while (i + 1 < lines.size() && is_header_line(lines[i + 1])) ++i;  // the quoted mail's From:/Sent:/...
      continue;
    }
    if (t.substr(0, 34) == "-----BEGIN PGP SIGNED MESSAGE-----") {
      if (i + 1 < lines.size() && lines[i + 1].substr(0, 5) == "Hash:") ++i;
      continue;
    }
    if (t.substr(0, 29) == "-----BEGIN PGP SIGNATURE-----") {
      while (i < lines.size() && trim(lines[i]).substr(0, 27) != "-----END PGP SIGNATURE-----") ++i;
      continue;
    }
    if (t.find("Yahoo! Groups Sponsor") != std::string_view::npos) {  // an ad block up to "~-->"
      while (i + 1 < lines.size() && !ends_with(trim(lines[i]), "~->") && !ends_with(trim(lines[i]), "~-->")) ++i;
      continue;
    }
    if (quoted(l) || t == "Date: Not supplied") continue;
    if (ends_with(t, "wrote:") || ends_with(t, "writes:") || ends_with(t, "said:")) {
      size_t k = i + 1;
      while (k < lines.size() && trim(lines[k]).empty()) ++k;
      if (k < lines.size() && quoted(lines[k])) continue;
    }
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string mail_to_text(std::string_view raw) {
  std::string mail;
  mail.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i)  // CRLF -> LF, so "\n\n" ends the headers
    if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) mail += raw[i];
  Headers h;
  std::string_view body;
  split_entity(mail, h, body);
  std::vector<Leaf> leaves;
  collect_leaves(mail, leaves, 0);
  const Leaf* pick = nullptr;
  for (const Leaf& l : leaves)
    if (!l.attachment && l.type == "text/plain") {
      pick = &l;
      break;
    }
  if (!pick)
    for (const Leaf& l : leaves)
      if (!l.attachment && l.type == "text/html") {
        pick = &l;
        break;
      }
  if (!pick) return "";
  std::string text = pick->body;
  if (!to_utf8(text, pick->charset)) return "";
  if (pick->type == "text/html") text = html_to_text(text);
  text = std::string(trim(strip_mail_noise(text)));
  if (text.empty()) return "";
  std::string subject = decode_header(h.get("subject"));
  if (!is_valid_utf8(subject)) subject = cp1252_to_utf8(subject);
  std::string out;
  if (!trim(subject).empty()) out = "Subject: " + std::string(trim(subject)) + "\n\n";
  return out + text;
}

}  // namespace own
