/**
 * A small SVG bar-chart generator (no chart library): a title over side-by-side panels, each a
 * set of horizontal bars with the value written at the end. A non-finite value (a call that
 * never answered) is drawn as a full-length outlined bar so it cannot be mistaken for zero.
 */
export interface Bar {
  label: string;
  value: number;
  text: string;
  highlight?: boolean;
}

export interface Panel {
  title: string;
  bars: Bar[];
  /** The scale's end; default the largest finite value. */
  max?: number;
}

const PANEL_W = 260;
const LABEL_W = 78;
const BAR_H = 18;
const GAP = 6;
const TOP = 70;
const TEXT_W = 64;

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function panelSvg(panel: Panel, x: number): string {
  const finite = panel.bars.map((b) => b.value).filter((v) => Number.isFinite(v));
  const max = panel.max ?? Math.max(1e-9, ...finite);
  const span = PANEL_W - LABEL_W - TEXT_W;
  const parts = [`<text x="${x}" y="${TOP - 12}" font-weight="bold">${escape(panel.title)}</text>`];
  panel.bars.forEach((b, i) => {
    const y = TOP + i * (BAR_H + GAP);
    const missing = !Number.isFinite(b.value);
    const w = missing ? span : Math.max(0, Math.min(1, b.value / max)) * span;
    const fill = b.highlight ? '#1f6feb' : '#8b949e';
    parts.push(`<text x="${x}" y="${y + BAR_H - 5}">${escape(b.label)}</text>`);
    parts.push(
      missing
        ? `<rect x="${x + LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="none" stroke="${fill}" stroke-dasharray="4 3"/>`
        : `<rect x="${x + LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${fill}"/>`,
    );
    parts.push(`<text x="${x + LABEL_W + w + 4}" y="${y + BAR_H - 5}">${escape(b.text)}</text>`);
  });
  return parts.join('\n');
}

export function barChartSvg(title: string, subtitle: string, panels: readonly Panel[]): string {
  const rows = Math.max(...panels.map((p) => p.bars.length));
  const width = panels.length * (PANEL_W + 20) + 20;
  const height = TOP + rows * (BAR_H + GAP) + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="20" y="34" fill="#57606a">${escape(subtitle)}</text>`,
    ...panels.map((p, i) => panelSvg(p, 20 + i * (PANEL_W + 20))),
    '</svg>',
    '',
  ].join('\n');
}
