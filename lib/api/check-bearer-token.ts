import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Builds a check for `Authorization: Bearer <token>` against any of `tokens`. Both sides are hashed to
 * the same length first, and every token is compared every time, so the time taken says nothing about
 * how close a guess was (only how many tokens are configured).
 *
 * @example
 * const isAuthorized = createBearerTokenCheck(config.api.tokens);
 * isAuthorized(request.headers.get('authorization') ?? undefined);
 */
export function createBearerTokenCheck(
  tokens: readonly string[],
): (authorization: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (authorization) => {
    const given = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    // A missing header is hashed and compared too, so it costs the same as a wrong token.
    const candidate = digest(given ?? '');
    let matches = 0;
    for (const token of expected) matches |= Number(timingSafeEqual(candidate, token));
    return given !== undefined && matches === 1;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
