#!/usr/bin/env python3
"""Write a random-weight llama- or gpt2-architecture GGUF (f32) for benchmarking llama.cpp.

The weights are random (N(0, 0.02), norm gains 1, biases 0). The vocabulary is either
  - a dummy SentencePiece-style ("llama") one: <unk>, <s>, </s>, the 256 byte tokens, then filler
    pieces. Good enough for llama-bench (shapes and tokenizer metadata only), useless for text;
  - or, with --tokenizer, one of our byte-level BPE tokenizer.json files as a "gpt2" BPE vocabulary
    (tokens, merges, our special tokens as control tokens, the llama-3 pre-tokenizer regex that ours
    uses), padded to --vocab with unreachable tokens, plus the chat template from the
    tokenizer_config.json beside it. llama.cpp then splits a prompt into exactly our token ids, so
    a server benchmark compares equal prompt lengths.

Shapes: karpathy's llama2.c "stories" checkpoints and GPT-2 small:
  llama-15m : llama, d 288, 6 layers, 6 heads, ffn 768 (SwiGLU), vocab 32000
  llama-110m: llama, d 768, 12 layers, 12 heads, ffn 2048 (SwiGLU), vocab 32000
  gpt2-124m : gpt2, d 768, 12 layers, 12 heads, ffn 3072 (GELU), vocab 50257, learned positions
All: context 1024, norm eps 1e-5, rope theta 10000 (llama), untied output. --vocab overrides the
vocabulary size (50304 matches `ownchat ckpt init --vocab 50304`).

Usage (gguf-py ships with llama.cpp):
  PYTHONPATH=$LLAMA_CPP_DIR/gguf-py /usr/bin/python3 bench/llamacpp_gguf.py \
      --preset gpt2-124m --vocab 50304 --tokenizer RUN/tokenizer.json -o gpt2-124m-f32.gguf
  $LLAMA_CPP_DIR/build/bin/llama-quantize --pure gpt2-124m-f32.gguf gpt2-124m-q8_0.gguf Q8_0
"""
import argparse
import json
import os
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
    "llama-15m": dict(arch="llama", n_embd=288, n_layer=6, n_head=6, n_head_kv=6, n_ff=768, n_vocab=32000),
    "llama-110m": dict(arch="llama", n_embd=768, n_layer=12, n_head=12, n_head_kv=12, n_ff=2048, n_vocab=32000),
    "gpt2-124m": dict(arch="gpt2", n_embd=768, n_layer=12, n_head=12, n_head_kv=12, n_ff=3072, n_vocab=50257),
}
COMMON = dict(n_ctx=1024, norm_eps=1e-5, rope_theta=10000.0)


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


def add_dummy_vocab(w, n_vocab):
    tokens, scores, ttypes = dummy_vocab(n_vocab)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(ttypes)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)


def add_bpe_vocab(w, n_vocab, path):
    """Our tokenizer.json (byte-level BPE, pieces already in GPT-2's byte-to-unicode alphabet)."""
    with open(path, encoding="utf-8") as f:
        tj = json.load(f)
    model = tj["model"]
    if model.get("type") != "BPE":
        raise SystemExit(f"{path}: model.type is {model.get('type')!r}, expected BPE")
    by_id = {i: t for t, i in model["vocab"].items()}
    special = {a["id"]: a["content"] for a in tj.get("added_tokens", [])}
    by_id.update(special)
    size = max(by_id) + 1
    if size > n_vocab:
        raise SystemExit(f"{path}: {size} token ids do not fit --vocab {n_vocab}")
    tokens, ttypes = [], []
    for i in range(n_vocab):
        if i in special:
            tokens.append(special[i]); ttypes.append(gguf.TokenType.CONTROL)
        elif i in by_id:
            tokens.append(by_id[i]); ttypes.append(gguf.TokenType.NORMAL)
        else:  # unreachable by the merges; decodes as text so every sampled id streams a delta
            tokens.append(f"\u0120pad{i}"); ttypes.append(gguf.TokenType.NORMAL)
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("llama-bpe")  # the regex of our pre-tokenizer
    w.add_token_list(tokens)
    w.add_token_types([int(t) for t in ttypes])
    w.add_token_merges(merges)
    ids = {t: i for i, t in special.items()}
    w.add_bos_token_id(ids["<|bos|>"])
    w.add_eos_token_id(ids["<|eos|>"])
    w.add_eot_token_id(ids["<|end|>"])
    w.add_add_bos_token(False)  # the chat template writes <|bos|>
    config = os.path.join(os.path.dirname(path), "tokenizer_config.json")
    if os.path.exists(config):
        with open(config, encoding="utf-8") as f:
            w.add_chat_template(json.load(f)["chat_template"])


