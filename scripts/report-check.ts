// Renders a testbed report with a real divergence (recorded 7.3 kernel traces judged with the
// 6.18 model, testbed/test/recorded-report.ts) in headless Chromium and checks it as a reader
// sees it: the divergence comes first, its first differing event is the one highlighted, the
// scenario file and step are shown, no line runs off a normal-width window, the filter box
// filters, and without JavaScript the divergence is still all there.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Page } from './chromium.js';
import { renderHtml } from '../testbed/src/report.js';
import { DIVERGING, recordedReport } from '../testbed/test/recorded-report.js';

export type Check = (ok: boolean, what: string) => void;

const WIDTH = 1280;

export async function checkTestbedReport(out: string, check: Check): Promise<void> {
  const { summary, verdicts } = await recordedReport();
  const bad = verdicts.filter((v) => v.verdict === 'diverge');
  check(bad.length === 1 && bad[0]!.name === DIVERGING && summary.agree === verdicts.length - 1,
    `judging the recorded 7.3 traces with the 6.18 model diverges on ${DIVERGING} only (${bad.map((v) => v.name).join(', ')})`);
  const file = join(out, 'testbed-report.html');
  writeFileSync(file, renderHtml(summary, verdicts));
  const url = pathToFileURL(file).href;

  const page = await Page.launch(WIDTH, 900);
  try {
    await checkPage(page, url, out, verdicts.length, check);
  } catch (e) {
    // A page that lacks what a check looks for throws in the page: that is a failed check.
    check(false, `the report check stopped: ${(e as Error).message}`);
  } finally {
    await page.close();
  }
}

