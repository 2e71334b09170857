// What the page must never do and must always say: model output with HTML/script payloads stays
// inert text (streamed or loaded), markdown and code blocks render (highlighted, with Copy), a
// moderation refusal shows a notice, server errors and an unreachable server show a banner, and a
// server with API keys asks for one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as web from './web.mjs';

let run, dir, server, browser, page;
const KEY = 'sk-own-web-test-key';

before(async () => {
  run = web.tinyRun();
  dir = web.buildWeb();
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--web', dir]);
  browser = await web.launch();
  page = await web.openPage(browser.browser, server.url);
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

const PAYLOADS = [
  '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  '<script>window.__xss=1</script>',
  '<svg onload="window.__xss=1"></svg>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '[click me](javascript:window.__xss=1)',
  '<a href="javascript:window.__xss=1">link</a>',
  '![x](x" onerror="window.__xss=1)',
  '<details open ontoggle="window.__xss=1">x</details>',
];
const MARKDOWN = [
  '# Heading', '', 'Some **bold** and `inline code`.', '', '```python', 'def harpoon(whale):', '    return "thar she blows"', '```',
  '', '| a | b |', '|---|---|', '| 1 | 2 |', '', ...PAYLOADS].join('\n');

// an SSE body the way the server streams it
const chunk = (delta, finish = null, usage = null) => ({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'sft',
  choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage });
const sse = (chunks) => `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
const fakeStream = (chunks) => page.route('**/v1/chat/completions', (route) =>
  route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: sse(chunks) }));

// nothing ran, no active elements made it into the messages, and the payloads show as text
async function assertInert(where) {
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: a payload ran`);
  const active = await page.locator('#messages .body').evaluateAll((bodies) => bodies.flatMap((b) =>
    [...b.querySelectorAll('img, script, svg, iframe, details, [onerror], [onload], [ontoggle], a[href^="javascript"]')].map((e) => e.outerHTML)));
  assert.deepEqual(active, [], where);
}

test('XSS: payloads in a question, a streamed answer and a stored answer stay inert text', async () => {
  await fakeStream([chunk({ role: 'assistant', content: '' }), ...MARKDOWN.match(/[^]{1,7}/g).map((t) => chunk({ content: t })),
    chunk({}, 'stop'), chunk(null, null, { prompt_tokens: 5, completion_tokens: 99, total_tokens: 104 })]);
  await web.sendAndWait(page, PAYLOADS.join('\n'));
  await page.unroute('**/v1/chat/completions');
  await assertInert('streamed');
  assert.equal(await page.locator('article.message.user .body').innerText(), PAYLOADS.join('\n'));
  const answer = page.locator('article.message.assistant .body');
  assert.match(await answer.innerText(), /<img src=x onerror="window.__xss=\(window.__xss\|\|0\)\+1">/);
  assert.match(await answer.innerText(), /<script>window.__xss=1<\/script>/);
  await web.screenshot(page, 'safety-xss');

  // the same answer loaded from the store (as after a reload)
  await page.reload();
  await answer.waitFor();
  await assertInert('stored');
  assert.deepEqual(page.errors, []);
});

test('markdown: headings, tables, highlighted code with a working Copy button', async () => {
  const answer = page.locator('article.message.assistant .body');
  assert.equal(await answer.locator('h1').innerText(), 'Heading');
  assert.equal(await answer.locator('strong').first().innerText(), 'bold');
  assert.equal(await answer.locator('td').count(), 2);
  const code = answer.locator('.code-block');
  assert.equal(await code.locator('.code-head span').innerText(), 'python');
  assert.ok(await code.locator('.hljs-keyword').count() > 0, 'highlighted');
  await code.getByRole('button', { name: 'Copy the code' }).click();
  await code.getByRole('button', { name: 'Copy the code' }).filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'def harpoon(whale):\n    return "thar she blows"\n');
  await code.scrollIntoViewIfNeeded();
  await web.screenshot(page, 'safety-markdown');
  // copy a whole message
  await page.getByRole('button', { name: 'Copy your message' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), PAYLOADS.join('\n'));
});