def tensor_shapes(c):
    """(name, numpy shape) in file order. numpy (rows, cols) == ggml ne (cols, rows)."""
    d, ff, v = c["n_embd"], c["n_ff"], c["n_vocab"]
    d_kv = d // c["n_head"] * c["n_head_kv"]
    out = [("token_embd.weight", (v, d))]
    if c["arch"] == "gpt2":
        out += [("position_embd.weight", (c["n_ctx"], d))]
    for i in range(c["n_layer"]):
        p = f"blk.{i}."
        if c["arch"] == "gpt2":
            out += [
                (p + "attn_norm.weight", (d,)), (p + "attn_norm.bias", (d,)),
                (p + "attn_qkv.weight", (d + 2 * d_kv, d)), (p + "attn_qkv.bias", (d + 2 * d_kv,)),
                (p + "attn_output.weight", (d, d)), (p + "attn_output.bias", (d,)),
                (p + "ffn_norm.weight", (d,)), (p + "ffn_norm.bias", (d,)),
                (p + "ffn_up.weight", (ff, d)), (p + "ffn_up.bias", (ff,)),
                (p + "ffn_down.weight", (d, ff)), (p + "ffn_down.bias", (d,)),
            ]
        else:
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
    out += [("output_norm.weight", (d,))]
    if c["arch"] == "gpt2":
        out += [("output_norm.bias", (d,))]
    out += [("output.weight", (v, d))]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("-o", "--output", required=True, help="output .gguf path")
    ap.add_argument("--vocab", type=int, default=0, help="vocabulary size (default: the preset's)")
    ap.add_argument("--tokenizer", default="", help="our tokenizer.json, written as a gpt2 BPE vocabulary")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    c = dict(PRESETS[args.preset], **COMMON)
    if args.vocab:
        c["n_vocab"] = args.vocab
    arch = c["arch"]
    w = gguf.GGUFWriter(args.output, arch)
    w.add_name(f"random-{args.preset}")
    w.add_file_type(0)  # LLAMA_FTYPE_ALL_F32
    w.add_vocab_size(c["n_vocab"])
    w.add_context_length(c["n_ctx"])
    w.add_embedding_length(c["n_embd"])
    w.add_block_count(c["n_layer"])
    w.add_feed_forward_length(c["n_ff"])
    w.add_head_count(c["n_head"])
    w.add_head_count_kv(c["n_head_kv"])
    if arch == "gpt2":
        w.add_layer_norm_eps(c["norm_eps"])
    else:
        w.add_layer_norm_rms_eps(c["norm_eps"])
        w.add_rope_dimension_count(c["n_embd"] // c["n_head"])
        w.add_rope_freq_base(c["rope_theta"])

    if args.tokenizer:
        add_bpe_vocab(w, c["n_vocab"], args.tokenizer)
    else:
        add_dummy_vocab(w, c["n_vocab"])

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
        if name.endswith(".bias"):
            t = np.zeros(shape, dtype=np.float32)
        elif len(shape) == 1:  # norm gains
            t = np.ones(shape, dtype=np.float32)
        else:
            t = rng.standard_normal(shape, dtype=np.float32)
            t *= 0.02
        n_params += t.size
        w.write_tensor_data(t)
    w.close()
    print(f"wrote {args.output}: {args.preset}, vocab {c['n_vocab']}, {n_params / 1e6:.2f}M params, f32")


if __name__ == "__main__":
    main()
