/**
 * Cursors of a window's key pages: opaque to clients (base64url of a small JSON record), holding the
 * window and the last key of the page; the next page is the keys after it in string order. Stateless:
 * nothing is kept on the server between pages, so a page reflects the state when it is asked for
 * (keys added meanwhile after the cursor appear, keys before it do not).
 */
import { ErrorCode, SluiceError } from '../errors.js';

const VERSION = 1;
/** A cursor holds one key; keys are at most this long (URL-decoded path segment limit). */
export const MAX_CURSOR_CHARS = 4096;

/** `aggregation`: a job with several aggregations, the one paged (a cursor of another is refused). */
export function encodeCursor(windowStart: number, lastKey: string, aggregation?: string): string {
  const record =
    aggregation === undefined ? { v: VERSION, w: windowStart, k: lastKey } : { v: VERSION, w: windowStart, k: lastKey, a: aggregation };
  return Buffer.from(JSON.stringify(record), 'utf8').toString('base64url');
}

/** The key a page starts after; QUERY_BAD_REQUEST for a cursor that is not one of ours, of another window or of another aggregation. */
export function decodeCursor(cursor: string, windowStart: number, aggregation?: string): string {
  const bad = (why: string) =>
    new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `cursor: ${why}; pass the nextCursor of the previous page unchanged`, {
      details: { param: 'cursor' },
    });
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not a cursor this API made');
  let record: unknown;
  try {
    record = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor this API made');
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw bad('not a cursor this API made');
  const { v, w, k, a } = record as { v?: unknown; w?: unknown; k?: unknown; a?: unknown };
  if (v !== VERSION || typeof k !== 'string' || typeof w !== 'number' || (a !== undefined && typeof a !== 'string'))
    throw bad('not a cursor this API made');
  if (w !== windowStart) throw bad(`it belongs to window ${w}, not ${windowStart}`);
  if (a !== aggregation)
    throw bad(
      a === undefined ? `it names no aggregation, not ${aggregation}` : `it belongs to aggregation ${a}, not ${aggregation ?? '(none)'}`,
    );
  return k;
}
