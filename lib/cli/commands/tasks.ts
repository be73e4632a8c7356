import type { TaskStatus } from '../../client/index.js';
import type { TaskState } from '../../tasks/task-envelope.js';
import type { Command } from '../cli-context.js';
import { CliUsageError, ExitCodes } from '../exit-codes.js';
import { localTime, oneLine, table } from '../format.js';
import { intFlag, parseFlags } from '../parse-flags.js';

const STATES = ['queued', 'scheduled', 'running', 'succeeded', 'failed', 'dead', 'cancelled'];

/** `tandem tasks [--state] [--type] [--limit] [--search] [--cursor]`: a page of tasks, newest first. */
export const tasks: Command = async (args, { client, json, out }) => {
  const { values } = parseFlags('tasks', args, {
    state: { type: 'string' },
    type: { type: 'string' },
    limit: { type: 'string' },
    search: { type: 'string' },
    cursor: { type: 'string' },
  });
  if (values.state !== undefined && !STATES.includes(values.state)) {
    throw new CliUsageError(`tandem tasks: --state must be one of ${STATES.join(', ')}`);
  }
  const page = await client.listTasks({
    ...(values.state !== undefined && { state: values.state as TaskState }),
    ...(values.type !== undefined && { type: values.type }),
    ...(values.search !== undefined && { text: values.search }),
    ...(values.cursor !== undefined && { cursor: values.cursor }),
    limit: intFlag('tasks', 'limit', values.limit, 1, 100) ?? 20,
  });
  if (json) {
    out(JSON.stringify(page, null, 2));
    return ExitCodes.ok;
  }
  const rows = page.tasks.map((task) => [
    task.id,
    task.type,
    task.state,
    task.via,
    `${task.attempt}/${task.maxAttempts}`,
    localTime(task.createdAt),
    oneLine(task.lastError, 50),
  ]);
  out(
    rows.length === 0
      ? 'No tasks match.'
      : table(['ID', 'TYPE', 'STATE', 'VIA', 'ATTEMPTS', 'CREATED', 'LAST ERROR'], rows),
  );
  if (page.cursor)
    out(`More: tandem tasks --cursor ${page.cursor}${values.state ? ` --state ${values.state}` : ''}`);
  return ExitCodes.ok;
};

/** `tandem show <id>`: one task by id (or by idempotency key), everything it records. Exit 6 when unknown. */
export const show: Command = async (args, { client, json, out }) => {
  const { positionals } = parseFlags('show', args, {}, { min: 1, max: 1 });
  const key = positionals[0] as string;
  const task = (await client.getTask(key)) ?? (await client.findByIdempotencyKey(key));
  if (task === null) {
    out(json ? 'null' : `No task with id or idempotency key ${JSON.stringify(key)}.`);
    return ExitCodes.notFound;
  }
  out(json ? JSON.stringify(task, null, 2) : taskText(task).join('\n'));
  return ExitCodes.ok;
};

function taskText(task: TaskStatus): string[] {
  const lines = [
    `ID          ${task.id}`,
    `Type        ${task.type}`,
    `State       ${task.state}`,
    `Path        ${task.via}`,
    `Attempts    ${task.attempt} of ${task.maxAttempts}`,
    `Created     ${localTime(task.createdAt)}`,
    `Due         ${localTime(task.runAt)}`,
    `Updated     ${localTime(task.updatedAt)}`,
  ];
  if (task.idempotencyKey !== undefined) lines.push(`Key         ${task.idempotencyKey}`);
  if (task.lastError !== undefined) lines.push(`Last error  ${task.lastError}`);
  if (task.payload !== undefined) lines.push(`Payload     ${JSON.stringify(task.payload)}`);
  if (task.result !== undefined) lines.push(`Result      ${JSON.stringify(task.result)}`);
  return lines;
}
