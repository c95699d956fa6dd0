/**
 * Savepoints without servers: the format round trip through real LMDB stores, a read snapshot that
 * later commits do not leak into, re-partitioning on import for another worker count, integrity
 * (any damage refused with SAVEPOINT_INVALID), the migrations chain, compatibility, and the
 * committed format-1 fixture read back to exactly what its event set gives.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { KEY_GROUPS, keyGroupOf, keyGroupsOfWorker } from '../../src/actors/key-groups.js';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { clickCountCodec, type ClickCountAccumulator } from '../../src/job/clickstream.js';
import { canonicalJson } from '../../src/state/digest.js';
import { LmdbWindowStore } from '../../src/state/lmdb-window-store.js';
import {
  manifestChecksum,
  MAX_KEY_GROUP_FILE_BYTES,
  MAX_MANIFEST_BYTES,
  MIGRATIONS,
  SAVEPOINT_FORMAT_VERSION,
  upgradeEntry,
  upgradeManifest,
  type SavepointFile,
} from '../../src/state/savepoints/savepoint-format.js';
import { checkCompatible, readKeyGroup, readSavepoint } from '../../src/state/savepoints/savepoint-reader.js';
import { exportKeyGroups, finishSavepoint, prepareSavepoint } from '../../src/state/savepoints/savepoint-writer.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-savepoints-'));
after(() => rmSync(root, { recursive: true, force: true }));
const MIN = 60_000;
const START = Date.UTC(2026, 0, 1, 10, 0, 0);
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/savepoints/', import.meta.url));

const acc = (types: Record<string, number>): ClickCountAccumulator => ({
  count: Object.values(types).reduce((a, b) => a + b, 0),
  byEventType: new Map(Object.entries(types)),
});

function openStore(path: string, worker: number, workers: number) {
  return new LmdbWindowStore<ClickCountAccumulator>({
    path,
    keyGroups: keyGroupsOfWorker(worker, workers),
    keyGroupOf: (k) => keyGroupOf(k),
    clear: true,
    mapSize: 64 * 1024 ** 2,
  });
}

/** Every (windowStart, key) -> entry a set of stores hold, as comparable JSON. */
function contents(stores: Array<LmdbWindowStore<ClickCountAccumulator>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const store of stores) {
    for (const start of store.windowStarts()) {
      for (const [key, entry] of store.entries(start))
        out.set(`${start}/${key}`, JSON.stringify({ fired: entry.fired, acc: clickCountCodec.encode(entry.accumulator) }));
    }
  }
  return out;
}

/** Two workers' state, exported at a barrier into a finished savepoint; returns its path and what it holds. */
async function writeSavepoint(name: string): Promise<{ dir: string; expected: Map<string, string> }> {
  const workers = 2;
  const stores = [0, 1].map((w) => openStore(join(root, name, `worker-${w}`), w, workers));
  for (let u = 0; u < 300; u++) {
    const key = `user-${u}`;
    const store = stores[Math.floor((keyGroupOf(key) * workers) / KEY_GROUPS)] as LmdbWindowStore<ClickCountAccumulator>;
    store.put(START, key, { accumulator: acc({ view: u % 5, click: 1 }), fired: false });
    if (u % 3 === 0) store.put(START + MIN, key, { accumulator: acc({ purchase: 2, ['__proto__']: 1 }), fired: u % 2 === 0 });
  }
  for (const s of stores) s.barrier(1);
  const expected = contents(stores);
  const target = prepareSavepoint(join(root, name, 'savepoints'), 'savepoint-1-test');
  const files = [];
  for (const [w, store] of stores.entries()) {
    const snapshot = store.snapshot();
    // Changes after the barrier (later steps) must not reach the savepoint.
    store.put(START, 'user-1', { accumulator: acc({ view: 99 }), fired: true });
    store.put(START + 5 * MIN, `late-${w}`, { accumulator: acc({ view: 1 }), fired: false });
    store.commit();
    files.push(...(await exportKeyGroups(snapshot, keyGroupsOfWorker(w, workers), target.tmpDir, clickCountCodec)));
  }
  finishSavepoint(target, {
    formatVersion: SAVEPOINT_FORMAT_VERSION,
    sluiceVersion: 'test',
    createdAt: new Date(START).toISOString(),
    checkpointId: 1,
    job: 'clickstream',
    source: { topic: 'clicks', groupId: 'group' },
    keyGroups: KEY_GROUPS,
    workers,
    windowMs: MIN,
    placement: { offsets: { '0': 10 }, maxTimestamps: { '0': START }, watermark: START - 5001, stageWatermark: START - 5001 },
    files,
  });
  for (const s of stores) await s.close();
  return { dir: target.finalDir, expected };
}

