// Ratings from the page to the training data: thumbs up/down with a comment, visibly saved and
// changeable, checked in the server's SQLite file; the Feedback view's counts, its export (the
// same RUN/data/feedback/pairs.jsonl as `ownchat feedback export`) and its download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as web from './web.mjs';

let run, server, browser, page, db;
const answers = () => page.locator('article.message.assistant[data-id]');

before(async () => {
  run = web.tinyRun();
  db = `${run.run}/ownchat.db`;
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--web', web.buildWeb()]);
  browser = await web.launch();
  page = await web.openPage(browser.browser, server.url);
  await web.neverStop(page, run);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

const ratingOf = (id) => web.sql(db, `SELECT rating, reason, comment FROM ratings WHERE message_id = '${id}'`);

test('thumbs up and down: saved in SQLite, shown as saved, changeable, with a comment', async () => {
  await web.sendAndWait(page, 'Is the whale white?');
  const a = await answers().first().getAttribute('data-id');
  await page.getByRole('button', { name: 'Good answer' }).click();
  await page.getByText('Saved: good answer.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(ratingOf(a), [[1, '', '']]);

  await page.getByRole('button', { name: 'Regenerate the answer' }).click();
  await page.locator('.sibling-pos', { hasText: '2/2' }).waitFor();
  const b = await answers().first().getAttribute('data-id');
  assert.equal(await page.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed'), 'false');
  await page.getByRole('button', { name: 'Good answer' }).click();   // first up, then changed to down
  await page.getByText('Saved: good answer.').waitFor();
  await page.getByRole('button', { name: 'Bad answer' }).click();
  await page.getByText('Saved: bad answer.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed'), 'false');
  assert.equal(await page.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed'), 'true');
  await page.getByLabel('Comment on the answer (optional)').fill('Gibberish <b>all</b> the way');
  await page.getByRole('button', { name: 'Save the comment' }).click();
  await page.getByText('Comment saved.').waitFor();
  assert.deepEqual(ratingOf(b), [[-1, '', 'Gibberish <b>all</b> the way']]);
  await page.getByLabel('Reason (optional)').selectOption('gibberish');  // saved on change
  await page.getByText('Reason saved.').waitFor();
  assert.deepEqual(ratingOf(b), [[-1, 'gibberish', 'Gibberish <b>all</b> the way']]);
  await web.screenshot(page, 'feedback-rated');

  // pressing the pressed thumb takes the rating back; pressing again restores it
  await page.getByRole('button', { name: 'Bad answer' }).click();
  await page.getByText('Rating removed.').waitFor();
  assert.deepEqual(ratingOf(b), []);
  await page.getByRole('button', { name: 'Bad answer' }).click();
  await page.getByText('Saved: bad answer.').waitFor();
  assert.deepEqual(ratingOf(b), [[-1, '', '']]);

  // ratings come back with the conversation after a reload
  await page.reload();
  await answers().first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed'), 'true');
  await page.getByText('Rated bad.').waitFor();
  await page.getByRole('button', { name: 'Previous answer' }).click();
  assert.equal(await page.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed'), 'true');
});

test('the Feedback view counts ratings and pairs and exports what `feedback export` writes', async () => {
  await page.getByRole('button', { name: 'Feedback' }).click();
  await page.getByRole('heading', { name: 'Feedback' }).waitFor();
  await page.waitForFunction(() => document.getElementById('fb-pairs').textContent === '1');
  assert.equal(await page.locator('#fb-ratings').innerText(), '2');
  assert.equal(await page.locator('#fb-up').innerText(), '1');
  assert.equal(await page.locator('#fb-down').innerText(), '1');
  await page.getByRole('button', { name: 'Export pairs' }).click();
  const path = `${run.run}/data/feedback/pairs.jsonl`;
  await page.getByText(`Wrote 1 preference pairs to ${path}`).waitFor();
  const lines = fs.readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1);
  const conv = await web.getConversation(server.url, lines[0].conversation_id);
  const [q, up, down] = conv.messages;
  assert.deepEqual(lines[0].prompt, [{ role: 'user', content: q.content }]);
  assert.deepEqual(lines[0].chosen, [{ role: 'assistant', content: up.content }]);
  assert.deepEqual(lines[0].rejected, [{ role: 'assistant', content: down.content }]);
  await web.screenshot(page, 'feedback-view');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download pairs.jsonl' }).click()]);
  assert.equal(download.suggestedFilename(), 'pairs.jsonl');
  assert.equal(fs.readFileSync(await download.path(), 'utf8'), fs.readFileSync(path, 'utf8'));

  await page.getByRole('button', { name: 'Back to the chat' }).click();
  await answers().first().waitFor();
  assert.deepEqual(page.errors, []);
});
