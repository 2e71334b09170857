// GgufFile (what `--model FILE.gguf`, `--init FILE.gguf` and `ckpt info` read) on arbitrary bytes,
// then the llama model and the gpt2 vocabulary on whatever opens.
// Properties: an open file or an InputError; an open file's tensors lie inside the file and read
// into a buffer of their numel; the model and vocabulary readers give a result or an InputError.
#include <vector>

#include "core/gguf.h"
#include "fuzz_util.h"
#include "model/gguf_model.h"
#include "tokenizer/gguf_vocab.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = own::fuzz::scratch_dir() / "model.gguf";
  own::fuzz::write_bytes(path, std::string_view(reinterpret_cast<const char*>(data), size));
  std::optional<own::GgufFile> f;
  if (!own::fuzz::accepts([&] { f.emplace(path.string()); })) return 0;
  for (const own::GgufTensor& t : f->tensors()) {
    FUZZ_REQUIRE(f->data(t).size() == static_cast<size_t>(t.bytes), t.name);
    if (t.numel <= (1 << 20)) {
      std::vector<float> out(static_cast<size_t>(t.numel));
      f->read_f32(t, out.data(), t.numel);
    }
  }
  own::fuzz::accepts([&] { own::gguf_read_model(*f); });
  own::fuzz::accepts([&] { own::Tokenizer tok(own::gguf_read_vocab(*f)); });
  return 0;
}
