// GET /api/report: the run's RUN/report.html (made by the real `ownchat report`) as text/html with
// a sandboxing CSP, a 404 error object saying how to make it before that, behind the API keys;
// --report FILE serves another file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tinyRun, startServer, BINARY } from './server.mjs';

const KEY = 'sk-own-report-test';
let run, server;

before(async () => {
  run = tinyRun();
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--api-key', KEY]);
});

after(async () => {
  await server?.stop();
  run?.cleanup();
});

const auth = { Authorization: `Bearer ${KEY}` };

test('no report yet: 404 saying to run `ownchat report`; no key: 401', async () => {
  assert.equal((await fetch(`${server.url}/api/report`)).status, 401);
  const r = await fetch(`${server.url}/api/report`, { headers: auth });
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /application\/json/);
  const { error } = await r.json();
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(error.code, 'report_not_found');
  assert.equal(error.type, 'invalid_request_error');
  assert.ok(error.message.includes(`ownchat report --run ${run.run}`), error.message);
});

test('after `ownchat report`: 200 text/html with the charts, sandboxed by CSP', async () => {
  const lines = [];
  for (let i = 0; i < 50; i++) lines.push({ stage: 'pretrain', step: i, name: 'loss', value: 5 - i / 20 });
  lines.push({ stage: 'eval', model: 'sft', name: 'multiple_choice/quiz', n: 9, chance: 0.25, value: 0.5 });
  fs.writeFileSync(`${run.run}/metrics.jsonl`, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  execFileSync(BINARY, ['report', '--run', run.run], { stdio: ['ignore', 'ignore', 'pipe'] });
  const r = await fetch(`${server.url}/api/report`, { headers: auth });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-security-policy'), /sandbox/);
  const html = await r.text();
  assert.equal(html, fs.readFileSync(`${run.run}/report.html`, 'utf8'));
  assert.match(html, /<svg[^>]*class="chart"/);
  assert.ok(!html.includes('<script'));
});

test('--report FILE serves that file instead', async () => {
  const file = `${run.dir}/elsewhere.html`;
  fs.writeFileSync(file, '<!doctype html><p>another report</p>');
  const s = await startServer(['--model', `${run.run}/ckpt/sft`, '--report', file]);
  try {
    const r = await fetch(`${s.url}/api/report`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '<!doctype html><p>another report</p>');
    fs.rmSync(file);
    const gone = await fetch(`${s.url}/api/report`);
    assert.equal(gone.status, 404);
    assert.ok((await gone.json()).error.message.includes(`ownchat report --run ${run.dir}`));
  } finally {
    await s.stop();
  }
});
