/**
 * Checks shared by the property tests that crash a runtime after a checkpoint and restore it
 * (test/unit/windows-property.test.ts, test/unit/aggregations.test.ts), and by the job-file tests.
 */
import assert from 'node:assert/strict';
import { ErrorCode, SluiceError } from '../../src/errors.js';
import { parseJobFile } from '../../src/job/job-file.js';

/**
 * What was written before the crash, per key: every result up to the checkpoint, then a prefix of
 * what follows it (what reached the sink before the crash).
 */
export function assertWrittenBeforeCrash(
  beforeCrash: ReadonlyMap<string, string[]>,
  beforeCheckpoint: ReadonlyMap<string, string[]>,
  afterCheckpoint: ReadonlyMap<string, string[]>,
  what: string,
): void {
  for (const key of new Set([...beforeCheckpoint.keys(), ...beforeCrash.keys()])) {
    const lines = beforeCrash.get(key) ?? [];
    const want = [...(beforeCheckpoint.get(key) ?? []), ...(afterCheckpoint.get(key) ?? [])];
    assert.deepEqual(lines, want.slice(0, lines.length), `results of ${key} before the crash (${what})`);
    assert.ok(
      lines.length >= (beforeCheckpoint.get(key)?.length ?? 0),
      `every result of ${key} up to the checkpoint written before the crash`,
    );
  }
}

/** The problems of an invalid job file, as {line, path, message}. */
export function jobFileProblems(text: string): Array<{ line?: number; path: string; message: string }> {
  try {
    parseJobFile(text, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof SluiceError);
    assert.equal(err.code, ErrorCode.JOB_INVALID);
    assert.match(err.message, /^job file test\.yaml is invalid:\n/);
    return (err.details.problems as Array<{ line?: number; path: string; message: string }>).map(({ line, path, message }) => ({
      line,
      path,
      message,
    }));
  }
  assert.fail('expected JOB_INVALID');
}
