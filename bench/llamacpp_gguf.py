#!/usr/bin/env python3
"""Write a random-weight llama-architecture GGUF (f32) for benchmarking llama.cpp.

The weights are random (N(0, 0.02), norms = 1) and the tokenizer is a dummy
SentencePiece-style ("llama") vocabulary: <unk>, <s>, </s>, the 256 byte tokens
<0x00>..<0xFF>, then filler pieces. Good enough for llama-bench (which only
needs shapes and tokenizer metadata), useless for real text.

Shapes follow karpathy's llama2.c "stories" checkpoints:
  llama-15m : d 288, 6 layers, 6 heads, ffn 768
  llama-110m: d 768, 12 layers, 12 heads, ffn 2048
Both: vocab 32000, context 1024, rms eps 1e-5, rope theta 10000, untied output.

Usage (gguf-py ships with llama.cpp):
  PYTHONPATH=$LLAMA_CPP_DIR/gguf-py /usr/bin/python3 bench/llamacpp_gguf.py \
      --preset llama-15m -o llama-15m-f32.gguf
  $LLAMA_CPP_DIR/build/bin/llama-quantize --pure llama-15m-f32.gguf llama-15m-q8_0.gguf Q8_0
"""
import argparse
import sys
import types

import numpy as np

# gguf-py imports sentencepiece at import time (only its vocab helpers use it);
# stub it so we do not need the package installed.
try:
    import sentencepiece  # noqa: F401
except ImportError:
    stub = types.ModuleType("sentencepiece")
    stub.SentencePieceProcessor = object
    sys.modules["sentencepiece"] = stub

import gguf  # noqa: E402

PRESETS = {
    "llama-15m": dict(n_embd=288, n_layer=6, n_head=6, n_head_kv=6, n_ff=768),
    "llama-110m": dict(n_embd=768, n_layer=12, n_head=12, n_head_kv=12, n_ff=2048),
}
COMMON = dict(n_vocab=32000, n_ctx=1024, rms_eps=1e-5, rope_theta=10000.0)


def dummy_vocab(n_vocab):
    """SentencePiece-like vocab: unk/bos/eos, 256 byte tokens, filler pieces."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types_ = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    types_ += [gguf.TokenType.BYTE] * 256
    n_fill = n_vocab - len(tokens)
    assert n_fill >= 0, "vocab too small for the byte tokens"
    tokens += [f"\u2581t{i}" for i in range(n_fill)]
    types_ += [gguf.TokenType.NORMAL] * n_fill
    scores = [0.0] * (n_vocab - n_fill) + [-float(i) for i in range(n_fill)]
    return tokens, scores, [int(t) for t in types_]


def tensor_shapes(c):
    """(name, numpy shape) in file order. numpy (rows, cols) == ggml ne (cols, rows)."""
    d, ff, v = c["n_embd"], c["n_ff"], c["n_vocab"]
    d_kv = d // c["n_head"] * c["n_head_kv"]
    out = [("token_embd.weight", (v, d))]
    for i in range(c["n_layer"]):
        p = f"blk.{i}."
        out += [
            (p + "attn_norm.weight", (d,)),
            (p + "attn_q.weight", (d, d)),
            (p + "attn_k.weight", (d_kv, d)),
            (p + "attn_v.weight", (d_kv, d)),
            (p + "attn_output.weight", (d, d)),
            (p + "ffn_norm.weight", (d,)),
            (p + "ffn_gate.weight", (ff, d)),
            (p + "ffn_up.weight", (ff, d)),
            (p + "ffn_down.weight", (d, ff)),
        ]
    out += [("output_norm.weight", (d,)), ("output.weight", (v, d))]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("-o", "--output", required=True, help="output .gguf path")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    c = dict(PRESETS[args.preset], **COMMON)
    w = gguf.GGUFWriter(args.output, "llama")
    w.add_name(f"random-{args.preset}")
    w.add_file_type(0)  # LLAMA_FTYPE_ALL_F32
    w.add_vocab_size(c["n_vocab"])
    w.add_context_length(c["n_ctx"])
    w.add_embedding_length(c["n_embd"])
    w.add_block_count(c["n_layer"])
    w.add_feed_forward_length(c["n_ff"])
    w.add_head_count(c["n_head"])
    w.add_head_count_kv(c["n_head_kv"])
    w.add_layer_norm_rms_eps(c["rms_eps"])
    w.add_rope_dimension_count(c["n_embd"] // c["n_head"])
    w.add_rope_freq_base(c["rope_theta"])

    tokens, scores, ttypes = dummy_vocab(c["n_vocab"])
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(ttypes)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)

    # Stream tensors: declare all infos first, then write data one at a time
    # (keeps peak memory at one tensor rather than the whole model).
    shapes = tensor_shapes(c)
    for name, shape in shapes:
        w.add_tensor_info(name, shape, np.dtype(np.float32), 4 * int(np.prod(shape)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()

    rng = np.random.default_rng(args.seed)
    n_params = 0
    for name, shape in shapes:
        if len(shape) == 1:  # RMSNorm gains
            t = np.ones(shape, dtype=np.float32)
        else:
            t = rng.standard_normal(shape, dtype=np.float32)
            t *= 0.02
        n_params += t.size
        w.write_tensor_data(t)
    w.close()
    print(f"wrote {args.output}: {args.preset}, {n_params / 1e6:.2f}M params, f32")


if __name__ == "__main__":
    main()
