import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Builds a check for `Authorization: Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the guess.
 *
 * @example
 * const isAuthorized = checkBearerToken('secret');
 * isAuthorized('Bearer secret'); // true
 */
export function checkBearerToken(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const given = match?.[1];
    // Compare even when nothing was given, so a missing header costs the same as a wrong one.
    const same = timingSafeEqual(digest(given ?? ''), expected);
    return given !== undefined && same;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
