import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  DAEMON_STATES,
  METRIC_NAMES,
  SluiceMetrics,
  mergeSnapshots
} from "./chunk-MGZBEKIB.js";
import "./chunk-4VNCNJCE.js";
import "./chunk-HEGIUYW6.js";
export {
  DAEMON_STATES,
  METRIC_NAMES,
  SluiceMetrics,
  mergeSnapshots
};
