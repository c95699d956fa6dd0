/**
 * Stop and start the Kafka broker the tests talk to, for broker-outage tests: `scripts/stack stop
 * kafka` / `scripts/stack start kafka`, run with this process's environment, so they act on the same
 * stack `scripts/stack up` started: CI's default one (127.0.0.1:9092, <repo>/.stack), or a developer's
 * own (SLUICE_STACK_DIR, SLUICE_STACK_KAFKA_PORT, ... exported for the test run as for `up`).
 *
 * The broker's data is kept across a stop: topics, committed offsets and transactions survive, as
 * after a real broker restart.
 *
 * Guards, because stopping a broker others use would break their work:
 * - the test's broker (SLUICE_TEST_KAFKA_BROKERS, default 127.0.0.1:9092) must be the stack's
 *   (127.0.0.1 or localhost, port SLUICE_STACK_KAFKA_PORT, default 9092), else nothing is stopped;
 * - `scripts/stack stop kafka` stops only a broker it started from that SLUICE_STACK_DIR (a broker on
 *   the port that another checkout started is left running: the stop fails, and so does the test);
 * - after a stop, the port must refuse connections.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './kafka.js';

/** The repo's scripts/stack (this file is compiled to dist/test/helpers/). */
export const STACK_SCRIPT = fileURLToPath(new URL('../../../scripts/stack', import.meta.url));

export interface BrokerTarget {
  host: string;
  port: number;
}

/** The broker the tests use, checked to be the one `scripts/stack` manages with this environment. */
export function brokerTarget(env: NodeJS.ProcessEnv = process.env): BrokerTarget {
  const brokers = kafkaBrokers();
  const stackPort = Number(env.SLUICE_STACK_KAFKA_PORT ?? '9092');
  const [only, ...more] = brokers;
  const m = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(only ?? '');
  if (more.length > 0 || !m || Number(m[2]) !== stackPort) {
    throw new Error(
      `broker-control: the tests' broker (SLUICE_TEST_KAFKA_BROKERS=${brokers.join(',')}) is not the one scripts/stack manages ` +
        `with this environment (127.0.0.1:${stackPort}, from SLUICE_STACK_KAFKA_PORT); set both to the same single local broker ` +
        `(e.g. SLUICE_STACK_KAFKA_PORT=19092 SLUICE_TEST_KAFKA_BROKERS=127.0.0.1:19092, with SLUICE_STACK_DIR for its own data)`,
    );
  }
  return { host: '127.0.0.1', port: stackPort };
}

function runStack(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(STACK_SCRIPT, args, { env: process.env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim(), ms: performance.now() - t0 });
    });
  });
}

/** Whether something accepts TCP connections on the broker's port right now. */
export function portOpen(target: BrokerTarget = brokerTarget(), timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the broker answers a metadata request (kafkajs admin listTopics), without kafkajs's long retries. */
export async function brokerAnswers(target: BrokerTarget = brokerTarget()): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'sluice-test-broker-control',
    brokers: [`${target.host}:${target.port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Poll until the broker answers (kafkajs admin listTopics); returns the ms waited. */
export async function waitForBroker(timeoutMs = 120_000): Promise<number> {
  const target = brokerTarget();
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (await brokerAnswers(target)) return performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`broker ${target.host}:${target.port} did not answer within ${timeoutMs} ms`);
}

let stoppedByUs = false;

/**
 * Stop the broker (SIGTERM, its data kept). Resolves once the process has exited and the port
 * refuses connections; returns the ms it took.
 */
export async function stopBroker(): Promise<number> {
  const target = brokerTarget();
  const t0 = performance.now();
  const { code, output } = await runStack(['stop', 'kafka'], 120_000);
  if (code !== 0) throw new Error(`scripts/stack stop kafka failed (exit ${code}):\n${output}`);
  stoppedByUs = true;
  for (let i = 0; i < 40 && (await portOpen(target)); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  if (await portOpen(target))
    throw new Error(`scripts/stack stop kafka returned, but ${target.host}:${target.port} still accepts connections:\n${output}`);
  return performance.now() - t0;
}

/**
 * Start the broker again (`scripts/stack start kafka` waits until its own readiness check passes),
 * then wait until kafkajs's admin listTopics succeeds. Returns the ms until then. `onAnswering`
 * runs as soon as the broker answers kafkajs (polled every 200 ms while the script still waits on
 * its own, slower check), e.g. to let a held producer go on at once.
 */
export async function startBroker(options: { onAnswering?: () => void } = {}): Promise<number> {
  const t0 = performance.now();
  const script = runStack(['start', 'kafka'], 240_000);
  let scriptDone = false;
  void script.then(() => (scriptDone = true));
  let told = false;
  const tell = () => {
    if (!told) options.onAnswering?.();
    told = true;
  };
  if (options.onAnswering) {
    const target = brokerTarget();
    while (!scriptDone) {
      if (await brokerAnswers(target)) {
        tell();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const { code, output } = await script;
  if (code !== 0) throw new Error(`scripts/stack start kafka failed (exit ${code}):\n${output}`);
  await waitForBroker(60_000);
  stoppedByUs = false;
  tell();
  return performance.now() - t0;
}

/** For after() hooks: if a test stopped the broker and failed before starting it, start it again. */
export async function restoreBroker(): Promise<void> {
  if (stoppedByUs) await startBroker();
}
