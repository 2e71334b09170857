"""Self-check of the PyTorch oracle (llama_ref.py, safetensors_io.py); exits non-zero on failure.

Run: /usr/bin/python3 tests/oracle/selfcheck.py   (a few seconds on 2 cores)
Checks the oracle against independent restatements of the spec: a loop-based float64
forward, explicit RoPE pair formulas, GQA-by-duplication, central-difference gradients,
torch.optim.AdamW, and the CLI end to end (tied, untied, GQA, --double, --bf16, --bench).
Deliberately not checked here: agreement with the C++ (that is the C++ test's job).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llama_ref as ref  # noqa: E402
import safetensors_io as st  # noqa: E402

FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


def tiny_cfg(**kw):
    d = {"vocab_size": 100, "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 4, "rope_theta": 10000.0,
         "rms_norm_eps": 1e-5, "tie_word_embeddings": True}
    d.update(kw)
    return ref.Config(d)


def perturbed_params(cfg, seed, dtype=torch.float64):
    """Random init with non-trivial norm weights, so norm gradients are exercised."""
    gen = torch.Generator().manual_seed(seed)
    params = ref.init_params(cfg, gen, dtype, std=0.1)
    for n, p in params.items():
        if p.dim() == 1:
            p += 0.1 * torch.randn(p.shape, generator=gen, dtype=dtype)
    return params


def naive_forward(params, cfg, inputs):
    """Loop-based restatement of the spec: explicit RoPE pairs, kv head h // group, no masks."""
    B, T = inputs.shape
    H, Hkv, D, half = cfg.H, cfg.Hkv, cfg.D, cfg.D // 2
    P = lambda n: params[n]  # noqa: E731

    def norm(x, w):
        return x / math.sqrt(float((x * x).mean()) + cfg.eps) * w

    def rope(vec, pos):
        out = vec.clone()
        for i in range(half):
            a = pos * cfg.theta ** (-2.0 * i / D)
            x1, x2 = vec[i], vec[i + half]
            out[i], out[i + half] = x1 * math.cos(a) - x2 * math.sin(a), x2 * math.cos(a) + x1 * math.sin(a)
        return out

    logits = torch.zeros(B, T, cfg.V, dtype=torch.float64)
    for b in range(B):
        xs = [P("model.embed_tokens.weight")[inputs[b, t]].clone() for t in range(T)]
        for l in range(cfg.L):
            pre = f"model.layers.{l}."
            hs = [norm(x, P(pre + "input_layernorm.weight")) for x in xs]
            qs = [P(pre + "self_attn.q_proj.weight") @ h for h in hs]
            ks = [P(pre + "self_attn.k_proj.weight") @ h for h in hs]
            vs = [P(pre + "self_attn.v_proj.weight") @ h for h in hs]
            for t in range(T):
                y = torch.zeros(H * D, dtype=torch.float64)
                for hd in range(H):
                    kv = hd // (H // Hkv)
                    q = rope(qs[t][hd * D:(hd + 1) * D], t)
                    sc = torch.stack([q @ rope(ks[s][kv * D:(kv + 1) * D], s) for s in range(t + 1)]) / math.sqrt(D)
                    w = torch.softmax(sc, 0)
                    y[hd * D:(hd + 1) * D] = sum(w[s] * vs[s][kv * D:(kv + 1) * D] for s in range(t + 1))
                xs[t] = xs[t] + P(pre + "self_attn.o_proj.weight") @ y
            for t in range(T):
                h = norm(xs[t], P(pre + "post_attention_layernorm.weight"))
                g, u = P(pre + "mlp.gate_proj.weight") @ h, P(pre + "mlp.up_proj.weight") @ h
                xs[t] = xs[t] + P(pre + "mlp.down_proj.weight") @ (g * torch.sigmoid(g) * u)
        head = P("model.embed_tokens.weight") if cfg.tied else P("lm_head.weight")
        for t in range(T):
            logits[b, t] = head @ norm(xs[t], P("model.norm.weight"))
    return logits


def check_safetensors(tmp):
    path = os.path.join(tmp, "rt.safetensors")
    ts = {"f32": torch.randn(3, 5), "bf16": torch.randn(4, 2).bfloat16(), "scalar": torch.tensor(2.5),
          "i32": torch.tensor([[-1, 7], [2**31 - 1, 0]], dtype=torch.int32),
          "i64": torch.tensor([-(2**40), 3]), "f64": torch.randn(2, dtype=torch.float64)}
    st.save(path, ts, {"k": "v"})
    back, meta = st.load(path)
    same = all(back[n].dtype == t.dtype and back[n].shape == t.shape and torch.equal(back[n], t)
               for n, t in ts.items())
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    offs = [header[k]["data_offsets"] for k in sorted(ts)]
    contiguous = offs[0][0] == 0 and all(a[1] == b[0] for a, b in zip(offs, offs[1:]))
    size_ok = os.path.getsize(path) == 8 + n + offs[-1][1]
    check(same and meta == {"k": "v"} and n % 8 == 0 and contiguous and size_ok,
          "safetensors round trip (F32 BF16 I32 I64 F64 scalar), padded header, sorted contiguous data")


