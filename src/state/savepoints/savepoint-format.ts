/**
 * The savepoint format on disk, its versions, and the migrations between them. A savepoint is a
 * self-contained directory (it never refers to the state directory's LMDB files or undo logs):
 *
 *   savepoint-<checkpointId>-<yyyymmddThhmmssZ>/
 *     manifest.json            what it is (below), with the sha256 of every file and of itself
 *     keygroups/kg-<nnn>.ndjson one JSON entry per line for key group nnn (only non-empty groups)
 *
 * Format 2 (current):
 *   manifest: { formatVersion: 2, sluiceVersion, createdAt (ISO), checkpointId, job, source: { topic,
 *     groupId }, keyGroups, workers, windowMs, placement: { offsets, maxTimestamps, watermark,
 *     stageWatermark }, files: [{ keyGroup, path, entries, sha256 }], definition?, sha256 }
 *     `definition` (optional, added with job files): the job definition's digest and the parts its
 *     state depends on (src/job/definition.ts), checked part by part on restore.
 *   entry:    { windowStart, key, fired, accumulator, windowEnd? } where `accumulator` is the job's
 *     own JSON (JobDefinition.stateCodec), so the format carries any job and no engine encoding;
 *     `windowEnd` only for session windows (whose end is not implied by their start).
 * Format 1 (the first layout, clickstream only):
 *   manifest: as 2 without `job` (format 1 savepoints only ever held the clickstream job)
 *   entry:    { windowStart, key, fired, byEventType: { "<type>": n } }: the counts per type as an
 *     object keyed by user input, and no total count (it was implied by the sum).
 *
 * Every file is a regular file (a reader refuses symlinks, FIFOs, devices), the manifest at most
 * MAX_MANIFEST_BYTES and each key group file at most MAX_KEY_GROUP_FILE_BYTES.
 *
 * `sha256` of the manifest is over the canonical JSON (keys sorted) of every other field. A reader
 * upgrades an older manifest and every entry through `MIGRATIONS` one version at a time, so a
 * savepoint written by any earlier sluice is read by the current code only in the current shape.
 */
import { z } from 'zod';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { PipelinePlacement } from '../../streams/runtime/pipeline.js';
import { canonicalJson, sha256 } from '../digest.js';
import { descriptorProblem, type JobDescriptor } from '../../job/definition.js';

export const SAVEPOINT_FORMAT_VERSION = 2;
export const MANIFEST_FILE = 'manifest.json';
export const KEY_GROUP_DIR = 'keygroups';
/** The largest manifest a reader accepts (a real one is a few KiB to a few hundred KiB). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/**
 * The largest key group file a writer writes and a reader accepts: it is read whole, as one string,
 * by a window worker (whose heap is SLUICE_WORKER_MAX_HEAP_MB, 512 MiB by default).
 */
export const MAX_KEY_GROUP_FILE_BYTES = 256 * 1024 * 1024;

export interface SavepointFile {
  keyGroup: number;
  /** Relative to the savepoint directory. */
  path: string;
  entries: number;
  sha256: string;
}

export interface SavepointManifest {
  formatVersion: number;
  sluiceVersion: string;
  createdAt: string;
  checkpointId: number;
  job: string;
  source: { topic: string; groupId: string };
  keyGroups: number;
  workers: number;
  windowMs: number;
  placement: PipelinePlacement;
  files: SavepointFile[];
  /** The job definition it was taken with (savepoints since job files). */
  definition?: JobDescriptor;
  sha256: string;
}

/** One line of a key group file, format 2. */
export interface SavepointEntry {
  windowStart: number;
  key: string;
  fired: boolean;
  accumulator: unknown;
  /** Session windows: the window's end. */
  windowEnd?: number;
}

export function keyGroupFile(keyGroup: number): string {
  return `${KEY_GROUP_DIR}/kg-${String(keyGroup).padStart(3, '0')}.ndjson`;
}

/** `savepoint-12-20250101T093000Z`: sortable, unique per checkpoint id. */
export function savepointName(checkpointId: number, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `savepoint-${checkpointId}-${stamp}`;
}

/** The manifest's own checksum: over everything but `sha256`. */
export function manifestChecksum(manifest: object): string {
  const { sha256: _ignored, ...rest } = manifest as Record<string, unknown>;
  return sha256(canonicalJson(rest));
}

