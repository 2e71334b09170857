// The web chat's REST API (/api/...): conversations as message trees, ratings, feedback export,
// against the real binary and its RUN/ownchat.db; that the data outlives a restart, that kill -9
// in the middle of rating writes loses no rating the server had answered 200 for, and that with
// API keys each key sees only its own conversations (admin keys and the operator's see all).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tinyRun, startServer, BINARY } from './server.mjs';

let run, server;
const startOnRun = () => startServer(['--model', `${run.run}/ckpt/sft`]);

before(async () => {
  run = tinyRun();
  server = await startOnRun();
});

after(async () => {
  await server.stop();
  run.cleanup();
});

// one request: { status, json, text, headers }
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const r = await fetch(`${server.url}${path}`, init);
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

// the response must have `status`; returns its JSON
async function ok(method, path, body, status = 200) {
  const r = await api(method, path, body);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

// an OpenAI error object with this status (and param / code when given)
async function fails(method, path, body, status, { param, code } = {}) {
  const r = await api(method, path, body);
  assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)}: ${r.text.slice(0, 300)}`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(typeof r.json.error.type, 'string');
  assert.ok('param' in r.json.error && 'code' in r.json.error);
  if (param !== undefined) assert.equal(r.json.error.param, param, r.text);
  if (code !== undefined) assert.equal(r.json.error.code, code, r.text);
  return r.json.error;
}

const answer = (parent, content, model = 'sft') => ({
  parent_id: parent, role: 'assistant', content, model, checkpoint: `${run.run}/ckpt/sft`,
  sampling: { temperature: 0.7, top_p: 0.9 }, prompt_tokens: 12, completion_tokens: 5, tokens_per_s: 41.5,
});

test('conversations: create, list, search, rename, delete', async () => {
  const a = await ok('POST', '/api/conversations', { title: 'Whales', system_prompt: 'Be brief.', model: 'sft' }, 201);
  assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(a.title, 'Whales');
  assert.equal(a.system_prompt, 'Be brief.');
  assert.equal(a.model, 'sft');
  assert.equal(typeof a.created_at, 'number');
  const b = await ok('POST', '/api/conversations', {}, 201);
  assert.equal(b.title, '');
  await ok('POST', `/api/conversations/${b.id}/messages`, { role: 'user', content: 'Where is the harpoon?' }, 201);

  const all = await ok('GET', '/api/conversations');
  const ids = all.data.map((c) => c.id);
  assert.ok(ids.includes(a.id) && ids.includes(b.id));
  assert.equal(ids.indexOf(b.id) < ids.indexOf(a.id), true, 'most recently updated first');
  // search: title or any message, case-insensitive; LIKE wildcards are literal
  assert.deepEqual((await ok('GET', '/api/conversations?search=WHALE')).data.map((c) => c.id), [a.id]);
  assert.deepEqual((await ok('GET', '/api/conversations?search=harpoon')).data.map((c) => c.id), [b.id]);
  assert.deepEqual((await ok('GET', '/api/conversations?search=%25')).data, []);
  assert.equal((await ok('GET', '/api/conversations?limit=1')).data.length, 1);
  assert.equal((await ok('GET', '/api/conversations?limit=1&offset=1')).data[0].id, all.data[1].id);

  const renamed = await ok('PATCH', `/api/conversations/${a.id}`, { title: 'Sperm whales ✓' });
  assert.equal(renamed.title, 'Sperm whales ✓');
  assert.equal(renamed.id, a.id);
  assert.equal((await ok('GET', `/api/conversations/${a.id}`)).title, 'Sperm whales ✓');

  assert.deepEqual(await ok('DELETE', `/api/conversations/${b.id}`), { id: b.id, deleted: true });
  await fails('GET', `/api/conversations/${b.id}`, undefined, 404, { code: 'not_found' });
  await fails('DELETE', `/api/conversations/${b.id}`, undefined, 404, { code: 'not_found' });
  assert.ok(!(await ok('GET', '/api/conversations')).data.some((c) => c.id === b.id));
  await ok('DELETE', `/api/conversations/${a.id}`);
});

test('a message tree (regenerate, edit), ratings, feedback counts, export and the JSONL download', async () => {
  const c = await ok('POST', '/api/conversations', { title: 'Tree', system_prompt: 'You are terse.', model: 'sft' }, 201);
  const msgs = `/api/conversations/${c.id}/messages`;
  const q1 = await ok('POST', msgs, { role: 'user', content: 'Who is Ahab?' }, 201);
  assert.equal(q1.parent_id, null);
  assert.equal(q1.conversation_id, c.id);
  assert.equal(q1.sampling, null);
  const A = await ok('POST', msgs, answer(q1.id, 'A captain.'), 201);
  assert.equal(A.parent_id, q1.id);
  assert.deepEqual(A.sampling, { temperature: 0.7, top_p: 0.9 });
  assert.equal(A.prompt_tokens, 12);
  assert.equal(A.completion_tokens, 5);
  assert.equal(A.tokens_per_s, 41.5);
  assert.equal(A.checkpoint, `${run.run}/ckpt/sft`);
  assert.equal(A.citations, null);
  {  // an answer from an index keeps the passages it was given
    const g = await ok('POST', '/api/conversations', { title: 'Grounded', model: 'sft' }, 201);
    const gm = `/api/conversations/${g.id}/messages`;
    const gq = await ok('POST', gm, { role: 'user', content: 'Who is Ahab?' }, 201);
    const cited = [{ index: 1, id: 3, source: 'notes.md', title: 'Ahab', text: 'Ahab is the captain.', score: 2.5, position: 0 }];
    const ga = await ok('POST', gm, { ...answer(gq.id, 'The captain [1].'), citations: cited }, 201);
    assert.deepEqual(ga.citations, cited);
    assert.deepEqual((await ok('GET', `/api/conversations/${g.id}`)).messages.find((m) => m.id === ga.id).citations, cited);
    await ok('DELETE', `/api/conversations/${g.id}`);
  }
  const B = await ok('POST', msgs, answer(q1.id, 'A whale.', 'other'), 201);  // regenerate: a sibling
  const q2 = await ok('POST', msgs, { role: 'user', content: 'Who is Ahab, the captain?' }, 201);  // edit: another root

  const tree = await ok('GET', `/api/conversations/${c.id}`);
  assert.equal(tree.title, 'Tree');
  assert.equal(tree.system_prompt, 'You are terse.');
  assert.deepEqual(tree.messages.map((m) => [m.id, m.parent_id, m.role]),
    [[q1.id, null, 'user'], [A.id, q1.id, 'assistant'], [B.id, q1.id, 'assistant'], [q2.id, null, 'user']]);
  assert.deepEqual(tree.messages[1], A);
  assert.deepEqual(tree.ratings, []);

  const before = await ok('GET', '/api/feedback');
  let r = await ok('PUT', `/api/messages/${A.id}/rating`, { rating: 1, reason: 'correct' });
  assert.equal(r.message_id, A.id);
  assert.equal(r.rating, 1);
  assert.equal(r.reason, 'correct');
  assert.equal(r.comment, '');
  r = await ok('PUT', `/api/messages/${B.id}/rating`, { rating: 1, comment: 'hm' });
  r = await ok('PUT', `/api/messages/${B.id}/rating`, { rating: -1, reason: 'wrong', comment: 'Ahab is not the whale.' });
  assert.equal(r.rating, -1);
  assert.equal(r.comment, 'Ahab is not the whale.');
  // rate then clear a third answer
  const C = await ok('POST', msgs, answer(q2.id, 'The captain of the Pequod.'), 201);
  await ok('PUT', `/api/messages/${C.id}/rating`, { rating: 1 });
  assert.deepEqual(await ok('DELETE', `/api/messages/${C.id}/rating`), { message_id: C.id, deleted: true });
  assert.deepEqual(await ok('DELETE', `/api/messages/${C.id}/rating`), { message_id: C.id, deleted: false });

  const t2 = await ok('GET', `/api/conversations/${c.id}`);
  assert.deepEqual(t2.ratings.map((x) => [x.message_id, x.rating]), [[A.id, 1], [B.id, -1]]);
  const stats = await ok('GET', '/api/feedback');
  assert.deepEqual(stats, { ratings: before.ratings + 2, up: before.up + 1, down: before.down + 1, pairs: before.pairs + 1 });

  const e = await ok('POST', '/api/feedback/export', {});
  assert.equal(e.path, `${run.run}/data/feedback/pairs.jsonl`);
  assert.equal(e.ratings, stats.ratings);
  assert.equal(e.pairs, stats.pairs);
  const file = fs.readFileSync(e.path, 'utf8');
  const pairs = file.trim().split('\n').map((l) => JSON.parse(l));
  const mine = pairs.filter((p) => p.conversation_id === c.id);
  assert.equal(mine.length, 1);
  assert.deepEqual(mine[0].prompt, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Who is Ahab?' }]);
  assert.deepEqual(mine[0].chosen, [{ role: 'assistant', content: 'A captain.' }]);
  assert.deepEqual(mine[0].rejected, [{ role: 'assistant', content: 'A whale.' }]);
  assert.equal(mine[0].chosen_model, 'sft');
  assert.equal(mine[0].rejected_model, 'other');
  // an empty JSON body is accepted as {} (without Content-Type: application/json it is 415: hardening.test.mjs)
  assert.equal((await api('POST', '/api/feedback/export', '')).status, 200);

  const dl = await api('GET', '/api/feedback/pairs.jsonl');
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /^application\/x-ndjson/);
  assert.match(dl.headers.get('content-disposition'), /^attachment; filename="pairs\.jsonl"/);
  assert.equal(dl.text, file);

  // deleting the conversation takes its ratings (and pair) with it
  await ok('DELETE', `/api/conversations/${c.id}`);
  assert.deepEqual(await ok('GET', '/api/feedback'), before);
});

test('bad input: OpenAI error objects naming the field; unknown ids are 404 not_found', async () => {
  const c = await ok('POST', '/api/conversations', { title: 'errors' }, 201);
  const other = await ok('POST', '/api/conversations', { title: 'other' }, 201);
  const q = await ok('POST', `/api/conversations/${c.id}/messages`, { role: 'user', content: 'hi' }, 201);
  const a = await ok('POST', `/api/conversations/${c.id}/messages`, answer(q.id, 'hello'), 201);
  const msgs = `/api/conversations/${c.id}/messages`;
  const nope = '00000000-0000-4000-8000-000000000000';

  for (const [m, p, body] of [
    ['GET', `/api/conversations/${nope}`], ['PATCH', `/api/conversations/${nope}`, { title: 'x' }],
    ['DELETE', `/api/conversations/${nope}`], ['POST', `/api/conversations/${nope}/messages`, { role: 'user', content: 'x' }],
    ['PUT', `/api/messages/${nope}/rating`, { rating: 1 }], ['DELETE', `/api/messages/${nope}/rating`],
  ]) await fails(m, p, body, 404, { code: 'not_found' });

  await fails('PUT', `/api/messages/${a.id}/rating`, { rating: 0 }, 400, { param: 'rating', code: 'invalid_value' });
  await fails('PUT', `/api/messages/${a.id}/rating`, { rating: 2 }, 400, { param: 'rating' });
  await fails('PUT', `/api/messages/${a.id}/rating`, { rating: '1' }, 400, { param: 'rating', code: 'invalid_type' });
  await fails('PUT', `/api/messages/${a.id}/rating`, {}, 400, { param: 'rating', code: 'missing_required_parameter' });
  await fails('PUT', `/api/messages/${a.id}/rating`, { rating: 1, reason: 'r'.repeat(101) }, 400, { param: 'reason', code: 'string_above_max_length' });
  await fails('PUT', `/api/messages/${a.id}/rating`, { rating: 1, comment: 'c'.repeat(4001) }, 400, { param: 'comment' });
  await fails('PUT', `/api/messages/${q.id}/rating`, { rating: 1 }, 400);  // a user message
  await ok('PUT', `/api/messages/${a.id}/rating`, { rating: -1, reason: 'r'.repeat(100), comment: 'é'.repeat(4000) });

  await fails('POST', '/api/conversations', { title: 't'.repeat(201) }, 400, { param: 'title', code: 'string_above_max_length' });
  await ok('POST', '/api/conversations', { title: 'é'.repeat(200) }, 201);  // characters, not bytes
  await fails('POST', '/api/conversations', { title: 7 }, 400, { param: 'title', code: 'invalid_type' });
  await fails('POST', '/api/conversations', { system_prompt: ['x'] }, 400, { param: 'system_prompt' });
  await fails('POST', '/api/conversations', '{"title": ', 400, { code: 'invalid_json' });
  await fails('POST', '/api/conversations', '[1]', 400, { code: 'invalid_json' });
  await fails('PATCH', `/api/conversations/${c.id}`, {}, 400, { param: 'title', code: 'missing_required_parameter' });
  await fails('PATCH', `/api/conversations/${c.id}`, { title: null }, 400, { param: 'title' });

  await fails('POST', msgs, { content: 'x' }, 400, { param: 'role', code: 'missing_required_parameter' });
  await fails('POST', msgs, { role: 'tool', content: 'x' }, 400, { param: 'role', code: 'invalid_value' });
  await fails('POST', msgs, { role: 'user' }, 400, { param: 'content' });
  await fails('POST', msgs, { role: 'user', content: 5 }, 400, { param: 'content', code: 'invalid_type' });
  await fails('POST', msgs, { role: 'user', content: 'x'.repeat(1024 * 1024 + 1) }, 400, { param: 'content', code: 'string_above_max_length' });
  await fails('POST', msgs, { role: 'user', content: 'x', parent_id: nope }, 400, { param: 'parent_id' });
  await fails(`POST`, `/api/conversations/${other.id}/messages`, { role: 'user', content: 'x', parent_id: q.id }, 400, { param: 'parent_id' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), sampling: 'hot' }, 400, { param: 'sampling', code: 'invalid_type' });
  const cite = { index: 1, title: 't', text: 'x', source: 's' };
  await fails('POST', msgs, { ...answer(q.id, 'x'), citations: 'x' }, 400, { param: 'citations', code: 'invalid_type' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), citations: Array(21).fill(cite) }, 400, { param: 'citations', code: 'array_above_max_length' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), citations: [cite, 7] }, 400, { param: 'citations[1]', code: 'invalid_type' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), citations: [{ ...cite, index: '1' }] }, 400, { param: 'citations[0].index' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), citations: [{ ...cite, text: null }] }, 400, { param: 'citations[0].text' });
  await fails('POST', msgs, { role: 'user', content: 'x', citations: [cite] }, 400, { param: 'citations', code: 'invalid_value' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), prompt_tokens: -1 }, 400, { param: 'prompt_tokens' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), completion_tokens: 1.5 }, 400, { param: 'completion_tokens' });
  await fails('POST', msgs, { ...answer(q.id, 'x'), tokens_per_s: 'fast' }, 400, { param: 'tokens_per_s' });

  await fails('GET', '/api/conversations?limit=0', undefined, 400, { param: 'limit' });
  await fails('GET', '/api/conversations?limit=1001', undefined, 400, { param: 'limit' });
  await fails('GET', '/api/conversations?limit=ten', undefined, 400, { param: 'limit', code: 'invalid_type' });
  await fails('GET', '/api/conversations?offset=-1', undefined, 400, { param: 'offset' });
  await fails('POST', '/api/feedback/export', 'nope', 400, { code: 'invalid_json' });

  // nothing above was written
  const tree = await ok('GET', `/api/conversations/${c.id}`);
  assert.equal(tree.messages.length, 2);
  assert.equal(tree.title, 'errors');
  for (const id of [c.id, other.id]) await ok('DELETE', `/api/conversations/${id}`);
});

test('the data survives a restart of the server', async () => {
  const c = await ok('POST', '/api/conversations', { title: 'persist', system_prompt: 's' }, 201);
  const q = await ok('POST', `/api/conversations/${c.id}/messages`, { role: 'user', content: 'q' }, 201);
  const a = await ok('POST', `/api/conversations/${c.id}/messages`, answer(q.id, 'a'), 201);
  await ok('PUT', `/api/messages/${a.id}/rating`, { rating: 1, reason: 'good', comment: 'kept' });
  const tree = await ok('GET', `/api/conversations/${c.id}`);
  await server.stop();
  server = await startOnRun();
  assert.deepEqual(await ok('GET', `/api/conversations/${c.id}`), tree);
  await ok('DELETE', `/api/conversations/${c.id}`);
});

test('kill -9 during rating writes loses no rating that was answered 200', async () => {
  const c = await ok('POST', '/api/conversations', { title: 'crash' }, 201);
  const q = await ok('POST', `/api/conversations/${c.id}/messages`, { role: 'user', content: 'q' }, 201);
  const workers = 4, perWorker = 6;
  const answers = [];
  for (let i = 0; i < workers * perWorker; i++)
    answers.push((await ok('POST', `/api/conversations/${c.id}/messages`, answer(q.id, `a${i}`), 201)).id);

  // Each worker owns its messages and rates them one request at a time, so for each message the
  // last 200 is what must be stored, unless a request was in flight at the kill (it may have
  // committed without answering): then either value is right.
  const acked = new Map();    // message id -> { rating, comment } answered 200
  const pending = new Map();  // message id -> the request in flight
  let nAcked = 0, killed = false;
  const url = server.url;
  const worker = async (w) => {
    for (let i = 0; ; i++) {
      const id = answers[w * perWorker + (i % perWorker)];
      const want = { rating: (i + w) % 2 ? 1 : -1, comment: `w${w}-${i}` };
      pending.set(id, want);
      let r;
      try {
        r = await fetch(`${url}/api/messages/${id}/rating`, {
          method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(want),
        });
        if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
        await r.json();
      } catch (e) {
        if (killed) return;
        throw e;
      }
      pending.delete(id);
      acked.set(id, want);
      if (++nAcked === 50) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  assert.ok(nAcked >= 50);
  assert.ok(pending.size > 0, 'requests were cut off by the kill');

  server = await startOnRun();
  const tree = await ok('GET', `/api/conversations/${c.id}`);
  const stored = new Map(tree.ratings.map((r) => [r.message_id, { rating: r.rating, comment: r.comment }]));
  for (const [id, want] of acked) {
    const got = stored.get(id);
    assert.ok(got, `the rating of ${id} (${want.comment}) was lost`);
    const inFlight = pending.get(id);
    if (inFlight && got.comment === inFlight.comment) assert.deepEqual(got, inFlight);
    else assert.deepEqual(got, want, `message ${id}`);
  }
  await ok('DELETE', `/api/conversations/${c.id}`);
});

// Finding: every key saw every conversation. Now a key sees, changes and exports only what it
// made; another key's ids answer 404 like unknown ones; admin keys and the operator's see all.
test('each key sees only its own conversations and ratings; admin keys and the operator see all', async () => {
  const db = `${run.dir}/owners/ownchat.db`;
  const mk = (...args) => execFileSync(BINARY, ['keys', 'create', '--db', db, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().trim();
  const alice = mk('--name', 'alice'), bob = mk('--name', 'bob');
  const operator = 'sk-operator-e2e';
  const s = await startServer(['--model', `${run.run}/ckpt/sft`, '--db', db, '--api-key', operator]);
  try {
    const as = (key) => async (method, path, body) => {
      const init = { method, headers: { Authorization: `Bearer ${key}` } };
      if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
      const r = await fetch(`${s.url}${path}`, init);
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: r.status, json, text };
    };
    const A = as(alice), B = as(bob), O = as(operator);
    const must = async (r, status) => { const x = await r; assert.equal(x.status, status, x.text); return x.json; };

    const c = await must(A('POST', '/api/conversations', { title: 'alice private', model: 'sft' }), 201);
    const q = await must(A('POST', `/api/conversations/${c.id}/messages`, { role: 'user', content: 'my secret' }), 201);
    const up = await must(A('POST', `/api/conversations/${c.id}/messages`, answer(q.id, 'yes')), 201);
    const down = await must(A('POST', `/api/conversations/${c.id}/messages`, answer(q.id, 'no')), 201);
    await must(A('PUT', `/api/messages/${up.id}/rating`, { rating: 1 }), 200);
    await must(A('PUT', `/api/messages/${down.id}/rating`, { rating: -1 }), 200);
    const bc = await must(B('POST', '/api/conversations', { title: 'bob own' }), 201);

    // bob: alice's things do not exist for him
    const bobList = await must(B('GET', '/api/conversations'), 200);
    assert.deepEqual(bobList.data.map((x) => x.id), [bc.id]);
    assert.deepEqual((await must(B('GET', '/api/conversations?search=secret'), 200)).data, []);
    for (const [m, p, body] of [
      ['GET', `/api/conversations/${c.id}`], ['PATCH', `/api/conversations/${c.id}`, { title: 'mine' }],
      ['DELETE', `/api/conversations/${c.id}`], ['POST', `/api/conversations/${c.id}/messages`, { role: 'user', content: 'x' }],
      ['PUT', `/api/messages/${up.id}/rating`, { rating: -1 }], ['DELETE', `/api/messages/${up.id}/rating`],
    ]) {
      const r = await B(m, p, body);
      assert.equal(r.status, 404, `${m} ${p}: ${r.text}`);
      assert.equal(r.json.error.code, 'not_found');
    }
    const asParent = await B('POST', `/api/conversations/${bc.id}/messages`, { role: 'user', content: 'x', parent_id: q.id });
    assert.equal(asParent.status, 400, asParent.text);
    assert.equal(asParent.json.error.param, 'parent_id');
    assert.deepEqual(await must(B('GET', '/api/feedback'), 200), { ratings: 0, up: 0, down: 0, pairs: 0 });
    assert.equal((await B('GET', '/api/feedback/pairs.jsonl')).text, '');
    const denied = await B('POST', '/api/feedback/export', {});
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.error.code, 'admin_required');

    // alice: her own, untouched by bob's tries
    const tree = await must(A('GET', `/api/conversations/${c.id}`), 200);
    assert.equal(tree.title, 'alice private');
    assert.deepEqual(tree.ratings.map((r) => [r.message_id, r.rating]), [[up.id, 1], [down.id, -1]]);
    assert.deepEqual((await must(A('GET', '/api/conversations'), 200)).data.map((x) => x.id), [c.id]);
    assert.deepEqual(await must(A('GET', '/api/feedback'), 200), { ratings: 2, up: 1, down: 1, pairs: 1 });
    assert.equal((await A('GET', '/api/feedback/pairs.jsonl')).text.trim().split('\n').length, 1);
    assert.equal((await A('POST', '/api/feedback/export', {})).status, 403);

    // an admin key (made while the server runs) and the operator's key see both; the export (and
    // the CLI's) has every pair
    const R = as(mk('--name', 'root', '--admin'));
    for (const X of [R, O]) {
      const ids = (await must(X('GET', '/api/conversations'), 200)).data.map((x) => x.id).sort();
      assert.deepEqual(ids, [c.id, bc.id].sort());
      assert.equal((await must(X('GET', `/api/conversations/${c.id}`), 200)).messages.length, 3);
      const e = await must(X('POST', '/api/feedback/export', {}), 200);
      assert.equal(e.pairs, 1);
    }
    const cli = execFileSync(BINARY, ['feedback', 'export', '--db', db], { encoding: 'utf8' });
    assert.match(cli, /2 ratings \(1 up, 1 down\) -> 1 preference pairs/);
    // the web page's own routes still need a key
    assert.equal((await fetch(`${s.url}/api/conversations`)).status, 401);
  } finally {
    await s.stop();
  }
});
