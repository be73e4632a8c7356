import type { Command } from '../cli-context.js';
import { CliUsageError, ExitCodes } from '../exit-codes.js';
import { intFlag, parseFlags } from '../parse-flags.js';

/**
 * `tandem enqueue <type> --payload <json> [--delay <s>] [--id <id>] [--key <idempotency key>]
 * [--priority <p>] [--concurrency-key <key>] [--rate-limit-key <key>]`.
 */
export const enqueue: Command = async (args, { client, json, out }) => {
  const { values, positionals } = parseFlags(
    'enqueue',
    args,
    {
      payload: { type: 'string' },
      delay: { type: 'string' },
      id: { type: 'string' },
      key: { type: 'string' },
      priority: { type: 'string' },
      'concurrency-key': { type: 'string' },
      'rate-limit-key': { type: 'string' },
    },
    { min: 1, max: 1 },
  );
  if (values.payload === undefined) throw new CliUsageError('tandem enqueue: --payload <json> is required');
  let payload: unknown;
  try {
    payload = JSON.parse(values.payload);
  } catch {
    throw new CliUsageError(`tandem enqueue: --payload is not valid JSON: ${values.payload.slice(0, 80)}`);
  }
  const delaySeconds = intFlag('enqueue', 'delay', values.delay, 0, 365 * 86_400);
  const priority = intFlag('enqueue', 'priority', values.priority, 0, 255);
  const receipt = await client.enqueue(positionals[0] as string, payload, {
    ...(delaySeconds !== undefined && { delaySeconds }),
    ...(priority !== undefined && { priority }),
    ...(values.id !== undefined && { id: values.id }),
    ...(values.key !== undefined && { idempotencyKey: values.key }),
    ...(values['concurrency-key'] !== undefined && { concurrencyKey: values['concurrency-key'] }),
    ...(values['rate-limit-key'] !== undefined && { rateLimitKey: values['rate-limit-key'] }),
  });
  if (json) out(JSON.stringify(receipt, null, 2));
  else {
    const duplicate = receipt.duplicate ? ' (already known: nothing new stored)' : '';
    out(`${receipt.state} ${receipt.id} via ${receipt.via}${duplicate}`);
  }
  return ExitCodes.ok;
};
