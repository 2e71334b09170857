// CORS in Debian's chromium: a page on another origin (a second tiny server on another 127.0.0.1
// port) calls the API with fetch(). An origin given to --cors gets through (preflight with
// Authorization, then the answer); any other origin is blocked by the browser; without --cors the
// server sends no CORS header at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as web from './web.mjs';

const KEY = 'sk-cors';
let run, allowedPage, otherPage, server, plain, browser;

// a server of one empty page, on a free port
async function pageServer() {
  const s = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title><p>another origin</p>');
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${s.address().port}`, close: () => new Promise((r) => s.close(r)) };
}

before(async () => {
  run = web.tinyRun();
  allowedPage = await pageServer();
  otherPage = await pageServer();
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--api-key', KEY, '--cors', allowedPage.url, '--no-web']);
  plain = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--no-web']);
  browser = await web.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await plain?.stop();
  await allowedPage?.close();
  await otherPage?.close();
  run?.cleanup();
});

// fetch() from a page of `origin`: { status, object } or { error }
async function callFrom(origin, api) {
  const context = await browser.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(origin);
    return await page.evaluate(async ([url, key]) => {
      try {
        const r = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
        });
        return { status: r.status, object: (await r.json()).object };
      } catch (e) {
        return { error: String(e) };
      }
    }, [api, KEY]);
  } finally {
    await context.close();
  }
}

test('a page on an origin given to --cors calls the API', async () => {
  const r = await callFrom(allowedPage.url, server.url);
  assert.deepEqual(r, { status: 200, object: 'chat.completion' });
});

test('a page on any other origin is blocked by the browser', async () => {
  const r = await callFrom(otherPage.url, server.url);
  assert.match(r.error ?? '', /Failed to fetch/, JSON.stringify(r));
});

test('the headers: preflight without a key, ACAO + Vary for the allowed origin only, none without --cors', async () => {
  const pre = (url, origin) => fetch(`${url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  const ok = await pre(server.url, allowedPage.url);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), allowedPage.url);
  assert.match(ok.headers.get('access-control-allow-headers'), /Authorization/);
  assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
  assert.equal(ok.headers.get('vary'), 'Origin');
  const bad = await pre(server.url, otherPage.url);
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
  assert.equal((await bad.json()).error.code, 'origin_not_allowed');
  // on answers, errors included
  const denied = await fetch(`${server.url}/v1/models`, { headers: { Origin: allowedPage.url } });
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get('access-control-allow-origin'), allowedPage.url);
  const other = await fetch(`${server.url}/v1/models`, { headers: { Origin: otherPage.url, Authorization: `Bearer ${KEY}` } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  // off by default
  const off = await fetch(`${plain.url}/v1/models`, { headers: { Origin: allowedPage.url } });
  assert.equal(off.status, 200);
  assert.equal(off.headers.get('access-control-allow-origin'), null);
  assert.equal(off.headers.get('vary'), null);
});
