// The HTTP edge under hostile clients: idle and slow connections do not starve the server, a slow
// head is cut off (408), too many connections from one address get 429, bodies over --max-body get
// 413 in either framing without being held in memory, keys compare exactly (raw bytes, scheme in
// any case), a foreign Host gets 403 (DNS rebinding), non-JSON POSTs get 415 (cross-site "simple"
// requests), every refusal is an OpenAI error object counted in /metrics, and start-up warns when
// no key protects the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { once } from 'node:events';
import { tinyRun, startServer, metric } from './server.mjs';
import { connect, readResponse, rawRequest, httpText } from './raw_http.mjs';

let run, open, keyed;  // open: no key, defaults but --max-body 1; keyed: a key, short deadlines, small limits
const KEY = 'sk-test';
const auth = { Authorization: `Bearer ${KEY}` };

before(async () => {
  run = tinyRun();
  open = await startServer(['--model', `${run.run}/ckpt/sft`, '--max-body', '1']);
  keyed = await startServer(['--model', `${run.run}/ckpt/sft`, '--api-key', KEY, '--head-timeout', '1',
    '--max-conns-per-client', '8', '--allow-host', 'chat.example', '--db', `${run.dir}/keyed.db`]);
});

after(async () => {
  await open?.stop();
  await keyed?.stop();
  run?.cleanup();
});

const rssKiB = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertError(r, status, code) {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers['content-type'] ?? r.headers.get?.('content-type'), /^application\/json/);
  assert.equal(typeof r.json.error.message, 'string');
  if (code) assert.equal(r.json.error.code, code, r.body);
}

test('200 idle connections and 100 slow senders: a new client is still answered within 1 s', async () => {
  const sockets = [];
  try {
    for (let i = 0; i < 200; i++) sockets.push(await connect(open.url));
    const head = httpText(open.url, 'GET', '/health');
    const slow = [];
    for (let i = 0; i < 100; i++) slow.push(await connect(open.url));
    sockets.push(...slow);
    for (const s of sockets) s.on('error', () => {});
    let sent = 0;
    const drip = setInterval(() => { for (const s of slow) s.write(head[sent % head.length]); sent++; }, 1000);
    drip.unref();
    try {
      for (const s of slow) s.write(head[0]);
      sent = 1;
      await sleep(1500);
      for (const [method, path, body] of [['GET', '/health', ''], ['GET', '/v1/models', ''],
        ['POST', '/v1/chat/completions', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })]]) {
        const r = await rawRequest(open.url, httpText(open.url, method, path, body ? { 'Content-Type': 'application/json' } : {}, body), 5000);
        assert.equal(r.status, 200, `${method} ${path}: ${r.body}`);
        assert.ok(r.ms < 1000, `${method} ${path} took ${r.ms} ms`);
      }
    } finally {
      clearInterval(drip);
    }
  } finally {
    for (const s of sockets) s.destroy();
  }
});

test('a head sent a byte at a time is cut off by --head-timeout with 408', async () => {
  const s = await connect(keyed.url);
  s.on('error', () => {});
  const t0 = Date.now();
  const r = readResponse(s, 4000);
  s.write('GET /health HTTP/1.1\r\nX-Slow: ');
  const drip = setInterval(() => s.write('a'), 200);
  try {
    const res = await r;
    assertError(res, 408, 'request_timeout');
    const ms = Date.now() - t0;
    assert.ok(ms >= 900 && ms < 2500, `cut off after ${ms} ms`);
  } finally {
    clearInterval(drip);
    s.destroy();
  }
  assert.ok(await metric(keyed.url, 'ownchat_requests_total{endpoint="other",status="408"}', auth) >= 1);
});

test('more connections from one address than --max-conns-per-client: 429', async () => {
  const sockets = [];
  try {
    const results = [];
    for (let i = 0; i < 12; i++) {
      const s = await connect(keyed.url);
      s.on('error', () => {});
      sockets.push(s);
      const r = readResponse(s, 3000);
      s.write(httpText(keyed.url, 'GET', '/health'));
      results.push(await r);
    }
    const refused = results.filter((r) => r.status === 429);
    assert.ok(refused.length >= 4, results.map((r) => r.status).join(' '));
    assert.ok(results.filter((r) => r.status === 200).length <= 8);
    assertError(refused[0], 429, 'too_many_connections');
  } finally {
    for (const s of sockets) s.destroy();
  }
  await sleep(300);
  assert.equal((await rawRequest(keyed.url, httpText(keyed.url, 'GET', '/health'))).status, 200);
  assert.ok(await metric(keyed.url, 'ownchat_requests_total{endpoint="other",status="429"}', auth) >= 4);
});

test('a Content-Length over --max-body: 413 at once, before the body is sent', async () => {
  const r = await rawRequest(open.url, httpText(open.url, 'POST', '/v1/chat/completions',
    { 'Content-Type': 'application/json', 'Content-Length': String(64 << 20) }), 3000);
  assertError(r, 413, 'request_too_large');
  assert.ok(r.ms < 1000, `${r.ms} ms`);
});

