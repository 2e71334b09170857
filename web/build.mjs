// Builds the web chat into static files that `ownchat serve` serves at /: one JS bundle (app.js),
// one stylesheet (app.css) and index.html, whose links carry a content hash so a new build is
// never mixed with a cached old one. No dev server, no watch mode: rerun it (well under a second).
//   node web/build.mjs [--out DIR]        (default build/web; scripts/setup.sh passes $BUILD_DIR/web)
import * as esbuild from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(here, '..', 'build', 'web'));

const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.js'), 'app-style': path.join(here, 'src/style.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  write: false,
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
});

fs.mkdirSync(out, { recursive: true });
const hashes = {};
for (const f of result.outputFiles) {
  const name = path.basename(f.path) === 'app-style.css' ? 'app.css' : path.basename(f.path);
  fs.writeFileSync(path.join(out, name), f.contents);
  hashes[name] = crypto.createHash('sha256').update(f.contents).digest('hex').slice(0, 12);
}
const html = fs.readFileSync(path.join(here, 'index.html'), 'utf8')
  .replace('app.css"', `app.css?v=${hashes['app.css']}"`)
  .replace('app.js"', `app.js?v=${hashes['app.js']}"`);
fs.writeFileSync(path.join(out, 'index.html'), html);
const kib = (n) => `${(fs.statSync(path.join(out, n)).size / 1024).toFixed(0)} KiB`;
console.log(`web: ${out} (app.js ${kib('app.js')}, app.css ${kib('app.css')})`);
