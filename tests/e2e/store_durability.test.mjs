// The serve database under hard stops and damage, against the real binary:
// - SIGKILL at random moments during concurrent conversation, message and rating writes of two
//   keys (5 rounds on one run): after each restart every write answered 2xx is there, the server's
//   start-up quick_check passes and `ownchat db check` (integrity_check) says ok;
// - a database that held keys and was truncated to zero bytes, or deleted, is refused at start-up
//   with the way to recover; one with garbage in its middle pages is refused naming the file; the
//   server changes none of these files;
// - a database that fails while the server runs answers 5xx error objects, not 400.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tinyRun, startServer, BINARY } from './server.mjs';

let run;
before(() => { run = tinyRun(); });
after(() => run.cleanup());

const model = () => ['--model', `${run.run}/ckpt/sft`];

// `ownchat serve` that must refuse to start: its exit status and stderr (killed if it listens)
function serveRefused(args) {
  return new Promise((resolve) => {
    const child = spawn(BINARY, ['serve', '--port', '0', '--no-log', '--threads', '1', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stderr.on('data', (d) => {
      log += d;
      if (/listening on/.test(log)) child.kill('SIGKILL');  // it started: the test fails below
    });
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, log }); });
  });
}

function keysCreate(db, name) {
  return execFileSync(BINARY, ['keys', 'create', '--name', name, '--db', db], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
}

// every file in the directory (db, -wal, guard) as bytes, by name
const snapshot = (dir) => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(`${dir}/${f}`).toString('base64')]));

async function call(url, key, method, path, body) {
  const init = { method, headers: { Authorization: `Bearer ${key}` } };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const r = await fetch(`${url}${path}`, init);
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
}

test('SIGKILL at random moments during concurrent writes loses nothing acknowledged (5 rounds)', async () => {
  const db = `${run.run}/ownchat.db`;
  const keys = [keysCreate(db, 'alice'), keysCreate(db, 'bob')];
  // per key: conversation id -> { messages: Map(id -> content), ratings: Map(message id -> rating) }
  const acked = keys.map(() => new Map());
  let total = 0;
  for (let round = 0; round < 5; round++) {
    const server = await startServer(model());  // its start-up quick_check and guard check pass
    const killAfter = 10 + Math.floor(Math.random() * 50);  // acknowledged writes before the kill
    let n = 0, killed = false;
    const count = () => {
      total++;
      if (++n === killAfter) { killed = true; server.child.kill('SIGKILL'); }
    };
    const worker = async (k, w) => {
      const mine = acked[k];
      for (let i = 0; i < 40 && !killed; i++) {
        try {
          const c = await call(server.url, keys[k], 'POST', '/api/conversations', { title: `r${round} w${w} ${i}` });
          if (c.status !== 201) throw new Error(c.text);
          const entry = { messages: new Map(), ratings: new Map() };
          mine.set(c.json.id, entry);
          count();
          const q = await call(server.url, keys[k], 'POST', `/api/conversations/${c.json.id}/messages`, { role: 'user', content: `q${i}` });
          if (q.status !== 201) throw new Error(q.text);
          entry.messages.set(q.json.id, `q${i}`);
          count();
          const a = await call(server.url, keys[k], 'POST', `/api/conversations/${c.json.id}/messages`,
            { role: 'assistant', content: `a${i}`, parent_id: q.json.id });
          if (a.status !== 201) throw new Error(a.text);
          entry.messages.set(a.json.id, `a${i}`);
          count();
          const rating = i % 2 ? 1 : -1;
          const r = await call(server.url, keys[k], 'PUT', `/api/messages/${a.json.id}/rating`, { rating, comment: `w${w}` });
          if (r.status !== 200) throw new Error(r.text);
          entry.ratings.set(a.json.id, rating);
          count();
        } catch (e) {
          if (killed) return;  // cut off by the kill: not acknowledged, may or may not be stored
          throw e;
        }
      }
    };
    await Promise.all([worker(0, 0), worker(0, 1), worker(1, 2), worker(1, 3)]);
    const exit = await new Promise((res) => (server.child.exitCode !== null || server.child.signalCode !== null
      ? res({ signal: server.child.signalCode }) : server.child.on('exit', (code, signal) => res({ code, signal }))));
    assert.equal(exit.signal, 'SIGKILL', `round ${round}: the server was not killed (it ran out of work first)`);

    const check = spawnSync(BINARY, ['db', 'check', '--db', db], { encoding: 'utf8' });
    assert.equal(check.status, 0, `round ${round}: ${check.stdout}${check.stderr}`);
    assert.match(check.stdout, /: ok\n$/);
  }
  assert.ok(total >= 50 && total <= 800, `${total} acknowledged writes`);

  // after the last kill: every acknowledged write, read back through the API by its own key
  const server = await startServer(model());
  try {
    for (const [k, key] of keys.entries()) {
      const listed = new Set((await call(server.url, key, 'GET', '/api/conversations?limit=1000')).json.data.map((c) => c.id));
      for (const [id, want] of acked[k]) {
        assert.ok(listed.has(id), `conversation ${id} of key ${k} lost`);
        const tree = (await call(server.url, key, 'GET', `/api/conversations/${id}`)).json;
        const got = new Map(tree.messages.map((m) => [m.id, m.content]));
        for (const [mid, content] of want.messages) assert.equal(got.get(mid), content, `message ${mid} lost`);
        const ratings = new Map(tree.ratings.map((r) => [r.message_id, r.rating]));
        for (const [mid, rating] of want.ratings) assert.equal(ratings.get(mid), rating, `rating of ${mid} lost`);
        // and the other key cannot see it
        assert.equal((await call(server.url, keys[1 - k], 'GET', `/api/conversations/${id}`)).status, 404);
      }
    }
  } finally {
    await server.stop();
  }
});

