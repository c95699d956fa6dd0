/**
 * Read a whole file that must be a regular file of bounded size, for files a user points sluice at
 * (a savepoint to restore): a symlink could lead anywhere, a FIFO would block the thread forever, a
 * device may act when opened, and a huge file would exhaust memory. So: `lstat` first (nothing
 * that is not a regular file is ever opened), then open with O_NOFOLLOW | O_NONBLOCK and check the
 * opened file again with `fstat` (the path may have been swapped in between), and read only a size
 * known to be within the limit.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';

export type RegularFileProblem = 'missing' | 'symlink' | 'not-regular' | 'too-large' | 'changed' | 'unreadable';

export class RegularFileError extends Error {
  override readonly name = 'RegularFileError';
  constructor(
    readonly problem: RegularFileProblem,
    readonly path: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

// O_NOFOLLOW and O_NONBLOCK do not exist on Windows; there the lstat and fstat checks remain.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function check(st: Stats, path: string, maxBytes: number): void {
  if (st.isSymbolicLink()) throw new RegularFileError('symlink', path, `${path} is a symbolic link: refusing to follow it`);
  if (!st.isFile()) throw new RegularFileError('not-regular', path, `${path} is ${kind(st)}, not a regular file: refusing to read it`);
  if (st.size > maxBytes)
    throw new RegularFileError('too-large', path, `${path} is ${st.size} bytes, over the limit of ${maxBytes}: refusing to read it`);
}

function ioError(err: unknown, path: string): RegularFileError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new RegularFileError('missing', path, `${path} does not exist`, err);
  // ELOOP: O_NOFOLLOW met a symlink that replaced the file after lstat.
  if (code === 'ELOOP') return new RegularFileError('symlink', path, `${path} is a symbolic link: refusing to follow it`, err);
  return new RegularFileError('unreadable', path, `cannot read ${path}: ${(err as Error).message}`, err);
}

/** The whole content of the regular file at `path`, at most `maxBytes`. Throws RegularFileError. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    throw ioError(err, path);
  }
  check(st, path, maxBytes);
  let fd: number;
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
      if (n === 0) break;
      read += n;
    }
    // Shorter or longer than its size said: someone is writing it.
    if (read !== bytes.length || readSync(fd, Buffer.alloc(1), 0, 1, read) !== 0) {
      throw new RegularFileError('changed', path, `${path} changed while it was read`);
    }
    return bytes;
  } catch (err) {
    throw err instanceof RegularFileError ? err : ioError(err, path);
  } finally {
    closeSync(fd);
  }
}
