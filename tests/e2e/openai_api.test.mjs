// `ownchat serve` driven by the official openai SDK (and raw HTTP for what the SDK cannot send).
// Run: node --test tests/e2e/   (ctest does, with OWN_BINARY set)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { tinyRun, startServer, post, metric } from './server.mjs';

let run, server, client, slow, slowClient;
const MODEL = 'sft';

before(async () => {
  run = tinyRun({ slow: true });
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--slots', '4']);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  // one slot, two waiting: overload and cancellation are visible
  slow = await startServer(['--model', `${run.run}/ckpt/slow`, '--model', `tiny=${run.run}/ckpt/sft`, '--slots', '1', '--max-queue', '2']);
  slowClient = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  for (const s of [server, slow]) {
    const { code, signal } = await s.stop();
    assert.equal(code, 0, `serve exited with ${code}/${signal}: ${s.log()}`);
  }
  run.cleanup();
});

const ask = (content, extra = {}) => ({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 24, ...extra });

test('models: list and retrieve, with stage and context', async () => {
  const list = await client.models.list();
  assert.deepEqual(list.data.map((m) => m.id), [MODEL]);
  const m = await client.models.retrieve(MODEL);
  assert.equal(m.object, 'model');
  assert.equal(m.stage, 'sft');
  assert.equal(m.context_length, 256);
  await assert.rejects(client.models.retrieve('nope'), (e) => e.status === 404 && e.code === 'model_not_found');
});

test('chat completion: shape, usage arithmetic, seeds reproduce', async () => {
  const a = await client.chat.completions.create(ask('Hello there', { seed: 7, temperature: 1 }));
  assert.equal(a.object, 'chat.completion');
  assert.match(a.id, /^chatcmpl-/);
  assert.equal(a.model, MODEL);
  assert.equal(a.choices.length, 1);
  const c = a.choices[0];
  assert.equal(c.index, 0);
  assert.equal(c.message.role, 'assistant');
  assert.equal(typeof c.message.content, 'string');
  assert.ok(['stop', 'length'].includes(c.finish_reason));
  const u = a.usage;
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  assert.ok(u.completion_tokens >= 1 && u.completion_tokens <= 24);
  if (c.finish_reason === 'length') assert.equal(u.completion_tokens, 24);
  // the prompt: <|bos|><|user|>Hello there<|end|><|assistant|>
  const tok = await post(`${server.url}/tokenize`, { content: 'Hello there' });
  assert.equal(u.prompt_tokens, tok.json.tokens.length + 4);
  const b = await client.chat.completions.create(ask('Hello there', { seed: 7, temperature: 1 }));
  assert.equal(b.choices[0].message.content, c.message.content, 'same seed, same answer');
  // content as text parts and the developer role are accepted
  const parts = await client.chat.completions.create({
    model: MODEL, max_completion_tokens: 3,
    messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  });
  assert.ok(parts.usage.completion_tokens <= 3);
});

test('n > 1: distinct choices, each with its index; prompt counted once', async () => {
  const r = await client.chat.completions.create(ask('Tell me a joke.', { n: 3, seed: 1, max_tokens: 16 }));
  assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2]);
  const one = await client.chat.completions.create(ask('Tell me a joke.', { seed: 1, max_tokens: 16 }));
  assert.equal(r.usage.prompt_tokens, one.usage.prompt_tokens);
  assert.equal(r.choices[0].message.content, one.choices[0].message.content, 'choice 0 uses the seed itself');
  assert.ok(new Set(r.choices.map((c) => c.message.content)).size > 1, 'choices differ');
});

