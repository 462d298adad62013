// Headless-Chromium checks of `gihi serve`, the explorer: every page in both languages loads
// with no console error and no request outside the server; a reader's flow (search →
// profile → compare → what-if) works; a weight change updates the ranking; downloads work;
// full-page screenshots are saved.
//
// Environment: GIHI_BIN (the gihi binary), RUN_DIR (a computed synthetic run), RECORDS_DIR
// (a `gihi records all` output on synthetic records), SCREENSHOT_DIR. The test starts its two servers on 127.0.0.1 (port chosen by the system)
// and stops them by process id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const shots = process.env.SCREENSHOT_DIR;
const servers = [];
let edition;
let run;
let withRecords;
let browser;

// Starts `gihi serve ARGS --bind 127.0.0.1:0` and resolves with its base URL.
function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.GIHI_BIN, ['serve', ...args, '--bind', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    servers.push(child);
    let err = '';
    const timer = setTimeout(() => reject(new Error(`gihi serve did not start: ${err}`)), 20000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`gihi serve exited ${code}: ${err}`)); });
  });
}

before(async () => {
  [edition, run, withRecords] = await Promise.all([
    serve([]),
    serve(['--results', process.env.RUN_DIR]),
    serve(['--results', process.env.RUN_DIR, '--records', process.env.RECORDS_DIR]),
  ]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  for (const s of servers) {
    if (s.exitCode === null) {
      const done = new Promise((r) => s.once('exit', r));
      s.kill('SIGTERM');
      await done;
    }
  }
});

async function open(base, url) {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 }, acceptDownloads: true });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`request outside the server: ${r.url()}`); });
  await page.goto(base + url, { waitUntil: 'networkidle' });
  return { page, problems };
}

const PAGES = ['/rankings', '/city?id=beijing', '/compare?cities=beijing,tokyo,london', '/whatif', '/maps', '/audit'];

test('every page of the published edition loads in both languages, offline', async () => {
  for (const lang of ['zh', 'en']) {
    for (const p of PAGES) {
      const url = p + (p.includes('?') ? '&' : '?') + `lang=${lang}`;
      const { page, problems } = await open(edition, url);
      assert.equal(await page.locator('#main .error').count(), p === '/whatif' ? 1 : 0, `${url}: an error is shown`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const name = `explorer-${p.slice(1).split('?')[0]}-${lang}.png`;
      await page.screenshot({ path: path.join(shots, name), fullPage: true });
      assert.deepEqual(problems, [], url);
      await page.close();
    }
  }
  // The published edition: Table 2's first rows, and the language switch keeps the view.
  const { page, problems } = await open(edition, '/rankings?level=composite');
  const first = await page.$$eval('#ranking tbody tr', (rs) => rs.slice(0, 3).map((r) => r.dataset.city));
  assert.deepEqual(first, ['san-francisco-san-jose', 'new-york', 'beijing']);
  await page.click('#lang');
  await page.waitForSelector('#ranking');
  assert.ok(page.url().includes('lang=en') && page.url().includes('/rankings'), page.url());
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a reader searches, opens a profile, compares, and changes a weight (synthetic run)', async () => {
  const { page, problems } = await open(run, '/rankings?lang=en');
  assert.match(await page.textContent('#banner'), /SYNTHETIC/);
  await page.fill('#search', 'shanghai');
  await page.press('#search', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#ranking tbody tr').length === 1);
  await page.click('#ranking tbody tr a');
  await page.waitForSelector('#profile-title');
  assert.match(await page.textContent('#profile-title'), /Shanghai/);
  assert.ok(await page.locator('#indicators tbody tr').count() >= 30, 'indicator values on a run');
  await page.screenshot({ path: path.join(shots, 'explorer-flow-profile-synthetic.png'), fullPage: true });
  await page.click('text=→ Compare');
  await page.waitForSelector('#compare');
  assert.equal(await page.locator('#compare thead th').count(), 3, 'the city and its nearest peer');
  await page.goto(run + '/city?id=shanghai&lang=en', { waitUntil: 'networkidle' });
  await page.click('text=→ What-if');
  await page.waitForSelector('#whatif-ranking tbody tr');
  const order = () => page.$$eval('#whatif-ranking tbody tr', (rs) => rs.map((r) => r.dataset.city).join(','));
  const before = await order();
  // All weight on the science centre: the composite becomes pillar A's ranking.
  await page.fill('input[data-node="B"]', '0');
  await page.fill('input[data-node="C"]', '0');
  await page.click('#whatif-go');
  await page.waitForFunction((b) => [...document.querySelectorAll('#whatif-ranking tbody tr')].map((r) => r.dataset.city).join(',') !== b, before);
  const pillarA = await (await fetch(run + '/api/v1/rankings?level=A')).json();
  assert.equal((await order()).split(',')[0], pillarA.rows[0].city.id, 'the new leader is pillar A\'s leader');
  assert.ok(page.url().includes('state='), 'the what-if is linkable');
  await page.fill('#target-rank', '1');
  await page.click('#target-go');
  await page.waitForSelector('#target-out table');
  await page.screenshot({ path: path.join(shots, 'explorer-flow-whatif-synthetic.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('downloads work, and those of a synthetic run say so', async () => {
  for (const [base, synthetic] of [[edition, false], [run, true]]) {
    const { page, problems } = await open(base, '/rankings?level=A&lang=en');
    for (const format of ['CSV', 'XLSX']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.downloads a:has-text("${format}")`)]);
      const file = await download.path();
      const bytes = fs.readFileSync(file);
      assert.equal(download.suggestedFilename().includes('synthetic'), synthetic, download.suggestedFilename());
      if (format === 'CSV') {
        const text = bytes.toString('utf8');
        assert.equal(text.startsWith('# SYNTHETIC'), synthetic, text.slice(0, 80));
        assert.ok(text.includes('rank,city,name_en'), text.slice(0, 200));
      } else {
        assert.equal(bytes.subarray(0, 2).toString(), 'PK');
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('record networks are drawn on the maps page when records are given', async () => {
  const { page, problems } = await open(withRecords, '/maps?lang=en');
  for (const id of ['coauthorship', 'patents']) {
    const title = await page.textContent(`#network-${id}`);
    assert.match(title, /SYNTHETIC/, `${id}: synthetic records say so`);
    const paths = await page.$$eval(`#network-${id} ~ svg.chart`, (s) => (s[0] ? s[0].querySelectorAll('path').length : 0));
    assert.ok(paths > 0, `${id}: the network has links`);
  }
  await page.screenshot({ path: path.join(shots, 'explorer-maps-networks-synthetic.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
