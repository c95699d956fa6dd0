/**
 * The life cycle of one start of the job, as a state machine with an explicit transition table:
 *
 *   created ──> starting ──> running ──> stopping ──> stopped
 *                  │  └──────────┐ │          │
 *                  └──> failed <─┴─┴──────────┘         (stopping also from starting)
 *
 * A transition the table does not allow is a bug (INTERNAL), never silently ignored.
 */
import { ErrorCode, SluiceError } from '../../errors.js';

export const JOB_STATES = ['created', 'starting', 'running', 'stopping', 'stopped', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  created: ['starting'],
  starting: ['running', 'stopping', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

export class Lifecycle {
  private current: JobState = 'created';

  get state(): JobState {
    return this.current;
  }

  /** One of these states now? */
  is(...states: JobState[]): boolean {
    return states.includes(this.current);
  }

  /** Whether the table allows `next` from here. */
  can(next: JobState): boolean {
    return TRANSITIONS[this.current].includes(next);
  }

  to(next: JobState): void {
    if (!this.can(next)) throw new SluiceError(ErrorCode.INTERNAL, `the job cannot go from ${this.current} to ${next}`);
    this.current = next;
  }
}
