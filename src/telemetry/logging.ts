/**
 * Structured JSON logs (pino) on stderr, so stdout stays free for results in the embedded mode.
 * Secrets are redacted by path; values that may carry credentials (URLs) are masked before logging,
 * and as a last guard any URL anywhere in a log line loses its credentials (src/url-credentials.ts).
 */
import { pino, type Logger } from 'pino';
import { maskUrlsInText } from '../url-credentials.js';

export type { Logger };

/** Field paths that may hold a secret anywhere in a log object. */
const REDACT_PATHS = [
  'password',
  'apiKey',
  'username',
  'sasl',
  'auth',
  'authorization',
  '*.password',
  '*.apiKey',
  '*.username',
  '*.sasl',
  '*.auth',
  '*.authorization',
  '*.headers.authorization',
];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'sluice' },
      redact: { paths: REDACT_PATHS, censor: '****' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The whole line, as written: messages, fields at any depth, errors and their stacks.
      hooks: { streamWrite: maskUrlsInText },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that writes nothing: for unit tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
