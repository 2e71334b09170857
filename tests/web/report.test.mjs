// The Report view: before `ownchat report` it says how to make one; after, the real report (made
// by the binary from a metrics.jsonl written here) shows in an iframe sandboxed without scripts,
// with its charts visible, on a server that wants an API key (the page fetches it with the key).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { BINARY } from '../e2e/server.mjs';
import * as web from './web.mjs';

const KEY = 'sk-own-web-report-key';
let run, server, browser, page;

before(async () => {
  run = web.tinyRun();
  server = await web.startServer(['--model', `${run.run}/ckpt/sft`, '--web', web.buildWeb(), '--api-key', KEY]);
  browser = await web.launch();
  page = await web.openPage(browser.browser, server.url, { storage: { 'ownchat.apiKey': KEY } });
  await page.getByRole('heading', { name: 'ownchat' }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

// a small run's worth of metrics: pretraining and SFT curves, evals of base and sft, and a name
// that would run script if it were not escaped (and sandboxed)
function writeMetrics() {
  const lines = [];
  for (let i = 0; i <= 600; i++) {
    lines.push({ stage: 'pretrain', step: i, name: 'loss', value: 2.2 + 6 * Math.exp(-i / 120) + 0.15 * Math.sin(i / 3) });
    if (i % 50 === 0) lines.push({ stage: 'pretrain', step: i, name: 'val_bpb', value: 1.2 + 3 * Math.exp(-i / 150) });
  }
  for (let i = 0; i <= 120; i++) {
    lines.push({ stage: 'sft', step: i, name: 'loss', value: 2.6 * Math.exp(-i / 60) + 0.9 + 0.1 * Math.sin(i) });
    if (i % 20 === 0) lines.push({ stage: 'sft', step: i, name: 'val_loss', value: 2.4 * Math.exp(-i / 70) + 1.1 });
  }
  lines.push({ stage: 'sft', step: 120, name: '<img src=x onerror="parent.__xss=1">', value: 1 });
  for (const [metric, base, value] of [['multiple_choice/quiz', 0.22, 0.78], ['exact_match/arithmetic', 0.0, 0.41]])
    lines.push({ stage: 'eval', ckpt: `${run.run}/ckpt/sft`, metric, n: 100, chance: metric.startsWith('multiple') ? 0.25 : 0, base, value });
  fs.writeFileSync(`${run.run}/metrics.jsonl`, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

test('no report yet: the view says how to make one', async () => {
  await page.getByRole('button', { name: 'Report' }).click();
  await page.getByRole('heading', { name: 'Report' }).waitFor();
  await page.getByText(`ownchat report --run ${run.run}`).waitFor();
  assert.equal(await page.locator('#report-frame').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Report' }).getAttribute('aria-pressed'), 'true');
});

test('the report of `ownchat report`: tables and charts in a sandboxed iframe', async () => {
  writeMetrics();
  execFileSync(BINARY, ['report', '--run', run.run], { stdio: ['ignore', 'ignore', 'pipe'] });
  await page.getByRole('button', { name: 'Reload' }).click();
  const frameEl = page.locator('#report-frame');
  await frameEl.waitFor({ state: 'visible' });
  assert.equal(await frameEl.getAttribute('sandbox'), '');  // nothing allowed: no scripts, no same origin
  const frame = page.frameLocator('#report-frame');
  await frame.getByRole('heading', { name: 'Evaluation' }).waitFor();
  const charts = frame.locator('svg.chart');
  assert.equal(await charts.count(), 3);  // pretraining loss and val bpb, SFT loss
  const chart = frame.locator('svg.chart', { has: frame.locator('title', { hasText: 'Pretraining: loss' }) });
  await chart.scrollIntoViewIfNeeded();
  assert.ok(await chart.isVisible());
  const box = await chart.boundingBox();
  assert.ok(box.width > 300 && box.height > 140, JSON.stringify(box));
  assert.equal(await chart.locator('polyline').count(), 1);
  assert.ok((await frame.locator('td', { hasText: '<img src=x' }).count()) === 1);  // the name as text
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await web.screenshot(page, 'report-view');

  await page.getByRole('button', { name: 'Back to the chat' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
  assert.equal(await frameEl.isVisible(), false);
  assert.deepEqual(page.errors, []);
});
