/**
 * Writing a savepoint (format: savepoint-format.ts). Two sides:
 *   - each worker, at the savepoint's barrier, opens a read snapshot of its LMDB state and writes
 *     its non-empty key groups into `<dir>/keygroups/` (fsynced), then acknowledges with the files'
 *     sha256 and entry counts (`exportKeyGroups`);
 *   - the main thread, once the checkpoint has every acknowledgement (sinks flushed included),
 *     writes `manifest.json` and renames the in-progress directory to its final name
 *     (`finishSavepoint`). A directory without a manifest is never a savepoint.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, SluiceError } from '../../errors.js';
import type { StateCodec } from '../../job/job.js';
import type { StateSnapshot } from '../lmdb-window-store.js';
import { canonicalJson } from '../digest.js';
import {
  KEY_GROUP_DIR,
  keyGroupFile,
  MANIFEST_FILE,
  manifestChecksum,
  MAX_KEY_GROUP_FILE_BYTES,
  type SavepointEntry,
  type SavepointFile,
  type SavepointManifest,
} from './savepoint-format.js';

/** Lines are written in pieces of about this many characters: a big key group never sits in memory whole. */
const WRITE_CHUNK = 1024 * 1024;

/**
 * Write every non-empty key group of `keyGroups` from `snapshot` into `dir` (the savepoint's
 * in-progress directory), each file fsynced. Releases the snapshot when done, also on failure.
 * A key group file would grow over `maxFileBytes` (what readers accept): the savepoint fails
 * (SAVEPOINT_FAILED) instead of being one that no sluice could restore.
 */
export async function exportKeyGroups<ACC>(
  snapshot: StateSnapshot<ACC>,
  keyGroups: readonly number[],
  dir: string,
  codec: StateCodec<ACC>,
  maxFileBytes = MAX_KEY_GROUP_FILE_BYTES,
): Promise<SavepointFile[]> {
  const files: SavepointFile[] = [];
  try {
    mkdirSync(join(dir, KEY_GROUP_DIR), { recursive: true });
    for (const keyGroup of keyGroups) {
      const path = keyGroupFile(keyGroup);
      const hash = createHash('sha256');
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      let chunk = '';
      let entries = 0;
      let bytes = 0;
      const flush = async () => {
        bytes += Buffer.byteLength(chunk);
        if (bytes > maxFileBytes) {
          throw new SluiceError(
            ErrorCode.SAVEPOINT_FAILED,
            `key group ${keyGroup}'s savepoint file would be over ${maxFileBytes} bytes, more than a savepoint reader accepts`,
            { details: { keyGroup } },
          );
        }
        handle ??= await open(join(dir, path), 'wx');
        hash.update(chunk);
        await handle.write(chunk);
        chunk = '';
      };
      try {
        for (const [windowStart, key, entry] of snapshot.keyGroup(keyGroup)) {
          const line: SavepointEntry = {
            windowStart,
            key,
            fired: entry.fired,
            accumulator: codec.encode(entry.accumulator),
            ...(entry.end === undefined ? {} : { windowEnd: entry.end }),
          };
          chunk += `${JSON.stringify(line)}\n`;
          entries++;
          if (chunk.length >= WRITE_CHUNK) await flush();
        }
        if (entries === 0) continue;
        await flush();
        await handle?.sync();
      } finally {
        await handle?.close();
      }
      files.push({ keyGroup, path, entries, sha256: hash.digest('hex') });
    }
  } finally {
    snapshot.done();
  }
  return files;
}

export interface SavepointTarget {
  /** Where the workers write; renamed to `finalDir` once complete. */
  tmpDir: string;
  finalDir: string;
}

/** Reserve `<parent>/<name>`: refuses a name that exists; creates the in-progress directory beside it. */
export function prepareSavepoint(parent: string, name: string): SavepointTarget {
  const finalDir = join(parent, name);
  const tmpDir = join(parent, `.${name}.inprogress`);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `cannot create the savepoint directory ${parent}: ${(err as Error).message}`, {
      cause: err,
      details: { dir: parent },
    });
  }
  if (existsSync(finalDir))
    throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `${finalDir} exists already; a savepoint never overwrites one`, {
      details: { dir: finalDir },
    });
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(join(tmpDir, KEY_GROUP_DIR), { recursive: true });
  return { tmpDir, finalDir };
}

/** Write the manifest (with its checksum), fsync it, and move the directory to its final name. */
export function finishSavepoint(target: SavepointTarget, manifest: Omit<SavepointManifest, 'sha256'>): SavepointManifest {
  const complete: SavepointManifest = { ...manifest, files: [...manifest.files].sort((a, b) => a.keyGroup - b.keyGroup), sha256: '' };
  complete.sha256 = manifestChecksum(complete);
  const fd = openSync(join(target.tmpDir, MANIFEST_FILE), 'wx');
  try {
    // Canonical and indented: diffable by a person, checksummed by key order.
    writeSync(fd, `${JSON.stringify(JSON.parse(canonicalJson(complete)), null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(target.tmpDir, target.finalDir);
  syncDir(dirname(target.finalDir));
  return complete;
}

/** A savepoint that did not complete leaves nothing behind. */
export function discardSavepoint(target: SavepointTarget): void {
  rmSync(target.tmpDir, { recursive: true, force: true });
}

/** Make a rename durable: fsync the directory that holds it (best effort where unsupported). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
