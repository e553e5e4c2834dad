/**
 * deploy/grafana without a running stack: provisioning points at the compose services with no
 * credential written down, every dashboard is loaded by the provider, and every panel has a unit,
 * a description and its data source through the dashboard's `datasource` variable. The queries
 * themselves are run against live data in prometheus-live.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dashboardFiles, loadDashboards, loadProvisioning, promqlQueries, PROVISIONING_DIR, sqlQueries } from './grafana';

const files = loadDashboards();
const panels = files.flatMap(({ file, dashboard }) => dashboard.panels.map((panel) => ({ file, panel, dashboard })));
const datasources = loadProvisioning('datasources').datasources as Record<string, any>[];

/** The seven views docs/operations.md describes. */
const EXPECTED = ['agents.json', 'cache.json', 'jobs-queues.json', 'overview.json', 'runtime.json', 'usage.json', 'webhooks.json'];

describe('provisioning', () => {
  it('has Prometheus, InfluxDB and PostgreSQL at the compose service names', () => {
    const byType = Object.fromEntries(datasources.map((d) => [d.type, d]));
    expect(Object.keys(byType).sort()).toEqual(['grafana-postgresql-datasource', 'influxdb', 'prometheus']);
    expect(byType.prometheus!.url).toBe('http://prometheus:9090');
    expect(byType.influxdb!.url).toBe('http://influxdb:8086');
    expect(byType['grafana-postgresql-datasource']!.url).toBe('postgres:5432');
    expect(byType['grafana-postgresql-datasource']!.user).toBe('grafana_reader');
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
  });

  it('writes no credential: every secret and setting that differs per deployment comes from the environment or a file', () => {
    for (const d of datasources) {
      for (const [key, value] of Object.entries({ ...d.secureJsonData })) {
        expect([key, value]).toEqual([key, expect.stringMatching(/^\$__(env|file)\{[^}]+\}$/)]);
      }
      expect(d.password).toBeUndefined();
      expect(d.basicAuthPassword).toBeUndefined();
    }
    const text = readFileSync(path.join(PROVISIONING_DIR, 'datasources/datasources.yml'), 'utf8');
    expect(text).not.toMatch(/(password|token|secret)\s*:\s*(?!\$__(env|file)\{)\S/i);
  });

  it('loads every dashboard file: one file provider over the whole folder', () => {
    const { providers } = loadProvisioning('dashboards');
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards', foldersFromFilesStructure: false } });
    // A flat folder of .json only: the provider reads each one, and nothing else sits there.
    expect(dashboardFiles()).toEqual(EXPECTED);
    expect(files.map((f) => f.file)).toEqual(EXPECTED);
  });
});

describe('dashboards', () => {
  it('are consistent: unique uids and titles, tag oca, one schema version, a refresh', () => {
    const uids = files.map((f) => f.dashboard.uid);
    expect(new Set(uids).size).toBe(files.length);
    expect(new Set(files.map((f) => f.dashboard.title)).size).toBe(files.length);
    for (const { file, dashboard } of files) {
      expect([file, dashboard.uid]).toEqual([file, `oca-${path.basename(file, '.json')}`]);
      expect(dashboard.tags).toContain('oca');
      expect(dashboard.schemaVersion).toBe(39);
      expect(dashboard.refresh).toBe('30s');
    }
  });

  it('choose their data source through a `datasource` variable of a provisioned type', () => {
    const provisionedTypes = new Set(datasources.map((d) => d.type));
    for (const { file, dashboard } of files) {
      const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
      expect([file, variable?.type]).toEqual([file, 'datasource']);
      expect(provisionedTypes.has(String(variable?.query))).toBe(true);
    }
  });

  it.each(panels.map(({ file, panel, dashboard }) => [`${file}: ${panel.title}`, panel, dashboard]))('%s has a unit, a description and the datasource variable', (_name, panel, dashboard) => {
    const variableType = String(dashboard.templating.list.find((v) => v.name === 'datasource')?.query);
    expect(panel.fieldConfig?.defaults.unit).toEqual(expect.any(String));
    expect(panel.description?.length ?? 0).toBeGreaterThan(20);
    expect(panel.datasource).toEqual({ type: variableType, uid: '${datasource}' });
    expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
    for (const target of panel.targets ?? []) expect(target.datasource).toEqual(panel.datasource);
  });

  it('have unique panel ids per dashboard, and panels that do not overlap', () => {
    for (const { file, dashboard } of files) {
      const ids = dashboard.panels.map((p) => p.id);
      expect([file, new Set(ids).size]).toEqual([file, ids.length]);
      const cells = new Set<string>();
      for (const p of dashboard.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect([file, p.title, cells.has(`${x},${y}`)]).toEqual([file, p.title, false]);
            cells.add(`${x},${y}`);
          }
      }
    }
  });

  it('have a query in every target, and every variable they use has a test value', () => {
    // substitution throws on an unknown variable or macro
    const prom = promqlQueries(files);
    const sql = sqlQueries(files);
    const targets = panels.reduce((n, { panel }) => n + (panel.targets?.length ?? 0), 0);
    expect(prom.length + sql.length).toBe(targets);
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.every((q) => /\banalytics\.usage_daily\b/.test(q.query))).toBe(true);
  });
});
