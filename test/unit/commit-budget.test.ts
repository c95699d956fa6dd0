import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommitBudget, INITIAL_MICROS_PER_UNIT } from '../../src/state/commit-budget.js';

describe('CommitBudget', () => {
  test('a time budget starts from the large-tree estimate and follows what commits measure', () => {
    const budget = new CommitBudget({ ms: 80 });
    assert.equal(budget.units, (80 * 1000) / INITIAL_MICROS_PER_UNIT, 'before any commit: 8,000 units at 10 µs');
    // A small tree: 8,000 units commit in 8 ms (1 µs per unit), commit after commit.
    for (let i = 0; i < 30; i++) budget.observe(8_000, 8);
    assert.ok(Math.abs(budget.estimatedMicrosPerUnit - 1) < 0.01, `learned ~1 µs per unit, got ${budget.estimatedMicrosPerUnit}`);
    assert.ok(budget.units > 79_000 && budget.units <= 80_000, `so ~80,000 units fit 80 ms, got ${budget.units}`);
    // The tree grew: units cost 30 µs now; the budget shrinks within a few commits.
    for (let i = 0; i < 10; i++) budget.observe(2_000, 60);
    assert.ok(budget.units < 3_000, `80 ms of 30 µs units is ~2,700, got ${budget.units}`);
  });

  test('small commits teach nothing (their fixed cost dominates); odd measurements are bounded', () => {
    const budget = new CommitBudget({ ms: 80 });
    budget.observe(999, 50);
    assert.equal(budget.estimatedMicrosPerUnit, INITIAL_MICROS_PER_UNIT, 'under 1,000 units: ignored');
    budget.observe(5_000, Number.NaN);
    budget.observe(5_000, -1);
    assert.equal(budget.estimatedMicrosPerUnit, INITIAL_MICROS_PER_UNIT, 'a clock that makes no sense: ignored');
    for (let i = 0; i < 100; i++) budget.observe(5_000, 0);
    assert.ok(budget.estimatedMicrosPerUnit >= 0.25, 'instant commits: the estimate stays >= 0.25 µs');
    assert.ok(budget.units <= 320_000, 'so the budget stays finite');
    for (let i = 0; i < 100; i++) budget.observe(1_000, 60_000);
    assert.ok(budget.estimatedMicrosPerUnit <= 100, 'a stalled commit: the estimate stays <= 100 µs');
    assert.ok(budget.units >= 800);
  });

  test('a fixed unit budget ignores measurements', () => {
    const budget = new CommitBudget({ units: 14 });
    budget.observe(10_000, 1);
    budget.observe(10_000, 10_000);
    assert.equal(budget.units, 14);
  });
});
