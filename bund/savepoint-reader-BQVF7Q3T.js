import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  checkCompatible,
  readKeyGroup,
  readSavepoint
} from "./chunk-BJ3PA4SC.js";
import "./chunk-OY2TSX2N.js";
import "./chunk-VFIZNDEH.js";
import "./chunk-YMRU26Q3.js";
import "./chunk-4T5SS3NF.js";
import "./chunk-MBHVQOUX.js";
import "./chunk-5F6N7MD3.js";
import "./chunk-HEGIUYW6.js";
export {
  checkCompatible,
  readKeyGroup,
  readSavepoint
};
