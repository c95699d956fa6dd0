import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/streams/operators/window-assigners.js
var MAX_WINDOWS_PER_EVENT = 1e3;
function floorMod(n, m) {
  return (n % m + m) % m;
}
function assignerFor(spec) {
  switch (spec.type) {
    case "tumbling": {
      const size = spec.sizeMs;
      return {
        spec,
        merging: false,
        sizeMs: size,
        assign(timestamp) {
          const start = timestamp - floorMod(timestamp, size);
          return [{ start, end: start + size }];
        },
        lastEnd: (timestamp) => timestamp - floorMod(timestamp, size) + size,
        endOf: (start) => start + size
      };
    }
    case "sliding": {
      const { sizeMs: size, slideMs: slide } = spec;
      return {
        spec,
        merging: false,
        sizeMs: size,
        assign(timestamp) {
          const windows = [];
          const lastStart = timestamp - floorMod(timestamp, slide);
          for (let start = lastStart; start > timestamp - size; start -= slide)
            windows.push({ start, end: start + size });
          return windows.reverse();
        },
        lastEnd: (timestamp) => timestamp - floorMod(timestamp, slide) + size,
        endOf: (start) => start + size
      };
    }
    case "session": {
      const gap = spec.gapMs;
      return {
        spec,
        merging: true,
        sizeMs: gap,
        assign: (timestamp) => [{ start: timestamp, end: timestamp + gap }],
        lastEnd: (timestamp) => timestamp + gap,
        endOf: () => {
          throw new Error("session windows have no fixed size: their end is kept with their state");
        }
      };
    }
  }
}
function windowSpecProblem(spec) {
  const positive = (n) => Number.isSafeInteger(n) && n > 0;
  switch (spec.type) {
    case "tumbling":
      return positive(spec.sizeMs) ? void 0 : "the size must be a positive whole number of milliseconds";
    case "sliding":
      if (!positive(spec.sizeMs) || !positive(spec.slideMs))
        return "size and slide must be positive whole numbers of milliseconds";
      if (spec.slideMs > spec.sizeMs)
        return `the slide (${spec.slideMs} ms) is longer than the size (${spec.sizeMs} ms): events between two windows would belong to none`;
      if (Math.ceil(spec.sizeMs / spec.slideMs) > MAX_WINDOWS_PER_EVENT)
        return `size / slide is ${Math.ceil(spec.sizeMs / spec.slideMs)}: each event would be counted in that many windows (at most ${MAX_WINDOWS_PER_EVENT})`;
      return void 0;
    case "session":
      return positive(spec.gapMs) ? void 0 : "the gap must be a positive whole number of milliseconds";
  }
}
function describeWindow(spec) {
  switch (spec.type) {
    case "tumbling":
      return `tumbling ${spec.sizeMs} ms`;
    case "sliding":
      return `sliding ${spec.sizeMs} ms every ${spec.slideMs} ms`;
    case "session":
      return `session gap ${spec.gapMs} ms`;
  }
}

export {
  assignerFor,
  windowSpecProblem,
  describeWindow
};
