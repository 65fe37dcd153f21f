/**
 * Small SVG charts, no library: stacked bars (outcomes per second), lines with threshold marks
 * (rates), and a state strip (breaker timeline). Each draws into an <svg> it is given, which
 * carries its own accessible name; the numbers are always also shown as text next to it.
 */
import { s } from './dom.js';

const W = 300;

export function stackedBars(svg: SVGSVGElement, columns: number[][], colors: readonly string[], height = 80): number {
  const max = Math.max(1, ...columns.map((c) => c.reduce((a, b) => a + b, 0)));
  const barW = W / Math.max(1, columns.length);
  const shapes: SVGElement[] = [];
  columns.forEach((column, i) => {
    let y = height;
    column.forEach((value, k) => {
      if (value <= 0) return;
      const hgt = (value / max) * (height - 2);
      y -= hgt;
      shapes.push(s('rect', { x: (i * barW + 0.5).toFixed(2), y: y.toFixed(2), width: Math.max(0.5, barW - 1).toFixed(2), height: hgt.toFixed(2), fill: colors[k] ?? '#888' }));
    });
  });
  shapes.push(s('line', { x1: 0, x2: W, y1: height - 0.5, y2: height - 0.5, stroke: '#6b7280', 'stroke-width': 1, 'vector-effect': 'non-scaling-stroke' }));
  svg.setAttribute('viewBox', `0 0 ${W} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren(...shapes);
  return max;
}

export interface Line {
  /** 0..1 values at x positions 0..1. */
  points: { x: number; y: number }[];
  color: string;
  dashed?: boolean;
}

export function lines(svg: SVGSVGElement, series: Line[], thresholds: { y: number; color: string }[], height = 60): void {
  const shapes: SVGElement[] = [];
  for (const t of thresholds) {
    const y = (height - t.y * height).toFixed(2);
    shapes.push(s('line', { x1: 0, x2: W, y1: y, y2: y, stroke: t.color, 'stroke-width': 1, 'stroke-dasharray': '4 3', 'vector-effect': 'non-scaling-stroke' }));
  }
  for (const line of series) {
    if (line.points.length === 0) continue;
    const d = line.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${(p.x * W).toFixed(2)},${(height - Math.min(1, p.y) * (height - 1) - 0.5).toFixed(2)}`).join(' ');
    shapes.push(s('path', { d, fill: 'none', stroke: line.color, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke', ...(line.dashed ? { 'stroke-dasharray': '2 2' } : {}) }));
  }
  svg.setAttribute('viewBox', `0 0 ${W} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren(...shapes);
}

/** Colored segments over [start, end]; each segment `{ from, to, color }` in the same time unit. */
export function strip(svg: SVGSVGElement, segments: { from: number; to: number; color: string }[], start: number, end: number, height = 14): void {
  const span = Math.max(1, end - start);
  const shapes = segments
    .filter((seg) => seg.to > start && seg.from < end)
    .map((seg) => {
      const x = ((Math.max(seg.from, start) - start) / span) * W;
      const w = ((Math.min(seg.to, end) - Math.max(seg.from, start)) / span) * W;
      return s('rect', { x: x.toFixed(2), y: 0, width: Math.max(0.5, w).toFixed(2), height, fill: seg.color });
    });
  svg.setAttribute('viewBox', `0 0 ${W} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren(...shapes);
}
