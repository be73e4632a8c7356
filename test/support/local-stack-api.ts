import type { LocalStack } from '../../local/index.js';

/** One call of a local stack's HTTP API with its token; the body is parsed when there is one. */
export async function localStackApi(
  stack: Pick<LocalStack, 'url' | 'token'>,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked by the assertions that read them
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
