/** The bearer token check of the live-query API (constant-time digest comparison). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenCheck } from '../../src/query/token.js';

test('no token configured: every request passes', () => {
  const check = tokenCheck(undefined);
  assert.equal(check(undefined), true);
  assert.equal(check('Bearer anything'), true);
});

test('a token configured: only "Bearer <token>" passes', () => {
  const token = 'sq-0123456789abcdef-secret';
  const check = tokenCheck(token);
  assert.equal(check(`Bearer ${token}`), true);
  assert.equal(check(`bearer ${token}`), true, 'the scheme is case-insensitive');
  assert.equal(check(`Bearer  ${token} `), true, 'spaces around the token');
  for (const bad of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Basic ${token}`,
    token,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token.toUpperCase()}`,
    `Bearer ${token} extra`,
  ]) {
    assert.equal(check(bad), false, String(bad));
  }
});
