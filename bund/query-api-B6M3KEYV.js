import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  compareKeys,
  compareRanked,
  describeAggregations,
  describeJob
} from "./chunk-VUDITE4Y.js";
import {
  assignerFor
} from "./chunk-4T5SS3NF.js";
import {
  ErrorCode,
  SluiceError
} from "./chunk-5F6N7MD3.js";
import "./chunk-HEGIUYW6.js";

// dist/src/query/query-server.js
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify from "fastify";

// dist/src/query/cursor.js
var VERSION = 1;
var MAX_CURSOR_CHARS = 4096;
function encodeCursor(windowStart, lastKey, aggregation) {
  const record = aggregation === void 0 ? { v: VERSION, w: windowStart, k: lastKey } : { v: VERSION, w: windowStart, k: lastKey, a: aggregation };
  return Buffer.from(JSON.stringify(record), "utf8").toString("base64url");
}
function decodeCursor(cursor, windowStart, aggregation) {
  const bad = (why) => new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `cursor: ${why}; pass the nextCursor of the previous page unchanged`, {
    details: { param: "cursor" }
  });
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw bad("not a cursor this API made");
  let record;
  try {
    record = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad("not a cursor this API made");
  }
  if (record === null || typeof record !== "object" || Array.isArray(record))
    throw bad("not a cursor this API made");
  const { v, w, k, a } = record;
  if (v !== VERSION || typeof k !== "string" || typeof w !== "number" || a !== void 0 && typeof a !== "string")
    throw bad("not a cursor this API made");
  if (w !== windowStart)
    throw bad(`it belongs to window ${w}, not ${windowStart}`);
  if (a !== aggregation)
    throw bad(a === void 0 ? `it names no aggregation, not ${aggregation}` : `it belongs to aggregation ${a}, not ${aggregation ?? "(none)"}`);
  return k;
}

