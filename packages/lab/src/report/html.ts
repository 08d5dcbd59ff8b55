import type { ChartSpec } from './charts.ts';

export interface ReportSection {
  title: string;
  /** The answer, shown above everything else (the task's recommendation and its reason). */
  lead?: string;
  /** What was run, in one line. */
  setup: string;
  table: { headers: string[]; rows: string[][] };
  charts: ChartSpec[];
  verdict: string;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1.5rem 0; } figcaption { color: #555; font-size: .9rem; }
.verdict { background: #f4f8f1; border-left: 4px solid #6a9f4b; padding: .75rem 1rem; }
.meta { color: #666; font-size: .9rem; }
.lead { font-size: 1.15rem; background: #eef4fb; border-left: 4px solid #3b74b8; padding: .75rem 1rem; }`;

/** A self-contained page: inline CSS and SVG, no script, nothing fetched. */
export async function renderReport(
  title: string,
  meta: string,
  sections: ReportSection[],
): Promise<string> {
  // vega is large: load it only when a report is written, not for every command.
  const { renderSvg } = await import('./render-svg.ts');
  const body: string[] = [];
  const verdicts: string[] = [];
  const leads = sections.flatMap((s) => (s.lead === undefined ? [] : [s.lead]));
  for (const section of sections) {
    body.push(
      `<section><h2>${escapeHtml(section.title)}</h2><p class="meta">${escapeHtml(section.setup)}</p>`,
    );
    body.push(
      '<table><thead><tr>',
      ...section.table.headers.map((h) => `<th>${escapeHtml(h)}</th>`),
      '</tr></thead><tbody>',
      ...section.table.rows.map(
        (r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`,
      ),
      '</tbody></table>',
    );
    for (const chart of section.charts) {
      const svg = await renderSvg(chart.spec);
      body.push(
        `<figure class="chart" id="${chart.id}"><h3>${escapeHtml(chart.title)}</h3>${svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`,
      );
    }
    body.push('</section>');
    verdicts.push(`<p>${escapeHtml(section.verdict)}</p>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${leads.map((l) => `<p class="lead" id="recommendation">${escapeHtml(l)}</p>`).join('\n')}
<p class="meta">${escapeHtml(meta)}</p>
${body.join('\n')}
<section id="verdict"><h2>Verdict</h2><div class="verdict">${verdicts.join('\n')}</div></section>
</body></html>
`;
}