async function importInto(dir: string, workers: number, name: string) {
  const savepoint = readSavepoint(dir);
  const stores = [];
  for (let w = 0; w < workers; w++) {
    const store = openStore(join(root, name, `w${workers}-${w}`), w, workers);
    const mine = new Set(keyGroupsOfWorker(w, workers));
    const files = savepoint.manifest.files.filter((f) => mine.has(f.keyGroup));
    store.load(
      (function* () {
        for (const f of files) yield* readKeyGroup(savepoint.dir, f, savepoint.formatVersion, clickCountCodec, (k) => keyGroupOf(k));
      })(),
    );
    stores.push(store);
  }
  return stores;
}

function assertInvalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SluiceError, String(err));
    assert.equal(err.code, ErrorCode.SAVEPOINT_INVALID);
    assert.match(err.message, pattern);
    return true;
  });
}

test('a savepoint holds the state at its barrier (later commits do not leak in) and imports into 1, 2 or 3 workers, each taking only its key groups', async () => {
  const { dir, expected } = await writeSavepoint('roundtrip');
  assert.ok(expected.size > 300);
  assert.match(dir, /savepoint-1-test$/);
  for (const workers of [1, 2, 3]) {
    const stores = await importInto(dir, workers, 'roundtrip');
    for (const [w, store] of stores.entries()) {
      const owned = new Set(keyGroupsOfWorker(w, workers));
      for (const start of store.windowStarts())
        for (const [key] of store.entries(start)) assert.ok(owned.has(keyGroupOf(key)), `${key} imported by worker ${w} of ${workers}`);
      assert.ok(store.size > 0, `worker ${w} of ${workers} got some state`);
    }
    assert.deepEqual(contents(stores), expected, `${workers} workers hold exactly the savepoint's state`);
    // The __proto__ event type came back as a Map entry, nothing polluted.
    assert.equal(({} as Record<string, unknown>).purchase, undefined);
    for (const s of stores) await s.close();
  }
});

