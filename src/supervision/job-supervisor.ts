/**
 * The daemon's supervision tree: the job (source, coordinator, workers, sinks: one SupervisedJob) is one
 * child, restarted as a whole by the strategy SLUICE_RESTART_STRATEGY names (default fixed delay,
 * SLUICE_RESTART_ATTEMPTS x SLUICE_RESTART_DELAY_MS, as the reference job) — Flink's "restart the job from the last completed
 * checkpoint": each new SupervisedJob restores it. A failure during the first start is not retried (a
 * wrong configuration or an unreachable broker would only loop); when the strategy gives up, the
 * supervisor's `exited` rejects with RESTARTS_EXHAUSTED naming the last cause.
 */
import { ErrorCode } from '../errors.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from '../clock.js';
import type { SluiceConfig } from '../config.js';
/** What the supervisor needs of one start of the job (a JobRuntime). */
export interface SupervisedJob {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly finished: Promise<void>;
  readonly stopPhase: string;
  /** Still starting (stop() then ends the start rather than waiting for it). */
  readonly starting: boolean;
  savepoint(dir?: string): Promise<string>;
}
import type { Logger } from '../telemetry/logging.js';
import { restartStrategyFrom } from './strategies.js';
import { Supervisor } from './supervisor.js';

export interface JobSupervisorOptions {
  config: SluiceConfig;
  logger: Logger;
  /** A fresh daemon for start number `attempt` (0 = first). */
  makeJob: (attempt: number) => SupervisedJob;
  /** The job failed and will be restarted in `delayMs` (telemetry: the probes say so). */
  onRestart?: (cause: unknown, delayMs: number) => void;
  clock?: Clock;
  scheduler?: Scheduler;
}

export interface JobSupervisor {
  supervisor: Supervisor;
  /** The daemon running now (for stop phases and status). */
  current(): SupervisedJob | undefined;
  /**
   * Stop the job: the supervisor's stop, plus, while the current daemon is still starting, its own
   * stop at once: the supervisor handles a stop only after a start in progress, and a start can
   * wait minutes for a Kafka that is down.
   */
  stop(): Promise<void>;
}

export function superviseJob(options: JobSupervisorOptions): JobSupervisor {
  const { config, logger } = options;
  let attempt = 0;
  let current: SupervisedJob | undefined;
  const strategy = restartStrategyFrom(config.restart);
  const supervisor = new Supervisor({
    id: 'sluice',
    mode: 'one_for_all',
    strategy,
    clock: options.clock ?? systemClock,
    scheduler: options.scheduler ?? systemScheduler,
    children: [
      {
        id: 'job',
        // A clean exit (a stop, or the end of a bounded input) is the end of the job's work.
        restart: 'transient',
        // Another daemon took the job over (fenced by its producer, or found live at start): a
        // restart would only fight it.
        fatal: (err) => {
          const code = (err as { code?: unknown })?.code;
          return code === ErrorCode.KAFKA_FENCED || code === ErrorCode.KAFKA_GROUP_IN_USE;
        },
        start: async () => {
          const daemon = options.makeJob(attempt++);
          current = daemon;
          await daemon.start();
          return { exited: daemon.finished, stop: () => daemon.stop() };
        },
      },
    ],
    onRestart: (event) => {
      options.onRestart?.(event.cause, event.delayMs);
      logger.warn(
        { failures: event.failures, delayMs: event.delayMs, strategy: strategy.description, cause: event.cause },
        `the job failed; restarting it from the last completed checkpoint in ${event.delayMs} ms`,
      );
    },
    onGiveUp: (err) => logger.error({ err }, 'the restart strategy gave up'),
  });
  return {
    supervisor,
    current: () => current,
    stop: () => {
      if (current?.starting) void current.stop().catch(() => undefined);
      return supervisor.stop();
    },
  };
}
