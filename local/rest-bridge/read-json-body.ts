import type { IncomingMessage } from 'node:http';
import { BridgeHttpError } from './bridge-errors.js';

/**
 * Reads and parses a JSON request body, refusing it (413) once it grows past `limitBytes`, so one
 * runaway request cannot exhaust the process's memory.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const tooLarge = () => new BridgeHttpError(413, `ERR request body is larger than ${limitBytes} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BridgeHttpError(400, `ERR request body is not valid JSON: ${(error as Error).message}`);
  }
}
