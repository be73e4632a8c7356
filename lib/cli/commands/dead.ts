import type { BulkReplayResult } from '../../client/index.js';
import type { Command } from '../cli-context.js';
import { CliUsageError, ExitCodes } from '../exit-codes.js';
import { localTime, oneLine, table } from '../format.js';
import { intFlag, parseFlags } from '../parse-flags.js';

/** `tandem dead [--limit]`: dead tasks of both paths, newest first, with why they died. */
export const dead: Command = async (args, { client, json, out }) => {
  const { values } = parseFlags('dead', args, { limit: { type: 'string' } });
  const list = await client.listDead({ limit: intFlag('dead', 'limit', values.limit, 1, 500) ?? 50 });
  if (json) {
    out(JSON.stringify(list, null, 2));
    return ExitCodes.ok;
  }
  const rows = list.tasks.map((task) => [
    task.id,
    task.type ?? '(not a task)',
    String(task.attempt),
    localTime(task.diedAt),
    task.foundIn.join('+'),
    oneLine(task.lastError, 60),
  ]);
  out(
    rows.length === 0
      ? 'No dead tasks.'
      : table(['ID', 'TYPE', 'ATTEMPTS', 'DIED', 'IN', 'LAST ERROR'], rows),
  );
  if (!list.redisReachable) out('Redis is unreachable: these are the SQS dead letters only.');
  return ExitCodes.ok;
};

/**
 * `tandem replay <id>`, or `tandem replay --all [--type --error --from --to --per-second --limit] [--dry-run]`:
 * one dead task, or all that match (up to 10 000), paced; `--dry-run` says what would be replayed.
 */
export const replay: Command = async (args, { client, json, out }) => {
  const { values, positionals } = parseFlags(
    'replay',
    args,
    {
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      type: { type: 'string' },
      error: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'per-second': { type: 'string' },
      limit: { type: 'string' },
    },
    { min: 0, max: 1 },
  );
  const [id] = positionals;
  if ((id === undefined) === (values.all !== true)) {
    throw new CliUsageError('tandem replay: give one task id, or --all (with optional filters)');
  }
  if (id !== undefined) {
    const result = await client.replay(id);
    out(json ? JSON.stringify(result, null, 2) : `replayed ${result.replayed.join(', ')}`);
    return ExitCodes.ok;
  }
  const result = await client.replayAll({
    ...(values.type !== undefined && { type: values.type }),
    ...(values.error !== undefined && { error: values.error }),
    ...(values.from !== undefined && { from: values.from }),
    ...(values.to !== undefined && { to: values.to }),
    limit: intFlag('replay', 'limit', values.limit, 1, 10_000) ?? 10_000,
    perSecond: intFlag('replay', 'per-second', values['per-second'], 1, 1_000) ?? 10,
    dryRun: values['dry-run'] === true,
  });
  out(json ? JSON.stringify(result, null, 2) : replayText(result).join('\n'));
  return ExitCodes.ok;
};

function replayText(result: BulkReplayResult): string[] {
  const head = result.dryRun
    ? `Would replay ${result.count} dead task(s), ${result.perSecond} per second (dry run: nothing replayed).`
    : `Replayed ${result.replayed.length} dead task(s), ${result.perSecond} per second${result.lastStartAt ? `; the last starts at ${localTime(result.lastStartAt)}` : ''}.`;
  const lines = [head];
  if (!result.redisReachable) lines.push('Redis is unreachable: only SQS dead letters were counted.');
  if (result.count === 0) return lines;
  lines.push(
    '',
    table(
      ['TYPE', 'TASKS'],
      Object.entries(result.byType).map(([type, count]) => [type, String(count)]),
    ),
  );
  lines.push(
    '',
    table(
      ['LAST ERROR', 'TASKS'],
      result.byError.slice(0, 10).map((entry) => [oneLine(entry.error, 70), String(entry.count)]),
    ),
  );
  return lines;
}