def check_rope():
    D, T, theta = 8, 5, 500.0
    cos, sin = ref.rope_tables(T, D, theta, torch.float64)
    x = torch.randn(1, 1, T, D, dtype=torch.float64)
    got = ref.apply_rope(x, cos, sin)[0, 0]
    want = torch.empty(T, D, dtype=torch.float64)
    for t in range(T):
        for i in range(D // 2):
            a = t / theta ** (2 * i / D)
            x1, x2 = x[0, 0, t, i], x[0, 0, t, i + D // 2]
            want[t, i], want[t, i + D // 2] = x1 * math.cos(a) - x2 * math.sin(a), x2 * math.cos(a) + x1 * math.sin(a)
    check(torch.allclose(got, want, rtol=0, atol=1e-12), "RoPE matches the rotate_half pair formula")


def check_forward_vs_naive():
    for name, cfg in [("tied MHA", tiny_cfg(num_hidden_layers=1)),
                      ("untied GQA", tiny_cfg(num_hidden_layers=1, num_key_value_heads=2, tie_word_embeddings=False))]:
        params = perturbed_params(cfg, 1)
        inputs = torch.randint(0, cfg.V, (2, 5), generator=torch.Generator().manual_seed(2))
        err = (ref.forward(params, cfg, inputs) - naive_forward(params, cfg, inputs)).abs().max().item()
        check(err < 1e-10, f"forward == loop-based restatement ({name}), max abs err {err:.1e}")


def check_gqa_by_duplication():
    cfg_g = tiny_cfg(num_key_value_heads=2)
    cfg_m = tiny_cfg()
    pg = perturbed_params(cfg_g, 3)
    pm = dict(pg)
    D = cfg_g.D
    for l in range(cfg_g.L):
        for proj in ("k_proj", "v_proj"):
            n = f"model.layers.{l}.self_attn.{proj}.weight"
            heads = pg[n].view(cfg_g.Hkv, D, cfg_g.C)
            pm[n] = torch.cat([heads[h // 2] for h in range(cfg_m.H)], dim=0)
    inputs = torch.randint(0, cfg_g.V, (2, 6), generator=torch.Generator().manual_seed(4))
    err = (ref.forward(pg, cfg_g, inputs) - ref.forward(pm, cfg_m, inputs)).abs().max().item()
    check(err < 1e-12, f"GQA H=4 Hkv=2 == MHA with duplicated kv heads, max abs err {err:.1e}")


def check_grad_central_diff():
    for name, cfg in [("tied", tiny_cfg(num_key_value_heads=2)), ("untied", tiny_cfg(tie_word_embeddings=False))]:
        params = perturbed_params(cfg, 5)
        gen = torch.Generator().manual_seed(6)
        inputs = torch.randint(0, cfg.V, (2, 6), generator=gen)
        targets = torch.randint(0, cfg.V, (2, 6), generator=gen)
        targets[0, 2] = targets[1, 5] = -1
        for p in params.values():
            p.requires_grad_(True)
        ref.loss_and_grad(params, cfg, inputs, targets, bf16=False)
        worst, eps = 0.0, 1e-6
        with torch.no_grad():
            for n, p in params.items():
                for idx in [0, p.numel() // 2, p.numel() - 1]:
                    if n == "model.embed_tokens.weight":
                        idx = int(inputs[0, 0]) * cfg.C + 3  # a row that is actually looked up
                    flat = p.view(-1)
                    old = flat[idx].item()
                    flat[idx] = old + eps
                    lp = ref.loss_fn(ref.forward(params, cfg, inputs), targets).item()
                    flat[idx] = old - eps
                    lm = ref.loss_fn(ref.forward(params, cfg, inputs), targets).item()
                    flat[idx] = old
                    num, ana = (lp - lm) / (2 * eps), p.grad.view(-1)[idx].item()
                    worst = max(worst, abs(num - ana) / (abs(num) + 1e-6))
        check(worst < 1e-5, f"grads == central differences in float64 ({name}, ignore=-1), worst rel {worst:.1e}")


def check_adamw_vs_torch():
    cfg = tiny_cfg(tie_word_embeddings=False)
    params = perturbed_params(cfg, 7)
    twin = {n: p.clone().requires_grad_(True) for n, p in params.items()}
    for p in params.values():
        p.requires_grad_(True)
    gen = torch.Generator().manual_seed(8)
    inputs, targets = torch.randint(0, cfg.V, (2, 6), generator=gen), torch.randint(0, cfg.V, (2, 6), generator=gen)
    lr, wd, clip = 1e-2, 0.1, 0.5
    mine = ref.AdamW(params, lr, wd, clip)
    theirs = torch.optim.AdamW([{"params": [p for p in twin.values() if p.dim() == 2], "weight_decay": wd},
                                {"params": [p for p in twin.values() if p.dim() != 2], "weight_decay": 0.0}],
                               lr=lr, betas=ref.BETAS, eps=ref.ADAM_EPS)
    for _ in range(3):
        ref.loss_and_grad(params, cfg, inputs, targets, False)
        mine.step()
        ref.loss_and_grad(twin, cfg, inputs, targets, False)
        torch.nn.utils.clip_grad_norm_(list(twin.values()), clip)
        theirs.step()
    err = max((params[n] - twin[n]).abs().max().item() for n in params)
    check(err < 1e-12, f"AdamW + clipping == torch.optim.AdamW + clip_grad_norm_ (3 steps), max abs err {err:.1e}")


def write_case(tmp, name, cfg, B=2, T=16, seed=0):
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg.to_hf(), f)
    st.save(os.path.join(d, "model.safetensors"), ref.init_params(cfg, torch.Generator().manual_seed(seed)))
    gen = torch.Generator().manual_seed(seed + 1)
    toks = torch.randint(0, cfg.V, (B, T + 1), generator=gen, dtype=torch.int64).int()
    targets = toks[:, 1:].contiguous()
    targets[0, -1] = -1
    st.save(os.path.join(d, "tokens.safetensors"), {"inputs": toks[:, :-1].contiguous(), "targets": targets})
    return d


def run_cli(*argv):
    r = subprocess.run([sys.executable, os.path.join(HERE, "llama_ref.py"), *argv], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
    return r


def check_cli(tmp):
    cases = {"tied": tiny_cfg(), "untied": tiny_cfg(tie_word_embeddings=False), "gqa": tiny_cfg(num_key_value_heads=2)}
    for name, cfg in cases.items():
        d = write_case(tmp, name, cfg)
        outs = {}
        for mode in ["f32", "double", "bf16"]:
            out = os.path.join(d, f"out_{mode}.safetensors")
            extra = {"f32": [], "double": ["--double"], "bf16": ["--bf16"]}[mode]
            r = run_cli("--ckpt", d, "--tokens", os.path.join(d, "tokens.safetensors"), "--out", out,
                        "--steps", "10", *extra)
            check(r.returncode == 0, f"CLI {name} {mode} exits 0")
            if r.returncode != 0:
                continue
            outs[mode], _ = st.load(out)
        if len(outs) != 3:
            continue
        o = outs["f32"]
        want = {"logits", "loss", "losses"} | {"grad." + n for n in ref.param_shapes(cfg)}
        check(set(o) == want and all(t.dtype == torch.float32 for t in o.values())
              and o["logits"].shape == (2, 16, cfg.V) and o["losses"].shape == (10,)
              and all(o["grad." + n].shape == s for n, s in ref.param_shapes(cfg).items()),
              f"CLI {name}: output names, shapes and F32 dtype")
        loss, losses = o["loss"].item(), o["losses"]
        check(abs(loss - math.log(cfg.V)) < 0.1 and losses[0].item() == loss,
              f"CLI {name}: init loss {loss:.4f} ~ ln(V) = {math.log(cfg.V):.4f}, losses[0] == loss")
        check(bool((losses[1:] < losses[:-1]).all()) and losses[-1] < losses[0] - 0.1,
              f"CLI {name}: losses decrease over 10 steps ({losses[0]:.4f} -> {losses[-1]:.4f})")
        g_err = max(((o[k] - outs["double"][k]).abs().max() / outs["double"][k].abs().max()).item()
                    for k in o if k.startswith("grad."))
        l_err = (o["losses"] - outs["double"]["losses"]).abs().max().item()
        check(g_err < 1e-4 and l_err < 1e-4, f"CLI {name}: f32 vs --double: grads rel-to-max {g_err:.1e}, losses {l_err:.1e}")
        b_err = (outs["bf16"]["losses"] - outs["double"]["losses"]).abs().max().item()
        check(b_err < 2e-2, f"CLI {name}: --bf16 vs --double losses max abs diff {b_err:.1e}")


def check_bench():
    r = run_cli("--bench", "--depth", "1", "--batch", "1", "--seq", "16", "--steps", "3", "--vocab", "100",
                "--kv-heads", "1", "--threads", "1")
    ok = r.returncode == 0
    if ok:
        line = json.loads(r.stdout.strip().splitlines()[-1])
        ok = line["impl"] == "pytorch" and line["dtype"] == "f32" and line["tok_per_s"] > 0
    check(ok, "bench mode prints one JSON line")


def main():
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        check_safetensors(tmp)
        check_rope()
        check_forward_vs_naive()
        check_gqa_by_duplication()
        check_grad_central_diff()
        check_adamw_vs_torch()
        check_cli(tmp)
        check_bench()
    print(f"{len(FAILURES)} failure(s)" if FAILURES else "all checks passed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
