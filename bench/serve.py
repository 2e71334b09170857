#!/usr/bin/env python3
"""bench/serve.py - ownchat serve beside llama-server, same shape, same client, one run.

Measures, through the OpenAI streaming chat API (stdlib client, loopback only):
  ttft_ms     request sent -> first generated token (content or logprobs delta) (prompt processed cold: each
              request's prompt starts differently and llama.cpp's cache_prompt is off)
  tok_s       aggregate generated tokens/s with 1, 8 and 32 concurrent streams (ignore_eos,
              so every request generates --max-tokens)
for a short (~70 token) and a long (~560 token) prompt. Each server runs alone, 2 threads.

Ours: a random-weight checkpoint of the llama-110m shape (bench_shape in src/infer/bench.cpp),
served with --weights int8. Peer: llama-server on the llama-110m q8_0 GGUF (bench/llamacpp_gguf.py
makes it; LLAMA_CPP_DIR must hold build/bin/llama-server). Prompt lengths are reported per server
(the tokenizers differ); the filler is sized so both land near the targets.

  LLAMA_CPP_DIR=... /usr/bin/python3 bench/serve.py --gguf-dir DIR [--runs 5] [--streams 1,8,32]
"""
import argparse
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


def measure_streams(url, n, max_tokens, words, logprobs):
    results, threads = [], []
    for i in range(n):
        threads.append(threading.Thread(target=lambda i=i: results.append(
            stream_one(url, prompt_for(1000 + i, words[0]), max_tokens, logprobs))))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    span = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    return {f"tok_s_{n}": sum(r["tokens"] for r in results) / span}


def run_server(cmd, url, env=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_ready(url, proc)
    except BaseException:
        proc.kill()
        raise
    return proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf-dir", default="")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--streams", default="1,8,32")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--words", default="55,520", help="filler words of the short and long prompt")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "ownchat"))
    ap.add_argument("--tokenizer", default="", help="ours: a tokenizer.json with the chat tokens (default: one trained "
                    "here on the Moby-Dick corpus, 8192 ids)")
    a = ap.parse_args()
    streams = [int(x) for x in a.streams.split(",")]
    words = [int(x) for x in a.words.split(",")]
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
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
                        "--vocab", "50304", "--seq", "1024", "--out", ck], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = run_server([a.binary, "serve", "--model", f"bench={ck}", "--tokenizer", tokenizer, "--port", str(port),
                           "--weights", "int8", "--slots", str(max(streams)), "--max-queue", "256", "--threads", "2",
                           "--no-log"], url, env)
        try:
            r = measure_ttft(url, a.runs, words, True)
            for n in streams:
                r.update(measure_streams(url, n, a.max_tokens, words, True))
            rows["ownchat int8"] = r
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    llama = os.path.join(os.environ.get("LLAMA_CPP_DIR", ""), "build", "bin", "llama-server")
    gguf = os.path.join(a.gguf_dir, "llama-110m-q8_0.gguf")
    if os.path.exists(llama) and os.path.exists(gguf):
        # as llama.cpp is run for one user: -c 1024 -np 1 for TTFT and one stream; for n streams, n
        # parallel slots of 1024 each
        r = {}
        for n in [1] + [n for n in streams if n > 1]:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            proc = run_server([llama, "-m", gguf, "-t", "2", "-c", str(1024 * n), "-np", str(n), "--host", "127.0.0.1",
                               "--port", str(port), "--chat-template", "chatml"], url, env)
            try:
                if n == 1:
                    r.update(measure_ttft(url, a.runs, words, False))
                if n in streams:
                    r.update(measure_streams(url, n, a.max_tokens, words, False))
            finally:
                proc.terminate()
                proc.wait()
        rows["llama-server q8_0"] = r
    else:
        print(f"# peer skipped: need {llama} and {gguf}", file=sys.stderr)

    keys = ["prompt_tokens_short", "ttft_ms_short", "prompt_tokens_long", "ttft_ms_long"] + [f"tok_s_{n}" for n in streams]
    print("| server | " + " | ".join(keys) + " |")
    print("| --- |" + " --- |" * len(keys))
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(f"{r[k]:.1f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")
    if len(rows) == 2:
        ours, peer = rows["ownchat int8"], rows["llama-server q8_0"]
        ratio = {k: (peer[k] / ours[k] if k.startswith("ttft") else ours[k] / peer[k]) for k in keys if not k.startswith("prompt")}
        print("| ours / peer (higher is better) | | " + " | | ".join(f"{ratio[k]:.2f}x" for k in keys if k.startswith("ttft"))
              + " | " + " | ".join(f"{ratio[k]:.2f}x" for k in keys if k.startswith("tok_s")) + " |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
