/**
 * Reading a savepoint (format: savepoint-format.ts): verify it whole before any live state is
 * touched (manifest checksum, known version, every listed file present with its sha256), check it
 * fits the job, then let each worker import just the key groups it owns under the current worker
 * count (rescaling), migrating every entry to the current shape on the way. A damaged savepoint
 * is refused with SAVEPOINT_INVALID naming what is wrong; it is never used in part.
 */
import { lstatSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { StateCodec } from '../../job/job.js';
import { compareDescriptors, type JobDescriptor } from '../../job/definition.js';
import type { WindowEntry } from '../../streams/operators/windows.js';
import { readRegularFile, RegularFileError } from '../regular-file.js';
import {
  KEY_GROUP_DIR,
  MANIFEST_FILE,
  MAX_KEY_GROUP_FILE_BYTES,
  MAX_MANIFEST_BYTES,
  upgradeEntry,
  upgradeManifest,
  type SavepointFile,
  type SavepointManifest,
} from './savepoint-format.js';
import { sha256 } from '../digest.js';

export interface VerifiedSavepoint {
  /** Absolute path of the savepoint directory. */
  dir: string;
  /** The manifest, migrated to the current format. */
  manifest: SavepointManifest;
  /** The format its files are written in (entries are migrated from it while importing). */
  formatVersion: number;
}

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): SluiceError {
  return new SluiceError(ErrorCode.SAVEPOINT_INVALID, message, { details, ...(cause === undefined ? {} : { cause }) });
}

/**
 * A file of the savepoint, whole: a regular file within `maxBytes`, never through a symlink (a
 * savepoint holds regular files only), never blocking on a FIFO. Throws SAVEPOINT_INVALID.
 */
function readSavepointFile(path: string, what: string, maxBytes: number): Buffer {
  try {
    return readRegularFile(path, maxBytes);
  } catch (err) {
    if (!(err instanceof RegularFileError)) throw err;
    if (err.problem === 'missing') throw invalid(`${what} is missing: ${path}`, { path }, err);
    throw invalid(`${what}: ${err.message}`, { path }, err);
  }
}

/** Read and verify the savepoint at `path` completely (every file's sha256). Throws SAVEPOINT_INVALID. */
export function readSavepoint(path: string): VerifiedSavepoint {
  const dir = resolve(path);
  let isDir = false;
  try {
    // The directory named by the user may be a symlink (e.g. `latest`); nothing inside it may.
    isDir = statSync(dir).isDirectory();
  } catch {
    throw invalid(`no savepoint at ${dir}: it does not exist`, { path: dir });
  }
  if (!isDir) throw invalid(`no savepoint at ${dir}: it is not a directory`, { path: dir });
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readRegularFile(manifestPath, MAX_MANIFEST_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof RegularFileError && err.problem === 'missing') {
      throw invalid(`${dir} has no ${MANIFEST_FILE}: it is not a savepoint, or one that never completed`, { path: dir }, err);
    }
    if (err instanceof RegularFileError) throw invalid(`the savepoint's manifest: ${err.message}`, { path: manifestPath }, err);
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(`${manifestPath} is damaged: not valid JSON (${(err as Error).message})`, { path: manifestPath }, err);
  }
  const manifest = upgradeManifest(raw, manifestPath);
  for (const file of manifest.files) verifyFile(dir, file);
  return { dir, manifest, formatVersion: (raw as { formatVersion: number }).formatVersion };
}

function verifyFile(dir: string, file: SavepointFile): Buffer {
  // O_NOFOLLOW covers the file's own name only: the directory above it must not be a symlink either.
  const groupDir = join(dir, KEY_GROUP_DIR);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(groupDir);
  } catch (err) {
    throw invalid(
      `key group ${file.keyGroup}'s file is missing: ${groupDir} does not exist`,
      { path: groupDir, keyGroup: file.keyGroup },
      err,
    );
  }
  if (!st.isDirectory())
    throw invalid(
      `${groupDir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}: a savepoint holds its key group files in a directory of its own`,
      { path: groupDir },
    );
  const path = join(dir, file.path);
  const bytes = readSavepointFile(path, `key group ${file.keyGroup}'s file`, MAX_KEY_GROUP_FILE_BYTES);
  const digest = sha256(bytes);
  if (digest !== file.sha256) {
    throw invalid(`${path} is damaged: its sha256 is ${digest}, the manifest says ${file.sha256}`, { path, keyGroup: file.keyGroup });
  }
  return bytes;
}

