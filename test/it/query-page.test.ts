/**
 * The live page (GET / of the query API) in a real headless browser: Debian's Chromium
 * (scripts/install-browser) driven by playwright-core, against a real daemon on the real stack. The
 * counts the page shows for a user's windows, and the top users of the current window, must equal
 * the API's answers; after more events are produced the page must show the new counts by itself.
 * A screenshot is saved to test-results/query-page.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon-process.js';
import { createTopics, deleteTopics, kafkaBrokers, testKafka } from '../helpers/kafka.js';
import { freePort } from '../helpers/ports.js';
import { uniqueName } from '../helpers/services.js';

const CHROMIUM = process.env.SLUICE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = 'test-results/query-page.png';
const MIN = 60_000;
const PARTITIONS = 2;
const TYPES = ['view', 'click', 'add_to_cart', 'purchase'];
const run = uniqueName('query-page');
const topic = `${run}-clicks`;
const kafka = testKafka();
const token = `qp-${randomBytes(16).toString('hex')}`;
/** The window that stays open; eight windows of history before it are held for the lateness. */
const S = Math.floor((Date.now() - 10 * MIN) / MIN) * MIN;
let daemon: DaemonProcess | undefined;
let browser: Browser | undefined;

interface Click {
  userId: string;
  eventType: string;
  timestamp: number;
}

async function produce(clicks: Click[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: clicks.map((c, i) => ({ key: c.userId, partition: i % PARTITIONS, value: Buffer.from(JSON.stringify(c)) })),
    });
  } finally {
    await producer.disconnect();
  }
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** What the page shows: per window start the value, and the top table. */
async function shown(page: Page): Promise<{ windows: Record<string, number>; top: Array<[string, number]>; updates: number }> {
  // A string: the test compiles without the DOM's types.
  return page.evaluate(`(() => {
    const num = (s) => Number((s ?? '').replace(/,/g, ''));
    const windows = {};
    for (const tr of document.querySelectorAll('#key-table tbody tr[data-start]')) windows[tr.getAttribute('data-start')] = num(tr.querySelector('.value')?.textContent);
    const top = Array.from(document.querySelectorAll('#top-table tbody tr[data-key]')).map((tr) => [tr.getAttribute('data-key'), num(tr.querySelector('.value')?.textContent)]);
    return { windows, top, updates: Number(document.body.getAttribute('data-updates') ?? 0) };
  })()`);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: run scripts/install-browser (Debian's chromium) first`);
  await createTopics(kafka, [{ topic, partitions: PARTITIONS }]);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await daemon?.stop('SIGKILL');
  await deleteTopics(kafka, [topic]).catch(() => undefined);
});

test('the live page shows the API answers and follows new events', async (t) => {
  const clicks: Click[] = [];
  for (let k = -7; k <= 1; k++) {
    for (let i = 0; i < 15; i++) {
      const n = 1 + ((i * 3 + k * 5 + 50) % 13);
      for (let j = 0; j < n; j++)
        clicks.push({
          userId: `user-${i}`,
          eventType: TYPES[(i + j + k + 8) % 4] as string,
          timestamp: S + k * MIN + ((i * 1009 + j * 97) % 50_000),
        });
    }
  }
  clicks.sort((a, b) => a.timestamp - b.timestamp);
  // Event time S + 100 s on every partition: the windows before S fire (held for the lateness), S + MIN stays open.
  for (let p = 0; p < PARTITIONS; p++) clicks.push({ userId: `trailer-${p}`, eventType: 'view', timestamp: S + MIN + 40_000 });
  await produce(clicks);

  const queryPort = await freePort();
  const metricsPort = await freePort();
  daemon = startDaemon({
    SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    SLUICE_KAFKA_TOPIC: topic,
    SLUICE_KAFKA_GROUP_ID: `${run}-group`,
    SLUICE_DLQ_TOPIC: `${run}-dlq`,
    SLUICE_LATE_TOPIC: `${run}-late`,
    SLUICE_WORKERS: '2',
    SLUICE_ALLOWED_LATENESS_MS: String(30 * MIN),
    SLUICE_CHECKPOINT_INTERVAL_MS: '2000',
    SLUICE_METRICS_PORT: String(metricsPort),
    SLUICE_QUERY_PORT: String(queryPort),
    SLUICE_QUERY_TOKEN: token,
  });
  const base = `http://127.0.0.1:${queryPort}`;
  assert.ok(
    await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined))?.status === 200, 120_000),
    `not ready\n${daemon.tail()}`,
  );
  // Every window of user-3 counted (the API says so) before the page is compared with it.
  const want = clicks.filter((c) => c.userId === 'user-3').length;
  type KeyWindows = { windows: Array<{ start: number; result: { count: number } }> };
  assert.ok(
    await waitFor(
      async () => (await api<KeyWindows>(base, '/keys/user-3/windows')).windows.reduce((n, w) => n + w.result.count, 0) === want,
      60_000,
    ),
    daemon.tail(),
  );

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${base}/?key=user-3#token=${token}`);
  assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');

  /** Page and API agree (the page polls every second; nothing changes meanwhile). */
  const agree = async () => {
    const [key, windows] = await Promise.all([api<KeyWindows>(base, '/keys/user-3/windows'), api<{ current: number }>(base, '/windows')]);
    const top = await api<{ top: Array<{ key: string; value: number }> }>(base, `/windows/${windows.current}/top?n=10`);
    const expectWindows = Object.fromEntries(key.windows.map((w) => [String(w.start), w.result.count]));
    const expectTop = top.top.map((x): [string, number] => [x.key, x.value]);
    const page1 = await shown(page);
    return {
      ok:
        JSON.stringify(page1.windows) ===
          JSON.stringify(Object.fromEntries(Object.entries(expectWindows).sort(([a], [b]) => Number(b) - Number(a)))) &&
        JSON.stringify(page1.top) === JSON.stringify(expectTop),
      page: page1,
      expectWindows,
      expectTop,
    };
  };
  let last = await agree();
  assert.ok(
    await waitFor(async () => (last = await agree()).ok, 30_000, 300),
    `page ${JSON.stringify(last.page)} vs API ${JSON.stringify({ windows: last.expectWindows, top: last.expectTop })}`,
  );
  assert.equal(Object.keys(last.page.windows).length, 9, "user-3's nine windows of the last hour are shown");
  assert.equal(last.page.top.length, 10);
  assert.equal(await page.textContent('#key-total'), String(want));

  // More events for user-3 in the open window: the page shows them without being touched.
  const before = last.page.windows[String(S + MIN)] as number;
  await produce(Array.from({ length: 25 }, (_, j) => ({ userId: 'user-3', eventType: 'purchase', timestamp: S + MIN + 45_000 + j })));
  assert.ok(
    await waitFor(async () => (last = await agree()).ok && last.page.windows[String(S + MIN)] === before + 25, 60_000, 300),
    `page ${JSON.stringify(last.page)} vs API ${JSON.stringify({ windows: last.expectWindows, top: last.expectTop })}`,
  );
  assert.equal(last.page.top[0]?.[0], 'user-3', 'user-3 leads the open window now');
  assert.equal(await page.textContent('#key-total'), String(want + 25));
  assert.match((await page.textContent('#freshness')) ?? '', /watermark \d\d:\d\d:\d\dZ .* last checkpoint/);

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  t.diagnostic(`screenshot: ${SCREENSHOT}`);
  assert.deepEqual(consoleErrors, []);
  const exit = await daemon.stop('SIGTERM');
  assert.equal(exit.code, 0, daemon.tail());
});