// dist/src/query/params.js
var LIMITS = {
  /** Longest key accepted (characters, URL-decoded). */
  maxKeyChars: 1024,
  defaultPage: 100,
  maxPage: 1e3,
  defaultTop: 10,
  maxTop: 1e3,
  /** `<map>.<name>`: longest name. */
  maxRankNameChars: 256
};
var MAX_TIME = 864e13;
function badRequest(param, message) {
  return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `${param}: ${message}`, { details: { param } });
}
function shown(raw) {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}...` : raw);
}
function parseInteger(param, raw, fallback, min, max) {
  if (raw === void 0 || raw === "")
    return fallback;
  if (!/^-?\d{1,16}$/.test(raw.trim()))
    throw badRequest(param, `${shown(raw)} is not an integer from ${min} to ${max}`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw badRequest(param, `${shown(raw)} is not an integer from ${min} to ${max}`);
  return n;
}
function parseTime(param, raw, fallback) {
  if (raw === void 0 || raw === "")
    return fallback;
  const text = raw.trim();
  if (/^-?\d{1,16}$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n) && Math.abs(n) <= MAX_TIME)
      return n;
  } else if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms))
      return ms;
  }
  throw badRequest(param, `${shown(raw)} is not a time: give epoch milliseconds (e.g. 1764064800000) or an ISO 8601 date-time (e.g. 2025-11-25T09:20:00Z)`);
}
function parseKey(raw) {
  if (raw === void 0 || raw.length === 0)
    throw badRequest("key", "a key is required (URL-encode it as one path segment)");
  if (raw.length > LIMITS.maxKeyChars)
    throw badRequest("key", `longer than ${LIMITS.maxKeyChars} characters`);
  return raw;
}
function parseRange(rawFrom, rawTo) {
  const from = parseTime("from", rawFrom, 0);
  const to = parseTime("to", rawTo, Number.MAX_SAFE_INTEGER);
  if (from >= to)
    throw badRequest("to", `must be after from (from=${from}, to=${to})`);
  return { from, to };
}
function parseWindowStart(raw, alignMs) {
  const start = parseInteger("start", raw, Number.NaN, -MAX_TIME, MAX_TIME);
  if (Number.isNaN(start))
    throw badRequest("start", "a window start (epoch milliseconds) is required");
  const offset = (start % alignMs + alignMs) % alignMs;
  if (offset !== 0) {
    throw badRequest("start", `${start} is not a window start: windows start at multiples of ${alignMs} ms (the latest window start before ${start} is ${start - offset})`);
  }
  return start;
}
function parseLimit(raw) {
  return parseInteger("limit", raw, LIMITS.defaultPage, 1, LIMITS.maxPage);
}
function parseTopN(raw) {
  return parseInteger("n", raw, LIMITS.defaultTop, 1, LIMITS.maxTop);
}
function parseBy(raw, description) {
  const allowed = [...description.rankFields, ...description.rankMaps.map((m) => `${m}.<name>`)].join(", ") || "(none: this job's results have no numeric field)";
  if (raw === void 0 || raw === "") {
    if (description.defaultRankBy === void 0)
      throw badRequest("by", `required; one of ${allowed}`);
    return description.defaultRankBy;
  }
  if (description.rankFields.includes(raw))
    return raw;
  const dot = raw.indexOf(".");
  if (dot > 0) {
    const field = raw.slice(0, dot);
    const name = raw.slice(dot + 1);
    if (description.rankMaps.includes(field) && name.length > 0 && name.length <= LIMITS.maxRankNameChars)
      return raw;
  }
  throw badRequest("by", `${shown(raw)} is not something to rank by; one of ${allowed}`);
}
function parseAggregation(raw, names, job) {
  const choices = names.join(", ");
  if (raw === void 0 || raw === "")
    throw badRequest("aggregation", `required: job ${job} has several aggregations, name one (?aggregation=<name>): one of ${choices}`);
  const index = names.indexOf(raw);
  if (index < 0)
    throw badRequest("aggregation", `${shown(raw)} is not an aggregation of job ${job}; one of ${choices}`);
  return index;
}
function parseCursor(raw, windowStart, aggregation) {
  if (raw === void 0 || raw === "")
    return void 0;
  return decodeCursor(raw, windowStart, aggregation);
}

// dist/src/query/page.js
var PAGE_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice: live windows</title>
<style>
  :root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #2563eb; --open: #16a34a; --fired: #9333ea; --bg: #f8fafc; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
  header { background: #111827; color: #f9fafb; padding: 12px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header .job { color: #cbd5e1; }
  #freshness { font-size: 12px; color: #cbd5e1; margin-left: auto; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px 20px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  form { display: flex; gap: 8px; margin-bottom: 12px; }
  select { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; background: #fff; }
  input[type=text], input[type=password] { flex: 1; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
  button { padding: 6px 12px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: middle; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { height: 10px; background: var(--accent); border-radius: 3px; min-width: 2px; }
  .status-open { color: var(--open); font-weight: 600; }
  .status-fired { color: var(--fired); }
  .status-final { color: var(--muted); }
  .total { font-size: 28px; font-weight: 700; }
  .muted { color: var(--muted); font-size: 12px; }
  .detail { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; color: var(--muted); word-break: break-all; }
  #error { display: none; margin: 12px 20px 0; padding: 8px 12px; border-radius: 6px; background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
  #token-form { display: none; }
  a.key { color: var(--accent); cursor: pointer; text-decoration: none; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>sluice: live windows</h1>
  <span class="job" id="job">connecting...</span>
  <span id="freshness"></span>
</header>
<div id="error" role="alert"></div>
<main>
  <section id="key-section">
    <form id="key-form">
      <select id="aggregation-select" aria-label="aggregation" style="display:none"></select>
      <input type="text" id="key-input" placeholder="key" aria-label="key" autocomplete="off">
      <button type="submit">Watch</button>
    </form>
    <form id="token-form">
      <input type="password" id="token-input" placeholder="bearer token (SLUICE_QUERY_TOKEN)" aria-label="token" autocomplete="off">
      <button type="submit">Use token</button>
    </form>
    <h2 id="key-title">Pick a key</h2>
    <div><span class="total" id="key-total">-</span> <span class="muted" id="key-total-label"></span></div>
    <table id="key-table" aria-label="windows of the key">
      <thead><tr><th>window</th><th class="num" id="key-value-head">value</th><th></th><th>state</th></tr></thead>
      <tbody></tbody>
    </table>
    <div class="muted" id="key-note"></div>
  </section>
  <section id="top-section">
    <h2 id="top-title">Top of the current window</h2>
    <div class="muted" id="top-window"></div>
    <table id="top-table" aria-label="top keys of the current window">
      <thead><tr><th class="num">#</th><th id="top-key-head">key</th><th class="num" id="top-value-head">value</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script>
(function () {
  'use strict';
  var HOUR = 3600000;
  var POLL_MS = 1000;
  var params = new URLSearchParams(location.search);
  var hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) {
    sessionStorage.setItem('sluice-token', hash.get('token'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  var state = { key: params.get('key') || '', by: params.get('by') || '', aggregation: params.get('aggregation') || '', status: null, seen: {}, updates: 0, timer: 0 };
  var $ = function (id) { return document.getElementById(id); };

  function token() { return sessionStorage.getItem('sluice-token') || ''; }

  /** What is shown: the job (one aggregation), or the aggregation picked (several): key name, windows, ranking. */
  function shape() {
    var job = state.status ? state.status.job : null;
    if (!job || !job.aggregations) return job;
    for (var i = 0; i < job.aggregations.length; i++) if (job.aggregations[i].name === state.aggregation) return job.aggregations[i];
    return job.aggregations[0];
  }

  /** An API path naming the aggregation shown (jobs with several aggregations; unchanged otherwise). */
  function q(path) {
    if (!state.status || !state.status.job.aggregations) return path;
    return path + (path.indexOf('?') < 0 ? '?' : '&') + 'aggregation=' + encodeURIComponent(state.aggregation);
  }

  /** The labels of what is shown (after /status, and when another aggregation is picked). */
  function applyShape() {
    var s = state.status, d = shape();
    if (!state.by) state.by = d.defaultRankBy || '';
    var windows = !s.job.aggregations ? 'windows of ' + span(d.windowMs) :
      d.windowType === 'session' ? 'sessions (gap ' + span(d.windowMs) + ')' :
      d.windowType + ' windows of ' + span(d.windowMs) + (d.slideMs ? ' every ' + span(d.slideMs) : '');
    $('job').textContent = 'job ' + s.job.name + (s.job.aggregations ? ' | aggregation ' + d.name : '') + ' | key: ' + d.keyName + ' | ' + windows + (d.allowedLatenessMs ? ', lateness ' + span(d.allowedLatenessMs) : '');
    $('key-input').placeholder = d.keyName;
    $('top-key-head').textContent = d.keyName;
    $('key-value-head').textContent = state.by || 'value';
    $('top-value-head').textContent = state.by || 'value';
    $('top-title').textContent = 'Top ' + d.keyName + 's of the current window';
  }

  function showAggregations(job) {
    var select = $('aggregation-select');
    clear(select);
    if (!job.aggregations) { select.style.display = 'none'; return; }
    var names = job.aggregations.map(function (a) { return a.name; });
    if (names.indexOf(state.aggregation) < 0) state.aggregation = names[0];
    names.forEach(function (name) {
      var option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      select.appendChild(option);
    });
    select.value = state.aggregation;
    select.style.display = '';
  }

  function api(path) {
    var headers = { accept: 'application/json' };
    if (token()) headers.authorization = 'Bearer ' + token();
    return fetch(path, { headers: headers, cache: 'no-store' }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (!res.ok) {
          var err = new Error((body && body.message) || ('HTTP ' + res.status));
          err.status = res.status;
          throw err;
        }
        return body;
      });
    });
  }

  function time(ms) { return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().slice(11, 19) + 'Z'; }
  function span(ms) {
    if (ms === null || ms === undefined) return '-';
    var s = Math.round(ms / 1000);
    return s < 60 ? s + ' s' : Math.round(s / 60) + ' min';
  }
  function fmt(n) { return typeof n === 'number' ? n.toLocaleString('en-US') : '-'; }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function cell(tr, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }

  /** The number shown for a result: the field ranked by (count for the clickstream job). */
  function valueOf(result) {
    var by = state.by;
    if (!result || typeof result !== 'object' || !by) return undefined;
    var dot = by.indexOf('.');
    if (dot > 0) { var m = result[by.slice(0, dot)]; return m && typeof m[by.slice(dot + 1)] === 'number' ? m[by.slice(dot + 1)] : 0; }
    return typeof result[by] === 'number' ? result[by] : undefined;
  }

  function showError(message) {
    var el = $('error');
    el.textContent = message || '';
    el.style.display = message ? 'block' : 'none';
  }

  function showFreshness(f) {
    if (!f) return;
    $('freshness').textContent = 'watermark ' + time(f.watermark) + (f.watermarkLagMs !== null ? ' (' + span(f.watermarkLagMs) + ' behind the clock)' : '') +
      ' | last checkpoint ' + (f.lastCheckpointAt !== null ? span(f.checkpointAgeMs) + ' ago' : 'none') +
      ' | consumer lag ' + (f.consumerLag !== null ? fmt(f.consumerLag) : '-') +
      ' | job ' + f.jobState + ' | updated ' + time(f.answeredAt);
  }

  function renderKey(answer, now) {
    var f = answer.freshness;
    var from = now - HOUR;
    // Remember every window seen: fired ones leave the live state when their lateness is over.
    var live = {};
    answer.windows.forEach(function (w) { live[w.start] = true; state.seen[w.start] = { w: w, live: true }; });
    Object.keys(state.seen).forEach(function (s) {
      var item = state.seen[s];
      if (item.w.end <= from) { delete state.seen[s]; return; }
      if (!live[s]) item.live = false;
    });
    var starts = Object.keys(state.seen).map(Number).sort(function (a, b) { return b - a; });
    var rows = starts.map(function (s) { return state.seen[s]; });
    var max = 1, total = 0;
    rows.forEach(function (r) { var v = valueOf(r.w.result); if (typeof v === 'number') { total += v; if (v > max) max = v; } });
    $('key-title').textContent = (shape() ? shape().keyName : 'key') + ' ' + state.key + ': the last hour';
    $('key-total').textContent = fmt(total);
    $('key-total-label').textContent = (state.by || 'value') + ' in ' + rows.length + ' window(s) since ' + time(from);
    var tbody = $('key-table').querySelector('tbody');
    clear(tbody);
    rows.forEach(function (r) {
      var w = r.w;
      var v = valueOf(w.result);
      var tr = document.createElement('tr');
      tr.setAttribute('data-start', String(w.start));
      tr.setAttribute('data-live', r.live ? 'true' : 'false');
      cell(tr, time(w.start) + ' - ' + time(w.end));
      cell(tr, typeof v === 'number' ? fmt(v) : JSON.stringify(w.result), 'num value');
      var barCell = cell(tr, '');
      barCell.style.width = '35%';
      var bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = (typeof v === 'number' ? Math.max(1, Math.round((100 * v) / max)) : 0) + '%';
      barCell.appendChild(bar);
      var label = !r.live ? 'fired' : w.final ? 'final' : w.fired ? 'fired, may change' : 'open';
      cell(tr, label, r.live && !w.fired ? 'status-open' : w.final ? 'status-final' : 'status-fired');
      tbody.appendChild(tr);
    });
    $('key-note').textContent = rows.length === 0 ? 'No window of this key is held right now (no event in an open window yet).' :
      'Open windows update as events arrive; fired windows are kept for the allowed lateness, then shown as last seen. State as of watermark ' + time(f.stateWatermark) + '.';
  }

  function renderTop(answer) {
    var tbody = $('top-table').querySelector('tbody');
    clear(tbody);
    $('top-window').textContent = 'window ' + time(answer.window.start) + ' - ' + time(answer.window.end) + ', by ' + answer.by + (answer.window.final ? ' (final)' : '');
    answer.top.forEach(function (t) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-key', t.key);
      cell(tr, String(t.rank), 'num');
      var td = cell(tr, '');
      var a = document.createElement('a');
      a.className = 'key';
      a.textContent = t.key;
      a.href = '?' + (state.status && state.status.job.aggregations ? 'aggregation=' + encodeURIComponent(state.aggregation) + '&' : '') + 'key=' + encodeURIComponent(t.key);
      a.addEventListener('click', function (e) { e.preventDefault(); watch(t.key); });
      td.appendChild(a);
      cell(tr, fmt(t.value), 'num value');
      tbody.appendChild(tr);
    });
    if (answer.top.length === 0) { var tr = document.createElement('tr'); cell(tr, 'no keys in this window yet', 'muted').colSpan = 3; tbody.appendChild(tr); }
  }

  function refresh() {
    var started = Date.now();
    var statusPromise = state.status ? Promise.resolve(state.status) : api('/status').then(function (s) {
      state.status = s;
      showAggregations(s.job);
      applyShape();
      return s;
    });
    return statusPromise.then(function () { return api(q('/windows')); }).then(function (windows) {
      showFreshness(windows.freshness);
      var now = windows.freshness.watermark !== null ? Math.min(Date.now(), windows.freshness.watermark) : Date.now();
      var jobs = [];
      if (windows.current !== null) {
        jobs.push(api(q('/windows/' + windows.current + '/top?n=10' + (state.by ? '&by=' + encodeURIComponent(state.by) : ''))).then(function (top) {
          renderTop(top);
          if (!state.key && top.top.length > 0) { state.key = top.top[0].key; $('key-input').value = state.key; }
        }));
      }
      return Promise.all(jobs).then(function () {
        if (!state.key) return;
        var from = now - HOUR;
        return api(q('/keys/' + encodeURIComponent(state.key) + '/windows?from=' + from)).then(function (answer) { renderKey(answer, now); showFreshness(answer.freshness); });
      });
    }).then(function () {
      showError('');
      state.updates++;
      document.body.setAttribute('data-updates', String(state.updates));
      document.body.setAttribute('data-updated-at', String(started));
    }, function (err) {
      if (err.status === 401) { $('token-form').style.display = 'flex'; showError('This API asks for a bearer token: paste SLUICE_QUERY_TOKEN below (kept in this tab only).'); }
      else showError(err.status === 503 ? 'No job is running right now (starting or restarting): retrying...' : String(err.message || err));
    });
  }

  function loop() {
    refresh().then(function () { state.timer = setTimeout(loop, POLL_MS); });
  }

  function watch(key) {
    state.key = key;
    state.seen = {};
    $('key-input').value = key;
    var url = new URL(location.href);
    url.searchParams.set('key', key);
    history.replaceState(null, '', url.pathname + url.search);
    clearTimeout(state.timer);
    loop();
  }

  $('aggregation-select').addEventListener('change', function () {
    state.aggregation = $('aggregation-select').value;
    state.key = '';
    state.seen = {};
    state.by = '';
    $('key-input').value = '';
    clear($('key-table').querySelector('tbody'));
    $('key-title').textContent = 'Pick a key';
    $('key-total').textContent = '-';
    $('key-total-label').textContent = '';
    $('key-note').textContent = '';
    var url = new URL(location.href);
    url.searchParams.set('aggregation', state.aggregation);
    url.searchParams.delete('key');
    url.searchParams.delete('by');
    history.replaceState(null, '', url.pathname + url.search);
    applyShape();
    clearTimeout(state.timer);
    loop();
  });
  $('key-input').value = state.key;
  $('key-form').addEventListener('submit', function (e) { e.preventDefault(); var k = $('key-input').value.trim(); if (k) watch(k); });
  $('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    sessionStorage.setItem('sluice-token', $('token-input').value.trim());
    $('token-input').value = '';
    $('token-form').style.display = 'none';
    state.status = null;
    clearTimeout(state.timer);
    loop();
  });
  loop();
})();
</script>
</body>
</html>
`;

