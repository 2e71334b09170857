// API keys: --api-key and $OWNCHAT_API_KEY protect everything but /health.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { execFileSync } from 'node:child_process';
import { tinyRun, startServer, post, BINARY } from './server.mjs';
import { connect, readResponse, httpText } from './raw_http.mjs';

let run, server;

before(async () => {
  run = tinyRun();
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--api-key', 'sk-flag'], { OWNCHAT_API_KEY: 'sk-env' });
});

after(async () => {
  await server.stop();
  run.cleanup();
});

test('no key or a wrong key: 401 invalid_api_key; /health stays open', async () => {
  const body = { model: 'sft', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };
  for (const headers of [{}, { Authorization: 'Bearer sk-wrong' }, { Authorization: 'sk-flag' }]) {
    const r = await post(`${server.url}/v1/chat/completions`, body, headers);
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.json.error.code, 'invalid_api_key');
  }
  assert.equal((await fetch(`${server.url}/v1/models`)).status, 401);
  assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
  const bad = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e.status === 401 && e instanceof OpenAI.AuthenticationError);
});

test('either configured key works', async () => {
  for (const apiKey of ['sk-flag', 'sk-env']) {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'sft', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    assert.equal(r.object, 'chat.completion');
  }
});

test('keys stored in RUN/ownchat.db (`ownchat keys create|revoke`) are checked per request', async () => {
  const key = execFileSync(BINARY, ['keys', 'create', '--name', 'e2e', '--run', run.run], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().trim();
  assert.match(key, /^sk-own-/);
  const s = await startServer(['--model', `${run.run}/ckpt/sft`]);  // no --api-key: the db's keys apply
  try {
    const body = { model: 'sft', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };
    assert.equal((await post(`${s.url}/v1/chat/completions`, body)).status, 401);
    assert.equal((await post(`${s.url}/v1/chat/completions`, body, { Authorization: `Bearer ${key}` })).status, 200);
    execFileSync(BINARY, ['keys', 'revoke', key.slice(0, 12), '--run', run.run], { stdio: 'ignore' });
    // revoked: refused at once; and revoking the last key does not open the server
    assert.equal((await post(`${s.url}/v1/chat/completions`, body, { Authorization: `Bearer ${key}` })).status, 401);
    assert.equal((await post(`${s.url}/v1/chat/completions`, body)).status, 401);
  } finally {
    await s.stop();
  }
});

// Node 18's fetch reuses the connection after a 401: the refused request's body must not be read
// as the next request's head (the old server answered the next request 400 "HTTP 400 for {...}POST").
// A server may close the connection after a refusal (the client then reconnects), never misparse it.
test('a refused POST does not poison its keep-alive connection', async () => {
  const body = JSON.stringify({ model: 'sft', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
  let s = await connect(server.url);
  let closed = false;
  try {
    for (const [auth, want] of [['', 401], ['Bearer sk-flag', 200], ['Bearer sk-wrong', 401], ['Bearer sk-env', 200]]) {
      if (closed) { s = await connect(server.url); closed = false; }
      s.once('close', () => { closed = true; });
      const headers = { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) };
      const r = readResponse(s, 10000);
      s.write(httpText(server.url, 'POST', '/v1/chat/completions', headers, body));
      const got = await r;
      assert.equal(got.status, want, `${auth || 'no key'}: ${got.body}`);
      await new Promise((res) => setTimeout(res, 50));  // a close after the answer shows up here
    }
  } finally {
    s.destroy();
  }
  // what Node's fetch does: one agent, requests in turn
  for (const [headers, want] of [[{}, 401], [{ Authorization: 'Bearer sk-flag' }, 200], [{}, 401], [{ Authorization: 'Bearer sk-env' }, 200]]) {
    assert.equal((await post(`${server.url}/v1/chat/completions`, JSON.parse(body), headers)).status, want);
  }
});
