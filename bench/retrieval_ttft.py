#!/usr/bin/python3
"""What retrieval adds to time to first token: one `ownchat serve --index`, the same streamed chat
requests with "retrieval": false and with the server's default (k passages in a context turn),
alternated, each prompt different (definition questions for WordNet words). Prints the medians and
the ratio. Retrieval costs a search (SQLite FTS5) and the passages' prefill.

  /usr/bin/python3 bench/retrieval_ttft.py --run RUN [--model RUN/ckpt/sft] [--n 40] [--threads 2]
"""
import argparse, json, os, random, re, socket, sqlite3, statistics, subprocess, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ttft(url, question, retrieval):
    """(ms to the first content token, the citations given)"""
    body = {"messages": [{"role": "user", "content": question}], "max_tokens": 4, "temperature": 0, "stream": True}
    if not retrieval:
        body["retrieval"] = False
    req = urllib.request.Request(url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    cited = []
    with urllib.request.urlopen(req) as r:
        for line in r:
            if not line.startswith(b"data: {"):
                continue
            chunk = json.loads(line[6:])
            cited = chunk.get("citations", cited)
            delta = chunk["choices"][0]["delta"] if chunk["choices"] else {}
            if delta.get("content"):
                return (time.perf_counter() - t0) * 1000, cited
    return (time.perf_counter() - t0) * 1000, cited


def as_text(citations):
    """the passages as the context turn holds them, to send as plain text (no search)"""
    return "\n\n".join(f"[{c['index']}] {c['title']}\n{c['text']}" for c in citations)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--model", default=None)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/ownchat"))
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    index = os.path.join(a.run, "index.db")
    model = a.model or os.path.join(a.run, "ckpt/sft")
    words = [r[0].split(",")[0] for r in sqlite3.connect(index).execute(
        "SELECT title FROM passages WHERE source = 'wordnet' ORDER BY id")]
    rng = random.Random(7)
    questions = [f"What does {w} mean?" for w in rng.sample(words, 2 * a.n)]
    port = free_port()
    env = dict(os.environ, OMP_WAIT_POLICY="")
    srv = subprocess.Popen([a.binary, "serve", "--model", model, "--index", index, "--port", str(port), "--no-log",
                            "--no-web", "--threads", str(a.threads), "--slots", "1"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(url + "/health").status == 200:
                    break
            except Exception:
                time.sleep(0.1)
        for q in questions[:4]:  # warm up both paths
            ttft(url, q, True), ttft(url, q, False)
        off, on, same_text, cites = [], [], [], []
        for i in range(a.n):
            t, _ = ttft(url, questions[2 * i], False)
            off.append(t)
            t, c = ttft(url, questions[2 * i + 1], True)
            on.append(t)
            cites.append(len(c))
            # the same passages typed into the question: the prefill without the search
            t, _ = ttft(url, as_text(c) + "\n\n" + questions[2 * i + 1], False)
            same_text.append(t)
    finally:
        srv.terminate()
        srv.wait()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    m_off, m_on, m_text = statistics.median(off), statistics.median(on), statistics.median(same_text)
    print(f"cpu: {cpu}, {a.threads} threads, model {model}, {a.n} requests each, passages per answer "
          f"{statistics.mean(cites):.2f}")
    print(f"ttft median, ms: without retrieval {m_off:.1f}; with retrieval {m_on:.1f} (+{100 * (m_on / m_off - 1):.0f}%); "
          f"the same passages sent as text, no search {m_text:.1f}")
    print(f"the search and context turn add {m_on - m_text:+.1f} ms ({100 * (m_on / m_text - 1):+.0f}%) to the same prompt; "
          f"reading the passages adds {m_text - m_off:+.1f} ms")


if __name__ == "__main__":
    main()
