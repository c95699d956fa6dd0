/**
 * What checkpoints and savepoints record of the job they were taken with: a digest of its
 * definition, and the parts its state depends on (windows, key, how each aggregate is computed,
 * how accumulators are laid out in LMDB). Restoring under another definition is checked part by
 * part:
 *
 * - refused (SAVEPOINT_INCOMPATIBLE / CHECKPOINT_INCOMPATIBLE): other windows (type, size, slide or
 *   gap: the state is per window, a window of another shape is not the same window), another key
 *   (the state is per key), an aggregate computed another way under the same name;
 * - allowed, and logged: an added aggregate (it starts empty in the windows open at the restore
 *   point), a removed one (its state is dropped), another allowed lateness, outputs, validation
 *   rules, filters, topics;
 * - checkpoints only: another accumulator layout (the built-in clickstream job and the same job as
 *   a job file keep their accumulators differently in LMDB; a savepoint, which holds them as JSON,
 *   moves state between the two).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../state/digest.js';
import { describeWindow, windowSpecProblem, type WindowSpec } from '../streams/operators/window-assigners.js';
import type { AggregateShape, AggregationShape, JobDefinition } from './job.js';

export interface JobDescriptor {
  /** A digest of the whole definition (a job file's content after the environment's overrides). */
  hash: string;
  window: WindowSpec;
  allowedLatenessMs: number;
  /** The key's fields and the aggregates by name (jobs that declare their state shape). */
  key?: string[];
  aggregates?: Record<string, AggregateShape>;
  /** How accumulators are kept in LMDB (checkpoints restore them as they are). */
  stateLayout?: string;
  /** A job with several aggregations: each one's name, windows, key and aggregates, in order. */
  aggregations?: AggregationShape[];
}

export function jobDescriptor(
  job: Pick<JobDefinition<unknown, unknown, unknown>, 'name' | 'stateShape' | 'definitionHash' | 'stateLayout'>,
  window: WindowSpec,
  allowedLatenessMs: number,
): JobDescriptor {
  const parts = {
    window,
    allowedLatenessMs,
    ...(job.stateShape ? { key: [...job.stateShape.key], aggregates: structuredClone(job.stateShape.aggregates) } : {}),
    ...(job.stateShape?.aggregations ? { aggregations: structuredClone(job.stateShape.aggregations) } : {}),
    ...(job.stateLayout ? { stateLayout: job.stateLayout } : {}),
  };
  const hash =
    job.definitionHash ??
    createHash('sha256')
      .update(canonicalJson({ name: job.name, ...parts }))
      .digest('hex');
  return { hash, ...parts };
}

export interface Compatibility {
  /** Why the state cannot be restored under this definition (empty: it can). */
  refusals: string[];
  /** Differences that do not stop a restore, to log. */
  notes: string[];
}

/** Can state taken under `then` be restored under `now`? `checkpoint`: the state is restored from LMDB as it is. */
export function compareDescriptors(then: JobDescriptor, now: JobDescriptor, restoring: 'savepoint' | 'checkpoint'): Compatibility {
  const refusals: string[] = [];
  const notes: string[] = [];
  if (then.aggregations || now.aggregations) {
    compareAggregations(then.aggregations, now.aggregations, refusals, notes);
  } else if (canonicalJson(then.window) !== canonicalJson(now.window)) {
    refusals.push(
      `its windows are ${describeWindow(then.window)}, this job's are ${describeWindow(now.window)} (window state belongs to windows of one shape)`,
    );
  }
  if (!then.aggregations && !now.aggregations) compareKeyAndAggregates(then, now, '', refusals, notes);
  if (restoring === 'checkpoint' && (then.stateLayout ?? '') !== (now.stateLayout ?? '')) {
    refusals.push(
      `its accumulators are kept as ${then.stateLayout ?? 'another job kept them'}, this job keeps them as ${now.stateLayout ?? 'its own'}; move the state through a savepoint (\`sluice stop --savepoint\` with the old job, \`sluice run --from-savepoint PATH\` with the new one)`,
    );
  }
  if (then.allowedLatenessMs !== now.allowedLatenessMs)
    notes.push(`the allowed lateness was ${then.allowedLatenessMs} ms, it is now ${now.allowedLatenessMs} ms`);
  if (refusals.length === 0 && then.hash !== now.hash)
    notes.push(`the job definition changed (${then.hash.slice(0, 12)} -> ${now.hash.slice(0, 12)}) in ways its state does not depend on`);
  return { refusals, notes };
}