export interface JobShape {
  job: string;
  topic: string;
  groupId: string;
  windowMs: number;
  keyGroups: number;
  /** The job definition now (compared part by part with the savepoint's, when it recorded one). */
  definition?: JobDescriptor;
}

/**
 * Does the savepoint fit this job? Another job, input topic (its offsets would be meaningless),
 * window size or key group count is refused (SAVEPOINT_INCOMPATIBLE). Another consumer group is
 * allowed (the savepoint's offsets are what counts) and returned as a note to log.
 */
export function checkCompatible(manifest: SavepointManifest, job: JobShape, dir: string): string[] {
  const refuse = (what: string) =>
    new SluiceError(ErrorCode.SAVEPOINT_INCOMPATIBLE, `savepoint ${dir} does not fit this job: ${what}`, { details: { path: dir } });
  if (manifest.job !== job.job) throw refuse(`it holds job "${manifest.job}", this is job "${job.job}"`);
  if (manifest.source.topic !== job.topic) {
    throw refuse(
      `it was taken reading topic "${manifest.source.topic}" and its offsets belong to that topic; SLUICE_KAFKA_TOPIC is "${job.topic}"`,
    );
  }
  const notes: string[] = [];
  if (manifest.definition && job.definition) {
    const { refusals, notes: differences } = compareDescriptors(manifest.definition, job.definition, 'savepoint');
    if (refusals.length > 0) throw refuse(refusals.join('; '));
    notes.push(...differences.map((d) => `restoring savepoint ${dir} under a changed job definition: ${d}`));
  } else if (manifest.windowMs !== job.windowMs) {
    throw refuse(`its windows are ${manifest.windowMs} ms long; SLUICE_WINDOW_MS is ${job.windowMs}`);
  }
  if (manifest.keyGroups !== job.keyGroups) throw refuse(`it has ${manifest.keyGroups} key groups; this sluice has ${job.keyGroups}`);
  if (manifest.source.groupId !== job.groupId) {
    notes.push(
      `the savepoint was taken in consumer group "${manifest.source.groupId}"; going on in group "${job.groupId}" from the savepoint's offsets`,
    );
  }
  return notes;
}

export interface ImportedEntry<ACC> {
  keyGroup: number;
  windowStart: number;
  key: string;
  entry: WindowEntry<ACC>;
}

/**
 * The entries of one key group file, checked again (sha256, entry count, every key in this key
 * group), migrated from `formatVersion` and decoded with the job's codec.
 */
export function* readKeyGroup<ACC>(
  dir: string,
  file: SavepointFile,
  formatVersion: number,
  codec: StateCodec<ACC>,
  keyGroupOf: (key: string) => number,
): Iterable<ImportedEntry<ACC>> {
  const path = join(dir, file.path);
  const text = verifyFile(dir, file).toString('utf8');
  let entries = 0;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line === '') continue;
    const where = `${path} line ${lineNo}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw invalid(`${where} is not valid JSON`, { path, line: lineNo }, err);
    }
    const e = upgradeEntry(raw, formatVersion, where);
    if (keyGroupOf(e.key) !== file.keyGroup) {
      throw invalid(`${where}: key ${JSON.stringify(e.key)} belongs to key group ${keyGroupOf(e.key)}, not ${file.keyGroup}`, {
        path,
        line: lineNo,
      });
    }
    let accumulator: ACC;
    try {
      accumulator = codec.decode(e.accumulator);
    } catch (err) {
      throw invalid(`${where}: ${(err as Error).message}`, { path, line: lineNo }, err);
    }
    entries++;
    yield {
      keyGroup: file.keyGroup,
      windowStart: e.windowStart,
      key: e.key,
      entry: { accumulator, fired: e.fired, ...(e.windowEnd === undefined ? {} : { end: e.windowEnd }) },
    };
  }
  if (entries !== file.entries) throw invalid(`${path} holds ${entries} entries, the manifest says ${file.entries}`, { path });
}
