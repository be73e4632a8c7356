/**
 * Child-process entry: the REST bridge in a process of its own, as Upstash is a server of its own.
 * Speaks to its parent over IPC only: `{ type: 'stats' | 'reset' | 'cpu' | 'close' }` in, one answer out each.
 */
import { randomBytes } from 'node:crypto';
import { startRestBridge } from '../../local/rest-bridge/index.js';

const redisUrl = process.argv[2];
if (!redisUrl || !process.send)
  throw new Error('usage: fork bridge-child.ts <redis-url> with an IPC channel');
const send = process.send.bind(process);

const bridge = await startRestBridge({ redisUrl, token: `bench-${randomBytes(12).toString('hex')}` });
send({ type: 'ready', url: bridge.url, token: bridge.token });

process.on('message', (message: { type: string; id: number }) => {
  if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: { ...bridge.stats } });
  else if (message.type === 'cpu') send({ type: 'cpu', id: message.id, cpu: process.cpuUsage() });
  else if (message.type === 'reset') {
    bridge.resetStats();
    send({ type: 'reset', id: message.id });
  } else if (message.type === 'close') {
    void bridge.close().then(() => process.exit(0));
  }
});
// The parent went away without saying goodbye: do not outlive it.
process.on('disconnect', () => process.exit(0));
