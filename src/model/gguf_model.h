// Our Llama as GGUF's "llama" architecture (llama.cpp's tensor names and llama.* metadata), and back.
// Names: model.embed_tokens -> token_embd, layers.N.input_layernorm -> blk.N.attn_norm,
// self_attn.{q,k,v,o}_proj -> attn_{q,k,v,output}, post_attention_layernorm -> ffn_norm,
// mlp.{gate,up,down}_proj -> ffn_{gate,up,down}, model.norm -> output_norm, lm_head -> output
// (absent when tied: llama.cpp then uses token_embd).
// RoPE: we rotate the halves of each head (x[i] with x[i + D/2], as Hugging Face does); llama.cpp's
// "llama" rotates neighbours (x[2i] with x[2i+1]) at the same frequency. So the rows of q and k
// are interleaved per head on the way out (row i of the first half -> 2i, of the second -> 2i+1),
// as llama.cpp's own converter does, and put back on the way in. Then both compute the same model.
// Norm gains stay F32 whatever the type; matrices take the type asked for.
#pragma once
#include <string>
#include <vector>

#include "core/gguf.h"
#include "model/checkpoint.h"

namespace own {

// Adds the llama.* metadata and every tensor. The returned buffers hold the permuted q/k copies
// the writer points at: keep them until w.write(). InputError for a model GGUF cannot hold (a
// reward model's score head) or a type the shape does not allow.
std::vector<std::vector<float>> gguf_put_model(GgufWriter& w, const Checkpoint& ck, GgmlType type,
                                               const std::string& name);
// The model of a "llama" GGUF file, validated like a checkpoint (every tensor, shape and type;
// nothing extra; finite weights). InputError names the file and the key or tensor.
Checkpoint gguf_read_model(const GgufFile& f);

// The GGUF name of one of our (Hugging Face) tensor names; "" when it has none.
std::string gguf_tensor_name(const std::string& hf_name);

}  // namespace own