async function checkPage(page: Page, url: string, out: string, scenarios: number, check: Check): Promise<void> {
  {
    await page.goto(url);
    const order = await page.eval<{ divTop: number; pkgTop: number; first: string }>(`(() => {
      const d = document.querySelector('section.divergence'), p = document.querySelector('section.pkg');
      const heads = [...document.querySelectorAll('h2')].map(h => h.id).filter(Boolean);
      return { divTop: d.getBoundingClientRect().top, pkgTop: p.getBoundingClientRect().top, first: heads[0] };
    })()`);
    check(order.first === 'divergences' && order.divTop < order.pkgTop && order.divTop < 900,
      `the divergence comes first, on the first screen (top ${order.divTop.toFixed(0)} px, package list at ${order.pkgTop.toFixed(0)} px)`);

    const shown = await page.eval<{ id: string; file: string; step: string; why: string }>(`(() => {
      const d = document.querySelector('section.divergence'), dd = [...d.querySelectorAll('dt')];
      const val = (k) => dd.find(x => x.textContent === k)?.nextElementSibling.textContent ?? '';
      return { id: d.id, file: val('file'), step: val('step'), why: d.querySelector('.why').textContent };
    })()`);
    check(shown.id === `d-${DIVERGING}` && shown.file === `packages/eventfd-rcu/scenarios/${DIVERGING}.json` && /^20 \{"op":"eventfd.wait"/.test(shown.step),
      `it names the scenario file and step (${shown.file}, step ${shown.step})`);

    // The first differing event: the kernel's poll at step 20 said IN, the 6.18 model says nothing.
    const first = await page.eval<{ side: string; k: string; m: string; text: string; marks: string[]; bg: string; outline: string }[]>(`
      [...document.querySelectorAll('section.divergence .l.first')].map(l => ({
        side: l.classList.contains('kernel') ? 'kernel' : l.classList.contains('model') ? 'model' : 'same',
        k: l.children[1].textContent, m: l.children[2].textContent, text: l.querySelector('.t').textContent,
        marks: [...l.querySelectorAll('mark')].map(m => m.textContent),
        bg: getComputedStyle(l).backgroundColor, outline: getComputedStyle(l).outlineStyle,
      }))`);
    const normalBg = await page.eval<string>(`getComputedStyle(document.querySelector('section.divergence .l.kernel:not(.first)') ?? document.querySelector('section.divergence .l.same')).backgroundColor`);
    const kFirst = first.find((l) => l.side === 'kernel');
    const mFirst = first.find((l) => l.side === 'model');
    check(first.length === 2 && kFirst?.k === '16' && mFirst?.m === '16' && /^poll step 20 /.test(kFirst.text) &&
      kFirst.marks.join(' ') === 'res=1 revents=["IN"]' && mFirst.marks.join(' ') === 'res=0 revents=[]',
      `the first differing event is highlighted, fields marked: kernel "${kFirst?.marks.join(' ')}", model "${mFirst?.marks.join(' ')}"`);
    check(first.every((l) => l.outline === 'solid' && l.bg !== normalBg), `the highlight is visible (outline ${first[0]?.outline}, background ${first[0]?.bg})`);
    const later = await page.eval<string[]>(`[...document.querySelectorAll('section.divergence .l')].filter(l => !l.classList.contains('head')).map(l => l.className)`);
    check(later.indexOf('l kernel first') >= 0 && later.slice(0, later.indexOf('l kernel first')).every((c) => c === 'l same'),
      'every line before the highlighted one is common to both traces');

    // No line falls off the window, with every folded run of equal events opened.
    await page.eval(`document.querySelectorAll('details').forEach(d => d.open = true), 0`);
    const fit = await page.eval<{ scroll: number; inner: number; over: string[]; setupLines: number }>(`(() => {
      const over = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
        .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40));
      const setup = [...document.querySelectorAll('section.divergence .l .t')].find(t => t.textContent.startsWith('setup'));
      const lh = parseFloat(getComputedStyle(setup).lineHeight);
      return { scroll: document.documentElement.scrollWidth, inner: innerWidth, over, setupLines: Math.round(setup.getBoundingClientRect().height / lh) };
    })()`);
    check(fit.scroll <= fit.inner && fit.over.length === 0, `nothing is wider than a ${WIDTH} px window (page ${fit.scroll} px${fit.over.length ? `; over: ${fit.over.slice(0, 3).join(' | ')}` : ''})`);
    check(fit.setupLines >= 2, `the long setup event wraps (${fit.setupLines} lines) instead of running off-screen`);
    writeFileSync(join(out, 'testbed-report.png'), await page.screenshot());

    // The filter box: shown with JavaScript, and typing keeps only the matching rows.
    const filtered = await page.eval<{ visible: boolean; rows: number; shown: string[] }>(`(() => {
      const f = document.getElementById('filter'), visible = !f.hidden && f.getBoundingClientRect().width > 0;
      f.value = 'cycle'; f.dispatchEvent(new Event('input'));
      const rows = [...document.querySelectorAll('tr[data-filter]')];
      return { visible, rows: rows.length, shown: rows.filter(r => !r.hidden && r.getClientRects().length).map(r => r.cells[0].textContent) };
    })()`);
    check(filtered.visible && filtered.shown.length > 0 && filtered.shown.length < filtered.rows && filtered.shown.every((n) => n.includes('cycle')),
      `the filter box keeps ${filtered.shown.length} of ${filtered.rows} rows for "cycle" (${filtered.shown.join(', ')})`);

    // Without JavaScript: the divergence and its highlight are all there; the filter box is not.
    await page.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(url);
    const noJs = await page.eval<{ firsts: number; rows: number; filterShown: boolean }>(`({
      firsts: document.querySelectorAll('section.divergence .l.first').length,
      rows: document.querySelectorAll('tr[data-filter]').length,
      filterShown: document.getElementById('filter').getClientRects().length > 0,
    })`);
    check(noJs.firsts === 2 && noJs.rows === scenarios && !noJs.filterShown,
      `without JavaScript the divergence, its highlight and all ${noJs.rows} rows are shown, and no dead filter box`);
  }
}

// Run on its own (the testbed's vitest does, when chromium is there): OUT, then the counts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mkdirSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const out = resolve(process.argv[2] ?? '.artifacts/html-check');
  mkdirSync(out, { recursive: true });
  let passed = 0;
  let failed = 0;
  await checkTestbedReport(out, (ok, what) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (ok) passed++;
    else failed++;
  });
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
