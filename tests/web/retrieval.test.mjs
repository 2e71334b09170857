// Retrieval in the web chat: `serve --index` on one of two models. The "Search my documents"
// switch shows only for the model with an index and, off, makes requests say "retrieval": false
// (remembered across a reload); a real answer lists its Sources; [n] in an answer (a hand-written
// stream: the random model never writes one) links to the cited passage, shown as text. An answer
// is stored with its citations, so its Sources survive a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BINARY } from '../e2e/server.mjs';
import * as web from './web.mjs';

let run, server, browser;

before(async () => {
  run = web.tinyRun();
  const docs = path.join(run.dir, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'minerals.md'),
    '# Zorblax\n\nZorblax is a purple mineral found only on the moon Quintar.\n\n# Glimmerwort\n\nGlimmerwort glows at night.\n');
  execFileSync(BINARY, ['index', 'build', '--run', run.run, '--sources', docs], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = await web.startServer(['--model', `sft=${run.run}/ckpt/sft`, '--model', `plain=${run.run}/ckpt/sft`,
    '--index', `sft=${run.run}/index.db`, '--web', web.buildWeb()]);
  browser = await web.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

const answers = (page) => page.locator('article.message.assistant[data-id]');

// sends `text` and resolves to the body of the /v1/chat/completions request it made
async function sendCapturing(page, text) {
  const request = page.waitForRequest('**/v1/chat/completions');
  await web.sendAndWait(page, text);
  return JSON.parse((await request).postData());
}

test('the switch shows only for a model with an index; off, requests say "retrieval": false', async () => {
  const page = await web.openPage(browser.browser, server.url);
  await web.neverStop(page, run);  // an empty answer would not be stored
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  const models = await (await fetch(`${server.url}/v1/models`)).json();
  assert.deepEqual(models.data.map((m) => [m.id, m.retrieval]), [['sft', true], ['plain', false]]);
  const toggle = page.getByLabel('Search my documents');
  assert.ok(await toggle.isVisible());
  assert.ok(await toggle.isChecked(), 'on by default');
  await page.getByLabel('Model', { exact: true }).selectOption('plain');
  assert.equal(await toggle.isVisible(), false);
  await page.getByLabel('Model', { exact: true }).selectOption('sft');
  assert.ok(await toggle.isVisible());

  // on: nothing sent (the server's default)
  let body = await sendCapturing(page, 'Where is zorblax found?');
  assert.equal('retrieval' in body, false, JSON.stringify(body));
  await web.screenshot(page, 'retrieval-toggle');

  // off: "retrieval": false, and no Sources under the answer
  await toggle.uncheck();
  await page.getByRole('button', { name: '+ New chat' }).click();
  body = await sendCapturing(page, 'Where is zorblax found?');
  assert.equal(body.retrieval, false);
  assert.equal(await answers(page).first().locator('.sources').count(), 0);

  // remembered like the other settings
  await page.reload();
  await page.locator('article.message.assistant[data-id]').first().waitFor();
  assert.equal(await page.getByLabel('Search my documents').isChecked(), false);
  assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem('ownchat.settings'))).retrieval, false);

  // a model without an index: the request stays as it was (a hidden switch changes nothing)
  await page.getByLabel('Model', { exact: true }).selectOption('plain');
  await page.getByRole('button', { name: '+ New chat' }).click();
  body = await sendCapturing(page, 'Hello');
  assert.equal('retrieval' in body, false);
  await page.getByLabel('Model', { exact: true }).selectOption('sft');
  await page.getByLabel('Search my documents').check();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a real answer from the index lists its Sources; an entry opens the passage', async () => {
  const page = await web.openPage(browser.browser, server.url);
  await web.neverStop(page, run);  // an empty answer would not be stored
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  await web.sendAndWait(page, 'Where is zorblax found?');
  const answer = answers(page).first();
  const entries = answer.locator('.sources button.source');
  assert.ok(await entries.count() >= 1);
  const first = await entries.first().innerText();
  assert.match(first, /^\[1\] Zorblax — .*minerals\.md$/);
  await entries.first().click();
  const passage = answer.getByRole('region', { name: 'Source 1: Zorblax' });
  await passage.waitFor();
  assert.equal(await passage.locator('.passage-title').innerText(), '[1] Zorblax');
  assert.match(await passage.locator('.passage-source').innerText(), /docs\/minerals\.md$/);
  assert.match(await passage.locator('.passage-text').innerText(), /purple mineral found only on the moon Quintar/);
  assert.equal(await entries.first().getAttribute('aria-expanded'), 'true');
  await web.screenshot(page, 'retrieval-sources');
  await passage.getByRole('button', { name: 'Close the passage' }).click();
  assert.equal(await passage.count(), 0);
  assert.equal(await entries.first().getAttribute('aria-expanded'), 'false');
  // the answer is stored with its citations, so its Sources come back after a reload
  const c = await web.getConversation(server.url, web.conversationId(page));
  assert.equal(c.messages[1].role, 'assistant');
  assert.ok(Array.isArray(c.messages[1].citations) && c.messages[1].citations.length >= 1);
  assert.equal(c.messages[1].citations[0].title, 'Zorblax');
  assert.equal(c.messages[0].citations, null, 'the question has none');
  await page.reload();
  const again = answers(page).first().locator('.sources button.source');
  await again.first().waitFor();
  assert.equal(await again.count(), await entries.count());
  assert.equal(await again.first().innerText(), first);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// an SSE body the way the server streams it, with the citations on the first chunk
const chunk = (delta, finish = null, extra = {}) => ({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'sft',
  choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const sse = (chunks) => `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
const CITATIONS = [
  { index: 1, id: 7, source: '/home/me/docs/minerals.md', title: 'Zorblax', score: 12.3, position: 0,
    text: 'Zorblax is <b>html</b> purple.\n<img src=x onerror="window.__xss=1">' },
  { index: 2, id: 9, source: 'wordnet', title: 'quartz', score: 3.1, position: 2, text: 'a hard glossy mineral' },
];

test('[n] in an answer links to the cited passage, shown as text; an unknown [n] stays text', async () => {
  const page = await web.openPage(browser.browser, server.url);
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  // split mid-citation: the links are made again on each render of the streaming answer
  const pieces = ['See [', '1] and [3', '].', ' Not in code: `[2]`.'];
  await page.route('**/v1/chat/completions', (route) => route.fulfill({
    status: 200,
    headers: { 'Content-Type': 'text/event-stream' },
    body: sse([chunk({ role: 'assistant', content: '' }, null, { citations: CITATIONS }), ...pieces.map((t) => chunk({ content: t })),
      chunk({}, 'stop')]),
  }));
  await web.sendAndWait(page, 'What is zorblax?');
  const answer = answers(page).first();
  const body = answer.locator('.body');
  assert.equal(await body.innerText(), 'See [1] and [3]. Not in code: [2].');
  const links = body.locator('a.cite');
  assert.equal(await links.count(), 1, '[3] has no citation, [2] is in code');
  assert.equal(await links.first().innerText(), '[1]');
  assert.equal(await links.first().getAttribute('data-cite'), '1');
  assert.equal(await body.locator('code').innerText(), '[2]');
  assert.deepEqual(await answer.locator('.sources button.source').allInnerTexts(),
    ['[1] Zorblax — /home/me/docs/minerals.md', '[2] quartz — wordnet']);

  await page.getByRole('link', { name: 'Source 1: Zorblax' }).click();
  const passage = answer.getByRole('region', { name: 'Source 1: Zorblax' });
  await passage.waitFor();
  assert.equal(await passage.locator('.passage-title').innerText(), '[1] Zorblax');
  assert.equal(await passage.locator('.passage-source').innerText(), '/home/me/docs/minerals.md');
  assert.equal(await passage.locator('.passage-text').textContent(), CITATIONS[0].text);
  assert.equal(await passage.locator('b, img').count(), 0, 'the passage is text, never HTML');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(new URL(page.url()).hash, `#${web.conversationId(page)}`, 'the link does not navigate');
  await web.screenshot(page, 'retrieval-passage');
  // the same link closes it; another source replaces it
  await page.getByRole('link', { name: 'Source 1: Zorblax' }).click();
  assert.equal(await answer.locator('.passage:visible').count(), 0);
  await answer.getByRole('button', { name: '[2] quartz — wordnet' }).click();
  assert.equal(await answer.getByRole('region', { name: 'Source 2: quartz' }).locator('.passage-text').innerText(), 'a hard glossy mineral');

  // the answer drawn again (rated) keeps its citations
  await answer.getByRole('button', { name: 'Good answer' }).click();
  await page.getByText('Saved: good answer.').waitFor();
  assert.equal(await answers(page).first().locator('.body a.cite').count(), 1);
  assert.equal(await answers(page).first().locator('.sources button.source').count(), 2);
  // a phone: the switch, the Sources and the open passage fit without sideways scrolling
  await page.setViewportSize({ width: 390, height: 844 });
  await answers(page).first().getByRole('button', { name: '[1] Zorblax — /home/me/docs/minerals.md' }).click();
  assert.ok(await page.getByLabel('Search my documents').isVisible());
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `scrollWidth ${width}`);
  await web.screenshot(page, 'retrieval-phone');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
