// Small SVG charts drawn from numbers: a line chart of depths over time, and a time axis with bands (the
// timeline). No library: a few lines of geometry each.
import { svg } from './dom.js';
import { clock } from './format.js';

const WIDTH = 720;
const PAD = { left: 48, right: 12, top: 12, bottom: 24 };

/** x of a time on an axis from `from` to `to`. */
function scaleX(from, to) {
  const span = Math.max(1, to - from);
  return (t) => PAD.left + ((t - from) / span) * (WIDTH - PAD.left - PAD.right);
}

function timeTicks(from, to, height, x) {
  const ticks = [];
  for (let i = 0; i <= 4; i += 1) {
    const t = from + ((to - from) * i) / 4;
    ticks.push(
      svg('line', { x1: x(t), x2: x(t), y1: PAD.top, y2: height - PAD.bottom, className: 'grid' }),
      svg(
        'text',
        {
          x: x(t),
          y: height - 6,
          'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle',
          className: 'tick',
        },
        clock(t),
      ),
    );
  }
  return ticks;
}

/**
 * A line chart: one polyline per series of `[time, value]` points, over `from`…`to`.
 * @param {{ title: string, from: number, to: number, series: { name: string, points: [number, number][] }[], format?: (v: number) => string }} chart
 */
export function lineChart({ title, from, to, series, format = String }) {
  const height = 180;
  const x = scaleX(from, to);
  const max = Math.max(1, ...series.flatMap((line) => line.points.map(([, value]) => value)));
  const y = (value) => height - PAD.bottom - (value / max) * (height - PAD.top - PAD.bottom);
  const lines = series.map((line, index) =>
    svg('polyline', {
      className: `series series-${index}`,
      points: line.points.map(([t, value]) => `${x(t).toFixed(1)},${y(value).toFixed(1)}`).join(' '),
      dataset: { series: line.name },
    }),
  );
  const legend = series.map((line, index) =>
    svg(
      'text',
      { x: PAD.left + 8 + index * 150, y: PAD.top + 12, className: `legend series-${index}` },
      line.name,
    ),
  );
  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${height}`, className: 'chart', role: 'img', 'aria-label': title },
    svg('title', {}, title),
    ...timeTicks(from, to, height, x),
    svg('text', { x: PAD.left - 6, y: PAD.top + 10, 'text-anchor': 'end', className: 'tick' }, format(max)),
    svg(
      'text',
      { x: PAD.left - 6, y: height - PAD.bottom, 'text-anchor': 'end', className: 'tick' },
      format(0),
    ),
    ...lines,
    ...legend,
  );
}

/**
 * A time axis with bands (breaker open, outages) on their own rows and events as marks below them.
 * @param {{ from: number, to: number, bands: { from: number, to: number, kind: string, label: string }[], marks: { at: number, kind: string, label: string }[] }} timeline
 */
export function bandChart({ from, to, bands, marks }) {
  const rows = ['outage', 'breaker'];
  const rowHeight = 26;
  const height = PAD.top + rows.length * rowHeight + 30 + PAD.bottom;
  const x = scaleX(from, to);
  const clamp = (t) => Math.min(Math.max(t, from), to);
  const labels = rows.map((row, index) =>
    svg(
      'text',
      { x: PAD.left - 6, y: PAD.top + index * rowHeight + 17, 'text-anchor': 'end', className: 'tick' },
      row,
    ),
  );
  const drawn = bands.map((band) => {
    const left = x(clamp(band.from));
    const width = Math.max(3, x(clamp(band.to)) - left);
    const row = Math.max(0, rows.indexOf(band.kind));
    return svg(
      'rect',
      {
        x: left,
        y: PAD.top + row * rowHeight + 3,
        width,
        height: rowHeight - 6,
        className: `band band-${band.kind}`,
        dataset: { band: band.kind },
      },
      svg('title', {}, band.label),
    );
  });
  const markY = PAD.top + rows.length * rowHeight + 14;
  const dots = marks.map((mark) =>
    svg(
      'circle',
      {
        cx: x(clamp(mark.at)),
        cy: markY,
        r: 5,
        className: `mark mark-${mark.kind}`,
        dataset: { mark: mark.kind },
      },
      svg('title', {}, mark.label),
    ),
  );
  return svg(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      className: 'chart timeline',
      role: 'img',
      'aria-label': 'operations timeline',
    },
    ...timeTicks(from, to, height, x),
    ...labels,
    ...drawn,
    ...dots,
  );
}
