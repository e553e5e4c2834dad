/**
 * deploy/prometheus, checked with Debian's promtool (CI installs the `prometheus` package): the
 * config and the alert rules are valid, every alert's unit test passes, and each test file really
 * depends on its rule (it fails against a copy whose expressions never / always fire). Every alert
 * carries a severity, a summary, a description and a runbook link to a section of
 * docs/operations.md that exists.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ALERTS_FILE,
  alertBlocks,
  expectSuccess,
  headingAnchors,
  promtool,
  promtoolAsync,
  replaceExpressions,
  ruleTestFiles,
  RUNBOOK_FILE,
  TESTS_DIR,
} from './promtool';

const testFiles = ruleTestFiles();
const alerts = alertBlocks();

describe('promtool', () => {
  it('accepts prometheus.yml (and the rule files it names)', () => {
    expectSuccess(promtool(['check', 'config', 'prometheus.yml']));
  });

  it('accepts alerts.yml', () => {
    expectSuccess(promtool(['check', 'rules', 'alerts.yml']));
  });

  it('passes every rule unit test in deploy/prometheus/tests', () => {
    expect(testFiles.length).toBeGreaterThan(0);
    expectSuccess(promtool(['test', 'rules', ...testFiles.map((f) => path.join('tests', f))]));
  });
});

describe('rule tests depend on the rules', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oca-promtool-'));
    mkdirSync(path.join(dir, 'tests'));
    for (const f of testFiles) copyFileSync(path.join(TESTS_DIR, f), path.join(dir, 'tests', f));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Never firing breaks each file's "fires" case; always firing (without the series' labels)
  // breaks its "stays quiet" case.
  it.each([
    ['never fires', 'vector(1) == 0'],
    ['always fires', 'vector(1)'],
  ])('each test file fails when every alert %s', async (_what, replacement) => {
    writeFileSync(path.join(dir, 'alerts.yml'), replaceExpressions(readFileSync(ALERTS_FILE, 'utf8'), replacement));
    expectSuccess(promtool(['check', 'rules', 'alerts.yml'], dir));
    const results = await Promise.all(testFiles.map((f) => promtoolAsync(['test', 'rules', path.join('tests', f)], dir)));
    expect(results.some((r) => r.status === null)).toBe(false);
    const passing = testFiles.filter((_f, i) => results[i]?.status === 0);
    expect(passing).toEqual([]);
  });
});

describe('alerts.yml', () => {
  const runbookAnchors = headingAnchors(readFileSync(RUNBOOK_FILE, 'utf8'));
  const tested = new Set(
    testFiles.flatMap((f) => [...readFileSync(path.join(TESTS_DIR, f), 'utf8').matchAll(/alertname: (\S+)/g)].map((m) => m[1])),
  );

  it('has alerts', () => {
    expect(alerts.length).toBeGreaterThan(10);
  });

  it.each(alerts.map((a) => [a.name, a.text]))('%s has severity, summary, description, a runbook section and a test', (name, text) => {
    expect(text).toMatch(/^\s+severity: (critical|warning)$/m);
    expect(text).toMatch(/^\s+summary: \S/m);
    expect(text).toMatch(/^\s+description: \S/m);
    const anchor = /^\s+runbook_url: docs\/operations\.md#(\S+)$/m.exec(text)?.[1];
    expect(anchor).toBe(name.toLowerCase());
    expect(runbookAnchors.has(anchor!)).toBe(true);
    expect(tested.has(name)).toBe(true);
  });
});
