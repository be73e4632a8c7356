import type { Verdict } from './fault-world.js';

/**
 * With FAULT_REPORT=1, one line per fault with what the caller saw and what ran: the raw material of the
 * fault matrix in docs/reliability.md. Silent otherwise, so CI output stays short.
 */
export function printObservation(name: string, result: Verdict, extra: Record<string, number | string> = {}) {
  if (!process.env.FAULT_REPORT) return;
  const fields = {
    receipts: result.receipts,
    redis: result.viaRedis,
    sqs: result.viaSqs,
    refused: result.unavailable,
    errors: result.errors.length,
    lost: result.lost.length,
    duplicated: result.duplicated.length,
    phantom: result.phantom.length,
    slowestMs: Math.round(result.slowestMs),
    ...extra,
  };
  const text = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? Math.round(value) : value}`)
    .join(' ');
  process.stdout.write(`fault: ${name}: ${text}\n`);
}
