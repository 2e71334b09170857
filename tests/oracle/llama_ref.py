"""PyTorch oracle for ownchat's Llama model: forward, loss, gradients, AdamW trajectory, bench.

Reads an HF-style checkpoint dir (config.json + model.safetensors, HF Llama names) and a
safetensors token file; writes logits, loss, every gradient and a loss curve as F32.
This file is the executable spec the C++ is tested against (DESIGN §4, STYLE §6); it is
deliberately plain: no KV cache, no dropout, no biases, no LR schedule, no torch.optim.
Invariants: RoPE tables are computed in float64 and cast; softmax, norms, loss and the
residual stream stay in the parameter dtype (fp32/fp64) even under --bf16, where only the
matmul inputs/outputs are bf16 (torch.autocast); reported grads are pre-clipping.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

BETAS, ADAM_EPS, CLIP_EPS = (0.9, 0.95), 1e-8, 1e-6


class Config:
    def __init__(self, d):
        self.V = int(d["vocab_size"])
        self.C = int(d["hidden_size"])
        self.F = int(d["intermediate_size"])
        self.L = int(d["num_hidden_layers"])
        self.H = int(d["num_attention_heads"])
        self.Hkv = int(d.get("num_key_value_heads", self.H))
        self.theta = float(d.get("rope_theta", 10000.0))
        self.eps = float(d.get("rms_norm_eps", 1e-5))
        self.tied = bool(d.get("tie_word_embeddings", False))
        self.labels = int(d.get("num_labels", 0))  # 1: a scalar score head (reward model, critic)
        self.score_bias = float(d.get("score_bias", 0.0))
        if self.C % self.H or self.H % self.Hkv or (self.C // self.H) % 2:
            raise ValueError(f"bad head layout: C={self.C} H={self.H} Hkv={self.Hkv}")
        self.D = self.C // self.H

    def to_hf(self):
        return {"vocab_size": self.V, "hidden_size": self.C, "intermediate_size": self.F,
                "num_hidden_layers": self.L, "num_attention_heads": self.H,
                "num_key_value_heads": self.Hkv, "rope_theta": self.theta,
                "rms_norm_eps": self.eps, "tie_word_embeddings": self.tied,
                "architectures": ["LlamaForCausalLM"], "model_type": "llama"}


def param_shapes(cfg):
    """Ordered name -> shape; the tied LM head has no entry of its own."""
    C, F_, D = cfg.C, cfg.F, cfg.D
    s = {"model.embed_tokens.weight": (cfg.V, C)}
    for l in range(cfg.L):
        p = f"model.layers.{l}."
        s[p + "input_layernorm.weight"] = (C,)
        s[p + "self_attn.q_proj.weight"] = (cfg.H * D, C)
        s[p + "self_attn.k_proj.weight"] = (cfg.Hkv * D, C)
        s[p + "self_attn.v_proj.weight"] = (cfg.Hkv * D, C)
        s[p + "self_attn.o_proj.weight"] = (C, cfg.H * D)
        s[p + "post_attention_layernorm.weight"] = (C,)
        s[p + "mlp.gate_proj.weight"] = (F_, C)
        s[p + "mlp.up_proj.weight"] = (F_, C)
        s[p + "mlp.down_proj.weight"] = (C, F_)
    s["model.norm.weight"] = (C,)
    if not cfg.tied:
        s["lm_head.weight"] = (cfg.V, C)
    if cfg.labels == 1:
        s["score.weight"] = (1, C)
    return s


def init_params(cfg, gen, dtype=torch.float32, std=0.02):
    """N(0, std) for matrices, ones for norm weights."""
    return {n: (torch.randn(shape, generator=gen, dtype=dtype) * std if len(shape) == 2
                else torch.ones(shape, dtype=dtype))
            for n, shape in param_shapes(cfg).items()}


def load_checkpoint(ckpt_dir, dtype):
    with open(os.path.join(ckpt_dir, "config.json")) as f:
        cfg = Config(json.load(f))
    tensors, _ = safetensors_io.load(os.path.join(ckpt_dir, "model.safetensors"))
    shapes = param_shapes(cfg)
    if cfg.tied:
        tensors.pop("lm_head.weight", None)  # some writers store the tied head twice
    missing, extra = set(shapes) - set(tensors), set(tensors) - set(shapes)
    if missing or extra:
        raise ValueError(f"checkpoint names: missing {sorted(missing)}, unexpected {sorted(extra)}")
    for n, shape in shapes.items():
        if tuple(tensors[n].shape) != shape:
            raise ValueError(f"{n}: shape {tuple(tensors[n].shape)}, expected {shape}")
    return cfg, {n: tensors[n].to(dtype) for n in shapes}


def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope_tables(T, D, theta, dtype):
    """cos/sin of shape (T, D): HF layout, the D/2 frequencies repeated twice."""
    inv_freq = 1.0 / theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D)
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def apply_rope(x, cos, sin):  # x: (B, heads, T, D); cos/sin: (T, D)
    return x * cos + rotate_half(x) * sin


def forward(params, cfg, inputs, return_hidden=False):
    """inputs (B, T) long -> logits (B, T, V) in the parameter dtype (and the final-norm hidden
    states (B, T, C) with return_hidden)."""
    acc = params["model.embed_tokens.weight"].dtype  # fp32/fp64 even under bf16 autocast
    mm = lambda a, w: F.linear(a, w).to(acc)  # noqa: E731  (autocast decides the matmul dtype)
    B, T = inputs.shape
    H, Hkv, D = cfg.H, cfg.Hkv, cfg.D
    cos, sin = rope_tables(T, D, cfg.theta, acc)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    x = F.embedding(inputs, params["model.embed_tokens.weight"])
    for l in range(cfg.L):
        p = lambda n: params[f"model.layers.{l}.{n}.weight"]  # noqa: E731
        h = rmsnorm(x, p("input_layernorm"), cfg.eps)
        q = mm(h, p("self_attn.q_proj")).view(B, T, H, D).transpose(1, 2)
        k = mm(h, p("self_attn.k_proj")).view(B, T, Hkv, D).transpose(1, 2)
        v = mm(h, p("self_attn.v_proj")).view(B, T, Hkv, D).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k = k.repeat_interleave(H // Hkv, dim=1)  # q head h reads kv head h // (H/Hkv)
        v = v.repeat_interleave(H // Hkv, dim=1)
        att = torch.matmul(q, k.transpose(-2, -1)).to(acc) * (1.0 / math.sqrt(D))
        att = att.masked_fill(causal, float("-inf")).softmax(dim=-1)
        y = torch.matmul(att, v).to(acc).transpose(1, 2).reshape(B, T, H * D)
        x = x + mm(y, p("self_attn.o_proj"))
        h = rmsnorm(x, p("post_attention_layernorm"), cfg.eps)
        x = x + mm(F.silu(mm(h, p("mlp.gate_proj"))) * mm(h, p("mlp.up_proj")), p("mlp.down_proj"))
    h = rmsnorm(x, params["model.norm.weight"], cfg.eps)
    head = params["model.embed_tokens.weight"] if cfg.tied else params["lm_head.weight"]
    return (mm(h, head), h) if return_hidden else mm(h, head)


def loss_fn(logits, targets):
    """Mean cross-entropy over positions with target != -1, in the logits' (fp32/fp64) dtype."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-1)


