// How the page looks and is reached: the model picker with stage and eval metrics, settings that
// persist, Enter / Shift+Enter, light and dark themes, a phone-width screen, and an accessible
// name on every control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as web from './web.mjs';

let run, server, browser;

before(async () => {
  run = web.tinyRun();
  // `eval --ckpt` lines name the checkpoint; `eval --run` lines name the stage
  const evals = [['val_loss', 2.3456], ['win_rate_vs_base', 0.61]].map(([metric, value]) =>
    JSON.stringify({ stage: 'eval', ckpt: `${run.run}/ckpt/sft`, metric, value }));
  evals.push(JSON.stringify({ stage: 'eval', model: 'sft', name: 'refusal_rate', value: 0.02 }));
  evals.push(JSON.stringify({ stage: 'eval', model: 'ppo', name: 'refusal_rate', value: 0.5 }));
  fs.writeFileSync(`${run.run}/metrics.jsonl`, `${evals.join('\n')}\n`);
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--web', web.buildWeb()]);
  browser = await web.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('model picker, settings and the keyboard', async () => {
  const page = await web.openPage(browser.browser, server.url);
  await web.neverStop(page, run);
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  assert.deepEqual(await page.getByLabel('Model', { exact: true }).locator('option').allInnerTexts(), ['sft']);
  const info = page.locator('#model-info');
  assert.equal(await info.locator('.stage').innerText(), 'sft');
  assert.equal(await info.innerText(), 'sft ctx 256 · refusal_rate 0.02 · val_loss 2.35 · win_rate_vs_base 0.61');
  assert.match(await info.getAttribute('title'), /checkpoint: .*ckpt\/sft/);

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('System prompt').fill('You are a whaler.');
  await page.getByLabel('Temperature').fill('0.3');
  await page.getByLabel('Temperature').press('Tab');
  await page.getByLabel('Top-p').fill('7');  // clamped to 1
  await page.getByLabel('Top-p').press('Tab');
  assert.equal(await page.getByLabel('Top-p').inputValue(), '1');
  await web.screenshot(page, 'look-settings');
  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  assert.equal(await page.getByLabel('System prompt').inputValue(), 'You are a whaler.');
  assert.equal(await page.getByLabel('Temperature').inputValue(), '0.3');

  // Shift+Enter is a new line, Enter sends; the system prompt and settings go with the request
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('line one');
  await box.press('Shift+Enter');
  await box.type('line two');
  assert.equal(await box.inputValue(), 'line one\nline two');
  const request = page.waitForRequest('**/v1/chat/completions');
  await box.press('Enter');
  const body = JSON.parse((await request).postData());
  assert.deepEqual(body.messages, [{ role: 'system', content: 'You are a whaler.' }, { role: 'user', content: 'line one\nline two' }]);
  assert.equal(body.temperature, 0.3);
  assert.equal(body.top_p, 1);
  assert.equal(body.max_tokens, 24);
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  await page.locator('article.message.assistant[data-id]').waitFor();
  // the conversation keeps its system prompt; the box shows it read-only
  assert.equal(await page.getByLabel('System prompt').getAttribute('readonly'), '');
  const c = await web.getConversation(server.url, web.conversationId(page));
  assert.equal(c.system_prompt, 'You are a whaler.');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('dark theme: follows the system, switches, and remembers the choice', async () => {
  const page = await web.openPage(browser.browser, server.url, { colorScheme: 'dark' });
  await page.locator('.conversation').first().waitFor();
  await page.locator('.conversation .open').first().click();
  await page.locator('article.message.assistant[data-id]').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(page), 'rgb(23, 24, 28)');
  await web.screenshot(page, 'look-dark');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  assert.equal(await background(page), 'rgb(255, 255, 255)');
  await page.reload();
  assert.equal(await background(page), 'rgb(255, 255, 255)', 'the choice outlives a reload');
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  assert.equal(await background(page), 'rgb(23, 24, 28)');
  await page.context().close();
});

test('a phone-width screen: the list slides over, nothing overflows sideways', async () => {
  const page = await web.openPage(browser.browser, server.url, { viewport: { width: 390, height: 844 } });
  await web.neverStop(page, run);
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
  const sidebar = page.locator('#sidebar');
  const onScreen = async () => { const b = await sidebar.boundingBox(); return b.x + b.width > 0; };
  assert.equal(await onScreen(), false, 'the list starts hidden');
  await web.sendAndWait(page, 'Hello from a phone');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `scrollWidth ${width}`);
  assert.ok(await page.getByRole('button', { name: 'Send' }).isVisible());
  await web.screenshot(page, 'look-phone-chat');

  await page.getByRole('button', { name: 'Open the conversation list' }).click();
  await page.waitForTimeout(250);  // the slide
  assert.equal(await onScreen(), true);
  assert.equal(await page.getByRole('button', { name: 'Open the conversation list' }).getAttribute('aria-expanded'), 'true');
  await web.screenshot(page, 'look-phone-list');
  await page.locator('.conversation .open').last().click();
  await page.waitForTimeout(250);
  assert.equal(await onScreen(), false, 'picking a conversation closes the list');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('every control has an accessible name', async () => {
  const page = await web.openPage(browser.browser, server.url);
  await page.locator('.conversation .open').first().click();
  await page.locator('article.message.assistant[data-id]').waitFor();
  await page.getByRole('button', { name: 'Good answer' }).first().click();  // the comment box too
  await page.getByRole('button', { name: 'Settings' }).click();
  const unnamed = () => page.evaluate(() => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
    .filter((e) => e.offsetParent !== null)
    .filter((e) => {
      const name = e.getAttribute('aria-label') || (e.labels && e.labels.length && e.labels[0].textContent)
        || (e.getAttribute('aria-labelledby') && document.getElementById(e.getAttribute('aria-labelledby'))?.textContent)
        || (e.tagName === 'BUTTON' || e.tagName === 'A' ? e.textContent : '');
      return !name || !name.trim();
    })
    .map((e) => e.outerHTML.slice(0, 120)));
  assert.deepEqual(await unnamed(), []);
  await web.screenshot(page, 'look-controls');
  await page.getByRole('button', { name: 'Feedback' }).click();
  await page.getByRole('heading', { name: 'Feedback' }).waitFor();
  assert.deepEqual(await unnamed(), []);
  await page.context().close();
});
