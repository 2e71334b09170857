// Shared by the web chat's tests: builds web/ into a fresh folder (so the tests see the sources,
// not a stale build), starts the real `ownchat serve` on a tiny random model with that folder as
// --web, and drives Debian's chromium through playwright-core (never a downloaded browser).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BINARY, tinyRun, startServer } from '../e2e/server.mjs';

export { tinyRun, startServer };
const SOURCE_DIR = process.env.OWN_SOURCE_DIR || path.resolve('.');
export const OUT = process.env.OWN_TEST_OUT || path.join(path.dirname(BINARY), 'test-output', 'web');
const CHROMIUM = process.env.OWN_CHROMIUM || '/usr/bin/chromium';

// node web/build.mjs --out TMP; returns TMP (removed when the test file's process exits)
export function buildWeb() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ownchat-web-'));
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [path.join(SOURCE_DIR, 'web/build.mjs'), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

// Playwright gives chromium a fresh --user-data-dir of its own (it refuses one in args) and removes it
export async function launch() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: scripts/setup.sh installs Debian's chromium (or set OWN_CHROMIUM)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { browser, close: () => browser.close() };
}

// a page on `url` in a fresh context; `settings` go to localStorage before the page's scripts run
// (small max_tokens keeps the random model's answers quick). Page errors fail loudly.
export async function openPage(browser, url, { settings = { max_tokens: 24 }, viewport = { width: 1200, height: 800 }, colorScheme = 'light', storage = {} } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  await page.addInitScript(([s, extra]) => {
    if (window !== window.top) return;  // frames (the sandboxed report) have no storage to set
    if (!sessionStorage.getItem('ownchat.test.init')) {  // once per tab: a reload keeps what the page saved
      sessionStorage.setItem('ownchat.test.init', '1');
      localStorage.setItem('ownchat.settings', JSON.stringify(s));
      for (const [k, v] of Object.entries(extra)) localStorage.setItem(k, v);
    }
  }, [settings, storage]);
  await page.goto(url);
  return page;
}

// keeps the random model from ending its answer early (logit_bias on the special tokens), so
// every answer runs to max_tokens
export async function neverStop(page, run) {
  await page.route('**/v1/chat/completions', async (route) => {
    const body = JSON.parse(route.request().postData());
    body.logit_bias = run.neverStop;
    await route.continue({ postData: JSON.stringify(body) });
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

// rows of a query on the server's SQLite file (through the system python3, which has sqlite3)
export function sql(db, query) {
  const py = 'import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, db, query], { encoding: 'utf8' }));
}

// the conversation and its messages as the server has them
export async function getConversation(url, id, headers = {}) {
  const r = await fetch(`${url}/api/conversations/${id}`, { headers });
  return r.json();
}

// sends `text` from the composer and waits until its answer is stored (the article has an id)
export async function sendAndWait(page, text) {
  const before = await page.locator('article.message.assistant[data-id]').count();
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await page.locator('article.pending').waitFor({ state: 'detached' }).catch(() => {});
  await page.waitForFunction((n) => document.querySelectorAll('article.message.assistant[data-id]').length > n
    && !document.querySelector('article.pending'), before);
}

// the id in the URL (#id) of the open conversation
export const conversationId = (page) => new URL(page.url()).hash.slice(1);