test('a chunked body over --max-body: 413 without the server holding it', async () => {
  const rss0 = rssKiB(open.child.pid);
  const s = await connect(open.url);
  s.on('error', () => {});
  const res = readResponse(s, 10000);
  let answered = false;
  res.then(() => { answered = true; }, () => { answered = true; });
  s.write(httpText(open.url, 'POST', '/v1/chat/completions', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }));
  const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'x'), Buffer.from('\r\n')]);
  for (let sent = 0; sent < (64 << 20) && !answered && !s.destroyed; sent += 0x10000)
    if (!s.write(chunk)) await Promise.race([once(s, 'drain'), once(s, 'close'), res.catch(() => {})]);
  const r = await res;
  s.destroy();
  assertError(r, 413, 'request_too_large');
  const grown = rssKiB(open.child.pid) - rss0;
  assert.ok(grown < 16 << 10, `server RSS grew by ${grown} KiB`);
  // one chunk that says it is too large is refused before its data comes
  const big = await rawRequest(open.url, httpText(open.url, 'POST', '/v1/chat/completions',
    { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }) + '40000000\r\n', 3000);
  assertError(big, 413, 'request_too_large');
  assert.ok(await metric(open.url, 'ownchat_requests_total{endpoint="/v1/chat/completions",status="413"}') >= 2);
});

test('API keys compare exactly: percent-encoded or NUL-suffixed keys are refused; the scheme is case-insensitive', async () => {
  const models = (headers) => fetch(`${keyed.url}/v1/models`, { headers }).then((r) => r.status);
  assert.equal(await models({ Authorization: 'Bearer sk%2Dtest' }), 401);
  assert.equal(await models({ Authorization: 'Bearer sk-test%00x' }), 401);
  assert.equal(await models({ Authorization: 'Bearer sk-tesT' }), 401);
  assert.equal(await models({ Authorization: 'Bearer sk-test x' }), 401);
  assert.equal(await models({ Authorization: 'Bearer sk-test' }), 200);
  assert.equal(await models({ Authorization: 'bearer sk-test' }), 200);
  assert.equal(await models({ Authorization: 'BEARER sk-test' }), 200);
  const nul = await rawRequest(keyed.url, httpText(keyed.url, 'GET', '/v1/models', { Authorization: 'Bearer sk-test\0x' }));
  assertError(nul, 400);
});

test('a Host other than the bound address or an --allow-host name: 403', async () => {
  const port = new URL(open.url).port;
  const get = (url, host, headers = {}) => rawRequest(url, httpText(url, 'GET', '/v1/models', { Host: host, ...headers }));
  assertError(await get(open.url, `evil.example:${port}`), 403, 'host_not_allowed');
  assertError(await get(open.url, 'evil.example'), 403, 'host_not_allowed');
  for (const host of [`localhost:${port}`, 'localhost', `127.0.0.1:${port}`, `[::1]:${port}`])
    assert.equal((await get(open.url, host)).status, 200, host);
  const kport = new URL(keyed.url).port;
  assert.equal((await get(keyed.url, `chat.example:${kport}`, auth)).status, 200);
  assertError(await get(keyed.url, `other.example:${kport}`, auth), 403, 'host_not_allowed');
  assert.ok(await metric(open.url, 'ownchat_requests_total{endpoint="/v1/models",status="403"}') >= 2);
});

test('POST bodies that are not application/json: 415, and nothing is created', async () => {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
  const post = async (path, contentType, b = body) => {
    const r = await fetch(`${open.url}${path}`, { method: 'POST', headers: contentType ? { 'Content-Type': contentType } : {}, body: b });
    const text = await r.text();
    return { status: r.status, headers: Object.fromEntries(r.headers), body: text, json: JSON.parse(text) };
  };
  assertError(await post('/v1/chat/completions', 'text/plain'), 415, 'unsupported_content_type');
  assertError(await post('/v1/chat/completions', 'application/x-www-form-urlencoded'), 415, 'unsupported_content_type');
  assertError(await post('/v1/chat/completions', null, undefined), 415, 'unsupported_content_type');
  assert.equal((await post('/v1/chat/completions', 'application/json; charset=utf-8')).status, 200);
  assert.equal((await post('/v1/chat/completions', 'Application/JSON')).status, 200);
  const list = async () => (await (await fetch(`${open.url}/api/conversations`)).json()).data.length;
  const n = await list();
  assertError(await post('/api/conversations', 'text/plain', JSON.stringify({ title: 'csrf' })), 415);
  assertError(await post('/api/feedback/export', null, undefined), 415);
  assert.equal(await list(), n);
  assert.ok(await metric(open.url, 'ownchat_requests_total{endpoint="/api",status="415"}') >= 2);
});

test('every refusal is an OpenAI error object: malformed heads, unknown routes, bad framing', async () => {
  const cases = [
    [httpText(open.url, 'GET', '/nothing/here'), 404],
    ['GET /health HTTP/1.1\nHost: x\n\n', 400],
    [`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`, 431],
    [httpText(open.url, 'POST', '/v1/completions', { 'Content-Type': 'application/json', 'Content-Length': '5', 'Transfer-Encoding': 'chunked' }), 400],
    [httpText(open.url, 'POST', '/v1/completions', { 'Content-Type': 'application/json', 'Content-Length': '-1' }), 400],
    [httpText(open.url, 'POST', '/v1/completions', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }) + 'zz\r\n', 400],
    [httpText(open.url, 'POST', '/v1/completions', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, '{}'), 415],
  ];
  for (const [text, status] of cases) assertError(await rawRequest(open.url, text), status);
});

test('start-up warns when no API key protects the server', () => {
  assert.match(open.log(), /ownchat: WARNING: no API key: anyone who can reach http:\/\/127\.0\.0\.1:\d+ can use this server/);
  assert.doesNotMatch(keyed.log(), /WARNING: no API key/);
});