class AdamW:
    """Hand-written AdamW + global-norm clipping; decay only on 2-D tensors."""

    def __init__(self, params, lr, wd, clip):
        self.params, self.lr, self.wd, self.clip, self.t = params, lr, wd, clip, 0
        self.m = {n: torch.zeros_like(p) for n, p in params.items()}
        self.v = {n: torch.zeros_like(p) for n, p in params.items()}

    @torch.no_grad()
    def step(self):
        grads = {n: p.grad for n, p in self.params.items()}
        if self.clip > 0:
            total = torch.sqrt(sum((g * g).sum() for g in grads.values()))
            if total > self.clip:
                for g in grads.values():
                    g.mul_(self.clip / (total + CLIP_EPS))
        self.t += 1
        b1, b2 = BETAS
        bc1, bc2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for n, p in self.params.items():
            g, m, v = grads[n], self.m[n], self.v[n]
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            if p.dim() == 2 and self.wd:
                p.mul_(1 - self.lr * self.wd)
            p.sub_(self.lr * (m / bc1) / ((v / bc2).sqrt() + ADAM_EPS))


def loss_and_grad(params, cfg, inputs, targets, bf16):
    for p in params.values():
        p.grad = None
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = forward(params, cfg, inputs)
    loss = loss_fn(logits, targets)
    loss.backward()
    return loss.detach(), logits.detach()


