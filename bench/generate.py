#!/usr/bin/python3
"""Inference benchmark: ownchat's engine vs llama.cpp (llama-bench), side by side, in one run.

Shapes of the peer table (../shared/peers/BASELINES.md section 3): llama-15m (d 288, L 6) and
llama-110m (d 768, L 12), V 32000, random weights; f32 and int8 (llama.cpp: q8_0); 1 and 2
threads. For each row, ours and the peer run back to back so load on the machine hits both.
Prints a markdown table: prefill (pp512) and decode (tg128, batch 1) tokens/s, the ratio ours /
llama.cpp, decode GB/s (weight bytes x tok/s) and its share of the read bandwidth measured in the
same process, and our aggregate tokens/s at 4, 8 and 16 concurrent sequences.

llama.cpp is not part of this repository: build it elsewhere (llama-bench, llama-quantize) and
set LLAMA_CPP_DIR; without it only our columns are printed. GGUFs are written once into
--gguf-dir by bench/llamacpp_gguf.py (+ llama-quantize --pure for q8_0).

  LLAMA_CPP_DIR=... /usr/bin/python3 bench/generate.py [--threads 1,2] [--reps 3]
"""
import argparse, json, os, statistics, subprocess, sys

from cpu_info import cpu_line

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_TYPE = {"f32": "f32", "int8": "q8_0"}


def ours(binary, shape, weights, threads, reps):
    out = subprocess.run([binary, "bench", "generate", "--shape", shape, "--weights", weights, "--threads",
                          str(threads), "--reps", str(reps), "--concurrency", "4,8,16"],
                         check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        j = json.loads(line)
        rows[j["test"]] = j
    return rows


def ensure_gguf(llama, gguf_dir, shape, typ):
    path = os.path.join(gguf_dir, f"{shape}-{typ}.gguf")
    if os.path.exists(path):
        return path
    os.makedirs(gguf_dir, exist_ok=True)
    f32 = os.path.join(gguf_dir, f"{shape}-f32.gguf")
    if not os.path.exists(f32):
        env = dict(os.environ, PYTHONPATH=os.path.join(llama, "gguf-py"))
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "llamacpp_gguf.py"), "--preset", shape, "-o", f32],
                       check=True, env=env)
    if typ != "f32":
        subprocess.run([os.path.join(llama, "build", "bin", "llama-quantize"), "--pure", f32, path, typ.upper()],
                       check=True, capture_output=True)
    return path


def peer(llama, gguf, threads, reps):
    out = subprocess.run([os.path.join(llama, "build", "bin", "llama-bench"), "-m", gguf, "-p", "512", "-n", "128",
                          "-t", str(threads), "-r", str(reps), "-o", "json"],
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for r in json.loads(out):
        res["pp512" if r["n_gen"] == 0 else "tg128"] = statistics.median(r["samples_ts"])
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "ownchat"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--shapes", default="llama-15m,llama-110m")
    ap.add_argument("--gguf-dir", default=os.path.join(ROOT, "runs", "llamacpp"))
    a = ap.parse_args()
    # both programs spin-wait at OpenMP barriers by default; a passive wait costs decode ~4x
    os.environ.pop("OMP_WAIT_POLICY", None)
    os.environ.pop("OPENBLAS_CORETYPE", None)
    llama = os.environ.get("LLAMA_CPP_DIR")
    print(f"CPU: {cpu_line()}")
    print(subprocess.run([a.binary, "--version"], capture_output=True, text=True).stdout.rstrip())
    print("| shape | weights | thr | pp512 ours | pp512 llama.cpp | ratio | tg128 ours | tg128 llama.cpp | ratio "
          "| decode GB/s | of read bw | agg 4 / 8 / 16 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for shape in a.shapes.split(","):
        for weights in ("f32", "int8"):
            for t in (int(x) for x in a.threads.split(",")):
                o = ours(a.binary, shape, weights, t, a.reps)
                p = peer(llama, ensure_gguf(llama, a.gguf_dir, shape, PEER_TYPE[weights]), t, a.reps) if llama else {}
                pp, tg = o["pp512"]["tok_s"], o["tg128"]["tok_s"]
                ratio = lambda ours_v, key: f"{ours_v / p[key]:.2f}" if key in p else "-"
                peer_v = lambda key: f"{p[key]:.1f}" if key in p else "-"
                agg = " / ".join(f"{o[f'agg{n}x128']['tok_s']:.0f}" for n in (4, 8, 16))
                print(f"| {shape} | {weights} | {t} | {pp:.1f} | {peer_v('pp512')} | {ratio(pp, 'pp512')} | {tg:.1f} "
                      f"| {peer_v('tg128')} | {ratio(tg, 'tg128')} | {o['tg128']['gb_s']:.1f} "
                      f"| {100 * o['tg128']['bandwidth_utilisation']:.0f}% | {agg} |", flush=True)


if __name__ == "__main__":
    main()