test('a damaged, incomplete or unknown savepoint is refused with SAVEPOINT_INVALID naming what is wrong', async () => {
  const { dir } = await writeSavepoint('damage');
  const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(manifestText) as {
    files: Array<{ path: string }>;
    formatVersion: number;
    placement: { offsets: Record<string, number> };
  };
  const file = join(dir, (manifest.files[0] as { path: string }).path);
  const original = readFileSync(file);

  // One byte changed in a key group file.
  const damaged = Buffer.from(original);
  damaged[5] = (damaged[5] as number) ^ 1;
  writeFileSync(file, damaged);
  assertInvalid(() => readSavepoint(dir), /kg-\d{3}\.ndjson is damaged: its sha256/);
  // A line appended.
  writeFileSync(file, original);
  appendFileSync(file, '{"windowStart":1,"key":"x","fired":false,"accumulator":{"count":1,"byEventType":[["view",1]]}}\n');
  assertInvalid(() => readSavepoint(dir), /is damaged/);
  // A file missing.
  unlinkSync(file);
  assertInvalid(() => readSavepoint(dir), /is missing/);
  writeFileSync(file, original);
  assert.ok(readSavepoint(dir));

  // The manifest edited (offsets moved) without its checksum.
  const edited = { ...manifest, placement: { ...manifest.placement, offsets: { '0': 0 } } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(edited));
  assertInvalid(() => readSavepoint(dir), /manifest\.json is damaged: its checksum does not verify/);
  writeFileSync(join(dir, 'manifest.json'), manifestText.slice(0, 40));
  assertInvalid(() => readSavepoint(dir), /not valid JSON/);

  // A newer format (checksum right, so only the version is wrong), and one never written.
  for (const [version, pattern] of [
    [SAVEPOINT_FORMAT_VERSION + 1, /newer than this sluice reads/],
    [0, /which no sluice ever wrote/],
  ] as const) {
    const other: Record<string, unknown> = { ...manifest, formatVersion: version };
    other.sha256 = manifestChecksum(other);
    writeFileSync(join(dir, 'manifest.json'), canonicalJson(other));
    assertInvalid(() => readSavepoint(dir), pattern);
  }
  // No manifest: an in-progress directory, or not a savepoint at all.
  unlinkSync(join(dir, 'manifest.json'));
  assertInvalid(() => readSavepoint(dir), /has no manifest\.json/);
  assertInvalid(() => readSavepoint(join(root, 'nothing-here')), /does not exist/);
  writeFileSync(join(dir, 'manifest.json'), manifestText);
  assert.ok(readSavepoint(dir), 'the restored original reads again');
});

test('a savepoint holds regular files only, of bounded size: symlinks, FIFOs, directories and oversized files are refused without being read', async () => {
  const { dir } = await writeSavepoint('hostile-files');
  const manifestPath = join(dir, 'manifest.json');
  const files = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: SavepointFile[] }).files;
  const file = files[0] as SavepointFile;
  const kgFile = join(dir, file.path);
  const groupDir = join(dir, 'keygroups');
  const outside = join(root, 'hostile-files-outside');
  mkdirSync(outside, { recursive: true });
  let moved = 0;
  /** Move `path` out of the savepoint: where it went, and how to put it back. */
  const aside = (path: string) => {
    const away = join(outside, `${moved++}-${basename(path)}`);
    renameSync(path, away);
    return {
      away,
      restore: () => {
        rmSync(path, { recursive: true, force: true });
        renameSync(away, path);
      },
    };
  };

  // Symlinks to the very same content, moved outside: the manifest, a key group file, the key group directory.
  for (const [path, pattern] of [
    [manifestPath, /manifest\.json is a symbolic link: refusing to follow it/],
    [kgFile, /kg-\d{3}\.ndjson is a symbolic link: refusing to follow it/],
    [groupDir, /keygroups is a symbolic link/],
  ] as const) {
    const { away, restore } = aside(path);
    symlinkSync(away, path);
    assertInvalid(() => readSavepoint(dir), pattern);
    restore();
  }
  assert.ok(readSavepoint(dir), 'the originals read again');

  // FIFOs nobody writes (reading one would block forever), and a directory.
  for (const [path, make, pattern] of [
    [manifestPath, 'fifo', /manifest\.json is a FIFO, not a regular file: refusing to read it/],
    [kgFile, 'fifo', /kg-\d{3}\.ndjson is a FIFO, not a regular file/],
    [kgFile, 'dir', /kg-\d{3}\.ndjson is a directory, not a regular file/],
  ] as const) {
    const { restore } = aside(path);
    if (make === 'fifo') execFileSync('mkfifo', [path]);
    else mkdirSync(path);
    assertInvalid(() => readSavepoint(dir), pattern);
    restore();
  }

  // Oversized, as sparse files (no disk used, and nothing is read): the manifest, a key group file.
  for (const [path, limit] of [
    [manifestPath, MAX_MANIFEST_BYTES],
    [kgFile, MAX_KEY_GROUP_FILE_BYTES],
  ] as const) {
    const { restore } = aside(path);
    writeFileSync(path, '');
    truncateSync(path, limit + 1);
    if (path === kgFile) {
      assertInvalid(
        () => readSavepoint(dir),
        new RegExp(`kg-\\d{3}\\.ndjson is ${limit + 1} bytes, over the limit of ${limit}: refusing to read it`),
      );
      // A worker reading its key group directly is held to the same rules.
      assertInvalid(() => [...readKeyGroup(dir, file, SAVEPOINT_FORMAT_VERSION, clickCountCodec, (k) => keyGroupOf(k))], /over the limit/);
    } else {
      assertInvalid(
        () => readSavepoint(dir),
        new RegExp(`manifest\\.json is ${limit + 1} bytes, over the limit of ${limit}: refusing to read it`),
      );
    }
    restore();
  }
  assert.ok(readSavepoint(dir), 'the originals read again');
});

