/**
 * Hand-written SVG line charts for the benches (no dependency): a grid of panels, each with a
 * y axis from 0, an x axis (linear or log10) and one line per series, with optional min-max
 * whiskers per point. `chartSvg` returns a complete SVG document.
 */

export interface Point {
  x: number;
  y: number;
  /** Whisker from `low` to `high` (e.g. the min-max over rounds). */
  low?: number;
  high?: number;
}

export interface Series {
  name: string;
  color: string;
  points: Point[];
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  xTicks: number[];
  logX?: boolean;
  series: Series[];
}

const PANEL_WIDTH = 320;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 58, right: 14, top: 28, bottom: 42 };
const HEADER = 56;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for about `count` intervals up to `max`: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
}

function formatTick(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toFixed(2))}k`;
  return String(Math.round(value * 100) / 100);
}

function panelSvg(panel: Panel, originX: number, originY: number): string {
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const left = originX + MARGIN.left;
  const top = originY + MARGIN.top;
  const values = panel.series.flatMap((series) => series.points.flatMap((point) => [point.y, point.high ?? point.y])).filter(Number.isFinite);
  const dataMax = values.length > 0 ? Math.max(...values) : 1;
  const step = niceStep(dataMax > 0 ? dataMax : 1, 4);
  const yMax = Math.max(step, Math.ceil((dataMax * 1.05) / step) * step);
  const xs = panel.xTicks;
  const scaleX = panel.logX ? (x: number) => Math.log10(x) : (x: number) => x;
  const [xMin, xMax] = [scaleX(Math.min(...xs)), scaleX(Math.max(...xs))];
  const pad = (xMax - xMin) * 0.06 || 1;
  const px = (x: number) => left + ((scaleX(x) - xMin + pad) / (xMax - xMin + 2 * pad)) * width;
  const py = (y: number) => top + height - (y / yMax) * height;

  const out: string[] = [];
  out.push(`<text x="${originX + PANEL_WIDTH / 2}" y="${originY + 16}" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(panel.title)}</text>`);
  for (let y = 0; y <= yMax + step / 2; y += step) {
    out.push(`<line x1="${left}" x2="${left + width}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${formatTick(y)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${top + height}" y2="${top + height + 4}" stroke="#555"/>`);
    out.push(`<text x="${px(x).toFixed(1)}" y="${top + height + 16}" text-anchor="middle" font-size="11" fill="#555">${formatTick(x)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  out.push(`<text x="${left + width / 2}" y="${top + height + 32}" text-anchor="middle" font-size="11" fill="#333">${escapeXml(panel.xLabel)}</text>`);
  out.push(
    `<text transform="translate(${originX + 14} ${top + height / 2}) rotate(-90)" text-anchor="middle" font-size="11" fill="#333">${escapeXml(panel.yLabel)}</text>`,
  );
  for (const series of panel.series) {
    const points = series.points.filter((point) => Number.isFinite(point.y));
    if (points.length === 0) continue;
    const path = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const point of points) {
      if (point.low !== undefined && point.high !== undefined && Number.isFinite(point.low) && Number.isFinite(point.high)) {
        const x = px(point.x).toFixed(1);
        out.push(`<line x1="${x}" x2="${x}" y1="${py(point.low).toFixed(1)}" y2="${py(point.high).toFixed(1)}" stroke="${series.color}" stroke-width="1"/>`);
        for (const y of [point.low, point.high]) out.push(`<line x1="${px(point.x) - 4}" x2="${px(point.x) + 4}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="${series.color}"/>`);
      }
      out.push(`<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="3" fill="${series.color}"><title>${escapeXml(`${series.name}: ${panel.xLabel} ${point.x} → ${formatTick(point.y)}`)}</title></circle>`);
    }
  }
  return out.join('\n');
}

/** A grid of `panels`, `columns` per row, under `title` and a legend of the first panel's series; `note` under the title. */
export function chartSvg(title: string, panels: Panel[], columns: number, note?: string): string {
  const rows = Math.ceil(panels.length / columns);
  const width = PANEL_WIDTH * columns;
  const height = HEADER + PANEL_HEIGHT * rows;
  const legend = (panels[0]?.series ?? []).map((series, index) => {
    const x = 12 + index * 230;
    return (
      `<line x1="${x}" x2="${x + 22}" y1="46" y2="46" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
      `<text x="${x + 28}" y="50" font-size="12">${escapeXml(series.name)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="700">${escapeXml(title)}</text>`,
    ...(note ? [`<text x="12" y="34" font-size="11" fill="#555">${escapeXml(note)}</text>`] : []),
    ...legend,
    ...panels.map((panel, index) => panelSvg(panel, (index % columns) * PANEL_WIDTH, HEADER + Math.floor(index / columns) * PANEL_HEIGHT)),
    '</svg>',
    '',
  ].join('\n');
}
