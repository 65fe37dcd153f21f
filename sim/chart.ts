/** One line on a panel. */
export interface Line {
  label: string;
  color: string;
  /** One value per bin. */
  values: number[];
  dashed?: boolean;
}

export interface Panel {
  title: string;
  yLabel: string;
  lines: Line[];
}

export interface ChartSpec {
  title: string;
  binMs: number;
  /** Shaded span: when the backend is in trouble (ms since start). */
  trouble: { fromMs: number; toMs: number };
  panels: Panel[];
}

const WIDTH = 860;
const PANEL_HEIGHT = 200;
const MARGIN = { left: 70, right: 200, top: 34, bottom: 34 };
const GAP = 40;

/**
 * A self-contained SVG of stacked line panels sharing one time axis (no dependency: a chart
 * library would cost more than these 100 lines, and the file must render on GitHub as it is).
 */
export function renderChart(spec: ChartSpec): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const bins = Math.max(...spec.panels.flatMap((p) => p.lines.map((l) => l.values.length)));
  const durationS = (bins * spec.binMs) / 1000;
  const x = (seconds: number) => MARGIN.left + (seconds / durationS) * plotWidth;
  const height = MARGIN.top + spec.panels.length * (PANEL_HEIGHT + GAP) + MARGIN.bottom - GAP;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="15" font-weight="600">${escape(spec.title)}</text>`,
  ];
  spec.panels.forEach((panel, index) => {
    const top = MARGIN.top + index * (PANEL_HEIGHT + GAP) + 12;
    const yMax = niceCeiling(Math.max(1, ...panel.lines.flatMap((l) => l.values)));
    const y = (value: number) => top + PANEL_HEIGHT - (Math.min(value, yMax) / yMax) * PANEL_HEIGHT;
    const from = x(spec.trouble.fromMs / 1000);
    parts.push(`<rect x="${from}" y="${top}" width="${x(spec.trouble.toMs / 1000) - from}" height="${PANEL_HEIGHT}" fill="#f3e5e5"/>`);
    parts.push(`<text x="${MARGIN.left}" y="${top - 6}" font-weight="600">${escape(panel.title)}</text>`);
    for (let i = 0; i <= 4; i++) {
      const value = (yMax * i) / 4;
      parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
      parts.push(`<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${formatCount(value)}</text>`);
    }
    for (let s = 0; s <= durationS; s += 30) {
      parts.push(`<text x="${x(s)}" y="${top + PANEL_HEIGHT + 16}" text-anchor="middle">${s} s</text>`);
    }
    parts.push(`<text transform="translate(16 ${top + PANEL_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`);
    for (const line of panel.lines) {
      const points = line.values.map((v, bin) => `${x(((bin + 0.5) * spec.binMs) / 1000).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const dash = line.dashed === true ? ' stroke-dasharray="6 4"' : '';
      parts.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="1.6"${dash}/>`);
    }
    panel.lines.forEach((line, i) => {
      const ly = top + 10 + i * 18;
      const dash = line.dashed === true ? ' stroke-dasharray="6 4"' : '';
      parts.push(`<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 36}" y1="${ly}" y2="${ly}" stroke="${line.color}" stroke-width="2"${dash}/>`);
      parts.push(`<text x="${WIDTH - MARGIN.right + 42}" y="${ly + 4}">${escape(line.label)}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatCount(value: number): string {
  return value >= 1000 ? `${Number((value / 1000).toFixed(2))}k` : String(Number(value.toFixed(2)));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
