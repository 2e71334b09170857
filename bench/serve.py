#!/usr/bin/env python3
"""bench/serve.py - ownchat serve beside llama-server, same shape, same client, one run.

Measures, through the OpenAI streaming chat API (stdlib client, loopback only):
  ttft_ms     (median of --runs) request sent -> first generated token (content or logprobs delta);
              prompts are processed cold: each starts differently and llama.cpp's cache_prompt is off
  tok_s       (median of --stream-runs) aggregate generated tokens/s with 1, 8 and 32 concurrent
              streams (ignore_eos, so every request generates --max-tokens)
for a short (~70 token) and a long (~560 token) prompt. Each server runs alone, 2 threads.

Ours: a random-weight checkpoint of the llama-110m shape with a 50,304-id vocabulary (d 768, 12
layers, 12 heads, SwiGLU 2048), served with --weights int8. Peers: llama-server on q8_0 GGUFs that
bench/llamacpp_gguf.py writes from the same tokenizer.json (so llama.cpp splits every prompt into
our token ids and applies our chat template): gpt2-124m (GPT-2 small, the serving peer in
../shared/peers/BASELINES.md; the same width, depth and matmul FLOPs per token as ours) and
llama-110m (our exact shape). The GGUFs are cached in --gguf-dir under the tokenizer's hash.
LLAMA_CPP_DIR must hold build/bin/llama-server, build/bin/llama-quantize and gguf-py. Each server
runs alone with 2 threads; OMP_WAIT_POLICY and OPENBLAS_CORETYPE are cleared for all of them (a
passive OpenMP wait costs decode 4x).

  LLAMA_CPP_DIR=... /usr/bin/python3 bench/serve.py --gguf-dir DIR [--runs 5] [--streams 1,8,32]
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from cpu_info import cpu_line

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILLER = "the quick brown fox jumps over the lazy dog".split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout=300):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def stream_one(url, prompt, max_tokens, logprobs):
    body = {"model": "bench", "messages": [{"role": "user", "content": prompt}], "stream": True,
            "max_tokens": max_tokens, "temperature": 0.8, "ignore_eos": True, "cache_prompt": False,
            "stream_options": {"include_usage": True},
            # ours: logprobs make every token visible as a chunk, also those without text (a random
            # model's ids past the tokenizer's vocabulary), so the first token is timed, not the first
            # printable one; the peer's tokenizer covers its vocabulary, so it needs none
            "logprobs": logprobs}
    req = urllib.request.Request(url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    first, chunks, usage, timings = None, 0, None, None
    with urllib.request.urlopen(req, timeout=600) as r:
        for raw in r:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                break
            obj = json.loads(payload)
            usage = obj.get("usage") or usage
            timings = obj.get("timings") or timings
            for ch in obj.get("choices", []):
                if (ch.get("delta") or {}).get("content") or ((ch.get("logprobs") or {}).get("content")):
                    first = first or time.perf_counter()
                    chunks += 1
    t1 = time.perf_counter()
    tokens = (usage or {}).get("completion_tokens") or chunks
    prompt_tokens = (usage or {}).get("prompt_tokens") or (timings or {}).get("prompt_n")
    return {"ttft_ms": (first - t0) * 1000 if first else None, "tokens": tokens, "t0": t0, "t1": t1,
            "prompt_tokens": prompt_tokens}


def prompt_for(i, words):
    filler = (FILLER * (words // len(FILLER) + 1))[:words]
    return f"Request {i}: tell me a long story about a small robot. " + " ".join(filler)


def measure_ttft(url, runs, words, logprobs):
    out = {}
    for label, w in (("short", words[0]), ("long", words[1])):
        rs = [stream_one(url, prompt_for(i, w), 1, logprobs) for i in range(runs)]  # TTFT: one token answers
        out[f"ttft_ms_{label}"] = statistics.median(r["ttft_ms"] for r in rs)
        out[f"prompt_tokens_{label}"] = rs[0]["prompt_tokens"]
    return out


def measure_streams(url, n, max_tokens, words, logprobs, runs):
    """aggregate tok/s of n concurrent streams, the median of `runs` rounds"""
    rates = []
    for round_ in range(runs):
        results, threads = [], []
        for i in range(n):
            threads.append(threading.Thread(target=lambda i=i: results.append(
                stream_one(url, prompt_for(1000 * (round_ + 1) + i, words[0]), max_tokens, logprobs))))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        span = max(r["t1"] for r in results) - min(r["t0"] for r in results)
        rates.append(sum(r["tokens"] for r in results) / span)
    return {f"tok_s_{n}": statistics.median(rates)}


def run_server(cmd, url, env=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_ready(url, proc)
    except BaseException:
        proc.kill()
        raise
    return proc


def peer_gguf(llama_dir, gguf_dir, preset, vocab, tokenizer):
    """the q8_0 GGUF of `preset` with our tokenizer, built once per tokenizer"""
    with open(tokenizer, "rb") as f:
        tag = hashlib.sha256(f.read()).hexdigest()[:12]
    out = os.path.join(gguf_dir, f"{preset}-v{vocab}-{tag}-q8_0.gguf")
    if os.path.exists(out):
        return out
    os.makedirs(gguf_dir, exist_ok=True)
    f32 = out.replace("-q8_0.gguf", "-f32.gguf")
    env = dict(os.environ, PYTHONPATH=os.path.join(llama_dir, "gguf-py"))
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "llamacpp_gguf.py"), "--preset", preset, "--vocab",
                    str(vocab), "--tokenizer", tokenizer, "-o", f32], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(llama_dir, "build", "bin", "llama-quantize"), "--pure", f32, out, "Q8_0"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(f32)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf-dir", default="", help="where the peers' GGUFs are built and cached")
    ap.add_argument("--peers", default="gpt2-124m,llama-110m", help="llama-server peers (bench/llamacpp_gguf.py presets)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--streams", default="1,8,32")
    ap.add_argument("--stream-runs", type=int, default=3, help="rounds per stream count (median)")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--words", default="37,406", help="filler words of the short and long prompt")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "ownchat"))
    ap.add_argument("--tokenizer", default="", help="ours: a tokenizer.json with the chat tokens (default: one trained "
                    "here on the Moby-Dick corpus, 8192 ids)")
    a = ap.parse_args()
    streams = [int(x) for x in a.streams.split(",")]
    words = [int(x) for x in a.words.split(",")]
    print(f"CPU: {cpu_line()}")
    print(subprocess.run([a.binary, "--version"], capture_output=True, text=True).stdout.rstrip(), flush=True)
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OMP_WAIT_POLICY", None)
    vocab = 50304
    rows = {}

    tmp = tempfile.mkdtemp(prefix="ownchat-bench-serve-")
    try:
        run = os.path.join(tmp, "run")
        ck = os.path.join(run, "ckpt", "bench")
        tokenizer = a.tokenizer
        if not tokenizer:
            moby = os.path.join(ROOT, "node_modules", "@stdlib", "datasets-moby-dick", "data")
            subprocess.run([a.binary, "data", "build", "--run", run, "--sources", moby], check=True, stderr=subprocess.DEVNULL)
            subprocess.run([a.binary, "tokenizer", "train", "--run", run, "--input", os.path.join(run, "data", "corpus", "train.jsonl"),
                            "--vocab", "8192"], check=True, stderr=subprocess.DEVNULL)
            tokenizer = os.path.join(run, "tokenizer.json")
        subprocess.run([a.binary, "ckpt", "init", "--depth", "12", "--n-embd", "768", "--n-head", "12", "--ffn", "2048",
                        "--vocab", str(vocab), "--seq", "1024", "--out", ck], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = run_server([a.binary, "serve", "--model", f"bench={ck}", "--tokenizer", tokenizer, "--port", str(port),
                           "--weights", "int8", "--slots", str(max(streams)), "--max-queue", "256", "--threads", "2",
                           "--no-log"], url, env)
        try:
            r = measure_ttft(url, a.runs, words, True)
            for n in streams:
                r.update(measure_streams(url, n, a.max_tokens, words, True, a.stream_runs))
            rows["ownchat int8"] = r
        finally:
            proc.terminate()
            proc.wait()

        llama_dir = os.environ.get("LLAMA_CPP_DIR", "")
        llama = os.path.join(llama_dir, "build", "bin", "llama-server")
        if not (os.path.exists(llama) and a.gguf_dir):
            print(f"# peers skipped: need LLAMA_CPP_DIR with {llama} and --gguf-dir", file=sys.stderr)
        for preset in [p for p in a.peers.split(",") if p] if os.path.exists(llama) and a.gguf_dir else []:
            gguf = peer_gguf(llama_dir, a.gguf_dir, preset, vocab, tokenizer)
            # as llama.cpp is run for one user: -c 1024 -np 1 for TTFT and one stream; for n streams, n
            # parallel slots of 1024 each; --jinja: the chat template in the GGUF (ours)
            r = {}
            for n in [1] + [n for n in streams if n > 1]:
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                proc = run_server([llama, "-m", gguf, "-t", "2", "-c", str(1024 * n), "-np", str(n), "--host", "127.0.0.1",
                                   "--port", str(port), "--jinja"], url, env)
                try:
                    if n == 1:
                        r.update(measure_ttft(url, a.runs, words, False))
                    if n in streams:
                        r.update(measure_streams(url, n, a.max_tokens, words, False, a.stream_runs))
                finally:
                    proc.terminate()
                    proc.wait()
            rows[f"llama-server {preset} q8_0"] = r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    keys = ["prompt_tokens_short", "ttft_ms_short", "prompt_tokens_long", "ttft_ms_long"] + [f"tok_s_{n}" for n in streams]
    print("| server | " + " | ".join(keys) + " |")
    print("| --- |" + " --- |" * len(keys))
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(f"{r[k]:.1f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")
    ours = rows["ownchat int8"]
    for name, peer in rows.items():
        if name == "ownchat int8":
            continue
        ratio = {k: (peer[k] / ours[k] if k.startswith("ttft") else ours[k] / peer[k]) for k in keys if not k.startswith("prompt")}
        print(f"| ours / {name.split()[1]} (higher is better) | | " + " | | ".join(f"{ratio[k]:.2f}x" for k in keys if k.startswith("ttft"))
              + " | " + " | ".join(f"{ratio[k]:.2f}x" for k in keys if k.startswith("tok_s")) + " |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