test('a savepoint is never written with a key group file larger than readers accept: it fails with SAVEPOINT_FAILED', async () => {
  const store = openStore(join(root, 'too-big', 'worker'), 0, 1);
  for (let u = 0; u < 50; u++) store.put(START, `user-${u}`, { accumulator: acc({ view: 1 }), fired: false });
  store.barrier(1);
  const target = prepareSavepoint(join(root, 'too-big', 'savepoints'), 'savepoint-1-too-big');
  await assert.rejects(
    exportKeyGroups(store.snapshot(), keyGroupsOfWorker(0, 1), target.tmpDir, clickCountCodec, 100),
    (err: unknown) =>
      err instanceof SluiceError &&
      err.code === ErrorCode.SAVEPOINT_FAILED &&
      /would be over 100 bytes, more than a savepoint reader accepts/.test(err.message),
  );
  await store.close();
});

test('the migrations chain: every earlier version has a migration; format 1 entries and manifests become format 2', () => {
  for (let v = 1; v < SAVEPOINT_FORMAT_VERSION; v++) assert.ok(MIGRATIONS[v], `a migration from format ${v}`);
  // JSON.parse makes "__proto__" an own key: the migration must carry it as an event type.
  const v1 = JSON.parse('{"windowStart":60000,"key":"u1","fired":true,"byEventType":{"view":2,"__proto__":3,"click":1}}') as unknown;
  const entry = upgradeEntry(v1, 1, 'test');
  assert.deepEqual(entry, {
    windowStart: 60000,
    key: 'u1',
    fired: true,
    accumulator: {
      count: 6,
      byEventType: [
        ['__proto__', 3],
        ['click', 1],
        ['view', 2],
      ],
    },
  });
  const decoded = clickCountCodec.decode(entry.accumulator);
  assert.equal(decoded.count, 6);
  assert.equal(decoded.byEventType.get('__proto__'), 3);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  // A format-2 entry passes through unchanged; malformed ones are refused at their version.
  assert.deepEqual(upgradeEntry(entry, 2, 'test'), entry);
  assert.throws(() => upgradeEntry({ windowStart: 1, key: 'u', fired: false, byEventType: { view: -1 } }, 1, 'test'), /malformed/);
  assert.throws(() => upgradeEntry({ windowStart: 1, key: 'u', fired: false }, 1, 'test'), /malformed/);

  const manifestV1: Record<string, unknown> = {
    formatVersion: 1,
    sluiceVersion: 'old',
    createdAt: '2024-01-01T00:00:00.000Z',
    checkpointId: 3,
    source: { topic: 't', groupId: 'g' },
    keyGroups: 128,
    workers: 4,
    windowMs: MIN,
    placement: { offsets: {}, maxTimestamps: {}, watermark: null, stageWatermark: null },
    files: [],
  };
  manifestV1.sha256 = manifestChecksum(manifestV1);
  const upgraded = upgradeManifest(manifestV1, 'test');
  assert.equal(upgraded.formatVersion, 2);
  assert.equal(upgraded.job, 'clickstream');
  assert.equal(upgraded.workers, 4);
});