// dist/src/query/token.js
import { createHash, timingSafeEqual } from "node:crypto";
var BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;
function digest(value) {
  return createHash("sha256").update(value, "utf8").digest();
}
function tokenCheck(token) {
  if (token === void 0)
    return () => true;
  const expected = digest(token);
  return (authorization) => {
    const presented = typeof authorization === "string" ? BEARER.exec(authorization)?.[1] : void 0;
    const actual = digest(presented ?? "");
    return timingSafeEqual(expected, actual) && presented !== void 0;
  };
}

// dist/src/query/query-server.js
var HTTP_STATUS = {
  [ErrorCode.QUERY_BAD_REQUEST]: 400,
  [ErrorCode.QUERY_UNAUTHORIZED]: 401,
  [ErrorCode.QUERY_TOO_BROAD]: 422,
  [ErrorCode.QUERY_RATE_LIMITED]: 429,
  [ErrorCode.QUERY_UNAVAILABLE]: 503,
  [ErrorCode.QUERY_TIMEOUT]: 504
};
var nullableNumber = { type: ["number", "null"] };
var epochMs = (description) => ({ type: "integer", description });
var freshnessSchema = {
  type: "object",
  description: "How fresh the answer is: state as of `stateWatermark` (the last step the window workers applied, write buffers included).",
  required: [
    "answeredAt",
    "jobState",
    "watermark",
    "stateWatermark",
    "watermarkLagMs",
    "lastCheckpointAt",
    "checkpointAgeMs",
    "consumerLag"
  ],
  properties: {
    answeredAt: epochMs("wall clock when answered (epoch ms)"),
    jobState: { type: "string", description: "created, starting, running, stopping, stopped or failed" },
    watermark: { ...nullableNumber, description: "the job's event-time watermark now (epoch ms); null before the first" },
    stateWatermark: { ...nullableNumber, description: "the watermark of the state answered (the oldest of the workers asked)" },
    watermarkLagMs: { ...nullableNumber, description: "answeredAt - watermark" },
    lastCheckpointAt: {
      ...nullableNumber,
      description: "when the last checkpoint completed (epoch ms); null before the first, and without Kafka"
    },
    checkpointAgeMs: { ...nullableNumber, description: "answeredAt - lastCheckpointAt" },
    consumerLag: { ...nullableNumber, description: "records in Kafka not processed yet (all partitions); null when unknown" }
  }
};
var errorSchema = {
  type: "object",
  required: ["statusCode", "code", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    code: {
      type: "string",
      description: "a stable error code: QUERY_BAD_REQUEST, QUERY_UNAUTHORIZED, QUERY_TOO_BROAD, QUERY_RATE_LIMITED, QUERY_UNAVAILABLE, QUERY_TIMEOUT..."
    },
    error: { type: "string" },
    message: { type: "string" }
  }
};
var errors = (...codes) => Object.fromEntries(codes.map((c) => [c, { ...errorSchema, description: HTTP_DESCRIPTIONS[c] ?? "error" }]));
var HTTP_DESCRIPTIONS = {
  400: "a bad parameter (the message names it)",
  401: "SLUICE_QUERY_TOKEN is set and the request has no (or another) bearer token",
  422: "the query would scan more than SLUICE_QUERY_MAX_SCAN entries in a window worker: refused",
  429: "over SLUICE_QUERY_RATE_LIMIT requests per second from this address, or too many queries in flight",
  503: "no job is running (starting, restarting after a failure, stopping)",
  504: "the window workers did not answer within SLUICE_QUERY_TIMEOUT_MS"
};
var windowInfoProperties = {
  start: epochMs("window start (epoch ms)"),
  end: epochMs("window end (epoch ms, exclusive)"),
  final: { type: "boolean", description: "no event can change it any more: the watermark passed end - 1 + the allowed lateness" },
  finalAt: epochMs("the watermark at which it becomes final")
};
var secured = (token) => token ? { security: [{ bearer: [] }] } : {};
var statusAggregationSchema = {
  type: "object",
  required: ["name", "keyName", "keyDescription", "windowMs", "windowType", "allowedLatenessMs", "rankFields", "rankMaps", "defaultRankBy"],
  properties: {
    name: { type: "string", description: "what ?aggregation= names" },
    keyName: { type: "string", description: "what its key is" },
    keyDescription: { type: "string" },
    windowMs: { type: "integer", description: "window size (sessions: the gap)" },
    windowType: { type: "string", enum: ["tumbling", "sliding", "session"] },
    slideMs: { type: "integer", description: "sliding windows only" },
    allowedLatenessMs: { type: "integer" },
    rankFields: { type: "array", items: { type: "string" }, description: "numeric result fields `by` may name" },
    rankMaps: { type: "array", items: { type: "string" }, description: "map-valued result fields: `by` may name <field>.<entry>" },
    defaultRankBy: { type: ["string", "null"] }
  }
};
async function startQueryServer(options) {
  const { service, logger } = options;
  const description = service.description;
  const aggregations = service.aggregations;
  const names = aggregations?.map((a) => a.aggregation?.name ?? "") ?? [];
  const resultSchema = aggregations ? {
    description: `a document of one aggregation of job ${service.job} (the one asked for), as its sinks write it`,
    anyOf: aggregations.map((a) => a.description.resultSchema)
  } : description.resultSchema;
  const keyName = aggregations ? "key" : description.keyName;
  const aggregationParam = aggregations ? {
    aggregation: {
      type: "string",
      maxLength: 200,
      description: `which aggregation, required: one of ${names.join(", ")} (GET /status describes each)`
    }
  } : {};
  const aggregationField = aggregations ? { aggregation: { type: "string", description: "the aggregation answered" } } : {};
  const required = (...fields) => aggregations ? ["aggregation", ...fields] : fields;
  const aggregationOf = (query) => service.scope(query.aggregation);
  const authorized = tokenCheck(options.token);
  const app = Fastify({
    logger: false,
    bodyLimit: 1024,
    routerOptions: { maxParamLength: 1e4 },
    requestTimeout: 3e4,
    keepAliveTimeout: 5e3,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false, verbose: true } },
    schemaErrorFormatter: (errs, dataVar) => {
      const e = errs[0];
      const param = e?.instancePath.replace(/^\//, "") || e?.params?.additionalProperty || e?.params?.missingProperty || dataVar;
      const what = e?.keyword === "additionalProperties" ? `unknown ${dataVar} parameter (allowed: ${Object.keys(e.parentSchema?.properties ?? {}).join(", ") || "none"})` : e?.message ?? "invalid";
      return new SluiceError(ErrorCode.QUERY_BAD_REQUEST, `${param}: ${what}`, { details: { param } });
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: `sluice live queries: job ${description.job}`,
        version: options.version ?? "unknown",
        description: aggregations ? `The live state of every window of job "${service.job}", aggregation by aggregation (${names.join(", ")}: every query names one with ?aggregation=, GET /status describes each one's key and windows), read from the window workers' live state (write buffers included). Results have the shape of the documents the aggregation writes (its Elasticsearch and stdout documents). Every answer says how fresh it is.` : `The live state of every window of job "${description.job}" (key: ${description.keyDescription}), read from the window workers' live state (write buffers included). Results have the shape of the documents the job writes (its Elasticsearch and stdout documents). Every answer says how fresh it is.`
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "SLUICE_QUERY_TOKEN" } } }
    }
  });
  if (options.rateLimit > 0) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimit,
      timeWindow: 1e3,
      errorResponseBuilder: (_req, context) => new SluiceError(ErrorCode.QUERY_RATE_LIMITED, `over ${context.max} requests per second from this address (SLUICE_QUERY_RATE_LIMIT); retry in ${context.after}`)
    });
  }
  app.addHook("onRequest", async (request, reply) => {
    const config = request.routeOptions.config;
    if (config?.public || authorized(request.headers.authorization))
      return;
    reply.header("www-authenticate", 'Bearer realm="sluice"');
    throw new SluiceError(ErrorCode.QUERY_UNAUTHORIZED, "a bearer token is required: Authorization: Bearer <SLUICE_QUERY_TOKEN>");
  });
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
    reply.header("x-content-type-options", "nosniff");
  });
  app.addHook("onResponse", async (request, reply) => {
    logger.debug({
      method: request.method,
      route: request.routeOptions.url ?? "(no route)",
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime)
    }, "query answered");
  });
  app.setErrorHandler((err, _request, reply) => {
    const code = err instanceof SluiceError ? err.code : void 0;
    let status = code && HTTP_STATUS[code] || (typeof err.statusCode === "number" ? err.statusCode : 500) || 500;
    if (status < 400)
      status = 500;
    if (status >= 500 && !code)
      logger.error({ err: { message: err.message, code: err.code } }, "live query failed");
    const body = {
      statusCode: status,
      code: code ?? (status === 400 ? ErrorCode.QUERY_BAD_REQUEST : status === 429 ? ErrorCode.QUERY_RATE_LIMITED : err.code ?? ErrorCode.INTERNAL),
      error: statusText(status),
      message: status >= 500 && !code ? "internal error (see the daemon's log)" : err.message
    };
    if (status === 503 || status === 429)
      reply.header("retry-after", "1");
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      statusCode: 404,
      code: "NOT_FOUND",
      error: "Not Found",
      message: `no ${request.method} ${request.url.split("?")[0]?.slice(0, 100)}: see /openapi.json (GET /status, /windows, /keys/{key}/windows, /windows/{start}/keys, /windows/{start}/top)`
    });
  });
  app.get("/", { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    void reply.type("text/html; charset=utf-8").header("content-security-policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'").header("referrer-policy", "no-referrer");
    return PAGE_HTML;
  });
  app.get("/openapi.json", { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  app.get("/status", {
    schema: {
      summary: "The job, what its API accepts, and how fresh answers are now",
      ...secured(options.token),
      response: {
        200: {
          type: "object",
          required: ["job", "answering", "limits", "freshness"],
          properties: {
            job: {
              type: "object",
              properties: {
                name: { type: "string" },
                keyName: { type: "string", description: "what the key is" },
                windowMs: { type: "integer", description: "window size (sessions: the gap)" },
                windowType: { type: "string", enum: ["tumbling", "sliding", "session"] },
                slideMs: { type: "integer", description: "sliding windows only" },
                allowedLatenessMs: { type: "integer" },
                workers: { type: "integer" },
                rankFields: { type: "array", items: { type: "string" }, description: "numeric result fields `by` may name" },
                rankMaps: {
                  type: "array",
                  items: { type: "string" },
                  description: "map-valued result fields: `by` may name <field>.<entry>"
                },
                defaultRankBy: { type: ["string", "null"] },
                aggregations: {
                  type: "array",
                  items: statusAggregationSchema,
                  description: "a job with several aggregations: each one (name its `name` with ?aggregation= in every query); the job then has no keyName, window or ranking of its own"
                }
              }
            },
            answering: { type: "boolean", description: "a job is running and answers queries" },
            limits: { type: "object", properties: { maxScan: { type: "integer" }, timeoutMs: { type: "integer" } } },
            freshness: freshnessSchema
          }
        },
        ...errors(401, 429)
      }
    }
  }, () => service.status());
  app.get("/windows", {
    schema: {
      summary: "The windows held in state (open, and fired ones kept for the allowed lateness), and the current one",
      ...secured(options.token),
      ...aggregations ? { querystring: { type: "object", additionalProperties: false, properties: aggregationParam } } : {},
      response: {
        200: {
          type: "object",
          required: required("windows", "current", "freshness"),
          properties: {
            ...aggregationField,
            windows: { type: "array", items: { type: "object", properties: windowInfoProperties } },
            current: { ...nullableNumber, description: "start of the window holding the watermark (the next to fire)" },
            freshness: freshnessSchema
          }
        },
        ...errors(401, 429, 503, 504)
      }
    }
  }, (request) => service.windows(aggregationOf(request.query)));
  app.get("/keys/:key/windows", {
    schema: {
      summary: `One ${keyName}'s windows: open ones with their current result, fired ones still held (allowed lateness), each marked final or not`,
      ...secured(options.token),
      params: {
        type: "object",
        required: ["key"],
        properties: {
          key: {
            type: "string",
            minLength: 1,
            maxLength: LIMITS.maxKeyChars,
            description: `${aggregations ? "the aggregation's key" : description.keyDescription} (one URL-encoded path segment)`
          }
        }
      },
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          from: { type: "string", maxLength: 40, description: "windows ending after this time: epoch ms or ISO 8601 (default: all)" },
          to: { type: "string", maxLength: 40, description: "windows starting before this time: epoch ms or ISO 8601 (default: all)" },
          ...aggregationParam
        }
      },
      response: {
        200: {
          type: "object",
          required: required("key", "from", "to", "windows", "freshness"),
          properties: {
            ...aggregationField,
            key: { type: "string" },
            from: { type: "integer" },
            to: { type: "integer" },
            windows: {
              type: "array",
              items: {
                type: "object",
                required: ["start", "end", "fired", "final", "finalAt", "result"],
                properties: {
                  ...windowInfoProperties,
                  fired: { type: "boolean", description: "the result went to the sinks; held for lateness corrections" },
                  result: resultSchema
                }
              }
            },
            freshness: freshnessSchema
          }
        },
        ...errors(400, 401, 429, 503, 504)
      }
    }
  }, (request) => {
    const scope = aggregationOf(request.query);
    const key = parseKey(request.params.key);
    const { from, to } = parseRange(request.query.from, request.query.to);
    return service.keyWindows(key, from, to, scope);
  });
  const startParam = {
    type: "object",
    required: ["start"],
    properties: {
      start: {
        type: "string",
        maxLength: 20,
        pattern: "^-?[0-9]+$",
        description: aggregations ? `window start, epoch ms (a multiple of the aggregation's window size, of its slide for sliding windows, any for sessions: ${aggregations.map((a) => `${a.aggregation?.name} ${a.startAlignMs}`).join(", ")})` : `window start, epoch ms (a multiple of ${service.startAlignMs})`
      }
    }
  };
  app.get("/windows/:start/keys", {
    schema: {
      summary: "A window's keys with their current results, in key order, paged with a cursor",
      ...secured(options.token),
      params: startParam,
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          cursor: { type: "string", maxLength: 4096, description: "nextCursor of the previous page" },
          limit: { type: "string", maxLength: 10, description: `keys per page, 1 to ${LIMITS.maxPage} (default ${LIMITS.defaultPage})` },
          ...aggregationParam
        }
      },
      response: {
        200: {
          type: "object",
          required: required("window", "limit", "keys", "nextCursor", "scanned", "freshness"),
          properties: {
            ...aggregationField,
            window: { type: "object", properties: windowInfoProperties },
            limit: { type: "integer" },
            keys: {
              type: "array",
              items: {
                type: "object",
                required: ["key", "fired", "result"],
                properties: { key: { type: "string" }, fired: { type: "boolean" }, result: resultSchema }
              }
            },
            nextCursor: { type: ["string", "null"], description: "null on the last page" },
            scanned: { type: "integer", description: "entries the workers scanned for this page" },
            freshness: freshnessSchema
          }
        },
        ...errors(400, 401, 422, 429, 503, 504)
      }
    }
  }, (request) => {
    const scope = aggregationOf(request.query);
    const start = parseWindowStart(request.params.start, scope.startAlignMs);
    return service.windowKeys(start, parseCursor(request.query.cursor, start, scope.aggregation?.name), parseLimit(request.query.limit), scope);
  });
  const byChoicesOf = (d) => [...d.rankFields, ...d.rankMaps.map((m) => `${m}.<name>`)].join(", ") || "(none)";
  const byDescription = aggregations ? `what to rank by, per aggregation: ${aggregations.map((a) => `${a.aggregation?.name}: one of ${byChoicesOf(a.description)}${a.description.defaultRankBy ? ` (default ${a.description.defaultRankBy})` : ""}`).join("; ")}` : `one of ${byChoicesOf(description)}${description.defaultRankBy ? ` (default ${description.defaultRankBy})` : ""}`;
  app.get("/windows/:start/top", {
    schema: {
      summary: `A window's top N ${keyName}s by a numeric field of the result`,
      ...secured(options.token),
      params: startParam,
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          by: { type: "string", maxLength: 300, description: byDescription },
          n: { type: "string", maxLength: 10, description: `how many, 1 to ${LIMITS.maxTop} (default ${LIMITS.defaultTop})` },
          ...aggregationParam
        }
      },
      response: {
        200: {
          type: "object",
          required: required("window", "by", "n", "top", "scanned", "freshness"),
          properties: {
            ...aggregationField,
            window: { type: "object", properties: windowInfoProperties },
            by: { type: "string" },
            n: { type: "integer" },
            top: {
              type: "array",
              items: {
                type: "object",
                required: ["rank", "key", "value", "fired", "result"],
                properties: {
                  rank: { type: "integer" },
                  key: { type: "string" },
                  value: { type: ["number", "null"] },
                  fired: { type: "boolean" },
                  result: resultSchema
                }
              }
            },
            scanned: { type: "integer" },
            freshness: freshnessSchema
          }
        },
        ...errors(400, 401, 422, 429, 503, 504)
      }
    }
  }, (request) => {
    const scope = aggregationOf(request.query);
    const start = parseWindowStart(request.params.start, scope.startAlignMs);
    return service.windowTop(start, parseBy(request.query.by, scope.description), parseTopN(request.query.n), scope);
  });
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (err) {
    const e = err;
    await app.close().catch(() => void 0);
    throw new SluiceError(ErrorCode.QUERY_SERVER_FAILED, e.code === "EADDRINUSE" ? `cannot serve live queries on ${options.host}:${options.port}: the port is in use (set SLUICE_QUERY_PORT to a free port, or 0 to turn the API off)` : `cannot serve live queries on ${options.host}:${options.port}: ${e.message}`, { details: { host: options.host, port: options.port } });
  }
  const address = app.server.address();
  app.server.unref();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing;
  return {
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () => closing ??= app.close()
  };
}
function statusText(status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// dist/src/query/merge.js
function mergeKeyPages(pages, limit) {
  const all = pages.flat().sort((a, b) => compareKeys(a.key, b.key));
  return { keys: all.slice(0, limit), more: all.length > limit };
}
function mergeTop(tops, n) {
  return tops.flat().sort(compareRanked).slice(0, n);
}
function mergeStarts(lists) {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

// dist/src/query/query-service.js
var QueryScope = class {
  description;
  windows;
  aggregation;
  constructor(description, windows, aggregation) {
    this.description = description;
    this.windows = windows;
    this.aggregation = aggregation;
  }
  get windowMs() {
    return this.windows.sizeMs;
  }
  /** What window starts are multiples of: the size (tumbling), the slide (sliding), 1 ms (sessions start at an event). */
  get startAlignMs() {
    const spec = this.windows.spec;
    if (spec?.type === "sliding")
      return spec.slideMs;
    if (spec?.type === "session")
      return 1;
    return this.windows.sizeMs;
  }
  get windowType() {
    return this.windows.spec?.type ?? "tumbling";
  }
  /**
   * `end`: the window's own, when known (a key's session); without it, sessions get the earliest a
   * session starting there can end (start + gap), and aligned windows their one end.
   */
  windowInfo(start, watermark, end = start + this.windows.sizeMs) {
    const finalAt = end - 1 + this.windows.allowedLatenessMs;
    return { start, end, final: watermark !== null && finalAt <= watermark, finalAt };
  }
  /** The window shape as /status describes it. */
  describeWindows() {
    return {
      windowMs: this.windows.sizeMs,
      windowType: this.windowType,
      ...this.windowType === "sliding" ? { slideMs: this.startAlignMs } : {},
      allowedLatenessMs: this.windows.allowedLatenessMs
    };
  }
  /** What the worker query carries, and what an answer starts with: the aggregation (jobs with several). */
  get query() {
    return this.aggregation ? { aggregation: this.aggregation.index } : {};
  }
  get answer() {
    return this.aggregation ? { aggregation: this.aggregation.name } : {};
  }
};
var finite = (n) => n !== void 0 && Number.isFinite(n) ? n : null;
var QueryService = class {
  options;
  inFlight = 0;
  now;
  /** A job with one aggregation: its one scope; with several: each aggregation's, in order. */
  scopes;
  constructor(options) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.scopes = options.aggregations ? options.aggregations.map((a, index) => new QueryScope(a.description, a.windows, { index, name: a.name })) : [new QueryScope(options.description, options.windows)];
  }
  /** The job's name. */
  get job() {
    return this.options.aggregations ? this.options.job : this.options.description.job;
  }
  /** A job with several aggregations: each one's scope, in order; a job with one: undefined. */
  get aggregations() {
    return this.options.aggregations ? this.scopes : void 0;
  }
  /**
   * What a request reads. A job with one aggregation: the job (no `aggregation` parameter is
   * accepted). A job with several: the aggregation `name` names; without one, or with a name the
   * job does not have, QUERY_BAD_REQUEST (400) listing the aggregations (no default: see
   * parseAggregation).
   */
  scope(name) {
    const names = this.options.aggregations?.map((a) => a.name);
    if (!names) {
      if (name !== void 0)
        throw badRequest("aggregation", `job ${this.job} has one aggregation: do not name one`);
      return this.scopes[0];
    }
    return this.scopes[parseAggregation(name, names, this.job)];
  }
  /** A job with one aggregation: its description (several: the first aggregation's; each has its own, see `aggregations`). */
  get description() {
    return this.scopes[0].description;
  }
  /** A job with one aggregation: its window size (several: the first aggregation's). */
  get windowMs() {
    return this.scopes[0].windowMs;
  }
  /** A job with one aggregation: what its window starts are multiples of (several: the first aggregation's). */
  get startAlignMs() {
    return this.scopes[0].startAlignMs;
  }
  get windowType() {
    return this.scopes[0].windowType;
  }
  /** One key's windows overlapping [from, to): open ones and fired ones still held. */
  async keyWindows(key, from, to, scope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: "key-windows", key, from, to, ...scope.query });
    const windows = replies.flatMap((r) => answer(r, "key-windows").windows).sort((a, b) => a.start - b.start);
    return {
      ...scope.answer,
      key,
      from,
      to,
      // Each window's own end (a session's is in its entry; aligned windows' is start + size).
      windows: windows.map((w) => ({ ...scope.windowInfo(w.start, freshness.watermark, w.end), fired: w.fired, result: w.result })),
      freshness
    };
  }
  /** A page of a window's keys, in key order, after the cursor's key. */
  async windowKeys(start, after, limit, scope = this.single()) {
    const { replies, freshness } = await this.ask({
      kind: "window-keys",
      start,
      limit,
      maxScan: this.options.maxScan,
      ...after === void 0 ? {} : { after },
      ...scope.query
    });
    const pages = replies.map((r) => answer(r, "window-keys"));
    const { keys, more } = mergeKeyPages(pages.map((p) => p.keys), limit);
    const last = keys[keys.length - 1];
    return {
      ...scope.answer,
      window: scope.windowInfo(start, freshness.watermark),
      limit,
      keys,
      nextCursor: more && last ? encodeCursor(start, last.key, scope.aggregation?.name) : null,
      scanned: pages.reduce((n, p) => n + p.scanned, 0),
      freshness
    };
  }
  /** A window's top `n` keys by `by`. */
  async windowTop(start, by, n, scope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: "window-top", start, by, n, maxScan: this.options.maxScan, ...scope.query });
    const answers = replies.map((r) => answer(r, "window-top"));
    const top = mergeTop(answers.map((a) => a.top), n);
    return {
      ...scope.answer,
      window: scope.windowInfo(start, freshness.watermark),
      by,
      n,
      top: top.map((entry, i) => ({ rank: i + 1, ...entry })),
      scanned: answers.reduce((sum, a) => sum + a.scanned, 0),
      freshness
    };
  }
  /** The windows held in state, and the current one (holding the watermark). */
  async windows(scope = this.single()) {
    const { replies, freshness } = await this.ask({ kind: "windows", ...scope.query });
    const starts = mergeStarts(replies.map((r) => answer(r, "windows").starts));
    const align = scope.startAlignMs;
    const wm = freshness.watermark;
    const current = wm === null ? starts[starts.length - 1] ?? null : scope.windowType === "session" ? starts.filter((s) => s <= wm).pop() ?? null : wm - (wm % align + align) % align;
    return { ...scope.answer, windows: starts.map((s) => scope.windowInfo(s, wm)), current, freshness };
  }
  /**
   * The job, its API description, and how fresh answers are now (no worker is asked). A job with
   * several aggregations: `job.aggregations` describes each (its key, windows, lateness and what
   * ranks it) in place of the one key, window and ranking of a job with one.
   */
  async status() {
    const target = this.options.current();
    const ranking = (d) => ({ rankFields: d.rankFields, rankMaps: d.rankMaps, defaultRankBy: d.defaultRankBy ?? null });
    const single = this.options.aggregations ? void 0 : this.scopes[0];
    return {
      job: single ? {
        name: single.description.job,
        keyName: single.description.keyName,
        ...single.describeWindows(),
        workers: this.options.workers,
        ...ranking(single.description)
      } : {
        name: this.job,
        workers: this.options.workers,
        aggregations: this.scopes.map((scope) => ({
          name: scope.aggregation?.name ?? "",
          keyName: scope.description.keyName,
          keyDescription: scope.description.keyDescription,
          ...scope.describeWindows(),
          ...ranking(scope.description)
        }))
      },
      answering: target?.state === "running",
      limits: { maxScan: this.options.maxScan, timeoutMs: this.options.timeoutMs },
      freshness: await this.freshness(target, void 0)
    };
  }
  /** A job with one aggregation: see QueryScope.windowInfo (several: the first aggregation's windows). */
  windowInfo(start, watermark) {
    return this.scopes[0].windowInfo(start, watermark);
  }
  /** The scope of a call that names none: a job with one aggregation's; refused for a job with several. */
  single() {
    return this.scope(void 0);
  }
  async ask(query) {
    const target = this.options.current();
    if (target?.state !== "running") {
      throw new SluiceError(ErrorCode.QUERY_UNAVAILABLE, `no job is running to answer (${target ? `the job is ${target.state}` : "the job has not started"}); try again shortly`, { retriable: true });
    }
    const max = this.options.maxInFlight ?? 64;
    if (this.inFlight >= max)
      throw new SluiceError(ErrorCode.QUERY_RATE_LIMITED, `${max} queries are in flight already; try again shortly`, { retriable: true });
    this.inFlight++;
    try {
      const replies = await target.query(query, this.options.timeoutMs);
      return { replies, freshness: await this.freshness(target, replies) };
    } finally {
      this.inFlight--;
    }
  }
  async freshness(target, replies) {
    const answeredAt = this.now();
    const watermark = finite(target?.stats()?.watermark);
    const stateWatermark = replies && replies.length > 0 ? finite(Math.min(...replies.map((r) => r.watermark))) : null;
    const [checkpointAt, lag] = await Promise.all([
      this.options.sources.lastCheckpointAt().catch(() => void 0),
      this.options.sources.consumerLag().catch(() => void 0)
    ]);
    const lastCheckpointAt = finite(checkpointAt);
    return {
      answeredAt,
      jobState: target?.state ?? "created",
      watermark,
      stateWatermark,
      watermarkLagMs: watermark === null ? null : answeredAt - watermark,
      lastCheckpointAt,
      checkpointAgeMs: lastCheckpointAt === null ? null : answeredAt - lastCheckpointAt,
      consumerLag: finite(lag)
    };
  }
};
function answer(reply, kind) {
  if (reply.answer.kind !== kind)
    throw new SluiceError(ErrorCode.INTERNAL, `worker ${reply.workerIndex} answered a ${reply.answer.kind} query to a ${kind} query`);
  return reply.answer;
}

