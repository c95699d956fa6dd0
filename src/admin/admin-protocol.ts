/**
 * The local admin protocol (Unix socket, see admin-server.ts): one request per connection, one
 * JSON line each way.
 *
 *   -> {"v":1,"command":"ping"}                                  <- {"ok":true,"pid":123}
 *   -> {"v":1,"command":"savepoint","dir":"/abs/parent"}         <- {"ok":true,"savepoint":"/abs/parent/savepoint-7-..."}
 *   -> {"v":1,"command":"stop","savepoint":true,"dir":"/abs"}    <- {"ok":true,"stopped":true,"savepoint":"..."}
 *   any failure                                                  <- {"ok":false,"code":"SAVEPOINT_FAILED","message":"..."}
 *
 * `dir` (optional) is the directory the savepoint is created in, absolute: the client resolves it
 * against its own working directory, which is not the daemon's.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { ErrorCode, SluiceError } from '../errors.js';

export const ADMIN_PROTOCOL_VERSION = 1;
/** A request or response longer than this is refused: nothing here is ever that long. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const dir = z.string().min(1).max(4096).refine(isAbsolute, { message: 'an absolute path' });
const requestSchema = z.discriminatedUnion('command', [
  z.object({ v: z.literal(ADMIN_PROTOCOL_VERSION), command: z.literal('ping') }).strict(),
  z.object({ v: z.literal(ADMIN_PROTOCOL_VERSION), command: z.literal('savepoint'), dir: dir.optional() }).strict(),
  z.object({ v: z.literal(ADMIN_PROTOCOL_VERSION), command: z.literal('stop'), savepoint: z.boolean(), dir: dir.optional() }).strict(),
]);
export type AdminRequest = z.infer<typeof requestSchema>;

const responseSchema = z.union([
  z.object({ ok: z.literal(true), pid: z.number().int().optional(), savepoint: z.string().optional(), stopped: z.boolean().optional() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);
export type AdminResponse = z.infer<typeof responseSchema>;

export function encodeMessage(message: AdminRequest | AdminResponse): string {
  return `${JSON.stringify(message)}\n`;
}

/** A request line as received by the daemon; USAGE with what is wrong otherwise. */
export function parseRequest(line: string): AdminRequest {
  if (Buffer.byteLength(line) > MAX_MESSAGE_BYTES) throw new SluiceError(ErrorCode.USAGE, `admin request over ${MAX_MESSAGE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new SluiceError(ErrorCode.USAGE, 'admin request is not valid JSON');
  }
  if (raw !== null && typeof raw === 'object' && (raw as { v?: unknown }).v !== ADMIN_PROTOCOL_VERSION) {
    throw new SluiceError(
      ErrorCode.USAGE,
      `admin protocol version ${JSON.stringify((raw as { v?: unknown }).v)} is not spoken here (this daemon speaks ${ADMIN_PROTOCOL_VERSION}); use the sluice of the running daemon`,
    );
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SluiceError(
      ErrorCode.USAGE,
      `admin request refused: ${issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'malformed'} (commands: ping, savepoint, stop)`,
    );
  }
  return parsed.data;
}

/** A response line as received by the client; ADMIN_ENDPOINT_FAILED if it is not one. */
export function parseResponse(line: string): AdminResponse {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, 'the daemon answered something that is not JSON');
  }
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success)
    throw new SluiceError(ErrorCode.ADMIN_ENDPOINT_FAILED, 'the daemon answered something that is not an admin response');
  return parsed.data;
}

/** The failure response for anything thrown while handling a request. */
export function errorResponse(err: unknown): AdminResponse {
  const code = err instanceof SluiceError ? err.code : ErrorCode.INTERNAL;
  return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
}
