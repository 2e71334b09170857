#!/usr/bin/python3
"""Training-step benchmark: ownchat vs the PyTorch oracle model, side by side, in one run.

Same architecture (tests/oracle/llama_ref.py is the same Llama), config, batch and threads;
PyTorch runs on OpenBLAS's fastest core type for this CPU, picked by a measured sgemm and printed
(bench/cpu_info.py; autodetection in Debian's OpenBLAS 0.3.21 can fall back to slow kernels). Trials
alternate between the two so load on the machine hits both alike. Prints the CPU and a markdown
table: tokens/s, GFLOP/s (6N + 12LTd per token), MFU against the best GEMM of that dtype any library
reaches here in the same run (f32: oneDNN via `ownchat bench gemm` or OpenBLAS; bf16: oneDNN; 2048^3),
and the ratio.

  /usr/bin/python3 bench/train_step.py [--threads 2] [--trials 3] [--steps 5] [--dtypes f32,bf16]
"""
import argparse, json, os, statistics, subprocess, sys

from cpu_info import cpu_line, fastest_openblas

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = [  # (depth, vocab) as in the issue: depth 4 (d=256, V=4096), depth 6 (d=384, V=8192)
    (4, 4096),
    (6, 8192),
]


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "ownchat"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--dtypes", default="f32,bf16")
    ap.add_argument("--bf16-trials", type=int, default=0,
                    help="trials for bf16 (default --trials); PyTorch bf16 autocast without AVX512-BF16 "
                         "takes ~20-50 s a step here")
    ap.add_argument("--bf16-steps", type=int, default=0, help="steps per bf16 trial (default --steps)")
    a = ap.parse_args()
    print(f"CPU: {cpu_line()}", flush=True)
    torch_env, coretype, blas_gflops, _ = fastest_openblas(a.threads)

    peak = {}
    for dt in ("f32", "bf16"):
        r = run_json([a.binary, "bench", "gemm", "--threads", str(a.threads), "--dtype", dt, "--reps", "5"])
        peak[dt] = r["gflops"]
        native = r["bf16_native"]
    best = max(peak["f32"], blas_gflops)
    best_by = "oneDNN" if peak["f32"] >= blas_gflops else f"OpenBLAS {coretype}"
    print(f"f32 GEMM 2048^3 here, {a.threads} threads: oneDNN (ownchat bench gemm) {peak['f32']:.0f} GFLOP/s, "
          f"OpenBLAS {coretype} {blas_gflops:.0f}; bf16 oneDNN {peak['bf16']:.0f} (bf16 native: {native}). "
          f"MFU denominator: {best:.0f} ({best_by})", flush=True)

    rows = []
    for depth, vocab in CONFIGS:
        for dt in a.dtypes.split(","):
            ours, theirs = [], []
            trials, steps = a.trials, a.steps
            if dt == "bf16":
                trials, steps = a.bf16_trials or a.trials, a.bf16_steps or a.steps
            for _ in range(trials):
                o = run_json([a.binary, "bench", "train", "--threads", str(a.threads), "--depth", str(depth),
                              "--vocab", str(vocab), "--batch", str(a.batch), "--seq", str(a.seq),
                              "--steps", str(steps), "--dtype", dt])
                ours.append(o)
                cmd = ["/usr/bin/python3", os.path.join(ROOT, "tests/oracle/llama_ref.py"), "--bench",
                       "--depth", str(depth), "--vocab", str(vocab), "--batch", str(a.batch), "--seq", str(a.seq),
                       "--steps", str(steps), "--threads", str(a.threads)] + (["--bf16"] if dt == "bf16" else [])
                theirs.append(run_json(cmd, env=torch_env))
            o_tok = statistics.median(x["tok_per_s"] for x in ours)
            t_tok = statistics.median(x["tok_per_s"] for x in theirs)
            gflops = statistics.median(x["gflops"] for x in ours)
            rows.append((depth, vocab, dt, o_tok, min(x["tok_per_s"] for x in ours), max(x["tok_per_s"] for x in ours),
                         t_tok, min(x["tok_per_s"] for x in theirs), max(x["tok_per_s"] for x in theirs),
                         o_tok / t_tok, gflops, gflops / (best if dt == "f32" else peak["bf16"])))
            print(f"depth {depth} {dt}: ours {o_tok:.0f} tok/s, pytorch {t_tok:.0f} tok/s, x{o_tok / t_tok:.2f}",
                  file=sys.stderr, flush=True)

    print()
    print(f"| config | dtype | ownchat tok/s (min-max) | PyTorch 1.13 ({coretype}) tok/s (min-max) | ratio | "
          f"ownchat GFLOP/s | MFU vs best GEMM here (f32 {best:.0f} {best_by}; bf16 {peak['bf16']:.0f} oneDNN) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (d, v, dt, o, omin, omax, t, tmin, tmax, ratio, gf, mfu) in rows:
        print(f"| depth {d} (d={64 * d}, V={v}, T={a.seq}, B={a.batch}) | {dt} | {o:.0f} ({omin:.0f}-{omax:.0f}) | "
              f"{t:.0f} ({tmin:.0f}-{tmax:.0f}) | {ratio:.2f}x | {gf:.1f} | {100 * mfu:.1f}% |")


if __name__ == "__main__":
    main()
