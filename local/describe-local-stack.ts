import type { LocalStackInfo } from './start-local-stack.js';

/**
 * The start-up summary: where each part runs, the token to call the API with, and, plainly, whether Redis
 * answered. Secrets the developer set are never echoed; a generated token is, since nobody else knows it.
 */
export function describeLocalStack(info: LocalStackInfo): string[] {
  const { redis, sqs } = info;
  const lines = [
    '',
    'Tandem local stack is running.',
    `  API          ${info.url}`,
    info.generated.token
      ? `  API token    ${info.token}   (generated for this run; set TANDEM_API_TOKENS to keep one)`
      : '  API token    from TANDEM_API_TOKENS',
    `  try          curl -H "Authorization: Bearer ${info.generated.token ? info.token : '<token>'}" ${info.url}/health`,
    `  dashboard    ${info.url}/dashboard   (paste the API token when it asks)`,
    `  CLI          TANDEM_URL=${info.url} TANDEM_TOKEN=${info.generated.token ? info.token : '<token>'} npx tandem status`,
  ];
  const redisWhere =
    redis.via === 'bridge'
      ? `${redis.url} through the REST bridge at ${redis.restUrl}`
      : `${redis.url} (Upstash REST)`;
  lines.push(
    redis.reachable
      ? `  Redis        ${redisWhere}: reachable (${redis.latencyMs ?? 0} ms)`
      : `  Redis        ${redisWhere}: NOT REACHABLE (${redis.error ?? 'no answer'})`,
  );
  lines.push(
    `  SQS          ${sqs.endpoint}${sqs.embedded ? ' (embedded emulator, in memory: its messages end with this process)' : ''}`,
    `    tasks        ${sqs.queues.taskQueueUrl}`,
    `    dead-letter  ${sqs.queues.deadLetterQueueUrl}`,
    `    journal      ${sqs.queues.journalQueueUrl}`,
    `  reconciler   every ${info.reconcileEveryMs} ms`,
  );
  if (info.generated.signingSecret) {
    lines.push(
      '  note         TANDEM_SIGNING_SECRET is not set: generated one for this run, so webhook signatures',
      '               change at every start. Set it to keep receivers verifying.',
    );
  }
  if (!redis.reachable) {
    lines.push(
      '',
      '  Redis cannot be reached. Tandem serves on the fallback path: tasks are stored in SQS and run',
      '  from there. When Redis answers again, new tasks go to Redis within seconds, and the reconciler',
      '  writes the outcomes of tasks run meanwhile back into the status view.',
    );
  }
  lines.push('', 'Ctrl-C stops it: running tasks finish first.', '');
  return lines;
}
