/**
 * What one record costs the parser, old (`JSON.parse` of the whole value + the duplicate-key scan,
 * kept in test/helpers/json-parse-click.ts) against new (`parseClick`, the single-pass field
 * scanner of src/streams/json-fields.ts), on the main thread, no Kafka:
 *
 *   - hostile values of just under 1 MiB (the default SLUICE_MAX_RECORD_BYTES), several shapes:
 *     ms per value;
 *   - normal ~200-byte clicks (the bench workload's shape, distinct values): records per second.
 *
 * Every run checks that old and new give the same code for each value. Medians of --runs runs;
 * old and new alternate which goes first.
 *
 * usage: node dist/bench/parse-hostile.js [--runs 7] [--clicks 200000] [--size 1048000]
 */
import { parseClickWithJsonParse } from '../test/helpers/json-parse-click.js';
import { parseClick, type ParseResult } from '../src/streams/operators/records.js';

type Parser = (value: Buffer, nowMs: number) => ParseResult;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} wants a positive number`);
  return v;
}

const RUNS = flag('runs', 7);
const CLICKS = flag('clicks', 200_000);
const SIZE = flag('size', 1_048_000);
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const TS = NOW - 60_000;
const HEAD = `{"userId":"u1","eventType":"click","timestamp":${TS},"x":`;

/** `unit` repeated to fill a value of about SIZE bytes between `open` and `close`. */
function fill(open: string, unit: string, close: string): Buffer {
  const n = Math.floor((SIZE - Buffer.byteLength(open + close)) / Buffer.byteLength(unit));
  return Buffer.from(open + unit.repeat(n) + close);
}

/** `open` n times, `middle`, `close` n times, inside `prefix` ... `suffix`: about SIZE bytes. */
function nested(open: string, close: string, middle = '', prefix = '', suffix = ''): Buffer {
  const n = Math.floor((SIZE - prefix.length - middle.length - suffix.length) / (open.length + close.length));
  return Buffer.from(prefix + open.repeat(n) + middle + close.repeat(n) + suffix);
}

const HOSTILE: Array<[string, Buffer]> = [
  ['deep arrays [[[...]]]', nested('[', ']')],
  ['deep arrays in a valid record', nested('[', ']', '', HEAD, '}')],
  ['deep objects {"a":{"a":...}}', nested('{"a":', '}', '0')],
  ['wide [[],[],...]', fill('[', '[],', '[]]')],
  ['wide objects [{},{},...] in a record', fill(`${HEAD}[`, '{},', '{}]}')],
  ['many keys {"k":0,...}', fill('{', '"k":0,', '"userId":"u1","eventType":"click","timestamp":' + TS + '}')],
  ['many numbers [1.5e3,...]', fill(`${HEAD}[`, '-1.5e3,', '0]}')],
  ['long string', fill(`${HEAD}"`, 'x', '"}')],
  ['long string of escapes', fill(`${HEAD}"`, '\\u00e9\\n', '"}')],
  ['long string, 2-byte UTF-8', fill(`${HEAD}"`, 'é', '"}')],
  ['truncated deep arrays (malformed)', Buffer.from('['.repeat(SIZE))],
];

const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'remove_from_cart', 'search'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'IN', 'BR', 'JP', 'NL'];

/** bench/workload.ts's click shape (~190 bytes), 1 in 100 of them bad in one of three ways. */
function clicks(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const u = (i * 7919) % 100_000;
    const ts = TS - (i % 50_000);
    const eventType = EVENT_TYPES[i % EVENT_TYPES.length];
    let text =
      `{"userId":"user-${u}","eventType":"${eventType}","timestamp":${ts},"sessionId":"s-${u.toString(36)}-${(i % 97).toString(36)}",` +
      `"page":"/product/${i % 50_021}","device":"${DEVICES[i % DEVICES.length]}","country":"${COUNTRIES[u % COUNTRIES.length]}","ua":"Mozilla/5.0 (X11; Linux x86_64)"}`;
    if (i % 100 === 50) text = text.slice(0, 60);
    if (i % 100 === 51) text = text.replace(`"user-${u}"`, '""');
    if (i % 100 === 52) text = text.replace(`${ts}`, `"${ts}"`);
    out.push(Buffer.from(text));
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timeOne(parse: Parser, value: Buffer): number {
  // Repeat cheap parses so the clock's resolution does not matter; at least one.
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    parse(value, NOW);
    reps++;
    t = performance.now();
  } while (t - t0 < 20);
  return (t - t0) / reps;
}

function timeClicks(parse: Parser, values: Buffer[]): number {
  let ok = 0;
  const t0 = performance.now();
  for (const v of values) if (parse(v, NOW).ok) ok++;
  const s = (performance.now() - t0) / 1000;
  if (ok === 0) throw new Error('no valid click');
  return values.length / s;
}

const old: Parser = (v, now) => parseClickWithJsonParse(v, now);
const neu: Parser = (v, now) => parseClick(v, now);

for (const [name, value] of HOSTILE) {
  const a = old(value, NOW);
  const b = neu(value, NOW);
  if (a.ok !== b.ok || (!a.ok && !b.ok && a.code !== b.code)) {
    throw new Error(`${name}: old says ${a.ok ? 'ok' : a.code}, new says ${b.ok ? 'ok' : b.code}`);
  }
}
const values = clicks(CLICKS);
for (const v of values) {
  const a = old(v, NOW);
  const b = neu(v, NOW);
  if (a.ok !== b.ok || (!a.ok && !b.ok && a.code !== b.code)) throw new Error(`old and new differ on ${v.toString()}`);
}

// Warm both up before timing.
for (let i = 0; i < 3; i++) {
  timeClicks(old, values);
  timeClicks(neu, values);
}

console.log(`node ${process.version}; ${RUNS} runs, medians; hostile values of ~${SIZE} bytes`);
console.log(`${'shape'.padEnd(40)} ${'code'.padEnd(16)} ${'old ms'.padStart(9)} ${'new ms'.padStart(9)} ${'old/new'.padStart(8)}`);
for (const [name, value] of HOSTILE) {
  const o: number[] = [];
  const n: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    if (r % 2 === 0) {
      o.push(timeOne(old, value));
      n.push(timeOne(neu, value));
    } else {
      n.push(timeOne(neu, value));
      o.push(timeOne(old, value));
    }
  }
  const result = neu(value, NOW);
  const code = result.ok ? 'ok' : result.code;
  console.log(
    `${name.padEnd(40)} ${code.padEnd(16)} ${median(o).toFixed(3).padStart(9)} ${median(n).toFixed(3).padStart(9)} ${(median(o) / median(n)).toFixed(1).padStart(8)}`,
  );
}

const o: number[] = [];
const n: number[] = [];
for (let r = 0; r < RUNS; r++) {
  if (r % 2 === 0) {
    o.push(timeClicks(old, values));
    n.push(timeClicks(neu, values));
  } else {
    n.push(timeClicks(neu, values));
    o.push(timeClicks(old, values));
  }
}
const bytes = values.reduce((s, v) => s + v.length, 0) / values.length;
console.log(
  `normal clicks (${CLICKS} distinct, ~${Math.round(bytes)} bytes, 1% bad): old ${Math.round(median(o)).toLocaleString('en')} records/s, new ${Math.round(median(n)).toLocaleString('en')} records/s (new/old ${(median(n) / median(o)).toFixed(2)})`,
);
