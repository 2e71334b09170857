// Load: 32 concurrent streaming clients for a bounded time. Every response is well-formed and
// complete, none is lost, and the server's memory is flat afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import OpenAI from 'openai';
import { tinyRun, startServer } from './server.mjs';

let run, server, client;

before(async () => {
  run = tinyRun();
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--slots', '8', '--max-queue', '64']);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await server.stop();
  run.cleanup();
});

const rssKiB = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

// each client streams requests back to back until `ms` have passed; returns per-request checks
async function clients(n, ms) {
  const end = Date.now() + ms;
  const stats = { requests: 0, tokens: 0 };
  await Promise.all(Array.from({ length: n }, async (_, c) => {
    for (let i = 0; Date.now() < end; i++) {
      const max_tokens = 8 + ((c * 7 + i * 3) % 40);
      const stream = await client.chat.completions.create({
        model: 'sft', messages: [{ role: 'user', content: `client ${c} request ${i}` }],
        max_tokens, stream: true, stream_options: { include_usage: true }, seed: c * 1000 + i,
      });
      let role = 0, finish = 0, text = '', usage = null;
      for await (const chunk of stream) {
        if (chunk.choices.length === 0) { usage = chunk.usage; continue; }
        const ch = chunk.choices[0];
        if (ch.delta.role) role++;
        if (ch.delta.content) text += ch.delta.content;
        if (ch.finish_reason) finish++;
      }
      assert.equal(role, 1, 'role once');
      assert.equal(finish, 1, 'finish_reason once');
      assert.ok(usage && usage.completion_tokens >= 1 && usage.completion_tokens <= max_tokens, JSON.stringify(usage));
      stats.requests++;
      stats.tokens += usage.completion_tokens;
    }
  }));
  return stats;
}

test('32 concurrent streams: all complete and well-formed; memory flat', async () => {
  await clients(32, 3000);  // warm up: buffers, thread pool, allocator arenas
  const rss0 = rssKiB(server.child.pid);
  const t0 = Date.now();
  const s = await clients(32, 10000);
  const secs = (Date.now() - t0) / 1000;
  const rss1 = rssKiB(server.child.pid);
  console.log(`load: ${s.requests} requests, ${s.tokens} tokens in ${secs.toFixed(1)} s ` +
    `(${(s.tokens / secs).toFixed(0)} tok/s aggregate); RSS ${rss0} -> ${rss1} KiB`);
  assert.ok(s.requests >= 32, `every client finished at least one request (${s.requests})`);
  assert.ok(rss1 < rss0 * 1.15 + 8192, `memory grew from ${rss0} to ${rss1} KiB`);
  // idle afterwards: nothing left running or queued
  const m = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(m, /ownchat_active_sequences\{model="sft"\} 0/);
  assert.match(m, /ownchat_queue_depth\{model="sft"\} 0/);
  assert.doesNotMatch(m, /endpoint="(?!\/health)[^"]*",status="5\d\d"/, 'no 5xx (but /health while loading)');
});

// A burst of new connections at once (clients starting together, a load balancer's health checks):
// each is accepted and answered promptly. The kernel's accept queue must hold the burst; with a
// short one, connects stall for seconds (SYN retries) or are reset.
test('256 connections opened at once: each answered within 3 s, none reset', async () => {
  const port = Number(new URL(server.url).port);
  const one = () => new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(3000, () => { s.destroy(); resolve('timed out'); });
    s.on('connect', () => s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    s.on('data', (d) => { got += d; });
    s.on('error', (e) => resolve(e.code));
    s.on('close', () => resolve(got.split('\r\n')[0]));
  });
  for (let round = 0; round < 4; round++) {
    const answers = await Promise.all(Array.from({ length: 256 }, one));
    const bad = answers.filter((a) => a !== 'HTTP/1.1 200 OK');
    assert.deepEqual(bad, [], `round ${round}: ${bad.length} of 256 connections failed: ${[...new Set(bad)].join(', ')}`);
  }
});
