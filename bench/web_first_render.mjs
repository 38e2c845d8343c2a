// Time to first stream render of the web client in Chromium, and the bundle's size (gzip).
//
//   node bench/web_first_render.mjs [AGORA_BINARY] [RUNS]
//
// Starts `agora serve` on a fresh demo company (agora demo), signs in as camille.martin through
// the API, then opens / in a new browser context per run with the token already stored (a
// returning reader) and measures, in the page's own clock, from navigation start to the first
// stream `article` in the DOM. Prints each run, the median, and the size of web/dist's files
// gzipped (level 9, as a server or proxy would send them). Needs web/dist (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(root, 'web/node_modules/playwright-core/index.mjs'));
const binary = process.argv[2] || process.env.AGORA_BINARY || path.join(root, 'build/release/app/agora');
const runs = Number(process.argv[3] || 7);
const dist = path.join(root, 'web/dist');

function bundleSize() {
  let raw = 0;
  let gzip = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(js|css|html)$/.test(entry.name)) {
        const data = fs.readFileSync(file);
        raw += data.length;
        gzip += zlib.gzipSync(data, { level: 9 }).length;
      }
    }
  };
  walk(dist);
  return { raw, gzip };
}

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-bench-web-'));
spawnSync(binary, ['demo', '--data', data], { stdio: 'ignore' });
const server = spawn(binary, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--web-root', dist], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const base = await new Promise((resolve) => {
  readline.createInterface({ input: server.stdout }).on('line', (line) => {
    const m = /^listening on (\S+)$/.exec(line);
    if (m) resolve(`http://${m[1]}`);
  });
});
try {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'camille.martin', password: 'agora-demo-2026' }),
  }).then((r) => r.json());
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.addInitScript((token) => {
      localStorage.setItem('agora.token', token);
      new MutationObserver((_, observer) => {
        if (document.querySelector('article')) {
          window.__firstArticle = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    }, login.token);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.__firstArticle !== undefined);
    const ms = await page.evaluate(() => window.__firstArticle);
    times.push(ms);
    console.log(`run ${i + 1}: first stream article after ${ms.toFixed(0)} ms`);
    await context.close();
  }
  await browser.close();
  times.sort((a, b) => a - b);
  const { raw, gzip } = bundleSize();
  console.log(`median time to first stream render: ${times[Math.floor(times.length / 2)].toFixed(0)} ms (${runs} runs, cold context each)`);
  console.log(`bundle (web/dist js+css+html): ${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip`);
} finally {
  server.kill('SIGTERM');
  fs.rmSync(data, { recursive: true, force: true });
}
