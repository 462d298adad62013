// Headless-Chromium checks of the built report: no console errors, no network requests,
// every chart present and non-empty, both languages switchable, synthetic runs labelled on
// every page and chart, and a full-page screenshot saved for a person to look at.
//
// Environment: REPORT_DIR (published report), SYNTHETIC_REPORT_DIR (report of a synthetic
// run), SCREENSHOT_DIR (where screenshots go). scripts/test.sh sets all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

async function open(browser, dir) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!/^(file|data|about):/.test(r.url())) problems.push(`network request: ${r.url()}`); });
  await page.goto(pathToFileURL(path.resolve(dir, 'index.html')).href, { waitUntil: 'load' });
  return { page, problems };
}

test('the published report renders offline, with every chart and both languages', async () => {
  const browser = await launch();
  try {
    const { page, problems } = await open(browser, process.env.REPORT_DIR);
    const figures = await page.$$eval('figure.figure', (fs) => fs.map((f) => ({
      id: f.id,
      charts: [...f.querySelectorAll('.chart svg')].map((s) => s.querySelectorAll('*').length),
    })));
    assert.ok(figures.length >= 15, `expected the report's figures, found ${figures.length}`);
    for (const f of figures) {
      assert.equal(f.charts.length, 2, `${f.id}: one chart per language`);
      for (const n of f.charts) assert.ok(n > 10, `${f.id}: chart is empty (${n} elements)`);
    }
    const rows = await page.$eval('#table-02-composite table', (t) => t.tBodies[0].rows.length);
    assert.equal(rows, 100, 'Table 2 has 100 rows');
    // Chinese first; switch to English and back.
    assert.ok(await page.isVisible('h1 .l-zh'));
    assert.ok(!(await page.isVisible('h1 .l-en')));
    await page.click('button[data-lang="en"]');
    assert.ok(await page.isVisible('h1 .l-en'));
    assert.ok(!(await page.isVisible('h1 .l-zh')));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'report-en.png'), fullPage: true });
    await page.click('button[data-lang="zh"]');
    assert.ok(await page.isVisible('h1 .l-zh'));
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'report-zh.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('a report of a synthetic run says so on every page and chart', async () => {
  const browser = await launch();
  try {
    const { page, problems } = await open(browser, process.env.SYNTHETIC_REPORT_DIR);
    assert.ok(await page.isVisible('.synthetic-banner'));
    const sections = await page.$$eval('section', (ss) => ss.map((s) => ({ id: s.id, tagged: !!s.querySelector('.synthetic-tag') })));
    assert.ok(sections.length > 5);
    for (const s of sections) assert.ok(s.tagged, `section ${s.id} is not marked synthetic`);
    const charts = await page.$$eval('.chart svg', (cs) => cs.map((c) => c.textContent.includes('SYNTHETIC')));
    assert.ok(charts.length > 10);
    assert.ok(charts.every(Boolean), 'every chart carries the SYNTHETIC watermark');
    await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'report-synthetic.png'), fullPage: false });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

// The text labels of every figure, measured in the DOM in each language: each lies inside its
// chart, and no two overlap by more than a pixel in both directions (the SYNTHETIC
// watermark, drawn across the chart on purpose, is left out).
async function overlappingLabels(page) {
  const found = [];
  for (const lang of ['zh', 'en']) {
    const button = await page.$(`button[data-lang="${lang}"]`);
    if (button) await button.click();
    found.push(...await page.evaluate((lang) => {
      const out = [];
      for (const fig of document.querySelectorAll('figure.figure')) {
        const svg = fig.querySelector(`.chart.l-${lang} svg`);
        if (!svg) continue;
        const boxes = [...svg.querySelectorAll('text')]
          .filter((t) => t.textContent.trim() && !t.textContent.includes('SYNTHETIC'))
          .map((t) => { const r = t.getBoundingClientRect(); return { s: t.textContent.trim(), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom }; })
          .filter((b) => b.x1 > b.x0 && b.y1 > b.y0);
        // Every label lies inside its chart (a long city name must not be cut at the edge).
        const frame = svg.getBoundingClientRect();
        for (const b of boxes) {
          if (b.x0 < frame.left - 1 || b.x1 > frame.right + 1 || b.y0 < frame.top - 1 || b.y1 > frame.bottom + 1) {
            out.push(`${lang} ${fig.id}: "${b.s}" is cut at the chart's edge`);
          }
        }
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
            const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
            if (w > 1 && h > 1) out.push(`${lang} ${fig.id}: "${a.s}" overlaps "${b.s}"`);
          }
        }
      }
      return out;
    }, lang));
  }
  return found;
}

test('no text label of any figure is cut or overlaps another (published, synthetic and records reports)', async () => {
  const browser = await launch();
  try {
    const dirs = [process.env.REPORT_DIR, process.env.SYNTHETIC_REPORT_DIR, process.env.RECORDS_REPORT_DIR].filter(Boolean);
    assert.equal(dirs.length, 3, 'scripts/test.sh sets REPORT_DIR, SYNTHETIC_REPORT_DIR and RECORDS_REPORT_DIR');
    let figures = 0;
    for (const dir of dirs) {
      const { page, problems } = await open(browser, dir);
      figures += await page.$$eval('figure.figure', (fs) => fs.length);
      const overlaps = await overlappingLabels(page);
      assert.deepEqual(overlaps, [], `${dir}: overlapping labels`);
      assert.deepEqual(problems, []);
      await page.close();
    }
    assert.ok(figures > 60, `expected the figures of three reports, found ${figures}`);
  } finally {
    await browser.close();
  }
});

test('the records report has the co-authorship and patent chapters with their networks', async () => {
  const browser = await launch();
  try {
    const { page, problems } = await open(browser, process.env.RECORDS_REPORT_DIR);
    for (const id of ['papers', 'patents']) assert.ok(await page.$(`section#${id}`), `section ${id}`);
    for (const n of [12, 13, 14, 15, 16, 18, 32, 25, 26, 27, 28, 33]) {
      assert.ok(await page.$(`figure[id^="figure-${n}-"]`), `figure ${n}`);
    }
    await page.click('button[data-lang="en"]');
    await page.locator('section#papers').screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'report-records-papers-en.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('no figure on the Chinese page has a Latin-only label (axis titles, legends, notes)', async () => {
  const browser = await launch();
  try {
    for (const dir of [process.env.REPORT_DIR, process.env.SYNTHETIC_REPORT_DIR, process.env.RECORDS_REPORT_DIR]) {
      const { page } = await open(browser, dir);
      // Words of three or more Latin letters with no Chinese character; city names, axis
      // titles and legends are all translated. Indicator and pillar codes (I01, A2) are shorter.
      const latin = await page.$$eval('figure.figure .chart.l-zh svg text', (ts) => ts
        .map((t) => t.textContent.trim())
        .filter((s) => !s.includes('SYNTHETIC') && !/[\u3400-\u9fff]/.test(s) && /[A-Za-z]{3,}/.test(s)));
      assert.deepEqual([...new Set(latin)], [], `${dir}: Latin-only labels on the Chinese page`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