test('a refusal (finish_reason content_filter) shows a moderation notice', async () => {
  await page.getByRole('button', { name: '+ New chat' }).click();
  await fakeStream([chunk({ role: 'assistant', content: '' }), chunk({ content: "I can't help with that." }), chunk({}, 'content_filter'),
    chunk(null, null, { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 })]);
  await web.sendAndWait(page, 'something the filter refuses');
  await page.unroute('**/v1/chat/completions');
  const notice = page.locator('article.message.assistant .notice');
  assert.match(await notice.innerText(), /moderation filter refused this request/);
  assert.equal(await notice.getAttribute('role'), 'status');
  await web.screenshot(page, 'safety-moderation');
});

test('server errors show a banner; the unanswered question can be answered later', async () => {
  await page.getByRole('button', { name: '+ New chat' }).click();
  await page.route('**/v1/chat/completions', (route) => route.fulfill({ status: 500, contentType: 'application/json',
    body: JSON.stringify({ error: { message: 'The engine fell over.', type: 'server_error', param: null, code: null } }) }));
  await page.getByLabel('Message', { exact: true }).fill('Will this fail?');
  await page.keyboard.press('Enter');
  const banner = page.getByRole('alert');
  await banner.filter({ hasText: 'The engine fell over. (HTTP 500)' }).waitFor();
  await page.unroute('**/v1/chat/completions');
  await page.getByRole('button', { name: 'Answer this message' }).click();
  await page.locator('article.message.assistant[data-id]').waitFor();
  assert.ok(await banner.isHidden(), 'a successful answer clears the banner');

  // a real one: a prompt longer than the tiny model's context (256 tokens)
  await page.getByRole('button', { name: '+ New chat' }).click();
  await page.getByLabel('Message', { exact: true }).fill('whale '.repeat(400));
  await page.keyboard.press('Enter');
  await banner.filter({ hasText: /HTTP 400/ }).waitFor();
  assert.match(await banner.innerText(), /context/i);
  await web.screenshot(page, 'safety-error-400');
  await page.getByRole('button', { name: 'Dismiss the message' }).click();
  assert.ok(await banner.isHidden());
});

test('a server with API keys asks for one; a wrong key is refused, the right one works', async () => {
  await server.stop();
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--web', dir, '--api-key', KEY]);
  const keyed = await web.openPage(browser.browser, server.url);
  const dialog = keyed.getByRole('dialog', { name: 'This server needs an API key' });
  await dialog.waitFor();
  await keyed.getByLabel('API key', { exact: true }).fill('sk-own-wrong');
  await keyed.getByRole('button', { name: 'Sign in' }).click();
  await keyed.getByText('The server refused that key.').waitFor();
  await web.screenshot(keyed, 'safety-login');
  await keyed.getByLabel('API key', { exact: true }).fill(KEY);
  await keyed.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await keyed.locator('.conversation').first().waitFor();  // the same store: earlier conversations
  assert.ok(await keyed.getByRole('button', { name: 'Forget API key' }).isVisible());
  const before = await keyed.locator('article.message.assistant[data-id]').count();
  await web.sendAndWait(keyed, 'with a key');
  assert.equal(await keyed.locator('article.message.assistant[data-id]').count(), before + 1);
  assert.deepEqual(keyed.errors, []);
  await keyed.context().close();
});

test('an unreachable server shows a banner instead of failing silently', async () => {
  // the first page was loaded from the server stopped above
  await page.getByLabel('Message', { exact: true }).fill('Anyone there?');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Cannot reach the server' }).waitFor();
  assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), 'Anyone there?', 'the text is kept');
  await page.getByRole('button', { name: 'Dismiss the message' }).click();
  await page.getByLabel('Search conversations').fill('whale');  // the list too
  await page.getByRole('alert').filter({ hasText: 'Cannot reach the server' }).waitFor();
  await web.screenshot(page, 'safety-unreachable');
});
