// A model exported to GGUF and served from the .gguf file answers exactly as its checkpoint does:
// the same tokens at temperature 0 through the official SDK, its vocabulary and chat template
// taken from the file, its name from the file name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import OpenAI from 'openai';
import { BINARY, tinyRun, startServer } from './server.mjs';

let run, server, client;

before(async () => {
  run = tinyRun();
  execFileSync(BINARY, ['export', 'gguf', '--ckpt', `${run.run}/ckpt/sft`, '--out', `${run.dir}/exported.gguf`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  server = await startServer(['--model', `${run.run}/ckpt/sft`, '--model', `${run.dir}/exported.gguf`]);
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  const { code, signal } = await server.stop();
  assert.equal(code, 0, `serve exited with ${code}/${signal}: ${server.log()}`);
  run.cleanup();
});

test('a .gguf serves under its file name and answers as the checkpoint', async () => {
  const list = await client.models.list();
  assert.deepEqual(list.data.map((m) => m.id).sort(), ['exported', 'sft']);
  for (const content of ['Call me Ishmael.', 'What is 47 + 38?', 'ünïcödé\ttabs\n\nand "quotes"']) {
    const ask = (model) => client.chat.completions.create({
      model, messages: [{ role: 'user', content }], max_tokens: 24, temperature: 0, logprobs: true,
      logit_bias: run.neverStop,
    });
    const [a, b] = await Promise.all([ask('sft'), ask('exported')]);
    assert.equal(b.choices[0].message.content, a.choices[0].message.content, content);
    assert.equal(b.usage.prompt_tokens, a.usage.prompt_tokens, content);
    assert.deepEqual(b.choices[0].logprobs.content.map((t) => t.token), a.choices[0].logprobs.content.map((t) => t.token));
  }
});
