// A byte-level BPE vocabulary as GGUF tokenizer metadata, the "gpt2" model of llama.cpp, and back.
// Written: tokenizer.ggml.model "gpt2"; .pre, the name under which llama.cpp knows our
// pre-tokenizer regex ("gpt-2" for kGpt2Pattern, which our tokenizers use; "llama-bpe" for GPT-4's);
// .tokens (byte-level strings, special tokens as their text), .token_type (1 normal, 3 control,
// 5 unused), .merges ("a b"), the bos/eos/eot/padding ids, add_bos_token false (the chat template
// writes <|bos|>), and tokenizer.chat_template when the vocabulary has the chat tokens.
// Read: the same, plus control and user-defined tokens of other models as special tokens. A
// SentencePiece vocabulary ("llama"), byte tokens, or a pre-tokenizer we do not have the regex of
// are InputErrors naming the key and the value.
#pragma once
#include <cstdint>
#include <string>

#include "core/gguf.h"
#include "tokenizer/tokenizer.h"

namespace own {

// `vocab_size` is the model's (>= tok.vocab_size()); ids past the tokenizer's are written unused.
void gguf_put_vocab(GgufWriter& w, const Tokenizer& tok, int64_t vocab_size);
BpeVocab gguf_read_vocab(const GgufFile& f);
// The tokenizer of a .gguf file (InputError naming the file).
Tokenizer gguf_tokenizer(const std::string& path);

// "gpt-2" / "llama-bpe" for a regex llama.cpp has under that name; InputError otherwise.
std::string gguf_pre_name(const std::string& pattern);

}  // namespace own