const int = z.number().int();
const placementSchema = z.object({
  offsets: z.record(z.string().regex(/^\d+$/), int.min(0)),
  maxTimestamps: z.record(z.string().regex(/^\d+$/), int.nullable()),
  watermark: int.nullable(),
  stageWatermark: int.nullable(),
});
const fileSchema = z.object({
  keyGroup: int.min(0),
  path: z.string().regex(/^keygroups\/kg-\d{3}\.ndjson$/),
  entries: int.min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const manifestV1 = z.object({
  formatVersion: z.literal(1),
  sluiceVersion: z.string(),
  createdAt: z.string(),
  checkpointId: int.min(1),
  source: z.object({ topic: z.string(), groupId: z.string() }),
  keyGroups: int.min(1),
  workers: int.min(1),
  windowMs: int.min(1),
  placement: placementSchema,
  files: z.array(fileSchema),
  sha256: z.string(),
});
const definitionSchema = z.custom<JobDescriptor>((v) => descriptorProblem(v) === undefined, {
  message: 'not a job definition { hash, window, allowedLatenessMs, key?, aggregates?, stateLayout? }',
});
const manifestV2 = manifestV1.extend({ formatVersion: z.literal(2), job: z.string().min(1), definition: definitionSchema.optional() });

const entryBase = { windowStart: int, key: z.string().min(1), fired: z.boolean() };
// Not z.record: it copies into a fresh object, and a "__proto__" key would then set a prototype.
const countsObject = z.custom<Record<string, number>>(
  (v) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).every(
      (k) => Number.isSafeInteger((v as Record<string, unknown>)[k]) && ((v as Record<string, number>)[k] as number) >= 0,
    ),
  { message: 'an object of non-negative integer counts' },
);
const entryV1 = z.object({ ...entryBase, byEventType: countsObject });
const entryV2 = z.object({ ...entryBase, accumulator: z.unknown(), windowEnd: int.optional() });

/** Readers of each version's shapes (validation before any migration touches a value). */
const SCHEMAS: Record<number, { manifest: z.ZodType; entry: z.ZodType }> = {
  1: { manifest: manifestV1, entry: entryV1 },
  2: { manifest: manifestV2, entry: entryV2 },
};

/** `MIGRATIONS[v]` turns a valid version-v manifest and entry into version v+1. Pure functions. */
export const MIGRATIONS: Record<number, { manifest(m: unknown): unknown; entry(e: unknown): unknown }> = {
  1: {
    manifest: (m) => ({ ...(m as z.infer<typeof manifestV1>), formatVersion: 2, job: 'clickstream' }),
    entry: (raw) => {
      const e = raw as z.infer<typeof entryV1>;
      // Own keys only (JSON.parse makes "__proto__" an own key, never a prototype), sorted.
      const pairs = Object.keys(e.byEventType)
        .sort()
        .map((type) => [type, e.byEventType[type] as number] as [string, number]);
      const count = pairs.reduce((sum, [, n]) => sum + n, 0);
      return { windowStart: e.windowStart, key: e.key, fired: e.fired, accumulator: { count, byEventType: pairs } };
    },
  },
};

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): SluiceError {
  return new SluiceError(ErrorCode.SAVEPOINT_INVALID, message, { details, ...(cause === undefined ? {} : { cause }) });
}

function checkVersion(version: unknown, where: string): number {
  if (!Number.isSafeInteger(version)) throw invalid(`${where} has no formatVersion`);
  const v = version as number;
  if (v > SAVEPOINT_FORMAT_VERSION) {
    throw invalid(
      `${where} has format version ${v}, newer than this sluice reads (1 to ${SAVEPOINT_FORMAT_VERSION}); restore it with a newer sluice`,
      { formatVersion: v },
    );
  }
  if (!SCHEMAS[v])
    throw invalid(`${where} has format version ${v}, which no sluice ever wrote (this one reads 1 to ${SAVEPOINT_FORMAT_VERSION})`, {
      formatVersion: v,
    });
  return v;
}

function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

/**
 * A manifest as read from disk (parsed JSON): its checksum verified, its version known, validated,
 * and migrated to the current version. Throws SAVEPOINT_INVALID otherwise.
 */
export function upgradeManifest(raw: unknown, where: string): SavepointManifest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`${where} is not a JSON object`);
  const record = raw as Record<string, unknown>;
  if (typeof record.sha256 !== 'string' || manifestChecksum(record) !== record.sha256) {
    throw invalid(`${where} is damaged: its checksum does not verify`);
  }
  const from = checkVersion(record.formatVersion, where);
  let value: unknown = raw;
  for (let v = from; v <= SAVEPOINT_FORMAT_VERSION; v++) {
    const parsed = (SCHEMAS[v] as { manifest: z.ZodType }).manifest.safeParse(value);
    if (!parsed.success) throw invalid(`${where} (format ${v}) is malformed: ${describe(parsed.error)}`);
    value = v < SAVEPOINT_FORMAT_VERSION ? (MIGRATIONS[v] as (typeof MIGRATIONS)[number]).manifest(parsed.data) : parsed.data;
  }
  const manifest = value as SavepointManifest;
  const groups = new Set<number>();
  for (const file of manifest.files) {
    if (file.keyGroup >= manifest.keyGroups || groups.has(file.keyGroup) || file.path !== keyGroupFile(file.keyGroup)) {
      throw invalid(`${where} lists key group ${file.keyGroup} (${file.path}) twice, out of range or under another name`);
    }
    groups.add(file.keyGroup);
  }
  return manifest;
}

/** One key group file line at `fromVersion`, validated and migrated to the current entry shape. */
export function upgradeEntry(raw: unknown, fromVersion: number, where: string): SavepointEntry {
  let value = raw;
  for (let v = fromVersion; v <= SAVEPOINT_FORMAT_VERSION; v++) {
    const parsed = (SCHEMAS[v] as { entry: z.ZodType }).entry.safeParse(value);
    if (!parsed.success) throw invalid(`${where} (format ${v}) holds a malformed entry: ${describe(parsed.error)}`);
    value = v < SAVEPOINT_FORMAT_VERSION ? (MIGRATIONS[v] as (typeof MIGRATIONS)[number]).entry(parsed.data) : parsed.data;
  }
  return value as SavepointEntry;
}
