import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  KEY_GROUP_DIR,
  MANIFEST_FILE,
  MAX_KEY_GROUP_FILE_BYTES,
  keyGroupFile,
  manifestChecksum
} from "./chunk-VFIZNDEH.js";
import {
  canonicalJson
} from "./chunk-YMRU26Q3.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";

// dist/src/state/savepoints/savepoint-writer.js
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
var WRITE_CHUNK = 1024 * 1024;
async function exportKeyGroups(snapshot, keyGroups, dir, codec, maxFileBytes = MAX_KEY_GROUP_FILE_BYTES) {
  const files = [];
  try {
    mkdirSync(join(dir, KEY_GROUP_DIR), { recursive: true });
    for (const keyGroup of keyGroups) {
      const path = keyGroupFile(keyGroup);
      const hash = createHash("sha256");
      let handle;
      let chunk = "";
      let entries = 0;
      let bytes = 0;
      const flush = async () => {
        bytes += Buffer.byteLength(chunk);
        if (bytes > maxFileBytes) {
          throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `key group ${keyGroup}'s savepoint file would be over ${maxFileBytes} bytes, more than a savepoint reader accepts`, { details: { keyGroup } });
        }
        handle ??= await open(join(dir, path), "wx");
        hash.update(chunk);
        await handle.write(chunk);
        chunk = "";
      };
      try {
        for (const [windowStart, key, entry] of snapshot.keyGroup(keyGroup)) {
          const line = {
            windowStart,
            key,
            fired: entry.fired,
            accumulator: codec.encode(entry.accumulator),
            ...entry.end === void 0 ? {} : { windowEnd: entry.end }
          };
          chunk += `${JSON.stringify(line)}
`;
          entries++;
          if (chunk.length >= WRITE_CHUNK)
            await flush();
        }
        if (entries === 0)
          continue;
        await flush();
        await handle?.sync();
      } finally {
        await handle?.close();
      }
      files.push({ keyGroup, path, entries, sha256: hash.digest("hex") });
    }
  } finally {
    snapshot.done();
  }
  return files;
}
function prepareSavepoint(parent, name) {
  const finalDir = join(parent, name);
  const tmpDir = join(parent, `.${name}.inprogress`);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `cannot create the savepoint directory ${parent}: ${err.message}`, {
      cause: err,
      details: { dir: parent }
    });
  }
  if (existsSync(finalDir))
    throw new SluiceError(ErrorCode.SAVEPOINT_FAILED, `${finalDir} exists already; a savepoint never overwrites one`, {
      details: { dir: finalDir }
    });
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(join(tmpDir, KEY_GROUP_DIR), { recursive: true });
  return { tmpDir, finalDir };
}
function finishSavepoint(target, manifest) {
  const complete = { ...manifest, files: [...manifest.files].sort((a, b) => a.keyGroup - b.keyGroup), sha256: "" };
  complete.sha256 = manifestChecksum(complete);
  const fd = openSync(join(target.tmpDir, MANIFEST_FILE), "wx");
  try {
    writeSync(fd, `${JSON.stringify(JSON.parse(canonicalJson(complete)), null, 2)}
`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(target.tmpDir, target.finalDir);
  syncDir(dirname(target.finalDir));
  return complete;
}
function discardSavepoint(target) {
  rmSync(target.tmpDir, { recursive: true, force: true });
}
function syncDir(dir) {
  let fd;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
  } finally {
    if (fd !== void 0)
      closeSync(fd);
  }
}

export {
  exportKeyGroups,
  prepareSavepoint,
  finishSavepoint,
  discardSavepoint
};
