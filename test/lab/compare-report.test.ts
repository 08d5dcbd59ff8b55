import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { RunRecord as Run } from '../../packages/lab/src/experiments/run-record.ts';
import { runCli, runJson } from './run-cli.ts';

interface CompareJson {
  command: string;
  report: string;
  workloads: Record<'cpu' | 'io', { verdict: string; runs: Run[] }>;
}

const CHARTS = [
  'cpu-speedup',
  'cpu-task-cost',
  'cpu-activity',
  'io-ideal',
  'io-activity',
  'memory',
];
const SMALL = [
  '--size',
  '20000',
  '--lookups',
  '20',
  '--batches',
  '2',
  '--workers',
  '2',
  '--downloads',
  '4',
  '--latency',
  '5',
  '--bytes',
  '1000',
];

describe('concur compare', () => {
  let dir: string;
  let out: CompareJson;
  let html: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concur-compare-'));
    out = await runJson<CompareJson>([
      'compare',
      'all',
      ...SMALL,
      '--report',
      join(dir, 'report.html'),
    ]);
    html = readFileSync(out.report, 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints JSON with every run of both workloads and the documented fields', () => {
    assert.equal(out.command, 'compare');
    assert.equal(out.report, join(dir, 'report.html'));
    assert.deepEqual(
      out.workloads.cpu.runs.map((r) => r.label),
      ['sequential', 'async', 'async-gather', 'thread x2', 'process x2'],
    );
    assert.deepEqual(
      out.workloads.io.runs.map((r) => r.label),
      [
        'sequential',
        'process x2',
        'thread x2',
        'async-blocking',
        'async',
        'async-limited (3 at once)',
      ],
    );
    for (const run of [...out.workloads.cpu.runs, ...out.workloads.io.runs]) {
      for (const field of [
        'seconds',
        'cpuSeconds',
        'coresUsed',
        'cores',
        'peakRssBytes',
        'speedup',
      ]) {
        assert.equal(typeof run[field as keyof Run], 'number', `${run.label} ${field}`);
      }
      assert.equal('timeline' in run, false, 'the timeline stays in the report');
    }
  });

  it('finds the same count under every CPU model and every byte under every I/O model', () => {
    assert.equal(new Set(out.workloads.cpu.runs.map((r) => r.count)).size, 1);
    for (const run of out.workloads.io.runs) {
      assert.equal(run.bytes, 4 * 1000, run.label);
      assert.equal(run.errors, 0, run.label);
    }
  });

  it('writes a self-contained report with one SVG per chart', () => {
    const figures = [...html.matchAll(/<figure class="chart" id="([^"]+)">([\s\S]*?)<\/figure>/g)];
    assert.deepEqual(figures.map((f) => f[1]).sort(), [...CHARTS].sort());
    for (const figure of figures) {
      assert.equal(figure[2]!.match(/<svg[\s>]/g)?.length, 1, figure[1]);
    }
    assert.doesNotMatch(html, /<script|<link|<img|\s(src|href)="https?:/, 'nothing to fetch');
  });

  it('ends with the computed verdict of each workload', () => {
    const verdict = html.slice(html.indexOf('<section id="verdict">'));
    assert.ok(verdict.length > 0);
    assert.ok(html.trimEnd().endsWith('</section>\n</body></html>'));
    const escapeHtml = (s: string) =>
      s
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;');
    assert.ok(verdict.includes(escapeHtml(out.workloads.cpu.verdict)));
    assert.ok(verdict.includes(escapeHtml(out.workloads.io.verdict)));
    assert.match(
      out.workloads.cpu.verdict,
      /^CPU-bound on \d+ cores: processes reached [\d.]+x with 2 workers/,
    );
    assert.match(out.workloads.io.verdict, /Every byte arrived in every run\.$/);
  });

  it('renders in headless Chromium without console errors, with every chart drawn', async () => {
    const profile = mkdtempSync(join(dir, 'chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`);
      });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(pathToFileURL(out.report).href);
      // Layout at 1280 px: no label cut off (vega ends a cut label with an ellipsis, and a
      // label outside its chart is cut by the page), and a page of bounded height.
      const cut = await page.$$eval('svg', (svgs) => {
        const found: string[] = [];
        for (const svg of svgs) {
          const box = svg.getBoundingClientRect();
          for (const text of svg.querySelectorAll('text')) {
            const t = text.getBoundingClientRect();
            const label = text.textContent ?? '';
            if (label.endsWith('…')) found.push(`${label} (ellipsis)`);
            else if (t.width > 0 && (t.left < box.left - 1 || t.right > box.right + 1))
              found.push(`${label} (outside its chart)`);
          }
        }
        return found;
      });
      const page_ = await page.$eval('html', (e) => ({
        height: e.scrollHeight,
        width: e.scrollWidth,
      }));
      const layout = { cut, ...page_ };
      assert.deepEqual(layout.cut, []);
      assert.ok(layout.height < 6000, `the page is ${layout.height} px tall`);
      assert.ok(layout.width <= 1280, `the page is ${layout.width} px wide`);
      const answer = await page.$('#recommendation');
      if (answer !== null) {
        const top = await answer.evaluate((e) => e.getBoundingClientRect().top);
        assert.ok(top < 800, `the answer starts at ${top} px, below the first screen`);
      }
      for (const id of CHARTS) {
        const drawn = await page.$eval(`#${id} svg`, (svg) => {
          const box = svg.getBoundingClientRect();
          const marks = svg.querySelectorAll(
            'g.mark-line path, g.mark-rect path, g.mark-symbol path, g.mark-line path',
          );
          return { width: box.width, height: box.height, marks: marks.length };
        });
        assert.ok(drawn.width > 100 && drawn.height > 50, `${id}: ${JSON.stringify(drawn)}`);
        assert.ok(drawn.marks > 0, `${id} has no marks`);
      }
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('prints the tables and the report path', async () => {
    const report = join(dir, 'io.html');
    const result = await runCli([
      'compare',
      'io',
      ...SMALL,
      '--models',
      'sequential,async',
      '--report',
      report,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^model\s+workers\s+seconds\s+ideal\s+speedup/m);
    assert.match(result.stdout, /^sequential\s+-\s+[\d.]+/m);
    assert.match(result.stdout, /^async\s+-\s+[\d.]+/m);
    assert.ok(result.stdout.trimEnd().endsWith(`Report: ${report}`));
    assert.ok(existsSync(report));
  });
});
