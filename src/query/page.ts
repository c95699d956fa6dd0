/**
 * The live page (GET /): one key's results over the last hour, updating every second, and the top
 * keys of the current window. Plain HTML and JavaScript (no build step, no dependency), for any job:
 * it reads what to show from GET /status (the key's name, what results can be ranked by). The page
 * builds the DOM with textContent only (keys are user data). With SLUICE_QUERY_TOKEN, open it as
 * /#token=<token> (a fragment never reaches a server or a log) or paste the token when asked.
 *
 * A job with several aggregations: a selector picks the aggregation shown (its key, windows and
 * ranking, from /status's `job.aggregations`); every API call names it (`aggregation=`), and
 * `?aggregation=<name>` in the page's address picks it at load (default: the first). Switching
 * aggregation forgets the key (keys of one aggregation mean nothing in another).
 *
 * Windows leave the live state once they fire and their allowed lateness is over; the page keeps
 * the last answer it saw for such a window (marked "fired"), so the hour fills up while it is open.
 */
export const PAGE_HTML = String.raw`<!doctype html>
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
