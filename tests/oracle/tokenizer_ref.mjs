// Reference token ids for the tokenizer oracle test (tests/unit/tokenizer_test.cpp).
//   node tests/oracle/tokenizer_ref.mjs <gpt2|cl100k_base> <file> [js-tiktoken|tiktoken]
//   node tests/oracle/tokenizer_ref.mjs <tokenizer.json> <file> hf-tokenizers
// Reads <file> as UTF-8 (it must be valid UTF-8; JS strings cannot carry other bytes) and prints
// the ids space-separated on one line. js-tiktoken (pure JS, JS regex) is the default reference;
// tiktoken is OpenAI's Rust core compiled to WASM. They differ on U+0085 / U+FEFF (JS \s omits
// the first, adds the second). The tiktoken ones treat special-token text as ordinary text.
// hf-tokenizers is Hugging Face's Rust `tokenizers` (npm package of that name, optional): it
// reads a tokenizer.json and, as HF always does, matches added tokens in the text.
import fs from "node:fs";
import { createRequire } from "node:module";
import { getEncoding } from "js-tiktoken";
import { get_encoding } from "tiktoken";

const [encodingName, file, lib = "js-tiktoken"] = process.argv.slice(2);
if (!encodingName || !file || !["js-tiktoken", "tiktoken", "hf-tokenizers"].includes(lib)) {
  console.error("usage: tokenizer_ref.mjs <gpt2|cl100k_base|tokenizer.json> <file> [js-tiktoken|tiktoken|hf-tokenizers]");
  process.exit(2);
}
const text = fs.readFileSync(file, "utf8");
let ids;
if (lib === "js-tiktoken") {
  // disallowedSpecial [] : special-token text is encoded as ordinary text, as ours does by default
  ids = getEncoding(encodingName).encode(text, [], []);
} else if (lib === "hf-tokenizers") {
  const { Tokenizer } = createRequire(import.meta.url)("tokenizers");
  const tok = Tokenizer.fromFile(encodingName);
  ids = (await tok.encode(text, null, { addSpecialTokens: false })).getIds();
} else {
  const enc = get_encoding(encodingName);
  ids = Array.from(enc.encode_ordinary(text));
  enc.free();
}
process.stdout.write(ids.join(" ") + "\n");
