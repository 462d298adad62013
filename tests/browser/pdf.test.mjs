// The print-ready PDFs (`gihi report --pdf`): A4, a plausible number of pages, the table of
// contents with page numbers, CJK fonts embedded (pdffonts), every page renders (pdftoppm; the
// first pages are saved beside the browser screenshots), and a synthetic run's PDF says so.
//
// Environment: REPORT_DIR (published report, built with --pdf), SYNTHETIC_REPORT_DIR (a
// synthetic run's report, built with --pdf), SCREENSHOT_DIR. scripts/test.sh sets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });

for (const lang of ['zh', 'en']) {
  test(`the published report's ${lang} PDF is A4, complete, with embedded fonts and a paged contents`, () => {
    const pdf = path.join(process.env.REPORT_DIR, `report-${lang}.pdf`);
    const info = run('pdfinfo', [pdf]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    assert.ok(pages >= 20 && pages <= 120, `${pages} pages`);
    const [w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info).slice(1).map(Number);
    assert.ok(Math.abs(w - 595) < 2 && Math.abs(h - 842) < 2, `A4, found ${w} x ${h} pt`);
    const fonts = run('pdffonts', [pdf]).split('\n').slice(2).filter((l) => l.trim());
    assert.ok(fonts.length > 0);
    for (const f of fonts) assert.match(f, /\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/, `every font is embedded: ${f}`);
    if (lang === 'zh') {
      assert.ok(fonts.some((f) => /WenQuanYi|NotoSansCJK|NotoSerifCJK|SourceHan/.test(f)), `a CJK font is embedded:\n${fonts.join('\n')}`);
    }
    const contents = run('pdftotext', ['-f', '2', '-l', '2', '-layout', pdf, '-']);
    assert.match(contents, lang === 'zh' ? /目录/ : /Contents/);
    assert.match(contents, /表 ?2|Table 2/);
    assert.match(contents, /\s\d{1,3}\s*$/m, 'contents lines end with page numbers');
    // Every page renders; the first three are kept as pictures.
    const prefix = path.join(process.env.SCREENSHOT_DIR, `report-${lang}-pdf-page`);
    run('pdftoppm', ['-r', '40', '-png', pdf, `${prefix}-all`]);
    const rendered = fs.readdirSync(process.env.SCREENSHOT_DIR).filter((f) => f.startsWith(`report-${lang}-pdf-page-all`));
    assert.equal(rendered.length, pages, 'one picture per page');
    for (const f of rendered) {
      const n = Number(/-(\d+)\.png$/.exec(f)[1]);
      const p = path.join(process.env.SCREENSHOT_DIR, f);
      assert.ok(fs.statSync(p).size > 1000, `${f} is not empty`);
      if (n <= 3) fs.renameSync(p, `${prefix}-${n}.png`); else fs.unlinkSync(p);
    }
  });
}

test('a synthetic run\'s PDF says SYNTHETIC on its cover and its running header', () => {
  const pdf = path.join(process.env.SYNTHETIC_REPORT_DIR, 'report-en.pdf');
  assert.match(run('pdftotext', ['-f', '1', '-l', '1', pdf, '-']), /SYNTHETIC/);
  assert.match(run('pdftotext', ['-f', '3', '-l', '3', pdf, '-']), /SYNTHETIC/);
});