// dist/src/query/query-api.js
async function startQueryApi(options) {
  const settings = options.config.query;
  if (!settings || settings.port === 0)
    return void 0;
  const metrics = options.telemetry.metrics;
  const job = options.job;
  const descriptions = job.aggregations ? describeAggregations(job) : void 0;
  const shape = job.aggregations ? {
    job: job.name,
    aggregations: job.aggregations.map((a, i) => ({
      name: a.name,
      description: descriptions?.[i],
      windows: { sizeMs: assignerFor(a.window).sizeMs, allowedLatenessMs: a.allowedLatenessMs, spec: a.window }
    }))
  } : {
    description: describeJob(job, options.config.windows.sizeMs),
    windows: { ...options.config.windows, spec: job.window ?? { type: "tumbling", sizeMs: options.config.windows.sizeMs } }
  };
  const service = new QueryService({
    current: options.current,
    ...shape,
    maxScan: settings.maxScan,
    timeoutMs: settings.timeoutMs,
    workers: options.config.workers,
    sources: {
      lastCheckpointAt: async () => {
        const seconds = (await metrics.checkpointLastCompleted.get()).values[0]?.value;
        return seconds ? seconds * 1e3 : void 0;
      },
      consumerLag: async () => {
        const values = (await metrics.consumerLag.get()).values;
        return values.length > 0 ? values.reduce((sum, v) => sum + v.value, 0) : void 0;
      }
    }
  });
  const logger = options.logger.child({ component: "query-api" });
  const server = await startQueryServer({
    port: settings.port,
    host: settings.host,
    ...settings.token ? { token: settings.token } : {},
    rateLimit: settings.rateLimit,
    service,
    logger,
    ...options.version ? { version: options.version } : {}
  });
  logger.info({
    url: server.url,
    openapi: `${server.url}/openapi.json`,
    token: settings.token ? "required" : "none",
    maxScan: settings.maxScan,
    rateLimit: settings.rateLimit
  }, "serving live queries");
  return server;
}
export {
  startQueryApi
};
