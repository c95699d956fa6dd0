import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  RegularFileError,
  readRegularFile
} from "./chunk-OY2TSX2N.js";
import {
  KEY_GROUP_DIR,
  MANIFEST_FILE,
  MAX_KEY_GROUP_FILE_BYTES,
  MAX_MANIFEST_BYTES,
  compareDescriptors,
  upgradeEntry,
  upgradeManifest
} from "./chunk-VFIZNDEH.js";
import {
  sha256
} from "./chunk-YMRU26Q3.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";

// dist/src/state/savepoints/savepoint-reader.js
import { lstatSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
function invalid(message, details = {}, cause) {
  return new SluiceError(ErrorCode.SAVEPOINT_INVALID, message, { details, ...cause === void 0 ? {} : { cause } });
}
function readSavepointFile(path, what, maxBytes) {
  try {
    return readRegularFile(path, maxBytes);
  } catch (err) {
    if (!(err instanceof RegularFileError))
      throw err;
    if (err.problem === "missing")
      throw invalid(`${what} is missing: ${path}`, { path }, err);
    throw invalid(`${what}: ${err.message}`, { path }, err);
  }
}
function readSavepoint(path) {
  const dir = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw invalid(`no savepoint at ${dir}: it does not exist`, { path: dir });
  }
  if (!isDir)
    throw invalid(`no savepoint at ${dir}: it is not a directory`, { path: dir });
  const manifestPath = join(dir, MANIFEST_FILE);
  let text;
  try {
    text = readRegularFile(manifestPath, MAX_MANIFEST_BYTES).toString("utf8");
  } catch (err) {
    if (err instanceof RegularFileError && err.problem === "missing") {
      throw invalid(`${dir} has no ${MANIFEST_FILE}: it is not a savepoint, or one that never completed`, { path: dir }, err);
    }
    if (err instanceof RegularFileError)
      throw invalid(`the savepoint's manifest: ${err.message}`, { path: manifestPath }, err);
    throw err;
  }
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(`${manifestPath} is damaged: not valid JSON (${err.message})`, { path: manifestPath }, err);
  }
  const manifest = upgradeManifest(raw, manifestPath);
  for (const file of manifest.files)
    verifyFile(dir, file);
  return { dir, manifest, formatVersion: raw.formatVersion };
}
function verifyFile(dir, file) {
  const groupDir = join(dir, KEY_GROUP_DIR);
  let st;
  try {
    st = lstatSync(groupDir);
  } catch (err) {
    throw invalid(`key group ${file.keyGroup}'s file is missing: ${groupDir} does not exist`, { path: groupDir, keyGroup: file.keyGroup }, err);
  }
  if (!st.isDirectory())
    throw invalid(`${groupDir} is ${st.isSymbolicLink() ? "a symbolic link" : "not a directory"}: a savepoint holds its key group files in a directory of its own`, { path: groupDir });
  const path = join(dir, file.path);
  const bytes = readSavepointFile(path, `key group ${file.keyGroup}'s file`, MAX_KEY_GROUP_FILE_BYTES);
  const digest = sha256(bytes);
  if (digest !== file.sha256) {
    throw invalid(`${path} is damaged: its sha256 is ${digest}, the manifest says ${file.sha256}`, { path, keyGroup: file.keyGroup });
  }
  return bytes;
}
function checkCompatible(manifest, job, dir) {
  const refuse = (what) => new SluiceError(ErrorCode.SAVEPOINT_INCOMPATIBLE, `savepoint ${dir} does not fit this job: ${what}`, { details: { path: dir } });
  if (manifest.job !== job.job)
    throw refuse(`it holds job "${manifest.job}", this is job "${job.job}"`);
  if (manifest.source.topic !== job.topic) {
    throw refuse(`it was taken reading topic "${manifest.source.topic}" and its offsets belong to that topic; SLUICE_KAFKA_TOPIC is "${job.topic}"`);
  }
  const notes = [];
  if (manifest.definition && job.definition) {
    const { refusals, notes: differences } = compareDescriptors(manifest.definition, job.definition, "savepoint");
    if (refusals.length > 0)
      throw refuse(refusals.join("; "));
    notes.push(...differences.map((d) => `restoring savepoint ${dir} under a changed job definition: ${d}`));
  } else if (manifest.windowMs !== job.windowMs) {
    throw refuse(`its windows are ${manifest.windowMs} ms long; SLUICE_WINDOW_MS is ${job.windowMs}`);
  }
  if (manifest.keyGroups !== job.keyGroups)
    throw refuse(`it has ${manifest.keyGroups} key groups; this sluice has ${job.keyGroups}`);
  if (manifest.source.groupId !== job.groupId) {
    notes.push(`the savepoint was taken in consumer group "${manifest.source.groupId}"; going on in group "${job.groupId}" from the savepoint's offsets`);
  }
  return notes;
}
function* readKeyGroup(dir, file, formatVersion, codec, keyGroupOf) {
  const path = join(dir, file.path);
  const text = verifyFile(dir, file).toString("utf8");
  let entries = 0;
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line === "")
      continue;
    const where = `${path} line ${lineNo}`;
    let raw;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw invalid(`${where} is not valid JSON`, { path, line: lineNo }, err);
    }
    const e = upgradeEntry(raw, formatVersion, where);
    if (keyGroupOf(e.key) !== file.keyGroup) {
      throw invalid(`${where}: key ${JSON.stringify(e.key)} belongs to key group ${keyGroupOf(e.key)}, not ${file.keyGroup}`, {
        path,
        line: lineNo
      });
    }
    let accumulator;
    try {
      accumulator = codec.decode(e.accumulator);
    } catch (err) {
      throw invalid(`${where}: ${err.message}`, { path, line: lineNo }, err);
    }
    entries++;
    yield {
      keyGroup: file.keyGroup,
      windowStart: e.windowStart,
      key: e.key,
      entry: { accumulator, fired: e.fired, ...e.windowEnd === void 0 ? {} : { end: e.windowEnd } }
    };
  }
  if (entries !== file.entries)
    throw invalid(`${path} holds ${entries} entries, the manifest says ${file.entries}`, { path });
}

export {
  readSavepoint,
  checkCompatible,
  readKeyGroup
};
