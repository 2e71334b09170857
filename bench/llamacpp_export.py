#!/usr/bin/env python3
"""bench/llamacpp_export.py - does llama.cpp run our exported GGUF exactly as we run the checkpoint?

`ownchat export gguf` writes the checkpoint (f32 unless --type) with its tokenizer; llama-server
(LLAMA_CPP_DIR/build/bin, built outside the repo) serves it on 127.0.0.1 with 2 threads. Then, for
each prompt:
  - tokenize: llama-server's /tokenize of the text must equal `ownchat tokenizer encode`;
  - greedy: from <|bos|> + those ids, llama-server's /completion (top_k 1, ignore_eos, no prompt
    cache) must give the same --tokens ids as `ownchat generate --temperature 0 --ignore-eos`.
Prints a line per prompt and a summary; exits 1 on any difference.

  LLAMA_CPP_DIR=... /usr/bin/python3 bench/llamacpp_export.py --ckpt RUN/ckpt/sft [--tokenizer T] [--type f32]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from cpu_info import cpu_line
from serve import free_port, wait_ready

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "ownchat")
PROMPTS = [
    "Call me Ishmael. Some years ago, never mind how long precisely,",
    "In 1851, 47 whales were counted; 3 of them (the 'white' ones) escaped.",
    "The captain said: \"Hoist the sails!\" and the crew ran to the deck.",
    "def main():\n    return 42  # the answer\n",
    "Über den Wolken, naïve café — ünïcödé and\ttabs\n\nnewlines.",
]


def ownchat(*args, stdin=None):
    r = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"ownchat {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--tokenizer", default="")
    ap.add_argument("--type", default="f32")
    ap.add_argument("--tokens", type=int, default=64)
    args = ap.parse_args()
    llama = os.environ.get("LLAMA_CPP_DIR")
    if not llama:
        raise SystemExit("set LLAMA_CPP_DIR to a llama.cpp tree with build/bin/llama-server")
    tok_flag = ["--tokenizer", args.tokenizer] if args.tokenizer else []
    print(f"# CPU: {cpu_line()}")
    with tempfile.TemporaryDirectory() as tmp:
        gguf = os.path.join(tmp, f"model-{args.type}.gguf")
        print("#", ownchat("export", "gguf", "--ckpt", args.ckpt, "--out", gguf, "--type", args.type, *tok_flag).strip())
        tok_spec = args.tokenizer or gguf  # the file's vocabulary is the checkpoint's tokenizer
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE")}
        server = subprocess.Popen(
            [os.path.join(llama, "build", "bin", "llama-server"), "-m", gguf, "--host", "127.0.0.1", "--port",
             str(port), "-t", "2", "-c", "1024", "-np", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        url = f"http://127.0.0.1:{port}"
        failures = 0
        try:
            wait_ready(url, server)
            bos = int(ownchat("tokenizer", "encode", "--allow-special", "--tokenizer", tok_spec, stdin="<|bos|>"))
            for i, text in enumerate(PROMPTS):
                ours = [int(x) for x in ownchat("tokenizer", "encode", "--tokenizer", tok_spec, stdin=text).split()]
                theirs = post(url + "/tokenize", {"content": text, "add_special": False})["tokens"]
                gen = json.loads(ownchat("generate", "--ckpt", args.ckpt, *tok_flag, "--prompt", text, "--max-tokens",
                                         str(args.tokens), "--temperature", "0", "--ignore-eos", "--json"))
                our_gen = [t["id"] for t in gen["tokens"]]
                c = post(url + "/completion", {"prompt": [bos] + ours, "n_predict": args.tokens, "samplers": ["top_k"],
                                               "top_k": 1, "ignore_eos": True, "cache_prompt": False,
                                               "return_tokens": True})
                their_gen = c["tokens"]
                same_tok, same_gen = ours == theirs, our_gen == their_gen
                first = next((k for k, (a, b) in enumerate(zip(our_gen, their_gen)) if a != b), None)
                print(f"prompt {i}: {len(ours)} ids, tokenize {'equal' if same_tok else 'DIFFERENT'}; "
                      f"greedy {len(our_gen)} / {len(their_gen)} tokens, "
                      f"{'equal' if same_gen else f'DIFFERENT from token {first}'}")
                if not same_tok:
                    print(f"  ours   {ours}\n  theirs {theirs}")
                failures += (not same_tok) + (not same_gen)
        finally:
            server.terminate()
            server.wait()
    print(f"{len(PROMPTS)} prompts x {args.tokens} tokens, {args.type}: "
          f"{'all equal' if failures == 0 else f'{failures} differences'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
