/**
 * The RxJS pieces sluice's streams use, imported from their own modules rather than from 'rxjs'.
 * The package root loads the whole CommonJS build (every operator, ~110 ms of the main thread's
 * start on the 2-core bench host); these seven load in ~50 ms, and the start is what a short run
 * loses to a bare consumer (docs/decisions/0022-a-two-thread-floor-and-where-sinks-off-loses-to-the-floors.md). `rxjs/internal/*` is in rxjs's exports map;
 * the version is pinned in package-lock.json, and the classes are the very ones the root re-exports.
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subject } from 'rxjs/internal/Subject';
export type { Subscription } from 'rxjs/internal/Subscription';
export type { Subscriber } from 'rxjs/internal/Subscriber';
export { concatMap } from 'rxjs/internal/operators/concatMap';
export { filter } from 'rxjs/internal/operators/filter';
export { map } from 'rxjs/internal/operators/map';
export { from } from 'rxjs/internal/observable/from';
export { merge } from 'rxjs/internal/observable/merge';
