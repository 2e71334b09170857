// The web chat in Debian's chromium against the real server (tiny random models: the answers are
// gibberish, but they stream): a streamed answer with its token counts, Stop (button and Esc),
// regenerate and flip between sibling answers, edit-and-resubmit, the conversation list (rename,
// search, delete), and a conversation that outlives a reload and a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as web from './web.mjs';

let run, dir, server, browser, page;
const start = () => web.startServer(['--model', `sft=${run.run}/ckpt/sft`, '--model', `slow=${run.run}/ckpt/slow`, '--web', dir]);
const answers = () => page.locator('article.message.assistant[data-id]');
const questions = () => page.locator('article.message.user');

before(async () => {
  run = web.tinyRun({ slow: true });
  dir = web.buildWeb();
  server = await start();
  browser = await web.launch();
  page = await web.openPage(browser.browser, server.url);
  await web.neverStop(page, run);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

test('send a message: the answer streams in and is stored with its token counts', async () => {
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  assert.match(await page.locator('#model-info').innerText(), /sft\s+ctx 256/);
  await web.sendAndWait(page, 'Tell me about the **white whale**');
  assert.equal(await questions().count(), 1);
  assert.equal(await questions().first().locator('.body').innerText(), 'Tell me about the **white whale**');  // a question is plain text
  const stats = await answers().first().locator('.stats').innerText();
  assert.match(stats, /^24 tokens · [\d.]+ tokens\/s · \d+ prompt tokens$/);
  const id = web.conversationId(page);
  const c = await web.getConversation(server.url, id);
  assert.equal(c.title, 'Tell me about the **white whale**');
  assert.deepEqual(c.messages.map((m) => m.role), ['user', 'assistant']);
  const a = c.messages[1];
  assert.equal(a.parent_id, c.messages[0].id);
  assert.equal(a.completion_tokens, 24);
  assert.ok(a.prompt_tokens > 0 && a.tokens_per_s > 0, JSON.stringify(a));
  assert.equal(a.model, 'sft');
  assert.equal(a.checkpoint, `${run.run}/ckpt/sft`);
  assert.deepEqual(a.sampling, { temperature: 0.8, top_p: 0.95, max_tokens: 24 });
  assert.equal(await answers().first().locator('.body').innerText(), a.content.trim());
  // the sidebar lists it, marked as the open one
  assert.equal(await page.locator('.conversation.active .open').innerText(), 'Tell me about the **white whale**');
  await web.screenshot(page, 'chat-answer');
});

test('Stop (button and Esc) ends a streaming answer and keeps what it had', async () => {
  await page.getByRole('button', { name: '+ New chat' }).click();
  await page.getByLabel('Model', { exact: true }).selectOption('slow');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Max tokens').fill('900');
  await page.getByLabel('Max tokens').press('Tab');
  await page.getByLabel('Message', { exact: true }).fill('A long story, please');
  await page.getByRole('button', { name: 'Send' }).click();
  const pending = page.locator('article.pending .body');
  await page.waitForFunction(() => document.querySelector('article.pending .body')?.textContent.length > 10);
  const early = (await pending.innerText()).length;
  await page.waitForFunction((n) => document.querySelector('article.pending .body')?.textContent.length > n + 10, early);
  await web.screenshot(page, 'chat-streaming');
  assert.equal(await page.getByRole('button', { name: 'Send' }).isVisible(), false);
  await page.getByRole('button', { name: 'Stop generating (Esc)' }).click();
  await answers().first().waitFor();
  assert.equal(await page.locator('article.pending').count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Send' }).isVisible());
  await page.getByText('Stopped before the end.').waitFor();
  const c = await web.getConversation(server.url, web.conversationId(page));
  const a = c.messages.find((m) => m.role === 'assistant');
  assert.equal(a.model, 'slow');
  assert.ok(a.content.length > 10, a.content);
  assert.ok(a.completion_tokens > 0 && a.completion_tokens < 900, String(a.completion_tokens));
  assert.equal(a.prompt_tokens, 0);  // a stopped stream carries no usage
  await web.screenshot(page, 'chat-stopped');

  // Esc stops a regeneration the same way
  await page.getByRole('button', { name: 'Regenerate the answer' }).click();
  await page.waitForFunction(() => document.querySelector('article.pending .body')?.textContent.length > 5);
  await page.keyboard.press('Escape');
  await page.locator('.sibling-pos', { hasText: '2/2' }).waitFor();
  assert.equal(await page.locator('article.pending').count(), 0);

  await page.getByLabel('Model', { exact: true }).selectOption('sft');
  await page.getByLabel('Max tokens').fill('24');
  await page.getByLabel('Max tokens').press('Tab');
  await page.getByRole('button', { name: 'Settings' }).click();
});

test('regenerate keeps the earlier answers as siblings to flip between', async () => {
  await page.getByRole('button', { name: '+ New chat' }).click();
  await web.sendAndWait(page, 'Call me Ishmael');
  const first = await answers().first().getAttribute('data-id');
  const firstText = await answers().first().locator('.body').innerText();
  for (let i = 2; i <= 3; i++) {
    await page.getByRole('button', { name: 'Regenerate the answer' }).click();
    await page.locator('article.message.assistant .sibling-pos', { hasText: `${i}/${i}` }).waitFor();
  }
  const third = await answers().first().getAttribute('data-id');
  assert.notEqual(third, first);
  assert.equal(await answers().count(), 1, 'one answer shown at a time');
  await page.getByRole('button', { name: 'Previous answer' }).click();
  await page.getByRole('button', { name: 'Previous answer' }).click();
  assert.equal(await page.locator('.sibling-pos').innerText(), '1/3');
  assert.equal(await answers().first().getAttribute('data-id'), first);
  assert.equal(await answers().first().locator('.body').innerText(), firstText);
  assert.ok(await page.getByRole('button', { name: 'Previous answer' }).isDisabled());
  await page.getByRole('button', { name: 'Next answer' }).click();
  assert.equal(await page.locator('.sibling-pos').innerText(), '2/3');
  await web.screenshot(page, 'chat-siblings');

  const c = await web.getConversation(server.url, web.conversationId(page));
  const q = c.messages.find((m) => m.role === 'user');
  assert.equal(c.messages.filter((m) => m.role === 'assistant' && m.parent_id === q.id).length, 3);
});

test('edit a question and resubmit: a new branch, the old one still there', async () => {
  // continues the conversation above: ask a follow-up, then edit it
  await web.sendAndWait(page, 'What ship?');
  const oldAnswer = await answers().nth(1).getAttribute('data-id');
  await questions().nth(1).getByRole('button', { name: 'Edit your message' }).click();
  const box = page.getByRole('textbox', { name: 'Edit your message' });
  assert.equal(await box.inputValue(), 'What ship?');
  await box.fill('Which ship, exactly?');
  await box.press('Enter');
  await page.locator('article.message.user .sibling-pos', { hasText: '2/2' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('article.message.assistant[data-id]').length === 2 && !document.querySelector('article.pending'));
  assert.equal(await questions().nth(1).locator('.body').innerText(), 'Which ship, exactly?');
  assert.notEqual(await answers().nth(1).getAttribute('data-id'), oldAnswer);
  await web.screenshot(page, 'chat-edited');

  await page.getByRole('button', { name: 'Previous version' }).click();
  assert.equal(await questions().nth(1).locator('.body').innerText(), 'What ship?');
  assert.equal(await answers().nth(1).getAttribute('data-id'), oldAnswer);

  const c = await web.getConversation(server.url, web.conversationId(page));
  const edits = c.messages.filter((m) => m.role === 'user' && m.content !== 'Call me Ishmael');
  assert.equal(edits.length, 2);
  assert.equal(edits[0].parent_id, edits[1].parent_id, 'an edit is a sibling of the question it replaces');
});

test('the conversation list: rename, search, delete', async () => {
  const id = web.conversationId(page);
  const item = page.locator(`.conversation[data-id="${id}"]`);
  await item.getByRole('button', { name: 'Rename Call me Ishmael' }).click();
  await page.getByLabel('New title for Call me Ishmael').fill('Moby-Dick, chapter 1');
  await page.getByLabel('New title for Call me Ishmael').press('Enter');
  await item.getByRole('button', { name: 'Moby-Dick, chapter 1', exact: true }).waitFor();
  assert.equal((await web.getConversation(server.url, id)).title, 'Moby-Dick, chapter 1');

  await page.getByLabel('Search conversations').fill('white whale');
  await page.waitForFunction(() => document.querySelectorAll('.conversation').length === 1);
  assert.equal(await page.locator('.conversation .open').innerText(), 'Tell me about the **white whale**');
  await page.getByLabel('Search conversations').fill('which ship, EXACTLY');  // message text, any case
  await page.waitForFunction(() => document.querySelector('.conversation .open')?.textContent === 'Moby-Dick, chapter 1'
    && document.querySelectorAll('.conversation').length === 1);
  await page.getByLabel('Search conversations').fill('no such words anywhere');
  await page.getByText('No conversation matches.').waitFor();
  await page.getByLabel('Search conversations').fill('');
  await page.waitForFunction(() => document.querySelectorAll('.conversation').length === 3);

  // delete the stopped one (asks first)
  const stopped = page.locator('.conversation', { hasText: 'A long story, please' });
  page.once('dialog', (d) => d.accept());
  await stopped.getByRole('button', { name: 'Delete A long story, please' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.conversation').length === 2);
  const list = await (await fetch(`${server.url}/api/conversations`)).json();
  assert.deepEqual(list.data.map((c) => c.title).sort(), ['Moby-Dick, chapter 1', 'Tell me about the **white whale**']);
  await web.screenshot(page, 'chat-sidebar');
});

test('a conversation outlives a reload and a server restart', async () => {
  const id = web.conversationId(page);
  const shown = await page.locator('#messages').innerText();
  await page.reload();
  await page.locator('article.message.assistant[data-id]').first().waitFor();
  assert.equal(web.conversationId(page), id);
  assert.equal(await page.locator('.conversation.active .open').innerText(), 'Moby-Dick, chapter 1');
  // the newest branch is shown after a reload: the edited question
  assert.equal(await questions().nth(1).locator('.body').innerText(), 'Which ship, exactly?');

  await server.stop();
  server = await start();
  await page.goto(`${server.url}/#${id}`);  // a new port: the same store
  await page.locator('article.message.assistant[data-id]').first().waitFor();
  assert.equal(await questions().count(), 2);
  assert.equal(await page.locator('.conversation').count(), 2);
  assert.match(shown, /Call me Ishmael/);
  await web.screenshot(page, 'chat-after-restart');
  assert.deepEqual(page.errors, []);
});
