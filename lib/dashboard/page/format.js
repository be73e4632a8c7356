// How times, ages and values read on the page.

const pad = (n) => String(n).padStart(2, '0');

/** `03:12:05`, local time. */
export function clock(value) {
  if (value === undefined || value === null) return '—';
  const date = new Date(value);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `2024-12-01 03:12:05`, local time. */
export function dateTime(value) {
  if (value === undefined || value === null) return '—';
  const date = new Date(value);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock(date)}`;
}

/** An age or a duration: `850 ms`, `12.5 s`, `4 min`, `3 h`. */
export function age(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Any JSON value, indented; text stays text. */
export function pretty(value) {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** The first `max` characters of a text, with an ellipsis when cut. */
export function cut(text, max = 80) {
  const value = String(text ?? '');
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