def run_reference(args):
    dtype = torch.float64 if args.double else torch.float32
    cfg, params = load_checkpoint(args.ckpt, dtype)
    for p in params.values():
        p.requires_grad_(True)
    toks, _ = safetensors_io.load(args.tokens)
    inputs, targets = toks["inputs"].long(), toks["targets"].long()
    if inputs.dim() != 2 or inputs.shape != targets.shape:
        raise ValueError(f"inputs {tuple(inputs.shape)} / targets {tuple(targets.shape)}: want equal (B, T)")
    if inputs.min() < 0 or inputs.max() >= cfg.V or targets.min() < -1 or targets.max() >= cfg.V:
        raise ValueError("token ids out of range [0, V) (targets may also be -1)")
    opt = AdamW(params, args.lr, args.wd, args.clip)
    out, losses = {}, []
    for i in range(max(args.steps, 1)):
        if i > 0:
            opt.step()  # losses[i] is the loss after i updates
        loss, logits = loss_and_grad(params, cfg, inputs, targets, args.bf16)
        if i == 0:
            out["logits"] = logits.float()
            out["loss"] = loss.float().reshape(1)
            for n, p in params.items():
                out["grad." + n] = p.grad.detach().float().clone()
        losses.append(float(loss))
    out["losses"] = torch.tensor(losses[:args.steps], dtype=torch.float32)
    meta = {"config": json.dumps(cfg.to_hf()), "dtype": "bf16" if args.bf16 else str(dtype)[6:],
            "lr": args.lr, "wd": args.wd, "clip": args.clip, "steps": args.steps,
            "torch": torch.__version__}
    safetensors_io.save(args.out, out, meta)
    print(f"loss {losses[0]:.6f} -> {losses[-1]:.6f} over {len(losses)} evals; wrote {args.out}")


def bench_config(args):
    C = 64 * args.depth
    d = {"vocab_size": args.vocab, "hidden_size": C, "num_hidden_layers": args.depth,
         "num_attention_heads": C // 64, "num_key_value_heads": args.kv_heads or C // 64,
         "intermediate_size": math.ceil(8 * C / 3 / 64) * 64, "rope_theta": 10000.0,
         "rms_norm_eps": 1e-5, "tie_word_embeddings": not args.untied}
    if args.config_json:
        d.update(json.loads(args.config_json))
    return Config(d)


def run_bench(args):
    cfg = bench_config(args)
    gen = torch.Generator().manual_seed(1234)
    params = init_params(cfg, gen)
    for p in params.values():
        p.requires_grad_(True)
    toks = torch.randint(0, cfg.V, (args.batch, args.seq + 1), generator=gen)
    inputs, targets = toks[:, :-1].contiguous(), toks[:, 1:].contiguous()
    opt = AdamW(params, args.lr, args.wd, args.clip)
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        loss_and_grad(params, cfg, inputs, targets, args.bf16)
        opt.step()
        times.append(time.perf_counter() - t0)
    timed = times[2:] if len(times) > 2 else times
    med = statistics.median(timed)
    print(json.dumps({"impl": "pytorch", "dtype": "bf16" if args.bf16 else "f32",
                      "depth": cfg.L, "batch": args.batch, "seq": args.seq,
                      "threads": args.threads, "tok_per_s": round(args.batch * args.seq / med, 1),
                      "ms_per_step": round(med * 1e3, 3), "ms_min": round(min(timed) * 1e3, 3),
                      "ms_max": round(max(timed) * 1e3, 3)}))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ckpt"), ap.add_argument("--tokens"), ap.add_argument("--out")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--double", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--config-json")
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--untied", action="store_true")
    ap.add_argument("--kv-heads", type=int, default=0)
    args = ap.parse_args(argv)
    if args.bf16 and args.double:
        ap.error("--bf16 and --double are exclusive")
    torch.set_num_threads(args.threads)
    if args.bench:
        return run_bench(args)
    if not (args.ckpt and args.tokens and args.out):
        ap.error("--ckpt, --tokens and --out are required (or --bench)")
    run_reference(args)


if __name__ == "__main__":
    main()
