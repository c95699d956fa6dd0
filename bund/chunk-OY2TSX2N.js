import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/state/regular-file.js
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
var RegularFileError = class extends Error {
  problem;
  path;
  name = "RegularFileError";
  constructor(problem, path, message, cause) {
    super(message, cause === void 0 ? void 0 : { cause });
    this.problem = problem;
    this.path = path;
  }
};
var OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
function kind(st) {
  if (st.isDirectory())
    return "a directory";
  if (st.isFIFO())
    return "a FIFO";
  if (st.isSocket())
    return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice())
    return "a device";
  return "not a regular file";
}
function check(st, path, maxBytes) {
  if (st.isSymbolicLink())
    throw new RegularFileError("symlink", path, `${path} is a symbolic link: refusing to follow it`);
  if (!st.isFile())
    throw new RegularFileError("not-regular", path, `${path} is ${kind(st)}, not a regular file: refusing to read it`);
  if (st.size > maxBytes)
    throw new RegularFileError("too-large", path, `${path} is ${st.size} bytes, over the limit of ${maxBytes}: refusing to read it`);
}
function ioError(err, path) {
  const code = err.code;
  if (code === "ENOENT")
    return new RegularFileError("missing", path, `${path} does not exist`, err);
  if (code === "ELOOP")
    return new RegularFileError("symlink", path, `${path} is a symbolic link: refusing to follow it`, err);
  return new RegularFileError("unreadable", path, `cannot read ${path}: ${err.message}`, err);
}
function readRegularFile(path, maxBytes) {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    throw ioError(err, path);
  }
  check(st, path, maxBytes);
  let fd;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw ioError(err, path);
  }
  try {
    const opened = fstatSync(fd);
    check(opened, path, maxBytes);
    const bytes = Buffer.allocUnsafe(opened.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0)
        break;
      read += n;
    }
    if (read !== bytes.length || readSync(fd, Buffer.alloc(1), 0, 1, read) !== 0) {
      throw new RegularFileError("changed", path, `${path} changed while it was read`);
    }
    return bytes;
  } catch (err) {
    throw err instanceof RegularFileError ? err : ioError(err, path);
  } finally {
    closeSync(fd);
  }
}

export {
  RegularFileError,
  readRegularFile
};
