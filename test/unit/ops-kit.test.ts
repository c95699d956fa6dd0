/**
 * The operations kit in the repo stays true to the code: the alert rules and the Grafana dashboard
 * parse, and every metric they use is one sluice (or prom-client's defaults) exports; the README's
 * configuration table is the one src/config.ts describes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadConfig, VARIABLES } from '../../src/config.js';
import { DaemonTelemetry } from '../../src/telemetry/daemon-telemetry.js';
import { silentLogger } from '../../src/telemetry/logging.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${REPO}${path}`, 'utf8');

const telemetry = new DaemonTelemetry({
  config: loadConfig({ SLUICE_KAFKA_BROKERS: '127.0.0.1:9092', SLUICE_METRICS_PORT: '0' }),
  logger: silentLogger,
  state: () => 'running',
  stats: () => undefined,
});
after(() => telemetry.close());

/** Every series name the endpoint can serve, histogram series included, plus Prometheus's `up`. */
async function exportedNames(): Promise<Set<string>> {
  const text = await telemetry.metrics.exposition();
  const names = new Set<string>(['up']);
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m) continue;
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

/** Metric names in a PromQL expression: sluice's, prom-client's default ones, and `up`. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(sluice_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1] as string);
}

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('operations kit', () => {
  test('alert rules parse, are complete, and use only exported metrics', async () => {
    const doc = parseYaml(read('ops/prometheus/alerts.yml')) as { groups: Array<{ name: string; rules: Rule[] }> };
    const names = await exportedNames();
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.ok(rules.length >= 8);
    const alerts = rules.map((r) => r.alert);
    for (const wanted of [
      'SluiceCheckpointFailing',
      'SluiceConsumerLagGrowing',
      'SluiceRestarting',
      'SluiceBackpressureSustained',
      'SluiceNotReady',
    ]) {
      assert.ok(alerts.includes(wanted), `an alert ${wanted}`);
    }
    assert.equal(new Set(alerts).size, alerts.length, 'alert names are unique');
    for (const rule of rules) {
      assert.ok(rule.alert && rule.expr, 'alert and expr');
      assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), `${rule.alert}: severity`);
      assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert}: summary and description`);
      if (rule.for) assert.match(rule.for, /^\d+[smh]$/, `${rule.alert}: for`);
      const used = metricsIn(rule.expr);
      assert.ok(used.length > 0, `${rule.alert}: uses a metric`);
      for (const name of used) assert.ok(names.has(name), `${rule.alert} uses ${name}, which sluice does not export`);
    }
    // Every alert is explained in the operations guide.
    const guide = read('docs/OPERATIONS.md');
    for (const name of alerts) assert.ok(guide.includes(name as string), `docs/OPERATIONS.md explains ${name}`);
  });

  test('the Grafana dashboard parses and every panel query uses exported metrics', async () => {
    const dash = JSON.parse(read('ops/grafana/sluice-dashboard.json')) as {
      uid: string;
      title: string;
      panels: Array<{ type: string; title: string; id: number; gridPos: object; targets?: Array<{ expr: string }> }>;
    };
    assert.equal(dash.uid, 'sluice-overview');
    const names = await exportedNames();
    const ids = new Set<number>();
    const titles = dash.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of [
      'records in',
      'lag',
      'checkpoint duration',
      'checkpoints completed / failed',
      'backpressured',
      'buffer',
      'memory',
      'restarts',
    ]) {
      assert.ok(titles.includes(topic), `a panel on ${topic}`);
    }
    for (const panel of dash.panels) {
      assert.ok(!ids.has(panel.id), `panel ids are unique (${panel.id})`);
      ids.add(panel.id);
      assert.ok(panel.gridPos, `${panel.title}: gridPos`);
      if (panel.type === 'row') continue;
      assert.ok((panel.targets ?? []).length > 0, `${panel.title}: has queries`);
      for (const target of panel.targets ?? []) {
        for (const name of metricsIn(target.expr))
          assert.ok(names.has(name), `panel "${panel.title}" uses ${name}, which sluice does not export`);
      }
    }
  });

  test("the README's configuration table is src/config.ts's", () => {
    const readme = read('README.md');
    const start = readme.indexOf('| variable | default | meaning |');
    assert.ok(start >= 0);
    const rows = readme
      .slice(start)
      .split('\n')
      .slice(2)
      .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')))
      .map((l) =>
        l
          .split('|')
          .map((c) => c.trim())
          .slice(1, -1),
      );
    const table = new Map(
      rows.map(([name, def, meaning]) => [(name ?? '').replace(/`/g, ''), { def: (def ?? '').replace(/`/g, ''), meaning }]),
    );
    assert.deepEqual([...table.keys()], Object.keys(VARIABLES), 'the same variables, in the same order');
    for (const [name, spec] of Object.entries(VARIABLES) as Array<[string, { default: string | undefined; meaning: string }]>) {
      const row = table.get(name);
      assert.equal(row?.meaning, spec.meaning, `${name}: meaning`);
      if (name !== 'SLUICE_WORKERS') assert.equal(row?.def, spec.default ?? 'unset', `${name}: default`);
    }
  });
});