test('the clickstream codec refuses malformed accumulators', () => {
  for (const bad of [
    null,
    [],
    { count: -1, byEventType: [] },
    { count: 1, byEventType: {} },
    { count: 1, byEventType: [['view']] },
    {
      count: 1,
      byEventType: [
        ['v', 1],
        ['v', 2],
      ],
    },
  ]) {
    assert.throws(
      () => clickCountCodec.decode(bad),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SAVEPOINT_INVALID,
      JSON.stringify(bad),
    );
  }
});

test('compatibility: another topic, job, window size or key group count is refused; another group is a note', () => {
  const manifest = upgradeManifest(JSON.parse(readFileSync(join(FIXTURES, 'v1-clickstream', 'manifest.json'), 'utf8')), 'fixture');
  const shape = {
    job: 'clickstream',
    topic: 'sluice-fixture-v1-clicks',
    groupId: 'sluice-fixture-v1',
    windowMs: MIN,
    keyGroups: KEY_GROUPS,
  };
  assert.deepEqual(checkCompatible(manifest, shape, 'sp'), []);
  assert.equal(checkCompatible(manifest, { ...shape, groupId: 'other' }, 'sp').length, 1);
  for (const [change, pattern] of [
    [{ topic: 'other' }, /topic "sluice-fixture-v1-clicks"/],
    [{ job: 'other' }, /job "clickstream"/],
    [{ windowMs: 30_000 }, /SLUICE_WINDOW_MS is 30000/],
    [{ keyGroups: 64 }, /128 key groups/],
  ] as const) {
    assert.throws(
      () => checkCompatible(manifest, { ...shape, ...change }, 'sp'),
      (err: unknown) => err instanceof SluiceError && err.code === ErrorCode.SAVEPOINT_INCOMPATIBLE && pattern.test(err.message),
    );
  }
});

test('the committed format-1 fixture verifies, migrates, and holds exactly the open windows of its event set', () => {
  const dir = join(FIXTURES, 'v1-clickstream');
  const savepoint = readSavepoint(dir);
  assert.equal(savepoint.formatVersion, 1);
  assert.equal(savepoint.manifest.formatVersion, SAVEPOINT_FORMAT_VERSION);
  assert.equal(savepoint.manifest.job, 'clickstream');

  // Independently: the first `offset` events, minus the windows the watermark has passed.
  const events = readFileSync(join(FIXTURES, 'v1-clickstream.events.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { userId: string; eventType: string; timestamp: number });
  const offset = savepoint.manifest.placement.offsets['0'] as number;
  const watermark = savepoint.manifest.placement.watermark as number;
  const want = new Map<string, { count: number; byEventType: Record<string, number> }>();
  for (const e of events.slice(0, offset)) {
    const start = e.timestamp - (e.timestamp % MIN);
    if (start + MIN - 1 <= watermark) continue;
    const doc = want.get(`${start}/${e.userId}`) ?? { count: 0, byEventType: {} };
    doc.count++;
    doc.byEventType[e.eventType] = (doc.byEventType[e.eventType] ?? 0) + 1;
    want.set(`${start}/${e.userId}`, doc);
  }
  const got = new Map<string, { count: number; byEventType: Record<string, number> }>();
  for (const file of savepoint.manifest.files) {
    for (const e of readKeyGroup(dir, file, savepoint.formatVersion, clickCountCodec, (k) => keyGroupOf(k))) {
      assert.equal(e.entry.fired, false);
      got.set(`${e.windowStart}/${e.key}`, {
        count: e.entry.accumulator.count,
        byEventType: Object.fromEntries(e.entry.accumulator.byEventType),
      });
    }
  }
  assert.ok(want.size >= 3);
  assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
});
