import { describe, expect, it } from 'vitest';
import { createBearerTokenCheck } from '../../../lib/api/check-bearer-token.js';

const first = 'first-token-0123456789';
const second = 'second-token-0123456789';

describe('createBearerTokenCheck', () => {
  const isAuthorized = createBearerTokenCheck([first, second]);

  it('accepts any configured token, with the scheme in any case', () => {
    expect(isAuthorized(`Bearer ${first}`)).toBe(true);
    expect(isAuthorized(`Bearer ${second}`)).toBe(true);
    expect(isAuthorized(`bearer ${first}`)).toBe(true);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a wrong token', 'Bearer wrong-token-0123456789'],
    ['a prefix of a token', `Bearer ${first.slice(0, -1)}`],
    ['a token with a suffix', `Bearer ${first}x`],
    ['two tokens glued together', `Bearer ${first}${second}`],
    ['another scheme', `Basic ${first}`],
    ['no scheme', first],
    ['the scheme alone', 'Bearer '],
    ['a token followed by more words', `Bearer ${first} ${second}`],
  ])('refuses %s', (_label, header) => {
    expect(isAuthorized(header)).toBe(false);
  });

  it('refuses everything when no token is configured, even an empty bearer', () => {
    const none = createBearerTokenCheck([]);
    expect(none(`Bearer ${first}`)).toBe(false);
    expect(none('Bearer ')).toBe(false);
    expect(none(undefined)).toBe(false);
  });
});