function compareKeyAndAggregates(
  then: Pick<JobDescriptor, 'key' | 'aggregates'>,
  now: Pick<JobDescriptor, 'key' | 'aggregates'>,
  /** `aggregation x: ` for one aggregation of a job with several. */
  of: string,
  refusals: string[],
  notes: string[],
): void {
  if (then.key && now.key && canonicalJson(then.key) !== canonicalJson(now.key)) {
    refusals.push(`${of}its key is ${then.key.join(' + ')}, this job's is ${now.key.join(' + ')} (window state is per key)`);
  }
  if (then.aggregates && now.aggregates) {
    for (const [name, shape] of Object.entries(now.aggregates)) {
      const before = Object.hasOwn(then.aggregates, name) ? then.aggregates[name] : undefined;
      if (!before) notes.push(`${of}aggregate ${name} is new: it starts empty in the windows open at the restore point`);
      else if (before.type !== shape.type || before.field !== shape.field) {
        refusals.push(
          `${of}aggregate ${name} was ${describeAggregate(before)}, it is now ${describeAggregate(shape)} (rename it to start it afresh)`,
        );
      }
    }
    for (const name of Object.keys(then.aggregates)) {
      if (!Object.hasOwn(now.aggregates, name)) notes.push(`${of}aggregate ${name} was removed: its state is dropped`);
    }
  }
}

/**
 * Jobs with several aggregations keep each one's windows apart by its place among them (see
 * aggregation-windows.ts): the same aggregations, in the same order, each with the same windows and
 * key, restore; within one, aggregates follow the usual rules.
 */
function compareAggregations(
  then: AggregationShape[] | undefined,
  now: AggregationShape[] | undefined,
  refusals: string[],
  notes: string[],
): void {
  const names = (list: AggregationShape[] | undefined) => (list ? list.map((a) => a.name).join(', ') : 'one (no aggregations:)');
  if (!then || !now || names(then) !== names(now)) {
    refusals.push(
      `its aggregations are ${names(then)}, this job's are ${names(now)} (state of a job with several aggregations restores only into the same aggregations, in the same order)`,
    );
    return;
  }
  then.forEach((before, i) => {
    const after = now[i] as AggregationShape;
    const of = `aggregation ${after.name}: `;
    if (canonicalJson(before.window) !== canonicalJson(after.window))
      refusals.push(`${of}its windows were ${describeWindow(before.window)}, they are now ${describeWindow(after.window)}`);
    compareKeyAndAggregates(before, after, of, refusals, notes);
  });
}

function describeAggregate(shape: AggregateShape): string {
  return shape.field === undefined ? shape.type : `${shape.type} of ${shape.field}`;
}

/** A descriptor read back from a manifest or record (JSON): undefined when it is not one. */
export function descriptorProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const d = value as Partial<JobDescriptor>;
  if (typeof d.hash !== 'string') return 'no hash';
  if (d.window === null || typeof d.window !== 'object') return 'no window';
  const problem = windowSpecProblem(d.window);
  if (problem) return `window: ${problem}`;
  if (!Number.isSafeInteger(d.allowedLatenessMs)) return 'no allowedLatenessMs';
  if (d.key !== undefined && (!Array.isArray(d.key) || !d.key.every((k) => typeof k === 'string')))
    return 'key is not a list of field names';
  if (d.aggregates !== undefined) {
    if (d.aggregates === null || typeof d.aggregates !== 'object' || Array.isArray(d.aggregates)) return 'aggregates is not an object';
    for (const shape of Object.values(d.aggregates)) {
      if (
        shape === null ||
        typeof shape !== 'object' ||
        typeof shape.type !== 'string' ||
        (shape.field !== undefined && typeof shape.field !== 'string')
      )
        return 'an aggregate is not { type, field }';
    }
  }
  if (d.stateLayout !== undefined && typeof d.stateLayout !== 'string') return 'stateLayout is not a string';
  if (d.aggregations !== undefined) {
    if (!Array.isArray(d.aggregations)) return 'aggregations is not a list';
    for (const a of d.aggregations as unknown[]) {
      const shape = a as Partial<AggregationShape> | null;
      if (shape === null || typeof shape !== 'object' || typeof shape.name !== 'string') return 'an aggregation has no name';
      if (shape.window === null || typeof shape.window !== 'object' || windowSpecProblem(shape.window))
        return `aggregation ${shape.name} has no usable window`;
      const problem = descriptorProblem({
        hash: '-',
        window: shape.window,
        allowedLatenessMs: 0,
        key: shape.key,
        aggregates: shape.aggregates,
      });
      if (problem) return `aggregation ${shape.name}: ${problem}`;
    }
  }
  return undefined;
}
