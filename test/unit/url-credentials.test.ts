/**
 * Credentials in URLs are masked wherever a URL is shown: `maskUrlCredentials` (config errors,
 * `sluice config`, the sinks' log fields), `maskUrlsInText` (error messages), the logger itself,
 * and `sluice status`.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/telemetry/logging.js';
import { formatStatusReport } from '../../src/telemetry/status-command.js';
import { isSecretParam, maskUrlCredentials, maskUrlsInText } from '../../src/url-credentials.js';

test('maskUrlCredentials: a password, a token-only user info, and credential parameters of the query and fragment', () => {
  const cases: Array<[string, string]> = [
    ['redis://user:pw-secret@127.0.0.1:6379', 'redis://user:****@127.0.0.1:6379'],
    ['http://token-secret@es.example:9200', 'http://****@es.example:9200'],
    ['https://ghp_Secret123@host/path', 'https://****@host/path'],
    ['http://es:9200/?password=p1&pretty=true', 'http://es:9200/?password=****&pretty=true'],
    ['http://es:9200/?token=t1', 'http://es:9200/?token=****'],
    ['http://es:9200/?access_token=t2&x=1&api_key=k3', 'http://es:9200/?access_token=****&x=1&api_key=****'],
    ['http://es:9200/?apikey=k4&key=k5&secret=s6&auth=a7', 'http://es:9200/?apikey=****&key=****&secret=****&auth=****'],
    [
      'http://es:9200/?client_secret=s&X-Amz-Signature=sig&sig=s2&pwd=p&pass=p2',
      'http://es:9200/?client_secret=****&X-Amz-Signature=****&sig=****&pwd=****&pass=****',
    ],
    ['http://es:9200/?api%5Fkey=k6', 'http://es:9200/?api%5Fkey=****'],
    ['http://es:9200/#access_token=f1&state=ok', 'http://es:9200/#access_token=****&state=ok'],
    ['rediss://:only-password@h:6380', 'rediss://:****@h:6380'],
    // Nothing secret: unchanged (but for the trailing slash).
    ['redis://127.0.0.1:6379/2?family=4', 'redis://127.0.0.1:6379/2?family=4'],
    ['http://127.0.0.1:9200/', 'http://127.0.0.1:9200'],
    ['not a url at all', '****'],
  ];
  for (const [raw, shown] of cases) assert.equal(maskUrlCredentials(raw), shown, raw);
  for (const name of [
    'token',
    'access_token',
    'api_key',
    'apikey',
    'key',
    'secret',
    'auth',
    'password',
    'passwd',
    'sessionId',
    'Authorization',
    'x-api-key',
  ]) {
    assert.ok(isSecretParam(name), name);
  }
  for (const name of ['family', 'db', 'pretty', 'timeout', 'state', 'page']) assert.ok(!isSecretParam(name), name);
});

test('maskUrlsInText: every URL in a message, parseable or not; other text untouched', () => {
  const text = maskUrlsInText(
    'connect http://tok-1@es:9200/?token=tok-2 failed; retrying redis://u:tok-3@h:6379 (see http://127.0.0.1:9464/metrics)',
  );
  assert.equal(text, 'connect http://****@es:9200/?token=**** failed; retrying redis://u:****@h:6379 (see http://127.0.0.1:9464/metrics)');
  const broken = maskUrlsInText('bad url http://u:tok-4@h:99999/?access_token=tok-5 here');
  assert.ok(!/tok-4|tok-5/.test(broken), broken);
  assert.equal(maskUrlsInText('no url here: a:b@c'), 'no url here: a:b@c');
});

test('the logger masks URL credentials anywhere in a line: messages, fields at any depth, errors; lines stay JSON', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  logger.info('connecting to http://tok-a@es:9200');
  logger.warn({ url: 'http://es:9200/?api_key=tok-b', count: 3 }, 'retrying %s', 'redis://u:tok-c@h');
  logger.error({ err: new Error('request to https://es/?access_token=tok-d failed') }, 'sink failed');
  logger.child({ sink: 'es' }).error(new Error('via http://tok-e@h'));
  logger.info({ details: { node: 'http://tok-f@h', note: 'quoted "http://tok-g@h" and\nhttp://tok-h@h\\' } }, 'nested');
  const out = lines.join('');
  assert.equal(lines.length, 5);
  for (const line of lines) JSON.parse(line);
  for (const secret of ['tok-a', 'tok-b', 'tok-c', 'tok-d', 'tok-e', 'tok-f', 'tok-g', 'tok-h'])
    assert.ok(!out.includes(secret), `${secret} in ${out}`);
  assert.match(out, /"count":3/);
  assert.match(out, /retrying redis:\/\/u:\*\*\*\*@h/);
});

test('sluice status shows the URL it asks without credentials', () => {
  const text = formatStatusReport([], [], 1, { ok: true, detail: 'ok' }, 'http://tok-f@127.0.0.1:9464');
  assert.ok(!text.includes('tok-f'), text);
  assert.match(text, /^sluice at http:\/\/\*\*\*\*@127\.0\.0\.1:9464/);
});
