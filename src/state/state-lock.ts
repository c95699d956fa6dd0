/**
 * One daemon per state directory: two daemons writing the same LMDB state would corrupt each
 * other's windows. The lock is a file holding the owner's pid; a lock left by a dead process is
 * taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, SluiceError } from '../errors.js';

export class StateDirectoryLock {
  private constructor(private readonly file: string) {}

  static async acquire(dir: string): Promise<StateDirectoryLock> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(file, String(process.pid), { flag: 'wx' });
        return new StateDirectoryLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new SluiceError(
            ErrorCode.STATE_DIR_LOCKED,
            `state directory ${dir} is in use by process ${owner}; run one daemon per SLUICE_STATE_DIR`,
            { details: { dir, owner } },
          );
        }
        await rm(file, { force: true });
      }
    }
    throw new SluiceError(ErrorCode.STATE_DIR_LOCKED, `could not lock state directory ${dir}`, { details: { dir } });
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
