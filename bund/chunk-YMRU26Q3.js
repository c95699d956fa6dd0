import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/state/digest.js
import { createHash } from "node:crypto";
function canonicalJson(value) {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
  if (Array.isArray(value))
    return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}
function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

export {
  canonicalJson,
  sha256
};
