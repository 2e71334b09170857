#include "infer/gguf_export.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/check.h"
#include "infer/generate.h"
#include "model/checkpoint.h"
#include "model/gguf_model.h"
#include "tokenizer/gguf_vocab.h"

namespace own {

namespace fs = std::filesystem;

GgmlType parse_gguf_type(const std::string& s) {
  if (s == "f32") return GgmlType::F32;
  if (s == "f16") return GgmlType::F16;
  if (s == "bf16") return GgmlType::BF16;
  if (s == "q8_0") return GgmlType::Q8_0;
  input_error("--type \"{}\": expected f32, f16, bf16 or q8_0", s);
}

void export_gguf(const GgufExportOptions& o) {
  const GgmlType type = parse_gguf_type(o.type);
  if (!is_gguf_path(o.out)) input_error("--out \"{}\": the file name must end in .gguf", o.out);
  const Tokenizer tok = Tokenizer::load(find_tokenizer(o.ckpt, o.tokenizer));
  const Checkpoint ck = checkpoint_load(o.ckpt);
  if (tok.vocab_size() > ck.config.vocab_size)
    input_error("{}: the tokenizer has {} ids but the model only {} (wrong --tokenizer?)", o.ckpt, tok.vocab_size(),
                ck.config.vocab_size);
  fs::path leaf = fs::path(o.ckpt).lexically_normal();
  if (!leaf.has_filename()) leaf = leaf.parent_path();
  GgufWriter w;
  const std::string name = is_gguf_path(o.ckpt) ? leaf.stem().string() : leaf.filename().string();
  const auto keep_alive = gguf_put_model(w, ck, type, "ownchat-" + name);
  gguf_put_vocab(w, tok, ck.config.vocab_size);
  w.write(o.out);
  std::error_code ec;
  const auto bytes = fs::file_size(o.out, ec);
  fmt::print("wrote {}: llama, {} layers, width {}, vocab {}, {} weights ({:.1f} MB), pre-tokenizer {}\n", o.out,
             ck.config.num_hidden_layers, ck.config.hidden_size, ck.config.vocab_size, o.type,
             ec ? 0.0 : static_cast<double>(bytes) / 1e6, gguf_pre_name(tok.pattern()));
}

}  // namespace own