test('streaming: role first, one finish per choice, usage chunk, same text as non-streamed', async () => {
  const params = ask('Write something long.', { seed: 3, max_tokens: 40, n: 2 });
  const whole = await client.chat.completions.create(params);
  const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  const text = ['', ''];
  const finishes = [0, 0];
  const seenRole = [false, false];
  let usage = null, chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, stream.id ?? chunk.id);
    if (chunk.choices.length === 0) { usage = chunk.usage; continue; }
    assert.equal(chunk.usage, null);
    for (const ch of chunk.choices) {
      if (!seenRole[ch.index]) { assert.equal(ch.delta.role, 'assistant'); seenRole[ch.index] = true; }
      if (ch.delta.content) text[ch.index] += ch.delta.content;
      if (ch.finish_reason) finishes[ch.index]++;
    }
  }
  assert.deepEqual(finishes, [1, 1]);
  assert.ok(chunks > 4);
  assert.deepEqual(text, whole.choices.map((c) => c.message.content), 'chunks join to the same text (UTF-8 kept whole)');
  for (const t of text) assert.ok(!t.includes('\uFFFD') || whole.choices.some((c) => c.message.content.includes('\uFFFD')));
  assert.deepEqual(usage, whole.usage);
});

test('stop strings end the answer before the match', async () => {
  const base = await client.chat.completions.create(ask('Go on', { seed: 11, max_tokens: 40, temperature: 1 }));
  const full = base.choices[0].message.content;
  // a stop string from the middle of the answer
  const at = Math.floor(full.length / 2);
  const stop = full.slice(at, at + 3);
  if (stop.trim().length === 0 || full.length < 8) return; // nothing usable sampled; covered by unit tests
  const r = await client.chat.completions.create(ask('Go on', { seed: 11, max_tokens: 40, temperature: 1, stop: [stop] }));
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.choices[0].message.content, full.slice(0, full.indexOf(stop)));
});

test('logprobs: chosen token and top alternatives', async () => {
  const r = await client.chat.completions.create(ask('Hi', { logprobs: true, top_logprobs: 3, max_tokens: 5, seed: 2 }));
  const lp = r.choices[0].logprobs.content;
  assert.equal(lp.length, r.usage.completion_tokens - (r.choices[0].finish_reason === 'stop' ? 1 : 0) || lp.length);
  for (const t of lp) {
    assert.ok(t.logprob <= 0);
    assert.equal(t.top_logprobs.length, 3);
    assert.ok(t.top_logprobs[0].logprob >= t.top_logprobs[2].logprob);
    assert.ok(Array.isArray(t.bytes));
  }
});

test('legacy completions: text, echo, batch of prompts, stream', async () => {
  const r = await client.completions.create({ model: MODEL, prompt: 'The whale', max_tokens: 8, seed: 5 });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices.length, 1);
  const e = await client.completions.create({ model: MODEL, prompt: 'The whale', max_tokens: 8, seed: 5, echo: true });
  assert.equal(e.choices[0].text, 'The whale' + r.choices[0].text);
  const b = await client.completions.create({ model: MODEL, prompt: ['a', 'b'], max_tokens: 4, n: 2 });
  assert.deepEqual(b.choices.map((c) => c.index), [0, 1, 2, 3]);
  let text = '';
  for await (const ch of await client.completions.create({ model: MODEL, prompt: 'The whale', max_tokens: 8, seed: 5, stream: true }))
    text += ch.choices[0]?.text ?? '';
  assert.equal(text, r.choices[0].text);
  text = '';
  for await (const ch of await client.completions.create({ model: MODEL, prompt: 'The whale', max_tokens: 8, seed: 5, stream: true, echo: true }))
    text += ch.choices[0]?.text ?? '';
  assert.equal(text, e.choices[0].text, 'streamed echo');
});

