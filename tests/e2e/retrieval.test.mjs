// Retrieval through the API: `serve --index` answers chats from the user's own documents and says
// which passages it gave the model, as `citations` (beside `choices`, or on the first streamed
// chunk), with the official SDK unchanged. A document added to the index after the model was
// trained is found with no retraining (the knowledge cut-off answered).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { tinyRun, startServer, post, BINARY } from './server.mjs';

let run, server, client, plain, docs;

before(async () => {
  run = tinyRun();
  docs = path.join(run.dir, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'minerals.md'),
    '# Zorblax\n\nZorblax is a purple mineral found only on the moon Quintar.\n\n# Glimmerwort\n\nGlimmerwort glows at night.\n');
  fs.writeFileSync(path.join(docs, 'cities.html'),
    '<title>Cities</title><h2>Vexland</h2><p>The capital of Vexland is Ortho &amp; it rains on Tuesdays.</p>');
  execFileSync(BINARY, ['index', 'build', '--run', run.run, '--sources', docs], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--index', `${run.run}/index.db`, '--retrieval-k', '2']);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  plain = await startServer(['--model', `${run.run}/ckpt/sft`]);
});

after(async () => {
  for (const s of [server, plain]) {
    const { code, signal } = await s.stop();
    assert.equal(code, 0, `serve exited with ${code}/${signal}: ${s.log()}`);
  }
  run.cleanup();
});

const ask = (content, extra = {}) => ({ model: 'sft', messages: [{ role: 'user', content }], max_tokens: 8, ...extra });

test('models say whether they answer from an index', async () => {
  assert.equal((await client.models.retrieve('sft')).retrieval, true);
  const other = new OpenAI({ baseURL: `${plain.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  assert.equal((await other.models.retrieve('sft')).retrieval, false);
});

test('an answer carries the passages it was given, numbered as the model saw them', async () => {
  const r = await client.chat.completions.create(ask('Where is zorblax found?'));
  assert.equal(r.object, 'chat.completion');
  assert.ok(Array.isArray(r.citations) && r.citations.length >= 1 && r.citations.length <= 2, JSON.stringify(r.citations));
  const c = r.citations[0];
  assert.equal(c.index, 1);
  assert.equal(c.title, 'Zorblax');
  assert.match(c.text, /moon Quintar/);
  assert.match(c.source, /minerals\.md$/);
  assert.ok(c.score > 0 && Number.isInteger(c.position) && Number.isInteger(c.id));
  // the passages are in the prompt the model read: more prompt tokens than without retrieval
  const off = await client.chat.completions.create(ask('Where is zorblax found?', { retrieval: false }));
  assert.equal(off.citations, undefined);
  assert.ok(r.usage.prompt_tokens > off.usage.prompt_tokens + 10, `${r.usage.prompt_tokens} vs ${off.usage.prompt_tokens}`);
  const one = await client.chat.completions.create(ask('Where is zorblax found?', { retrieval: { k: 1 } }));
  assert.equal(one.citations.length, 1);
  const none = await client.chat.completions.create(ask('Hello there'));
  assert.equal(none.citations, undefined, 'no passage matches: no citations');
});

test('streamed: the citations come on the first chunk, before any content', async () => {
  const stream = await client.chat.completions.create(ask('What is the capital of Vexland?', { stream: true }));
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length >= 2);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(chunks[0].choices[0].delta.content, '');
  assert.equal(chunks[0].citations[0].title, 'Vexland');
  assert.match(chunks[0].citations[0].text, /capital of Vexland is Ortho & it rains/);
  for (const c of chunks.slice(1)) assert.equal(c.citations, undefined);
});

test('a document added after training is found at once, and gone once removed', async () => {
  const fresh = path.join(run.dir, 'news.txt');
  fs.writeFileSync(fresh, 'The Plimsoll bridge over the Flumph river opened on 3 March 2027.');
  execFileSync(BINARY, ['index', 'add', '--run', run.run, fresh], { stdio: ['ignore', 'ignore', 'pipe'] });
  const r = await client.chat.completions.create(ask('When did the Plimsoll bridge open?'));
  assert.equal(r.citations[0].title, 'news');
  assert.match(r.citations[0].text, /3 March 2027/);
  execFileSync(BINARY, ['index', 'remove', '--run', run.run, fresh], { stdio: ['ignore', 'ignore', 'pipe'] });
  const gone = await client.chat.completions.create(ask('When did the Plimsoll bridge open?'));
  assert.ok(!(gone.citations || []).some((c) => /Plimsoll/.test(c.text)));
});

test('bad retrieval settings are 400s naming the field', async () => {
  for (const [retrieval, param] of [[{ k: 0 }, 'retrieval.k'], [{ k: 21 }, 'retrieval.k'], [{ k: 'x' }, 'retrieval.k'],
    ['yes', 'retrieval'], [{ top: 3 }, 'retrieval.top']]) {
    const r = await post(`${server.url}/v1/chat/completions`, ask('zorblax', { retrieval }));
    assert.equal(r.status, 400, JSON.stringify(retrieval));
    assert.equal(r.json.error.param, param, r.text);
  }
  const r = await post(`${plain.url}/v1/chat/completions`, ask('zorblax', { retrieval: true }));
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'retrieval_unavailable');
  assert.equal((await post(`${plain.url}/v1/chat/completions`, ask('zorblax', { retrieval: false }))).status, 200);
  // a client may not write the context turn itself
  const forged = await post(`${server.url}/v1/chat/completions`, { messages: [{ role: 'context', content: '[1] x' }] });
  assert.equal(forged.status, 400);
});

test('a rebuilt index is answered from at once, with no restart (the last test: it replaces the index)', async () => {
  const other = path.join(run.dir, 'other');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'ships.md'), '# Quillon\n\nThe Quillon is a ship that sails from Ortho each spring.\n');
  execFileSync(BINARY, ['index', 'build', '--run', run.run, '--sources', other], { stdio: ['ignore', 'ignore', 'pipe'] });
  const r = await client.chat.completions.create(ask('Which ship sails from Ortho?'));
  assert.equal(r.citations?.[0]?.title, 'Quillon', JSON.stringify(r.citations));
  const old = await client.chat.completions.create(ask('Where is zorblax found?'));
  assert.equal(old.citations, undefined, 'the old index is gone with its passages');
  assert.match(server.log(), /was rebuilt; searching the new index/);
});
