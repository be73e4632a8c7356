import { type Job, Queue, Worker } from 'bullmq';
import type { CostWorkload } from './tandem-workload.js';

/**
 * The same workload on BullMQ against the same Redis (TCP): the one-by-one share with `add`, the rest with
 * `addBulk`, one Worker at concurrency 10, the same tasks failing once (3 attempts, 20 ms fixed backoff).
 * Resolves when every job has completed; the Worker is left running for the idle measurement.
 */
export async function runBullmqWorkload(
  redisUrl: string,
  queueName: string,
  workload: CostWorkload,
): Promise<{ worker: Worker; queue: Queue; close(): Promise<void> }> {
  const { hostname, port } = new URL(redisUrl);
  const connection = { host: hostname, port: Number(port) };
  const queue = new Queue(queueName, { connection });
  const every = Math.max(1, Math.round(1 / workload.failOnceShare));
  let completed = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const worker = new Worker(
    queueName,
    async (job: Job<{ n: number; failOnce: boolean }>) => {
      if (job.data.failOnce && job.attemptsMade === 0) throw new Error('first attempt fails');
      return null;
    },
    { connection: { ...connection, maxRetriesPerRequest: null }, concurrency: 10 },
  );
  worker.on('completed', () => {
    completed += 1;
    if (completed === workload.tasks) resolveDone();
  });
  const options = { attempts: 3, backoff: { type: 'fixed', delay: 20 } };
  const data = (n: number) => ({ n, failOnce: n % every === 0 });
  const batched = Math.round(workload.tasks * workload.batchedShare);
  const single = workload.tasks - batched;
  let n = 0;
  for (; n < Math.floor(single / 2); n += 1) await queue.add('cost', data(n), options);
  for (let start = 0; start < batched; start += workload.batchSize) {
    const size = Math.min(workload.batchSize, batched - start);
    await queue.addBulk(
      Array.from({ length: size }, (_, k) => ({ name: 'cost', data: data(n + k), opts: options })),
    );
    n += size;
  }
  for (; n < workload.tasks; n += 1) await queue.add('cost', data(n), options);
  const timeout = setTimeout(() => resolveDone(), 120_000);
  await done;
  clearTimeout(timeout);
  if (completed < workload.tasks)
    throw new Error(`bullmq workload: ${completed}/${workload.tasks} completed`);
  return {
    worker,
    queue,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