test('bad requests: 4xx with an OpenAI error object naming the field', async () => {
  const url = `${server.url}/v1/chat/completions`;
  const cases = [
    ['{not json', 400, null],
    [{ model: MODEL }, 400, 'messages'],
    [{ model: MODEL, messages: [] }, 400, 'messages'],
    [{ model: MODEL, messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role'],
    [{ model: MODEL, messages: [{ role: 'user' }] }, 400, 'messages[0].content'],
    [{ model: MODEL, messages: [{ role: 'user', content: 5 }] }, 400, 'messages[0].content'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], temperature: 'warm' }, 400, 'temperature'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], temperature: 9 }, 400, 'temperature'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 400, 'max_tokens'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], n: 100 }, 400, 'n'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] }, 400, 'tools'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], logit_bias: { 100000: 1 } }, 400, 'logit_bias'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 }, 400, 'top_logprobs'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 400, 'stream_options'],
    [{ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }, 404, 'model'],
    [{ model: MODEL, messages: [{ role: 'user', content: 'word '.repeat(400) }] }, 400, 'messages'],
  ];
  for (const [body, status, param] of cases) {
    const r = await post(url, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} -> ${r.text}`);
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.equal(typeof r.json.error.message, 'string');
    assert.equal(typeof r.json.error.type, 'string');
    assert.equal(r.json.error.param, param, r.text);
  }
  const long = await post(url, { model: MODEL, messages: [{ role: 'user', content: 'word '.repeat(400) }] });
  assert.equal(long.json.error.code, 'context_length_exceeded');
  // a body over --max-body (8 MiB) -> 413; unknown paths -> 404; both as error objects
  const huge = await post(url, JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(9 << 20) }] }));
  assert.equal(huge.status, 413);
  assert.ok(huge.json.error.message);
  const nf = await fetch(`${server.url}/v1/nothing`);
  assert.equal(nf.status, 404);
  assert.ok((await nf.json()).error);
  // the SDK surfaces them as APIError with status and param
  await assert.rejects(client.chat.completions.create(ask('x', { temperature: 5 })), (e) => e.status === 400 && e.param === 'temperature');
  // still serving
  assert.equal((await client.chat.completions.create(ask('still there?', { max_tokens: 2 }))).object, 'chat.completion');
});

test('embeddings: unit vectors, base64 (the SDK default) and float agree, batch-invariant', async () => {
  const r = await client.embeddings.create({ model: MODEL, input: ['Call me Ishmael.', 'The whale', 'Call me Ishmael.'] });
  assert.equal(r.object, 'list');
  assert.equal(r.data.length, 3);
  const norm = (v) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  for (const [i, d] of r.data.entries()) {
    assert.equal(d.index, i);
    assert.equal(d.embedding.length, 64);
    assert.ok(Math.abs(norm(d.embedding) - 1) < 1e-5);
  }
  assert.deepEqual(r.data[0].embedding, r.data[2].embedding, 'same text, same vector');
  assert.notDeepEqual(r.data[0].embedding, r.data[1].embedding);
  const f = await client.embeddings.create({ model: MODEL, input: 'Call me Ishmael.', encoding_format: 'float' });
  assert.deepEqual(f.data[0].embedding, r.data[0].embedding, 'alone = in a batch; float = base64');
  const tok = await post(`${server.url}/tokenize`, { content: 'Call me Ishmael.' });
  assert.equal(f.usage.prompt_tokens, tok.json.tokens.length + 1);  // + <|bos|>
  for (const [body, param] of [[{ model: MODEL, input: '' }, 'input'], [{ model: MODEL }, 'input'],
    [{ model: MODEL, input: 'x', encoding_format: 'hex' }, 'encoding_format'], [{ model: MODEL, input: 'x', dimensions: 8 }, 'dimensions'],
    [{ model: MODEL, input: 'word '.repeat(400) }, 'input']]) {
    const e = await post(`${server.url}/v1/embeddings`, body);
    assert.equal(e.status, 400, e.text);
    assert.equal(e.json.error.param, param);
  }
});

test('ignore_eos (llama.cpp extension) generates exactly max_tokens', async () => {
  const r = await post(`${server.url}/v1/chat/completions`, { ...ask('hi', { max_tokens: 30 }), ignore_eos: true, logit_bias: {} });
  assert.equal(r.json.usage.completion_tokens, 30);
  assert.equal(r.json.choices[0].finish_reason, 'length');
});

test('tokenize / detokenize round trip', async () => {
  const t = await post(`${server.url}/tokenize`, { content: 'Call me Ishmael. ✓' });
  assert.equal(t.status, 200);
  const d = await post(`${server.url}/detokenize`, { tokens: t.json.tokens });
  assert.equal(d.json.content, 'Call me Ishmael. ✓');
  assert.equal((await post(`${server.url}/detokenize`, { tokens: [1, 99999] })).status, 400);
});

test('a client that disconnects cancels its generation at once', async () => {
  const active = () => metric(slow.url, 'ownchat_active_sequences');
  const forever = (extra) => ({ model: 'slow', messages: [{ role: 'user', content: 'Talk' }], logit_bias: run.neverStop, ...extra });
  const ac = new AbortController();
  const stream = await slowClient.chat.completions.create(forever({ stream: true }), { signal: ac.signal });
  let got = 0;
  try {
    for await (const _ of stream) if (++got === 3) ac.abort();
  } catch { /* the SDK may end the iteration quietly or throw an abort error */ }
  assert.ok(got >= 3);
  // a non-streamed request abandoned mid-way
  const ac2 = new AbortController();
  const pending = slowClient.chat.completions.create(forever({}), { signal: ac2.signal });
  setTimeout(() => ac2.abort(), 300);
  await assert.rejects(pending);
  // a cancelled sequence is gone at the engine's next step (allow for a loaded machine); neither
  // ran to its end, which would have counted its 1000 tokens
  let n = await active();
  for (let i = 0; i < 30 && n > 0; i++) { await new Promise((r) => setTimeout(r, 100)); n = await active(); }
  assert.equal(n, 0, 'no sequence left running');
  assert.equal(await metric(slow.url, 'ownchat_completion_tokens_total'), 0, 'neither ran to its end');
});

test('overload: beyond --max-queue new requests get 429 with Retry-After, and none is lost', async () => {
  // 1 slot + 2 waiting (a request counts as waiting until the engine admits it): of 8 concurrent
  // requests at most 3 are taken
  const body = (i) => ({ model: 'slow', messages: [{ role: 'user', content: `req ${i}` }], max_tokens: 64, logit_bias: run.neverStop });
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(`${slow.url}/v1/chat/completions`, body(i))));
  const ok = results.filter((r) => r.status === 200), refused = results.filter((r) => r.status === 429);
  assert.equal(ok.length + refused.length, 8, results.map((r) => r.status).join(','));
  assert.ok(refused.length >= 5 && ok.length >= 1, results.map((r) => r.status).join(','));
  for (const r of refused) {
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal(r.json.error.code, 'queue_full');
  }
  for (const r of ok) {
    assert.equal(r.json.object, 'chat.completion');
    assert.equal(r.json.usage.completion_tokens, 64);
  }
  // the SDK retries 429 by itself when allowed to
  const patient = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'unused', maxRetries: 5 });
  const again = await Promise.all(Array.from({ length: 4 }, (_, i) => patient.chat.completions.create(body(i))));
  assert.equal(again.length, 4);
});

test('several models at once: `model` selects, each has its own engine', async () => {
  const list = await slowClient.models.list();
  assert.deepEqual(list.data.map((m) => m.id), ['slow', 'tiny']);
  assert.deepEqual(list.data.map((m) => m.context_length), [1024, 256]);
  for (const model of ['slow', 'tiny']) {
    const r = await slowClient.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 });
    assert.equal(r.model, model);
  }
  // with two models, a request must say which
  const none = await post(`${slow.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.param, 'model');
  const m = await (await fetch(`${slow.url}/metrics`)).text();
  assert.match(m, /ownchat_sequence_slots\{model="tiny"\} 1/);
});

test('metrics: Prometheus counters move', async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(text, /ownchat_requests_total\{endpoint="\/v1\/chat\/completions",status="200"\} \d+/);
  assert.ok((await metric(server.url, 'ownchat_completion_tokens_total')) > 0);
  assert.ok((await metric(server.url, 'ownchat_time_to_first_token_seconds_count')) > 0);
  assert.equal(await metric(server.url, 'ownchat_queue_depth'), 0);
});