test('a database that held keys, truncated to zero bytes or deleted, is refused with the way back', async () => {
  const dir = `${run.dir}/emptied`;
  const db = `${dir}/ownchat.db`;
  keysCreate(db, 'k');
  fs.truncateSync(db, 0);
  const before = snapshot(dir);
  let r = await serveRefused([...model(), '--db', db]);
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, /was emptied/);
  assert.ok(r.log.includes(db), r.log);
  assert.match(r.log, /held API keys/);
  assert.ok(r.log.includes(`ownchat db accept-loss --db ${db}`), r.log);
  assert.deepEqual(snapshot(dir), before, 'the server changed the files');

  fs.rmSync(db);
  const gone = snapshot(dir);
  r = await serveRefused([...model(), '--db', db]);
  assert.equal(r.code, 1, r.log);
  assert.match(r.log, /was deleted/);
  assert.deepEqual(snapshot(dir), gone, 'the server created a database');

  // the operator accepts the loss explicitly: then it starts (with no keys left: open)
  const accepted = spawnSync(BINARY, ['db', 'accept-loss', '--db', db], { encoding: 'utf8' });
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(accepted.stdout, /loss accepted/);
  const s = await startServer([...model(), '--db', db]);
  try {
    assert.equal((await fetch(`${s.url}/api/conversations`)).status, 200);
  } finally {
    await s.stop();
  }
});

test('garbage in the middle pages: refused at start-up naming the file, which stays as it was', async () => {
  const dir = `${run.dir}/garbage`;
  const db = `${dir}/ownchat.db`;
  const key = keysCreate(db, 'k');
  const s = await startServer([...model(), '--db', db]);
  for (let i = 0; i < 30; i++) {
    const c = await call(s.url, key, 'POST', '/api/conversations', { title: 'x'.repeat(150) });
    await call(s.url, key, 'POST', `/api/conversations/${c.json.id}/messages`, { role: 'user', content: 'y'.repeat(2000) });
  }
  await s.stop();
  const pages = Math.floor(fs.statSync(db).size / 4096);
  assert.ok(pages >= 8, `${pages} pages`);
  const fd = fs.openSync(db, 'r+');
  fs.writeSync(fd, Buffer.alloc(3 * 4096, 'garbage!'), 0, 3 * 4096, 4096 * Math.floor(pages / 2));
  fs.closeSync(fd);
  const before = snapshot(dir);
  const r = await serveRefused([...model(), '--db', db]);
  assert.equal(r.code, 1, r.log);
  assert.ok(r.log.includes(db), r.log);
  assert.match(r.log, /corrupt/);
  assert.match(r.log, /\.recover/);
  assert.deepEqual(snapshot(dir), before, 'the server changed the files');
  const check = spawnSync(BINARY, ['db', 'check', '--db', db], { encoding: 'utf8' });
  assert.equal(check.status, 1);
  assert.match(check.stderr, /corrupt/);
});

test('a database failure while serving is a 5xx error object, not a 400', async () => {
  const dir = `${run.dir}/failing`;
  const db = `${dir}/ownchat.db`;
  const s = await startServer([...model(), '--db', db]);
  try {
    const json = { 'Content-Type': 'application/json' };
    const c = await (await fetch(`${s.url}/api/conversations`, { method: 'POST', headers: json, body: '{}' })).json();
    const post = (body) => fetch(`${s.url}/api/conversations/${c.id}/messages`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    const q = await (await post({ role: 'user', content: 'q' })).json();
    const a = await (await post({ role: 'assistant', content: 'a', parent_id: q.id, sampling: { temperature: 1 } })).json();
    // another writer of the file breaks a row the server reads (python3's sqlite3, as tests/web)
    const py = 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2], (sys.argv[3],)); c.commit()';
    execFileSync('/usr/bin/python3', ['-c', py, db, "UPDATE messages SET sampling = '{broken' WHERE id = ?", a.id]);
    for (const path of [`/api/conversations/${c.id}`, `/api/conversations/${c.id}/messages`]) {
      const r = await fetch(`${s.url}${path}`, path.endsWith('messages')
        ? { method: 'POST', headers: json, body: JSON.stringify({ role: 'user', content: 'x', parent_id: a.id }) } : {});
      const j = await r.json();
      assert.equal(r.status, 500, JSON.stringify(j));
      assert.equal(j.error.code, 'store_error');
      assert.equal(j.error.type, 'server_error');
      assert.ok('param' in j.error && typeof j.error.message === 'string');
    }
    assert.match(s.log(), /store error on GET/);
  } finally {
    await s.stop();
  }
});
