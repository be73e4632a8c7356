import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EnqueueUnavailableError } from 'tandem';
import { tandem } from './tandem.js';
import { sendWelcome, WelcomePayloadSchema } from './tasks.js';

/**
 * `POST /signup` with `{ "userId": "…" }`: enqueues the welcome and answers 202 `{ taskId }` as soon as
 * Redis or SQS holds it. Bad input is a 400 and enqueues nothing; this handler answers, it never throws.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = WelcomePayloadSchema.safeParse(parseJson(event));
  if (!body.success)
    return json(400, { error: 'expected a JSON body { "userId": "<1 to 64 letters, digits, - or _>" }' });
  const { userId } = body.data;
  try {
    // One task id per user: a retried signup finds the task it enqueued before instead of adding one.
    const receipt = await tandem.enqueue(sendWelcome, { userId }, { id: `welcome-${userId}` });
    return json(202, { taskId: receipt.id });
  } catch (error) {
    if (error instanceof EnqueueUnavailableError) {
      // Neither queue took it: the client may retry, and the task id keeps it to one welcome.
      return json(503, { error: 'try again shortly' }, { 'retry-after': String(error.retryAfterSeconds) });
    }
    console.error('signup: enqueue failed', error);
    return json(500, { error: 'internal error' });
  }
}

function parseJson(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
