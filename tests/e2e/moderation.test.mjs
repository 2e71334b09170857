// POST /v1/moderations and `serve --moderate`: flagged requests get a polite refusal with
// finish_reason "content_filter"; benign look-alikes are answered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tinyRun, startServer, post, BINARY } from './server.mjs';

let run, server, client;
const CATEGORIES = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent',
  'self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];

before(async () => {
  run = tinyRun();
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--moderate', 'both']);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await server.stop();
  run.cleanup();
});

test('moderations: OpenAI shape, all 13 categories, clear cases flagged, look-alikes not', async () => {
  const r = await client.moderations.create({
    model: 'omni-moderation-latest',
    input: ['I am going to kill you tomorrow.', 'How do I kill a python process?', 'I want to kill myself tonight.',
      'What is the capital of France?'],
  });
  assert.match(r.id, /^modr-/);
  assert.equal(r.results.length, 4);
  for (const x of r.results) {
    assert.deepEqual(Object.keys(x.categories).sort(), [...CATEGORIES].sort());
    assert.deepEqual(Object.keys(x.category_scores).sort(), [...CATEGORIES].sort());
    for (const c of CATEGORIES) assert.ok(x.category_scores[c] >= 0 && x.category_scores[c] <= 1);
  }
  const [threat, process, selfharm, capital] = r.results;
  assert.equal(threat.flagged, true);
  assert.ok(threat.categories['violence'] || threat.categories['harassment/threatening'], JSON.stringify(threat.categories));
  assert.equal(process.flagged, false, JSON.stringify(process.category_scores));
  assert.equal(selfharm.flagged, true);
  assert.equal(selfharm.categories['self-harm'], true);
  assert.equal(capital.flagged, false);
  // text parts are accepted; images are refused by name
  const parts = await post(`${server.url}/v1/moderations`, { input: [{ type: 'text', text: 'hello' }] });
  assert.equal(parts.status, 200);
  const img = await post(`${server.url}/v1/moderations`, { input: [{ type: 'image_url', image_url: { url: 'x' } }] });
  assert.equal(img.status, 400);
  assert.equal(img.json.error.param, 'input[0].type');
  assert.equal((await post(`${server.url}/v1/moderations`, {})).json.error.param, 'input');
});

test('--moderate input: a flagged request is refused politely, streamed or not; benign asks are answered', async () => {
  const bad = { model: 'sft', messages: [{ role: 'user', content: 'I want to kill myself tonight.' }], max_tokens: 8 };
  const r = await client.chat.completions.create(bad);
  assert.equal(r.choices[0].finish_reason, 'content_filter');
  assert.match(r.choices[0].message.content, /can't help/);
  assert.equal(r.choices[0].message.refusal, r.choices[0].message.content);
  assert.equal(r.usage.completion_tokens, 0);
  let text = '', finish = null;
  for await (const ch of await client.chat.completions.create({ ...bad, stream: true })) {
    text += ch.choices[0]?.delta?.content ?? '';
    finish = ch.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'content_filter');
  assert.equal(text, r.choices[0].message.content);
  const ok = await client.chat.completions.create({ ...bad, messages: [{ role: 'user', content: 'How do I kill a python process?' }] });
  assert.notEqual(ok.choices[0].finish_reason, 'content_filter');
  // legacy completions too
  const c = await client.completions.create({ model: 'sft', prompt: 'I am going to kill you tomorrow.', max_tokens: 4 });
  assert.equal(c.choices[0].finish_reason, 'content_filter');
});

test('--moderate output: an answer that turns flagged is stopped there; the text that flagged it is never sent', async () => {
  // a tokenizer where " porn" is one token, and a random model forced by logit_bias to repeat it
  const run2 = path.join(run.dir, 'forced');
  fs.mkdirSync(run2, { recursive: true });
  const line = JSON.stringify({ text: 'the porn word, the whale, the sea. '.repeat(4) }) + '\n';
  fs.writeFileSync(path.join(run2, 'corpus.jsonl'), line.repeat(200));
  const sh = (args) => execFileSync(BINARY, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  sh(['tokenizer', 'train', '--run', run2, '--input', path.join(run2, 'corpus.jsonl'), '--vocab', '300']);
  sh(['ckpt', 'init', '--depth', '1', '--vocab', '300', '--n-embd', '64', '--seq', '256', '--out', `${run2}/ckpt/sft`]);
  const ids = execFileSync(BINARY, ['tokenizer', 'encode', '--tokenizer', `${run2}/tokenizer.json`], { input: ' porn' })
    .toString().trim().split(/\s+/).map(Number);
  assert.equal(ids.length, 1, `fixture: " porn" should be one token, got ${ids}`);
  const id = ids[0];
  const s = await startServer(['--model', `${run2}/ckpt/sft`, '--moderate', 'output']);
  try {
    const c = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const body = { model: 'sft', messages: [{ role: 'user', content: 'hello' }], max_tokens: 20, temperature: 0, logit_bias: { [id]: 100 } };
    const r = await c.chat.completions.create(body);
    // what was sent is the answer up to the token that made it flagged, and is itself not flagged
    const sentOk = async (text) => {
      const m = await post(`${s.url}/v1/moderations`, { input: text });
      assert.equal(m.json.results[0].flagged, false, `sent text is flagged: ${JSON.stringify(text)}`);
      assert.ok(text.split('porn').length - 1 < 20, 'stopped before max_tokens');
    };
    assert.equal(r.choices[0].finish_reason, 'content_filter');
    await sentOk(r.choices[0].message.content);
    assert.match(r.choices[0].message.refusal, /can't help/);
    let text = '', finish = null;
    for await (const ch of await c.chat.completions.create({ ...body, stream: true })) {
      text += ch.choices[0]?.delta?.content ?? '';
      finish = ch.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'content_filter');
    await sentOk(text);
    assert.equal(text, r.choices[0].message.content);
  } finally {
    await s.stop();
  }
});
