/** A goal for one reported figure; a missed goal is reported, never fatal. */
export interface Goal {
  metric: string;
  value: number;
  goal: string;
  met: boolean;
}

export const atMost = (metric: string, value: number, limit: number): Goal => ({
  metric,
  value,
  goal: `≤ ${limit}`,
  met: value <= limit,
});

export const atLeast = (metric: string, value: number, limit: number): Goal => ({
  metric,
  value,
  goal: `≥ ${limit}`,
  met: value >= limit,
});

/** A plain-text table, aligned, Markdown-compatible so it can be pasted into BENCHMARKS.md as is. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = cells;
  return [
    line(head ?? []),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}
