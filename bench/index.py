#!/usr/bin/python3
"""Retrieval index, ours beside a peer, in one run: build time and search latency (p50/p95).

  /usr/bin/python3 bench/index.py [--binary build/ownchat] [--queries 400] [--workdir DIR]

Ours: `ownchat index build` on the default reference sources (reads and parses WordNet, GCIDE,
the Devil's Dictionary, the Jargon File, FOLDOC, perlfaq and the Python docs, cuts passages,
writes SQLite FTS5), then `ownchat bench index` (searches timed inside the process).
Peer: what a small Python RAG app does with the same SQLite: the passages our build made (exported
untimed) inserted into an FTS5 table (same tokenizer, same columns) by Python's sqlite3, then the
same MATCH expressions, ranked by the same bm25 weights. The peer's build does no source parsing,
so its build figure is a lower bound for any build from the same files. Not a test.
Queries: "What does W mean?" for WordNet headwords and perlfaq questions, sampled with a fixed seed.
"""
import argparse, json, os, random, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


def sample_queries(db_path, n):
    db = sqlite3.connect(db_path)
    rng = random.Random(1)
    words = [r[0] for r in db.execute("SELECT title FROM passages WHERE source = 'wordnet' ORDER BY id")]
    faqs = [r[0] for r in db.execute("SELECT DISTINCT title FROM passages WHERE source = 'perl-docs' ORDER BY id")]
    db.close()
    qs = [f"What does {w.split(',')[0]} mean?" for w in rng.sample(words, min(len(words), n * 3 // 4))]
    qs += rng.sample(faqs, min(len(faqs), n - len(qs)))
    rng.shuffle(qs)
    return qs


def peer_build(src_db, peer_db):
    rows = sqlite3.connect(src_db).execute("SELECT id, title, text FROM passages ORDER BY id").fetchall()
    if os.path.exists(peer_db):
        os.remove(peer_db)
    t0 = time.perf_counter()
    db = sqlite3.connect(peer_db)
    db.executescript("""
      PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
      CREATE TABLE passages(id INTEGER PRIMARY KEY, title TEXT, text TEXT);
      CREATE VIRTUAL TABLE passages_fts USING fts5(title, text, content='passages', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2');""")
    with db:
        db.executemany("INSERT INTO passages(id, title, text) VALUES(?, ?, ?)", rows)
        db.executemany("INSERT INTO passages_fts(rowid, title, text) VALUES(?, ?, ?)", rows)
    db.execute("INSERT INTO passages_fts(passages_fts) VALUES('optimize')")
    db.commit()
    db.close()
    return time.perf_counter() - t0, len(rows)


def peer_search(peer_db, matches, k, reps):
    db = sqlite3.connect(peer_db)
    sql = ("SELECT p.id, -bm25(passages_fts, 4.0, 1.0), p.title, p.text FROM passages_fts JOIN passages p "
           "ON p.id = passages_fts.rowid WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts, 4.0, 1.0) LIMIT ?")
    live = [m for m in matches if m]
    for m in live:
        db.execute(sql, (m, k)).fetchall()
    ms = []
    for _ in range(reps):
        for m in matches:
            t0 = time.perf_counter()
            if m:
                db.execute(sql, (m, k)).fetchall()
            ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return ms[len(ms) // 2], ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/ownchat"))
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    work = a.workdir or tempfile.mkdtemp(prefix="ownchat-bench-index-")
    run = os.path.join(work, "run")
    print(f"cpu: {cpu_name()}, sqlite {sqlite3.sqlite_version}", flush=True)

    t0 = time.perf_counter()
    out = subprocess.run([a.binary, "index", "build", "--run", run], check=True, capture_output=True, text=True).stdout
    ours_build_wall = time.perf_counter() - t0
    built = json.loads(out.strip().splitlines()[-1])
    index_db = os.path.join(run, "index.db")

    qfile, mfile = os.path.join(work, "queries.txt"), os.path.join(work, "matches.txt")
    open(qfile, "w").write("\n".join(sample_queries(index_db, a.queries)) + "\n")
    ours = json.loads(subprocess.run([a.binary, "bench", "index", "--index", index_db, "--queries", qfile, "--reps",
                                      str(a.reps), "--matches-out", mfile], check=True, capture_output=True,
                                     text=True).stdout.strip().splitlines()[-1])
    matches = open(mfile).read().split("\n")[:-1]

    peer_s, peer_rows = peer_build(index_db, os.path.join(work, "peer.db"))
    p50, p95 = peer_search(os.path.join(work, "peer.db"), matches, 5, a.reps)

    print(f"passages: {built['index_passages']} ({built['index_bytes'] / 1e6:.1f} MB of text), queries: {len(matches)} x {a.reps}")
    print(f"{'':34}{'ours':>10}{'peer':>10}{'ours/peer':>11}")
    print(f"{'build, s (peer: insert only)':34}{ours_build_wall:10.2f}{peer_s:10.2f}{peer_s / ours_build_wall:10.2f}x")
    print(f"{'search p50, ms':34}{ours['p50_ms']:10.3f}{p50:10.3f}{p50 / ours['p50_ms']:10.2f}x")
    print(f"{'search p95, ms':34}{ours['p95_ms']:10.3f}{p95:10.3f}{p95 / ours['p95_ms']:10.2f}x")
    print("(ours/peer > 1x: ours is faster by that factor)")
    if not a.workdir:
        subprocess.run(["rm", "-rf", "--one-file-system", work])


if __name__ == "__main__":
    main()
