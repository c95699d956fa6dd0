/**
 * The optional bearer token of the live-query API (SLUICE_QUERY_TOKEN). Compared in constant time:
 * SHA-256 digests of the expected and the presented token (equal lengths whatever was sent) through
 * crypto.timingSafeEqual. The token itself is never logged, returned or put in an error.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether an Authorization header carries the token; always true when no token is configured. */
export function tokenCheck(token: string | undefined): (authorization: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (authorization) => {
    const presented = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    // A digest is computed even for a missing token, so every rejection costs the same.
    const actual = digest(presented ?? '');
    return timingSafeEqual(expected, actual) && presented !== undefined;
  };
}
